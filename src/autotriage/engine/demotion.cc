// Automatic demotion of autonomy-matrix cells (demotion.h).
#include "autotriage/engine/demotion.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "autotriage/engine/approvals.h"

namespace autotriage {
namespace {

constexpr char kDemotionActor[] = "system:demotion";

struct Tally {
  int64_t accepted = 0;
  int64_t judged = 0;
};

std::string Fixed(double value, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

}  // namespace

std::string DescribeDemotion(const Demotion& d) {
  return d.field + " in " + d.queue + ": " + d.from + " -> " + d.to + " (acceptance " +
         Fixed(d.acceptance, 2) + " < " + Fixed(d.floor, 2) + " over " + std::to_string(d.judged) +
         " outcomes, " + std::to_string(d.window_days) + " days)";
}

std::vector<Demotion> PlanDemotions(const Policy& policy, const std::vector<OutcomeCountRow>& rows,
                                    const LearningOptions& options) {
  // (queue, field) -> mode -> tally; std::map keeps the result ordered by queue, then field.
  std::map<std::pair<std::string, std::string>, std::map<std::string, Tally>> cells;
  for (const OutcomeCountRow& row : rows) {
    if (row.queue.empty() || row.kind == outcome_kind::kSkipped) {
      continue;
    }
    Tally& tally = cells[{row.queue, row.field}][row.mode];
    tally.judged += row.count;
    if (row.kind == outcome_kind::kAccepted) {
      tally.accepted += row.count;
    }
  }
  std::vector<Demotion> demotions;
  for (const auto& [key, by_mode] : cells) {
    const AutonomyMode mode = policy.ModeFor(key.first, key.second);
    if (mode != AutonomyMode::kAutofill && mode != AutonomyMode::kSuggest) {
      continue;
    }
    const std::string mode_name(ToString(mode));
    auto it = by_mode.find(mode_name);
    if (it == by_mode.end() || it->second.judged < options.min_outcomes) {
      continue;
    }
    Demotion d;
    d.queue = key.first;
    d.field = key.second;
    d.from = mode_name;
    d.to = mode == AutonomyMode::kAutofill ? "suggest" : "monitor";
    d.floor = mode == AutonomyMode::kAutofill ? options.autofill_floor : options.suggest_floor;
    d.accepted = it->second.accepted;
    d.judged = it->second.judged;
    d.acceptance = static_cast<double>(d.accepted) / static_cast<double>(d.judged);
    d.window_days = options.demotion_window_days;
    if (d.acceptance < d.floor) {
      demotions.push_back(std::move(d));
    }
  }
  return demotions;
}

Result<std::vector<Demotion>> RunDemotionCheck(Store& store, PolicyHolder& policy,
                                               const LearningOptions& options, int64_t now_ms) {
  if (!options.auto_demotion) {
    return std::vector<Demotion>();
  }
  const int64_t since_ms = now_ms - int64_t{options.demotion_window_days} * 86400000;
  Result<std::vector<OutcomeCountRow>> rows = store.CountOutcomes(since_ms);
  if (!rows.ok()) {
    return rows.status().WithContext("counting outcomes for the demotion check");
  }
  const std::vector<Demotion> demotions = PlanDemotions(*policy.current(), *rows, options);
  for (const Demotion& d : demotions) {
    AuditEntry audit;
    audit.time_ms = now_ms;
    audit.kind = "demoted";
    audit.detail = nlohmann::json{{"queue", d.queue},
                                  {"field", d.field},
                                  {"from", d.from},
                                  {"to", d.to},
                                  {"acceptance", d.acceptance},
                                  {"floor", d.floor},
                                  {"accepted", d.accepted},
                                  {"judged", d.judged},
                                  {"window_days", d.window_days}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    Status set = store.SetMatrixCell({d.queue, d.field, d.to, kDemotionActor, now_ms}, audit);
    if (!set.ok()) {
      return set.WithContext("demoting " + d.field + " in " + d.queue);
    }
  }
  if (!demotions.empty()) {
    AUTOTRIAGE_RETURN_IF_ERROR(policy.Reload(store));
  }
  return demotions;
}

}  // namespace autotriage
