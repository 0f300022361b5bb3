#include "autotriage/policy/policy.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "autotriage/ml/thresholds.h"

namespace autotriage {
namespace {

// Allowed values quoted in an invalid_label reason; long pick lists are cut there.
constexpr size_t kMaxListedChoices = 8;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

const std::string& FieldValue(const Ticket& ticket, const std::string& field) {
  static const std::string kEmpty;
  auto it = ticket.fields.find(field);
  return it == ticket.fields.end() ? kEmpty : it->second;
}

std::string Fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

std::string Quoted(const std::string& text) {
  return "'" + text + "'";
}

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < kMaxListedChoices; ++i) {
    out += (i == 0 ? "" : ", ") + items[i];
  }
  if (items.size() > kMaxListedChoices) {
    out += ", ... (" + std::to_string(items.size()) + " in all)";
  }
  return items.empty() ? "none" : out;
}

// Gates 2-7 for a confident prediction; sets outcome and reason when one stops it.
bool StoppedByGate(const PolicyOptions& options, const FieldDecision& d, const LiveSchema& schema,
                   const std::vector<std::pair<std::string, std::string>>& overrides,
                   std::string* outcome, std::string* reason) {
  auto stop = [&](const char* name, std::string why) {
    *outcome = name;
    *reason = std::move(why);
    return true;
  };
  auto field_schema = schema.find(d.field);
  if (field_schema == schema.end()) {
    return stop(outcome::kInvalidLabel,
                "the helpdesk's field schema has no field " + Quoted(d.field));
  }
  if (!field_schema->second.empty() && !Contains(field_schema->second, d.new_value)) {
    return stop(outcome::kInvalidLabel,
                Quoted(d.new_value) + " is not a value of " + Quoted(d.field) +
                    " in the helpdesk (allowed: " + List(field_schema->second) + ")");
  }
  if (IsForbiddenField(d.field)) {
    return stop(outcome::kNotWritable,
                Quoted(d.field) +
                    " is never written: the engine never closes, resolves, deletes or merges "
                    "tickets");
  }
  if (!Contains(options.writable_fields, d.field)) {
    return stop(outcome::kNotWritable, Quoted(d.field) + " is not in policy.writable_fields (" +
                                           List(options.writable_fields) + ")");
  }
  if (d.new_value == d.old_value) {
    return stop(outcome::kUnchanged, "the ticket already has " + Quoted(d.new_value));
  }
  if (!d.old_value.empty() && !Contains(options.overwrite_fields, d.field)) {
    return stop(outcome::kKeptHuman, Quoted(d.field) + " is already " + Quoted(d.old_value) +
                                         " and is not in policy.overwrite_fields");
  }
  for (const auto& [field, value] : overrides) {
    if (field == d.field && value == d.new_value) {
      return stop(outcome::kOverridden, "a human changed " + Quoted(d.field) + " away from " +
                                            Quoted(d.new_value) + " on this ticket before");
    }
  }
  if (options.kill_switch) {
    return stop(outcome::kKillSwitch, "the kill switch is on (policy.kill_switch)");
  }
  return false;
}

}  // namespace

bool IsForbiddenField(const std::string& field) {
  return IsNeverWritableField(field);
}

Policy::Policy(PolicyOptions options) : options_(std::move(options)) {
  for (const std::string& domain : options_.skip_requester_domains) {
    std::string lowered = Lower(domain);
    if (!lowered.empty() && lowered[0] == '@') {
      lowered.erase(0, 1);
    }
    skip_domains_.push_back(std::move(lowered));
  }
  for (const std::string& tag : options_.skip_tags) {
    skip_tags_.push_back(Lower(tag));
  }
  for (const std::string& source : options_.skip_sources) {
    skip_sources_.push_back(Lower(source));
  }
}

const PolicyCell* Policy::CellFor(const std::string& queue, const std::string& field) const {
  const PolicyCell* any_queue = nullptr;
  for (const PolicyCell& cell : options_.cells) {
    if (cell.field != field) {
      continue;
    }
    if (cell.queue == queue && !queue.empty()) {
      return &cell;
    }
    if (cell.queue == "*") {
      any_queue = &cell;
    }
  }
  return any_queue;
}

AutonomyMode Policy::ModeFor(const std::string& queue, const std::string& field) const {
  const PolicyCell* cell = CellFor(queue, field);
  return cell != nullptr ? cell->mode : options_.default_mode;
}

std::optional<std::string> Policy::SkipReason(const Ticket& ticket) const {
  if (!skip_domains_.empty()) {
    const size_t at = ticket.requester_email.rfind('@');
    if (at != std::string::npos) {
      const std::string domain = Lower(std::string_view(ticket.requester_email).substr(at + 1));
      for (const std::string& skipped : skip_domains_) {
        const bool subdomain =
            domain.size() > skipped.size() &&
            domain.compare(domain.size() - skipped.size(), std::string::npos, skipped) == 0 &&
            domain[domain.size() - skipped.size() - 1] == '.';
        if (domain == skipped || subdomain) {
          return "requester domain " + Quoted(domain) + " is in policy.skip_requester_domains";
        }
      }
    }
  }
  for (const std::string& tag : ticket.tags) {
    if (Contains(skip_tags_, Lower(tag))) {
      return "tag " + Quoted(tag) + " is in policy.skip_tags";
    }
  }
  if (!ticket.source.empty() && Contains(skip_sources_, Lower(ticket.source))) {
    return "source " + Quoted(ticket.source) + " is in policy.skip_sources";
  }
  if (!options_.triaged_when_set.empty()) {
    std::string set;
    for (const std::string& field : options_.triaged_when_set) {
      const std::string& value = FieldValue(ticket, field);
      if (value.empty()) {
        return std::nullopt;
      }
      set += (set.empty() ? "" : ", ") + field + "=" + Quoted(value);
    }
    return "already triaged: " + set + " (policy.triaged_when_set)";
  }
  return std::nullopt;
}

double Policy::ThresholdFor(const HeadInfo& head, const std::string& label,
                            const PolicyCell* cell) const {
  for (const ClassThreshold& threshold : head.thresholds) {
    if (threshold.label != label) {
      continue;
    }
    if (cell != nullptr && cell->target_precision.has_value()) {
      return ThresholdForPrecision(threshold, *cell->target_precision);
    }
    return threshold.threshold;
  }
  return kNeverDecide;  // a label the head does not know
}

ConfidenceCheck Policy::CheckConfidence(const Prediction& prediction, const HeadInfo& head,
                                        const PolicyCell* cell) const {
  ConfidenceCheck check;
  if (prediction.top.empty()) {
    check.threshold = kNeverDecide;
    check.reason =
        "the model abstained: " +
        (prediction.abstain_reason.empty() ? std::string("no label") : prediction.abstain_reason);
    return check;
  }
  check.label = prediction.top[0].label;
  check.confidence = prediction.top[0].probability;
  check.margin =
      check.confidence - (prediction.top.size() > 1 ? prediction.top[1].probability : 0.0);
  check.threshold = ThresholdFor(head, check.label, cell);
  const bool cell_target = cell != nullptr && cell->target_precision.has_value();
  if (prediction.abstain && !cell_target) {
    check.reason = "the model abstained: " + prediction.abstain_reason;
    return check;
  }
  if (check.threshold > 1.0) {
    check.reason = Quoted(check.label) + " never reached precision " +
                   Fixed(cell_target ? *cell->target_precision : head.target_precision) +
                   " in validation";
    return check;
  }
  if (check.confidence < check.threshold) {
    check.reason = Fixed(check.confidence) + " < threshold " + Fixed(check.threshold) + " for " +
                   Quoted(check.label);
    return check;
  }
  if (cell != nullptr && cell->min_margin.has_value() && check.margin < *cell->min_margin) {
    check.reason =
        "margin " + Fixed(check.margin) + " < min_margin " + Fixed(*cell->min_margin) +
        " between " + Quoted(check.label) + " and " +
        (prediction.top.size() > 1 ? Quoted(prediction.top[1].label) : std::string("no runner-up"));
    return check;
  }
  check.confident = true;
  check.reason = Fixed(check.confidence) + " >= threshold " + Fixed(check.threshold) + " for " +
                 Quoted(check.label);
  return check;
}

FieldDecision Policy::Decide(
    const Ticket& ticket, const FieldPredictionInput& input, const LiveSchema& schema,
    const std::vector<std::pair<std::string, std::string>>& overrides) const {
  FieldDecision d;
  d.field = input.field;
  const PolicyCell* cell = CellFor(FieldValue(ticket, "group"), input.field);
  d.mode = cell != nullptr ? cell->mode : options_.default_mode;
  d.old_value = FieldValue(ticket, input.field);
  if (d.mode == AutonomyMode::kOff) {
    d.outcome = outcome::kOff;
    d.reason = "the policy is off for " + Quoted(input.field) + " in this queue";
    return d;
  }
  const ConfidenceCheck check = CheckConfidence(*input.prediction, *input.head, cell);
  d.new_value = check.label;
  d.confidence = check.confidence;
  d.margin = check.margin;
  d.threshold = check.threshold;
  std::string stopped_by;
  std::string reason;
  if (!check.confident) {
    stopped_by = outcome::kAbstain;
    reason = check.reason;
  } else if (!StoppedByGate(options_, d, schema, overrides, &stopped_by, &reason)) {
    reason = check.reason;
  }
  if (d.mode == AutonomyMode::kMonitor) {
    d.outcome = outcome::kRecorded;
    d.reason = stopped_by.empty() ? "monitor only; would act: " + reason
                                  : "monitor only; would stop at " + stopped_by + ": " + reason;
    return d;
  }
  if (!stopped_by.empty()) {
    d.outcome = stopped_by;
    d.reason = std::move(reason);
    return d;
  }
  d.outcome = d.mode == AutonomyMode::kSuggest ? outcome::kPending : outcome::kAutofill;
  d.reason = std::move(reason);
  return d;
}

Status Policy::CheckWrite(const std::vector<std::pair<std::string, std::string>>& updates) const {
  for (const auto& [field, value] : updates) {
    if (IsForbiddenField(field)) {
      return PermissionDenied("refusing to write " + Quoted(field) +
                              ": the engine never closes, resolves, deletes or merges tickets");
    }
    if (!Contains(options_.writable_fields, field)) {
      return PermissionDenied("refusing to write " + Quoted(field) +
                              ": it is not in policy.writable_fields (" +
                              List(options_.writable_fields) + ")");
    }
  }
  return Status::Ok();
}

}  // namespace autotriage
