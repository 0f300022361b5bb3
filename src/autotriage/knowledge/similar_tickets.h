// SimilarTickets: the nearest resolved tickets from history, with how they were resolved.
//
// Built once from a list of resolved tickets (the helpdesk's own history, or a labelled file in
// the benchmark); queried with a ticket's text. Similarity is the cosine of TF-IDF vectors of
// stemmed words (sublinear tf, smoothed IDF from the history). Candidates come from an inverted
// index walked for the query's rarest terms only; the best of them are then re-scored with the
// exact cosine over all the query's terms, so a query costs well under a millisecond on 40,000
// tickets. Text containing '<' or '&' is read as HTML. A ticket's language picks its stemmer
// (the query's, and that of history tickets without one, is guessed: English or German).
// Class-aware ranking: when the caller passes the label the classifier predicted for the query
// (with its confidence), neighbours carrying that label are ranked first (score + label_boost *
// confidence); agents want precedents from the queue the ticket is going to. With no preferred
// label the ranking is the plain cosine.
// Thread-safety: immutable after Build; Find is safe from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

struct HistoryTicket {
  std::string id;
  std::string subject;
  std::string text;         // plain text the similarity is computed on (subject + description)
  std::string label;        // the field the history is labelled by, usually the group
  std::string resolution;   // how it was resolved (last agent reply or note), plain text
  std::string resolved_by;  // agent id or e-mail; may be empty
  std::string language;     // ISO 639-1 or ""
  int64_t resolved_at = 0;
};

struct SimilarHit {
  std::string id;
  std::string subject;
  std::string label;
  std::string resolution;  // shortened to ~300 characters
  double score = 0;        // cosine in [0, 1] (before the label boost)
};

struct SimilarOptions {
  double label_boost = 1.0;  // added score * confidence for neighbours with the preferred label
  double min_score = 0.05;   // neighbours below this cosine are not returned
  int max_query_terms = 32;  // the rarest terms of a query that are looked up
};

class SimilarTickets {
 public:
  // An empty history is fine (Find then returns nothing).
  static std::unique_ptr<SimilarTickets> Build(std::vector<HistoryTicket> history,
                                               SimilarOptions options);
  virtual ~SimilarTickets() = default;

  // Top k, best first. preferred_label "" = none.
  virtual std::vector<SimilarHit> Find(std::string_view text, int k,
                                       const std::string& preferred_label = "",
                                       double confidence = 1.0) const = 0;
  virtual size_t size() const = 0;
};

}  // namespace autotriage
