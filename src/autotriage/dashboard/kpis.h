// KPI figures for the KPI page and GET /api/v1/kpis, from Store::CountDecisions and
// Store::CountApprovalActions over the last N days (UTC days, today included):
//   accepted = proposals approved as they were; replaced = approved with a person's values;
//   skipped = rejected or expired (superseded proposals, whose ticket changed, are counted
//   apart); written = decisions applied to (or queued for) the helpdesk, split into those a
//   person approved and the automatic rest; time to triage = mean minutes from proposal to a
//   person's decision.
// The automatic share per day is written minus person-approved decisions that day (an approval
// is counted on the day it was decided, the write on the day it was proposed, so a proposal
// approved on a later day shifts one unit between days; the totals are exact).
// Counting reads every decision of the period (about 70 ms for 100,000 decisions), so the pages
// and the API serve the figures from KpiCache: at most DashboardDeps::kpi_cache_ms old.
// Thread-safety: LoadKpis reads the store; KpiCache locks; both thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/dashboard/outcome_kpis.h"
#include "autotriage/store/store.h"

namespace autotriage::dashboard {

struct KpiCounts {
  int64_t accepted = 0;
  int64_t replaced = 0;
  int64_t skipped = 0;
  int64_t superseded = 0;
};

struct KpiDay {
  std::string day;  // YYYY-MM-DD
  KpiCounts review;
  int64_t decisions = 0;            // every decision made that day
  int64_t written = 0;              // applied or queued writes among them
  int64_t auto_written = 0;         // written minus person-approved (never below 0)
  double mean_decide_minutes = -1;  // -1: nobody decided anything that day
};

struct KpiGroup {
  std::string key;  // a field or a queue ("" shown as "(none)")
  KpiCounts review;
};

struct KpiData {
  int days = 0;
  std::vector<KpiDay> by_day;  // every day of the range, oldest first
  std::vector<KpiGroup> by_field;
  std::vector<KpiGroup> by_queue;
  KpiCounts total;
  int64_t decisions = 0;
  int64_t written = 0;
  int64_t auto_written = 0;
  double mean_decide_minutes = -1;
  int64_t computed_ms = 0;  // when the figures were counted
  OutcomeKpis outcomes;     // what became of suggestions and autofills (outcome_kpis.h)
};

// `days` is clamped to [1, 365].
Result<KpiData> LoadKpis(Store& store, int64_t now_ms, int days);

class KpiCache {
 public:
  // LoadKpis, or the figures of the same period counted less than `ttl_ms` ago (0: always
  // counts). Requests that miss at the same time count once each (no request waits for
  // another's count).
  Result<KpiData> Get(Store& store, int64_t now_ms, int days, int64_t ttl_ms);

 private:
  std::mutex mutex_;
  std::map<int, KpiData> by_days_;
};

}  // namespace autotriage::dashboard
