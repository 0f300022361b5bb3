// The rules of outcomes, corrections and resolutions shared by both backends (store_internal.h).
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

bool IsOneOf(std::string_view value, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (value == name) {
      return true;
    }
  }
  return false;
}

}  // namespace

Status ValidateOutcome(const OutcomeRecord& outcome) {
  if (outcome.decision_id <= 0) {
    return InvalidArgument("an outcome needs the id of its decision");
  }
  if (outcome.ticket_id.empty() || outcome.field.empty()) {
    return InvalidArgument("outcome of decision " + std::to_string(outcome.decision_id) +
                           " lacks its ticket id or field");
  }
  if (!IsOneOf(outcome.kind, {outcome_kind::kAccepted, outcome_kind::kReplaced,
                              outcome_kind::kReverted, outcome_kind::kSkipped})) {
    return InvalidArgument("unknown outcome kind '" + outcome.kind +
                           "' (expected accepted, replaced, reverted or skipped)");
  }
  return Status::Ok();
}

Status ValidateCorrection(const CorrectionRecord& correction) {
  if (correction.ticket_id.empty() || correction.field.empty() || correction.label.empty()) {
    return InvalidArgument("a correction needs a ticket id, a field and a label");
  }
  if (!IsOneOf(correction.source, {correction_source::kApproved, correction_source::kEdited,
                                   correction_source::kReplaced, correction_source::kReverted,
                                   correction_source::kHumanSet})) {
    return InvalidArgument("unknown correction source '" + correction.source +
                           "' (expected approved, edited, replaced, reverted or human_set)");
  }
  for (const std::string* text : {&correction.queue, &correction.field, &correction.label,
                                  &correction.text, &correction.ticket_id}) {
    if (!IsStorableText(*text)) {
      return InvalidArgument("correction of ticket " + correction.ticket_id +
                             " holds text that is not well-formed UTF-8 without NUL bytes");
    }
  }
  return Status::Ok();
}

Status ValidateResolution(const ResolutionRecord& resolution) {
  if (resolution.ticket_id.empty()) {
    return InvalidArgument("a resolution needs a ticket id");
  }
  if (resolution.resolved_ms <= 0) {
    return InvalidArgument("resolution of ticket " + resolution.ticket_id +
                           " lacks its resolved time");
  }
  return Status::Ok();
}

std::string OutcomeTallyLabel(std::string_view mode, std::string_view kind) {
  std::string label(mode);
  label += '/';
  label += kind;
  return label;
}

std::vector<OutcomeCountRow> OutcomeRowsOf(const KpiTally& tally) {
  std::vector<OutcomeCountRow> rows;
  for (DecisionCountRow& row : tally.DecisionRows()) {
    const size_t slash = row.outcome.rfind('/');
    OutcomeCountRow out;
    out.day = std::move(row.day);
    out.queue = std::move(row.queue);
    out.field = std::move(row.field);
    out.mode = row.outcome.substr(0, slash);
    out.kind = slash == std::string::npos ? row.outcome : row.outcome.substr(slash + 1);
    out.count = row.count;
    rows.push_back(std::move(out));
  }
  return rows;
}

std::vector<ResolutionCountRow> ResolutionRowsOf(const KpiTally& tally) {
  // Rows come by day, queue, label: the labels of one (day, queue) are adjacent.
  std::vector<ResolutionCountRow> rows;
  double seconds_sum = 0;
  for (const ApprovalCountRow& row : tally.ApprovalRows()) {
    if (rows.empty() || rows.back().day != row.day || rows.back().queue != row.queue) {
      if (!rows.empty() && rows.back().resolved > 0) {
        rows.back().mean_resolve_seconds = seconds_sum / static_cast<double>(rows.back().resolved);
      }
      rows.push_back({row.day, row.queue, 0, 0, 0});
      seconds_sum = 0;
    }
    rows.back().resolved += row.count;
    if (row.action == "fcr") {
      rows.back().first_contact += row.count;
    }
    seconds_sum += row.mean_decide_seconds * static_cast<double>(row.count);
  }
  if (!rows.empty() && rows.back().resolved > 0) {
    rows.back().mean_resolve_seconds = seconds_sum / static_cast<double>(rows.back().resolved);
  }
  return rows;
}

}  // namespace autotriage
