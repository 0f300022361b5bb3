// Automatic demotion (issue 7): a matrix cell whose acceptance over a window falls below its
// floor goes down one step (autofill -> suggest -> monitor) through the run-time matrix cells
// (Store::SetMatrixCell, actor "system:demotion"), with a "demoted" audit entry carrying the
// figures. Never promotes.
//
// Acceptance of a (queue, field) cell = accepted / (accepted + replaced + reverted), over the
// outcomes of that queue and field observed in the window whose decision ran in the cell's
// current mode (so an autofill cell is judged on its autofills). Skipped outcomes do not count.
// Cells with fewer judged outcomes than min_outcomes, outcomes without a queue, and cells in
// monitor or off are left alone.
// Thread-safety: PlanDemotions is pure; RunDemotionCheck uses the thread-safe Store and
// PolicyHolder (two nodes demoting at once set the same cell twice: harmless, both audited).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/core/status.h"
#include "autotriage/policy/policy.h"
#include "autotriage/store/store.h"

namespace autotriage {

class PolicyHolder;

struct Demotion {
  std::string queue;
  std::string field;
  std::string from;  // "autofill" or "suggest"
  std::string to;    // "suggest" or "monitor"
  double acceptance = 0;
  double floor = 0;
  int64_t accepted = 0;
  int64_t judged = 0;  // accepted + replaced + reverted
  int window_days = 0;
};

// "group in Hardware: autofill -> suggest (acceptance 0.71 < 0.90 over 24 outcomes, 14 days)".
std::string DescribeDemotion(const Demotion& d);

// The cells to demote, ordered by queue then field.
std::vector<Demotion> PlanDemotions(const Policy& policy, const std::vector<OutcomeCountRow>& rows,
                                    const LearningOptions& options);

// Counts the window's outcomes, demotes what PlanDemotions says, reloads `policy`. Returns what
// was demoted (empty when auto_demotion is off). Errors: the store's.
Result<std::vector<Demotion>> RunDemotionCheck(Store& store, PolicyHolder& policy,
                                               const LearningOptions& options, int64_t now_ms);

}  // namespace autotriage
