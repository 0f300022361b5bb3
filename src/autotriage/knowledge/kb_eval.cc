#include "autotriage/knowledge/kb_eval.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

namespace autotriage {
namespace {

constexpr int kTimedK = 3;
constexpr int kRankDepth = 100;
constexpr size_t kWarmupQueries = 50;

struct Tally {
  double p_at_1 = 0;
  double reciprocal_rank = 0;
  double recall_at_3 = 0;
  int queries = 0;
  std::vector<double> latencies_ms;
};

Status EvaluateQueries(const KbIndex& index, const std::vector<KbEvalQuery>& queries,
                       const std::vector<size_t>& which, Tally* tally) {
  for (size_t i = 0; i < std::min(which.size(), kWarmupQueries); ++i) {
    (void)index.Search(queries[which[i]].query, kTimedK);
  }
  for (size_t i : which) {
    const KbEvalQuery& q = queries[i];
    const auto start = std::chrono::steady_clock::now();
    Result<std::vector<KbHit>> timed = index.Search(q.query, kTimedK);
    tally->latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!timed.ok()) {
      return timed.status();
    }
    Result<std::vector<KbHit>> ranked = index.Search(q.query, kRankDepth);
    if (!ranked.ok()) {
      return ranked.status();
    }
    const std::set<std::string> relevant(q.relevant.begin(), q.relevant.end());
    int found_in_3 = 0;
    for (size_t rank = 0; rank < ranked->size(); ++rank) {
      if (relevant.count((*ranked)[rank].id) == 0) {
        continue;
      }
      if (rank < 3) {
        ++found_in_3;
      }
    }
    for (size_t rank = 0; rank < ranked->size(); ++rank) {
      if (relevant.count((*ranked)[rank].id) > 0) {
        tally->reciprocal_rank += 1.0 / static_cast<double>(rank + 1);
        tally->p_at_1 += rank == 0 ? 1 : 0;
        break;
      }
    }
    tally->recall_at_3 += relevant.empty() ? 0 : static_cast<double>(found_in_3) / relevant.size();
    ++tally->queries;
  }
  return Status::Ok();
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const size_t index = std::min(
      values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5));
  return values[index];
}

}  // namespace

Result<std::vector<KbEvalQuery>> LoadKbEvalQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return NotFound("cannot read the queries file " + path);
  }
  std::vector<KbEvalQuery> queries;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    const std::string where = path + ":" + std::to_string(number);
    nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
      return InvalidArgument(where + ": not a JSON object");
    }
    auto query = json.find("query");
    auto relevant = json.find("relevant");
    if (query == json.end() || !query->is_string()) {
      return InvalidArgument(where + ": \"query\" must be a string");
    }
    if (relevant == json.end() || !relevant->is_array() || relevant->empty()) {
      return InvalidArgument(where + ": \"relevant\" must be a non-empty list of document ids");
    }
    KbEvalQuery q;
    q.query = query->get<std::string>();
    for (const nlohmann::json& id : *relevant) {
      if (!id.is_string()) {
        return InvalidArgument(where + ": \"relevant\" holds a non-string id");
      }
      q.relevant.push_back(id.get<std::string>());
    }
    queries.push_back(std::move(q));
  }
  if (queries.empty()) {
    return InvalidArgument(path + " holds no queries");
  }
  return queries;
}

Result<KbEvalResult> EvaluateKb(const std::string& index_path,
                                const std::vector<KbEvalQuery>& queries, int history_folds,
                                const KbIndexOptions& options) {
  if (history_folds == 1 || history_folds < 0) {
    return InvalidArgument("history folds must be 0 (cold start) or at least 2");
  }
  Result<std::unique_ptr<KbIndex>> index = KbIndex::OpenInMemoryCopy(index_path, options);
  if (!index.ok()) {
    return index.status();
  }
  KbEvalResult result;
  result.mode = history_folds == 0 ? "cold" : "history-folds-" + std::to_string(history_folds);
  Result<int64_t> documents = (*index)->Count();
  if (!documents.ok()) {
    return documents.status();
  }
  result.documents = *documents;
  std::set<std::string> missing;
  for (const KbEvalQuery& q : queries) {
    for (const std::string& id : q.relevant) {
      Result<bool> present = (*index)->Contains(id);
      if (present.ok() && !*present) {
        missing.insert(id);
      }
    }
  }
  result.relevant_missing = static_cast<int>(missing.size());

  Tally tally;
  const int folds = std::max(history_folds, 1);
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<size_t> held_out;
    AUTOTRIAGE_RETURN_IF_ERROR((*index)->ClearLinkedText());
    for (size_t i = 0; i < queries.size(); ++i) {
      if (static_cast<int>(i % folds) == fold) {
        held_out.push_back(i);
        continue;
      }
      for (const std::string& id : queries[i].relevant) {
        if (missing.count(id) == 0) {
          AUTOTRIAGE_RETURN_IF_ERROR((*index)->AddLinkedText(id, queries[i].query));
        }
      }
    }
    AUTOTRIAGE_RETURN_IF_ERROR(EvaluateQueries(**index, queries, held_out, &tally));
  }
  const double n = std::max(tally.queries, 1);
  result.queries = tally.queries;
  result.p_at_1 = tally.p_at_1 / n;
  result.mrr = tally.reciprocal_rank / n;
  result.recall_at_3 = tally.recall_at_3 / n;
  result.latency_p50_ms = Percentile(tally.latencies_ms, 0.50);
  result.latency_p99_ms = Percentile(tally.latencies_ms, 0.99);
  return result;
}

}  // namespace autotriage
