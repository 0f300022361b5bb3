// Records of human decisions on proposals, of autonomy-matrix cells changed at run time, and the
// KPI rows the dashboard charts.
//
// An approval is the set of pending decisions (outcome "pending") of one ticket version. A human
// (or the expiry sweep, or a newer ticket version) decides it as a whole; Store::DecideApproval
// records that atomically with the write it plans, so two approvers acting at once produce one
// decision and at most one write.
#pragma once

#include <cstdint>
#include <string>

namespace autotriage {

// Action names. Stored in approval_actions.action and as the decisions' new outcome.
namespace approval_action {
inline constexpr char kApproved[] = "approved";  // the proposal as it was
inline constexpr char kEdited[] = "edited";      // approved with values a human changed
inline constexpr char kRejected[] = "rejected";
inline constexpr char kExpired[] = "expired";
inline constexpr char kSuperseded[] = "superseded";
}  // namespace approval_action

// One row per decision acted on: what happened to the proposal, by whom, and when.
struct ApprovalActionRecord {
  int64_t id = 0;  // assigned by the store
  int64_t decision_id = 0;
  std::string ticket_id;
  std::string ticket_version;
  std::string queue;
  std::string field;
  std::string proposed_value;  // the engine's value
  std::string action;          // approval_action::*
  std::string actor;           // "user:NAME", "slack:USERID", "token:NAME", "system"
  std::string reason;          // free text (rejections, expiry, escalation)
  std::string human_value;     // edited: the value the human chose; else ""
  int64_t proposed_ms = 0;     // the decision's created_ms
  int64_t decided_ms = 0;
};

// A cell of the autonomy matrix set at run time (dashboard, "always approve this kind"). It
// wins over the config file's cell for the same queue and field.
struct MatrixCellRecord {
  std::string queue;  // "*" = every queue
  std::string field;
  std::string mode;  // "off", "monitor", "suggest", "autofill"
  std::string actor;
  int64_t updated_ms = 0;
};

// Decisions counted by UTC day, queue, field and outcome (KPI charts). Outcomes after approval
// are the decisions' current outcome ("applied", "rejected", "expired", ...).
struct DecisionCountRow {
  std::string day;  // "YYYY-MM-DD" (UTC) of created_ms
  std::string queue;
  std::string field;
  std::string outcome;
  int64_t count = 0;
};

// Approval actions counted by UTC day of decided_ms, queue, field and action, with the mean time
// from proposal to decision (time to triage for the human path).
struct ApprovalCountRow {
  std::string day;
  std::string queue;
  std::string field;
  std::string action;
  int64_t count = 0;
  double mean_decide_seconds = 0;
};

}  // namespace autotriage
