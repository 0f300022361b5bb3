#include "autotriage/dashboard/kpis.h"

#include <algorithm>
#include <map>

#include "autotriage/dashboard/html.h"
#include "autotriage/store/approval_records.h"

namespace autotriage::dashboard {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

void Count(KpiCounts& counts, const std::string& action, int64_t n) {
  if (action == approval_action::kApproved) {
    counts.accepted += n;
  } else if (action == approval_action::kEdited) {
    counts.replaced += n;
  } else if (action == approval_action::kRejected || action == approval_action::kExpired) {
    counts.skipped += n;
  } else if (action == approval_action::kSuperseded) {
    counts.superseded += n;
  }
}

std::vector<KpiGroup> Groups(const std::map<std::string, KpiCounts>& map) {
  std::vector<KpiGroup> groups;
  for (const auto& [key, counts] : map) {
    groups.push_back({key, counts});
  }
  std::sort(groups.begin(), groups.end(), [](const KpiGroup& a, const KpiGroup& b) {
    const int64_t ta = a.review.accepted + a.review.replaced + a.review.skipped;
    const int64_t tb = b.review.accepted + b.review.replaced + b.review.skipped;
    return ta != tb ? ta > tb : a.key < b.key;
  });
  return groups;
}

}  // namespace

Result<KpiData> LoadKpis(Store& store, int64_t now_ms, int days) {
  days = std::clamp(days, 1, 365);
  const int64_t now = now_ms;
  const int64_t today_start = now - now % kDayMs;
  const int64_t since = today_start - static_cast<int64_t>(days - 1) * kDayMs;
  Result<std::vector<DecisionCountRow>> decisions = store.CountDecisions(since);
  if (!decisions.ok()) {
    return decisions.status();
  }
  Result<std::vector<ApprovalCountRow>> actions = store.CountApprovalActions(since);
  if (!actions.ok()) {
    return actions.status();
  }
  KpiData data;
  data.days = days;
  data.computed_ms = now;
  std::map<std::string, size_t> day_index;
  for (int i = 0; i < days; ++i) {
    KpiDay day;
    day.day = FormatDay(since + static_cast<int64_t>(i) * kDayMs);
    day_index[day.day] = data.by_day.size();
    data.by_day.push_back(day);
  }
  for (const DecisionCountRow& row : *decisions) {
    auto it = day_index.find(row.day);
    if (it == day_index.end()) {
      continue;
    }
    KpiDay& day = data.by_day[it->second];
    day.decisions += row.count;
    if (row.outcome == "applied" || row.outcome == "autofill" ||
        row.outcome == approval_action::kApproved || row.outcome == approval_action::kEdited) {
      day.written += row.count;
    }
  }
  std::map<std::string, KpiCounts> by_field;
  std::map<std::string, KpiCounts> by_queue;
  std::vector<int64_t> human_written(data.by_day.size(), 0);
  std::vector<double> decide_seconds(data.by_day.size(), 0);
  std::vector<int64_t> decided(data.by_day.size(), 0);
  double total_seconds = 0;
  int64_t total_decided = 0;
  for (const ApprovalCountRow& row : *actions) {
    Count(data.total, row.action, row.count);
    Count(by_field[row.field], row.action, row.count);
    Count(by_queue[row.queue], row.action, row.count);
    const bool human = row.action == approval_action::kApproved ||
                       row.action == approval_action::kEdited ||
                       row.action == approval_action::kRejected;
    if (human) {
      total_seconds += row.mean_decide_seconds * static_cast<double>(row.count);
      total_decided += row.count;
    }
    auto it = day_index.find(row.day);
    if (it == day_index.end()) {
      continue;
    }
    Count(data.by_day[it->second].review, row.action, row.count);
    if (row.action == approval_action::kApproved || row.action == approval_action::kEdited) {
      human_written[it->second] += row.count;
    }
    if (human) {
      decide_seconds[it->second] += row.mean_decide_seconds * static_cast<double>(row.count);
      decided[it->second] += row.count;
    }
  }
  for (size_t i = 0; i < data.by_day.size(); ++i) {
    KpiDay& day = data.by_day[i];
    day.auto_written = std::max<int64_t>(0, day.written - human_written[i]);
    if (decided[i] > 0) {
      day.mean_decide_minutes = decide_seconds[i] / static_cast<double>(decided[i]) / 60.0;
    }
    data.decisions += day.decisions;
    data.written += day.written;
    data.auto_written += day.auto_written;
  }
  if (total_decided > 0) {
    data.mean_decide_minutes = total_seconds / static_cast<double>(total_decided) / 60.0;
  }
  data.by_field = Groups(by_field);
  data.by_queue = Groups(by_queue);
  std::vector<std::string> day_names;
  for (const KpiDay& day : data.by_day) {
    day_names.push_back(day.day);
  }
  Result<OutcomeKpis> outcomes = LoadOutcomeKpis(store, since, day_names);
  if (!outcomes.ok()) {
    return outcomes.status();
  }
  data.outcomes = std::move(*outcomes);
  return data;
}

Result<KpiData> KpiCache::Get(Store& store, int64_t now_ms, int days, int64_t ttl_ms) {
  days = std::clamp(days, 1, 365);
  if (ttl_ms > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_days_.find(days);
    if (it != by_days_.end() && now_ms - it->second.computed_ms < ttl_ms &&
        now_ms >= it->second.computed_ms) {
      return it->second;
    }
  }
  Result<KpiData> data = LoadKpis(store, now_ms, days);
  if (data.ok() && ttl_ms > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    by_days_[days] = *data;
  }
  return data;
}

}  // namespace autotriage::dashboard
