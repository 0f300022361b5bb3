// Readiness: what a backtest measures. Historical tickets with known true field values are
// replayed through a model and the policy's confidence gate (Policy::CheckConfidence, the same
// gate 1 the engine applies); per (queue, field) cell the tally reports how often the policy would
// have acted (coverage), how often it would have been right when it did (precision), and which
// mode the numbers support: autofill when precision reaches the cell's target precision on at
// least `min_examples` decided tickets, suggest when it reaches `suggest_precision`, else monitor.
//
// The queue of a replayed ticket is its recorded group, so per-queue cells apply as they would
// to a ticket routed there. Gates 2-7 depend on the ticket's live state, which a replay does not
// have, and are not part of the report.
//
// Thread-safety: a ReadinessTally is not thread-safe; feed it from one thread. Reports are plain
// values. Ownership: the tally keeps the Policy pointer, which must outlive it. No errors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/ml/classifier.h"
#include "autotriage/ml/head.h"
#include "autotriage/policy/policy.h"

namespace autotriage {

// The queue name of the rows that cover every queue (as "*" in the autonomy matrix).
inline constexpr char kAllQueues[] = "*";

struct ReadinessOptions {
  // Decided tickets a cell needs before it can qualify for autofill.
  int min_examples = 30;
  // Precision of decided predictions a cell needs to qualify for suggest.
  double suggest_precision = 0.80;
};

struct ReadinessRow {
  std::string queue;  // kAllQueues, a queue name, or "" for tickets without a queue
  std::string field;
  int64_t examples = 0;         // replayed tickets with a true value for the field
  int64_t decided = 0;          // of which the policy's confidence gate let through
  int64_t decided_correct = 0;  // of which the predicted value was the true one
  int64_t correct = 0;          // top label right, decided or not
  double precision = 0;         // decided_correct / decided; 0 when nothing was decided
  double coverage = 0;          // decided / examples
  double abstain_rate = 0;      // 1 - coverage
  double accuracy = 0;          // correct / examples: if every prediction were decided
  AutonomyMode mode = AutonomyMode::kMonitor;  // configured for the cell
  double target_precision = 0;  // autofill bar: the cell's target_precision, else the model's
  AutonomyMode qualifies = AutonomyMode::kMonitor;  // kAutofill, kSuggest or kMonitor
  std::string reason;  // e.g. "precision 0.97 >= target 0.95 on 120 decided"
};

struct ReadinessReport {
  // Per field in the order first seen: the all-queues row, then one row per queue by name
  // (tickets without a queue last).
  std::vector<ReadinessRow> rows;
  // Every field and queue together (queue and field kAllQueues); mode and qualifies unused.
  ReadinessRow overall;
};

class ReadinessTally {
 public:
  // REQUIRES: policy outlives the tally.
  ReadinessTally(const Policy* policy, ReadinessOptions options);

  // One replayed prediction of `head`'s field for a ticket in `queue` whose true value is
  // `truth`. An empty truth cannot be scored and is only counted in unlabelled().
  void Add(const HeadInfo& head, const std::string& queue, const std::string& truth,
           const Prediction& prediction);

  int64_t unlabelled() const { return unlabelled_; }

  ReadinessReport Report() const;

 private:
  struct Counts {
    int64_t examples = 0;
    int64_t decided = 0;
    int64_t decided_correct = 0;
    int64_t correct = 0;
  };
  struct FieldState {
    double head_target = 0;
    std::map<std::string, Counts> by_queue;
    Counts all;
  };

  ReadinessRow MakeRow(const std::string& field, const std::string& queue, const Counts& counts,
                       double head_target) const;

  const Policy* policy_;
  ReadinessOptions options_;
  std::vector<std::pair<std::string, FieldState>> fields_;  // in order first seen
  int64_t unlabelled_ = 0;
};

}  // namespace autotriage
