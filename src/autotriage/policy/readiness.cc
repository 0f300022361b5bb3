#include "autotriage/policy/readiness.h"

#include <cstdio>

namespace autotriage {
namespace {

// Guards ">= target" against round-off, as the threshold solver does.
constexpr double kSlack = 1e-12;

double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

std::string Fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

void Accumulate(const ReadinessRow& from, ReadinessRow* into) {
  into->examples += from.examples;
  into->decided += from.decided;
  into->decided_correct += from.decided_correct;
  into->correct += from.correct;
}

void FillRates(ReadinessRow* row) {
  row->precision = Share(row->decided_correct, row->decided);
  row->coverage = Share(row->decided, row->examples);
  row->abstain_rate = row->examples > 0 ? 1.0 - row->coverage : 0.0;
  row->accuracy = Share(row->correct, row->examples);
}

}  // namespace

ReadinessTally::ReadinessTally(const Policy* policy, ReadinessOptions options)
    : policy_(policy), options_(options) {}

void ReadinessTally::Add(const HeadInfo& head, const std::string& queue, const std::string& truth,
                         const Prediction& prediction) {
  if (truth.empty()) {
    ++unlabelled_;
    return;
  }
  FieldState* state = nullptr;
  for (auto& [field, candidate] : fields_) {
    if (field == head.field) {
      state = &candidate;
      break;
    }
  }
  if (state == nullptr) {
    fields_.emplace_back(head.field, FieldState{});
    state = &fields_.back().second;
    state->head_target = head.target_precision;
  }
  const ConfidenceCheck check =
      policy_->CheckConfidence(prediction, head, policy_->CellFor(queue, head.field));
  const bool right = !check.label.empty() && check.label == truth;
  for (Counts* counts : {&state->by_queue[queue], &state->all}) {
    ++counts->examples;
    counts->correct += right ? 1 : 0;
    if (check.confident) {
      ++counts->decided;
      counts->decided_correct += right ? 1 : 0;
    }
  }
}

ReadinessRow ReadinessTally::MakeRow(const std::string& field, const std::string& queue,
                                     const Counts& counts, double head_target) const {
  ReadinessRow row;
  row.queue = queue;
  row.field = field;
  row.examples = counts.examples;
  row.decided = counts.decided;
  row.decided_correct = counts.decided_correct;
  row.correct = counts.correct;
  FillRates(&row);
  // The all-queues row answers for the "*" cell (or the default), as a queue without a cell.
  const std::string lookup = queue == kAllQueues ? "" : queue;
  const PolicyCell* cell = policy_->CellFor(lookup, field);
  row.mode = policy_->ModeFor(lookup, field);
  row.target_precision =
      cell != nullptr && cell->target_precision.has_value() ? *cell->target_precision : head_target;
  const std::string measured = "precision " + Fixed(row.precision);
  const std::string on = " on " + std::to_string(row.decided) + " decided";
  if (row.decided == 0) {
    row.qualifies = AutonomyMode::kMonitor;
    row.reason = "nothing decided in " + std::to_string(row.examples) + " examples";
  } else if (row.precision + kSlack >= row.target_precision &&
             row.decided >= options_.min_examples) {
    row.qualifies = AutonomyMode::kAutofill;
    row.reason = measured + " >= target " + Fixed(row.target_precision) + on;
  } else if (row.precision + kSlack >= options_.suggest_precision) {
    row.qualifies = AutonomyMode::kSuggest;
    row.reason = measured + " >= " + Fixed(options_.suggest_precision) + on + "; autofill needs ";
    row.reason += row.precision + kSlack >= row.target_precision
                      ? std::to_string(options_.min_examples) + " decided"
                      : "precision " + Fixed(row.target_precision);
  } else {
    row.qualifies = AutonomyMode::kMonitor;
    row.reason = measured + " < " + Fixed(options_.suggest_precision) + on;
  }
  return row;
}

ReadinessReport ReadinessTally::Report() const {
  ReadinessReport report;
  report.overall.queue = kAllQueues;
  report.overall.field = kAllQueues;
  for (const auto& [field, state] : fields_) {
    report.rows.push_back(MakeRow(field, kAllQueues, state.all, state.head_target));
    Accumulate(report.rows.back(), &report.overall);
    for (const auto& [queue, counts] : state.by_queue) {
      if (!queue.empty()) {
        report.rows.push_back(MakeRow(field, queue, counts, state.head_target));
      }
    }
    if (auto none = state.by_queue.find(""); none != state.by_queue.end()) {
      report.rows.push_back(MakeRow(field, "", none->second, state.head_target));
    }
  }
  FillRates(&report.overall);
  report.overall.qualifies = AutonomyMode::kMonitor;
  return report;
}

}  // namespace autotriage
