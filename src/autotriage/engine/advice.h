// Advisor: the knowledge half of a proposal. For one ticket it finds the KB articles that
// probably answer it, the most similar resolved tickets and how they were solved, the agents who
// should take it (with reasons) and an extractive summary: what an agent reads on the approval
// card and in the internal note.
//
// Sources are snapshots: the KB index, the similar-ticket index and the assignee recommender are
// rebuilt elsewhere (KB sync, history reload) and swapped in with Replace; Advise works on the
// snapshot it started with, so a reload never blocks or tears a running triage.
// Any source may be absent (not configured, or failed to load): that part of the advice is empty
// and `notes` says why, so the card never silently shows less.
// AdviceJson shape (stored in AdviceRecord::advice_json, read by the dashboard and `suggest`):
//   {"articles": [{"id","title","url","snippet","score"}],
//    "similar": [{"id","subject","label","resolution","score"}],
//    "assignees": [{"agent_id","name","email","score","reason"}],
//    "summary": "...", "notes": ["..."], "query": {"group","category","language"}}
// Thread-safety: Advise is safe from many threads, also concurrently with Replace.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/core/ticket.h"
#include "autotriage/knowledge/kb_index.h"
#include "autotriage/knowledge/similar_tickets.h"
#include "autotriage/routing/assignee.h"

namespace autotriage {

struct AdvisorSources {
  std::shared_ptr<const KbIndex> kb;                   // nullptr: no KB configured
  std::shared_ptr<const SimilarTickets> similar;       // nullptr: no history loaded
  std::shared_ptr<const AssigneeRecommender> routing;  // nullptr: routing disabled
  // Current open tickets per agent; called once per Advise (the caller caches it).
  std::function<Workload()> workload;
  std::vector<std::string> load_notes;  // why a source is missing, shown in every advice
  int kb_results = 3;
  int similar_results = 3;
};

// What triage knows when it asks: the classifier's view of the ticket.
struct AdviceQuery {
  std::string group;            // predicted group when confident, else the ticket's own
  double group_confidence = 0;  // 0..1; 1 for a group a human set
  std::string category;         // predicted or current category; "" = unknown
  int64_t now = 0;              // Unix seconds
};

struct TicketAdvice {
  std::vector<KbHit> articles;
  std::vector<SimilarHit> similar;
  std::vector<AssigneeSuggestion> assignees;
  std::string summary;
  std::vector<std::string> notes;
  AdviceQuery query;
};

class Advisor {
 public:
  explicit Advisor(AdvisorSources sources);

  void Replace(AdvisorSources sources);
  TicketAdvice Advise(const Ticket& ticket, const AdviceQuery& query) const;
  // Whether a KB article is still in the index (citations are checked before a note is posted).
  bool ArticleExists(const std::string& id) const;
  // The best `k` KB articles for free text (a recurring issue's representative ticket), above
  // the KB's relevance floor; empty without a KB or when the search fails.
  std::vector<KbHit> SearchKb(const std::string& text, int k) const;

 private:
  std::shared_ptr<const AdvisorSources> Snapshot() const;

  mutable std::mutex mutex_;
  std::shared_ptr<const AdvisorSources> sources_;
};

std::string AdviceJson(const TicketAdvice& advice);
// The inverse of AdviceJson, for notes built later from stored advice (approvals). Missing keys
// stay empty; unknown keys (such as "note_draft") are ignored. kCorruption when `json` is not a
// JSON object or a known key has the wrong type.
Result<TicketAdvice> ParseAdviceJson(const std::string& json);

}  // namespace autotriage
