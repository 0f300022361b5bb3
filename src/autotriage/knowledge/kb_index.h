// KbIndex: the knowledge-base search index. Articles (from a helpdesk's solutions or a folder of
// Markdown files) are kept in one SQLite file (articles, their stems in an FTS5 table, dense
// vectors); Search ranks with our own BM25F over postings held in memory, mixed with the vectors.
//
// Text is stemmed by us (libstemmer, per document language), so German and English articles are
// both stemmed properly and a query is stemmed with the same stemmer.
// Linked text: words of resolved tickets whose agent cited an article. They are evidence a
// helpdesk accumulates over time ("tickets like this were answered by this article") and are
// ranked as a third field with its own weight.
// Ranking: BM25F over title, body and linked text (kb_bm25.h), built in memory when the index is
// opened and kept up to date by every write; only documents sharing a query term are scored.
// Dense vectors: fastText skip-gram trained in-process (fixed seed, one thread, so results
// repeat) on the articles plus optional extra texts such as ticket history; a document vector
// is the IDF-weighted mean of its word vectors; similarity is the cosine, brute force.
// Hybrid score: BM25F scores of a query are scaled to [0, 1] by the best hit, then
// score = bm25_scaled + dense_weight * cosine (candidates: the BM25F top 100, plus the dense top
// 20 when dense_weight > 0). Without vectors (not built, or `vectors: false`) or with
// dense_weight 0 (the default) the score is bm25_scaled alone.
// Relevance floor: every hit also gets an absolute relevance (the share of the query's
// information it matches; see KbHit); hits below min_relevance are not returned, so an unrelated
// ticket gets no articles rather than the least bad ones.
//
// Errors: Open on a file that is not an index, or an index with a newer format → kCorruption /
// kFailedPrecondition with the path; invalid search options → kInvalidArgument naming the
// option. A huge article is indexed up to max_body_bytes of body text (the rest ignored, never
// an error); an empty query or an empty index gives no hits.
// Thread-safety: all methods are safe to call from many threads at once (writes are serialised;
// Search runs concurrently with other Searches).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

struct KbDocument {
  std::string id;            // unique in the index, "<source>:<native id>": "freshdesk:42"
  std::string source;        // "freshdesk", "freshservice", "markdown", ...
  std::string title;         // plain text
  std::string body_text;     // plain text (sync converts HTML; scripts and styles are dropped)
  std::string url;           // where an agent opens it; may be empty
  std::string language;      // ISO 639-1 ("en", "de"); "" = KbIndexOptions::default_language
  int64_t updated_at = 0;    // Unix seconds, as the source reports it
  std::string content_hash;  // set by sync; lets an incremental sync skip unchanged documents
};

// What List returns: enough for an incremental sync to decide.
struct KbDocumentInfo {
  std::string id;
  std::string source;
  int64_t updated_at = 0;
  std::string content_hash;
};

struct KbHit {
  std::string id;
  std::string title;
  std::string url;
  std::string snippet;     // up to ~200 characters of plain text around the best match
  double score = 0;        // the hybrid score; hits are sorted by it, highest first
  double bm25_score = 0;   // BM25F scaled to [0, 1] by the best hit of this query
  double dense_score = 0;  // cosine of query and document vectors; 0 without vectors
  // Absolute, in [0, 1]: how much of the query the article answers, the idf-weighted share of
  // the query's 6 most informative terms it holds (title words count more than body words;
  // kb_bm25.h). Lexical only: a hit found by the vectors alone has 0. Comparable across queries;
  // min_relevance applies to it.
  double relevance = 0;
};

// How Search ranks and filters. The defaults were chosen by 5-fold cross-validation over the
// StackFAQ queries (the median of the folds' choices; docs/knowledge.md). body_weight is the unit
// the other weights are relative to. The large k1 with a heavy title makes BM25F nearly linear
// in body counts while a title match dominates, which is what FAQ-style articles reward.
struct KbSearchOptions {
  double k1 = 8.0;             // BM25F term-frequency saturation, > 0
  double title_weight = 15.0;  // BM25F field weights, >= 0
  double body_weight = 1.0;
  double linked_weight = 8.0;
  double title_b = 0.75;  // BM25F length normalisation per field, in [0, 1]
  double body_b = 0.75;
  double linked_b = 0.75;
  // Weight of the dense cosine in the hybrid score; 0 = BM25F only (the cosine is still reported
  // in KbHit::dense_score when vectors exist). Cross-validation found no gain from the vectors.
  double dense_weight = 0.0;
  // Hits with a lower KbHit::relevance are dropped; 0 keeps all. The default is the highest floor
  // that cost the training folds at most 0.005 of recall@3.
  double min_relevance = 0.155;
};

struct KbIndexOptions : KbSearchOptions {
  std::string default_language = "en";
  int vector_dim = 100;
  int vector_epochs = 20;
  size_t max_body_bytes = 256 * 1024;  // longer bodies are indexed up to this size
};

class KbIndex {
 public:
  virtual ~KbIndex() = default;

  // Opens or creates the index at `path` (":memory:" for a private in-memory index).
  static Result<std::unique_ptr<KbIndex>> Open(const std::string& path, KbIndexOptions options);
  // A private in-memory copy of the index file at `path` (which is only read): evaluations can
  // add and clear linked text without touching the file. Errors as for Open; a missing file is
  // kNotFound.
  static Result<std::unique_ptr<KbIndex>> OpenInMemoryCopy(const std::string& path,
                                                           KbIndexOptions options);

  // Inserts or replaces documents by id, in one transaction. A document without id or title is
  // kInvalidArgument naming its position; nothing of the batch is written then.
  virtual Status Upsert(const std::vector<KbDocument>& documents) = 0;
  // Removes a document and its linked text; removing an absent id is OK.
  virtual Status Remove(const std::string& id) = 0;
  // Documents of one source ("" = all), sorted by id.
  virtual Result<std::vector<KbDocumentInfo>> List(const std::string& source) const = 0;
  // Whether the id is in the index now (the citation check before a note is written).
  virtual Result<bool> Contains(const std::string& id) const = 0;
  virtual Result<int64_t> Count() const = 0;

  // Adds text of a resolved ticket that cited document `id` (kNotFound if absent).
  virtual Status AddLinkedText(const std::string& id, std::string_view text) = 0;
  // Drops all linked text (for evaluation folds).
  virtual Status ClearLinkedText() = 0;

  // Trains the word vectors on every document plus `extra_corpus` and stores document vectors;
  // later Upserts get vectors from the stored word vectors. An index with fewer than 2 documents
  // keeps no vectors (search is bm25 only).
  virtual Status BuildVectors(const std::vector<std::string>& extra_corpus) = 0;

  // The best `k` documents for a free-text query (a ticket's subject and body work too), ranked
  // with the options the index was opened with, or with `options` (evaluations and tuning).
  virtual Result<std::vector<KbHit>> Search(std::string_view query, int k) const = 0;
  virtual Result<std::vector<KbHit>> Search(std::string_view query, int k,
                                            const KbSearchOptions& options) const = 0;
};

}  // namespace autotriage
