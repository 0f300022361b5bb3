// KB evaluation: queries with known relevant documents against an index file → P@1, MRR,
// recall@3 and per-query latency (what `autotriage kb eval` prints).
//
// Cold start (history_folds 0): the index is searched as it is. History (history_folds N ≥ 2):
// the queries are split into N folds by position (query i is in fold i mod N); for each fold, the
// other folds' queries are added as linked text to their relevant articles — as a helpdesk
// accumulates tickets whose agents cited an article — and the fold is evaluated; figures are
// the mean over all queries. Either way the index file is only read: the search runs on an
// in-memory copy.
// Settings are the KbIndexOptions passed in (a-priori defaults unless the caller chose others);
// nothing is tuned on the queries.
// Latency: wall time of Search(query, 3) per query after one untimed pass over the first 50
// queries; ranks come from a separate Search(query, 100), so MRR is cut at rank 100.
// Errors: an unreadable or malformed queries file → kInvalidArgument / kNotFound naming the line;
// index errors as KbIndex::OpenInMemoryCopy.
// Thread-safety: pure apart from reading the files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/knowledge/kb_index.h"

namespace autotriage {

struct KbEvalQuery {
  std::string query;
  std::vector<std::string> relevant;  // document ids
};

struct KbEvalResult {
  std::string mode;  // "cold" or "history-folds-N"
  int queries = 0;
  int64_t documents = 0;
  double p_at_1 = 0;
  double mrr = 0;
  double recall_at_3 = 0;  // share of a query's relevant documents in its top 3, averaged
  double latency_p50_ms = 0;
  double latency_p99_ms = 0;
  int relevant_missing = 0;  // relevant ids that are not in the index
};

// JSON lines {"query": "...", "relevant": ["id", ...]}; blank lines are skipped.
Result<std::vector<KbEvalQuery>> LoadKbEvalQueries(const std::string& path);

Result<KbEvalResult> EvaluateKb(const std::string& index_path,
                                const std::vector<KbEvalQuery>& queries, int history_folds,
                                const KbIndexOptions& options = {});

}  // namespace autotriage
