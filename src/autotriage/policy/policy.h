// Policy: decides what the engine may do with each field prediction of a ticket.
//
// The autonomy matrix maps (queue, field) to a mode: off, monitor (record only: the shadow
// phase), suggest (a human approves first) or autofill (written directly). A cell for a specific
// queue wins over a "*" cell, which wins over policy.default_mode. The queue of a ticket is its
// current group ("" when it has none; a "*" cell or the default applies then).
//
// Gates, in order, each turning an intended suggest/autofill into a recorded non-action with a
// reason (never into a silently chosen default label):
//   1. abstain: the model abstained, or the top probability is below the class threshold
//      (the cell's target_precision solved on the head's calibration, else the bundle's
//      threshold), or the top-1/top-2 margin is below the cell's min_margin  -> "abstain"
//   2. the label does not exist in the helpdesk's live field schema            -> "invalid_label"
//   3. the field is not in the write allow-list (policy.writable_fields)        -> "not_writable"
//   4. the value equals the ticket's current value                              -> "unchanged"
//   5. the field already has a value and is not in policy.overwrite_fields      -> "kept_human"
//   6. a human changed this ticket's field away from this value (override memory) -> "overridden"
//   7. the kill switch is on                                                    -> "kill_switch"
// Otherwise the outcome is "pending" (suggest) or "autofill"; in monitor mode always
// "recorded", the reason saying whether it would have acted or which gate would have stopped it.
// An off cell gives "off" without running the gates.
// Skip rules (requester domains, tags, sources, already-triaged fields) apply to whole tickets.
// Write allow-list: whatever the config says, status, deletion and merging are never writable:
// the engine never closes, resolves, deletes or merges (IsForbiddenField).
//
// Backtests use the same gate 1 through CheckConfidence, so a readiness report measures exactly
// what the engine would decide.
//
// Thread-safety: a Policy is immutable after construction; Decide is safe from many threads.
// Cost: Decide does no I/O and allocates only its result's strings (about 2.5 µs with 21 cells
// on the 2-core CI machine).
// Errors: only CheckWrite fails (kPermissionDenied); Decide reports through outcomes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/core/status.h"
#include "autotriage/core/ticket.h"
#include "autotriage/ml/classifier.h"
#include "autotriage/ml/head.h"

namespace autotriage {

// Outcome names as stored in DecisionRecord::outcome.
namespace outcome {
inline constexpr char kOff[] = "off";          // cell is off: not predicted
inline constexpr char kAbstain[] = "abstain";  // gate 1
inline constexpr char kInvalidLabel[] = "invalid_label";
inline constexpr char kNotWritable[] = "not_writable";
inline constexpr char kUnchanged[] = "unchanged";
inline constexpr char kKeptHuman[] = "kept_human";
inline constexpr char kOverridden[] = "overridden";
inline constexpr char kKillSwitch[] = "kill_switch";
inline constexpr char kRecorded[] = "recorded";  // monitor mode
inline constexpr char kPending[] = "pending";    // suggest: waits for approval
inline constexpr char kAutofill[] = "autofill";  // queued for the dispatcher
inline constexpr char kApplied[] = "applied";    // dispatcher wrote it
inline constexpr char kSuperseded[] = "superseded";
inline constexpr char kRejected[] = "rejected";  // a human declined the suggestion
inline constexpr char kFailed[] = "failed";
}  // namespace outcome

// Everything the policy needs to know about one field prediction.
struct FieldPredictionInput {
  std::string field;
  const Prediction* prediction = nullptr;  // REQUIRES: non-null
  const HeadInfo* head = nullptr;          // REQUIRES: non-null (its thresholds)
};

struct FieldDecision {
  std::string field;
  AutonomyMode mode = AutonomyMode::kMonitor;
  std::string old_value;
  std::string new_value;  // predicted top label ("" when the model abstained on empty text)
  double confidence = 0;
  double margin = 0;
  double threshold = 0;  // the confidence the label needed
  std::string outcome;   // one of outcome::*
  std::string reason;    // human-readable, e.g. "0.62 < threshold 0.81 for 'Hardware'"
};

// Gate 1 for one prediction: may its top label be acted on, and with which numbers.
struct ConfidenceCheck {
  bool confident = false;
  std::string label;      // top label ("" when the model gave none)
  double confidence = 0;  // top-1 probability
  double margin = 0;      // top-1 minus top-2 probability (top-1 when there is no runner-up)
  double threshold = 0;   // the confidence the label needed (> 1: never)
  std::string reason;     // why it is not confident, or the passing comparison
};

// Live allowed values per field from Helpdesk::GetFieldSchema (empty set = free text).
using LiveSchema = std::map<std::string, std::vector<std::string>>;

class Policy {
 public:
  // Takes options the config loader validated; normalises the skip lists (lower case, a
  // leading '@' dropped from domains).
  explicit Policy(PolicyOptions options);

  const PolicyOptions& options() const { return options_; }

  AutonomyMode ModeFor(const std::string& queue, const std::string& field) const;
  // The cell that applies (nullptr: default_mode applies).
  const PolicyCell* CellFor(const std::string& queue, const std::string& field) const;

  // A reason when the whole ticket is skipped by a skip rule, else nullopt.
  std::optional<std::string> SkipReason(const Ticket& ticket) const;

  // Gate 1 alone. The model's own abstention stands unless the cell sets a target_precision
  // (which may lower the threshold); a prediction without labels always abstains. For the margin
  // gate the prediction needs at least two labels in `top` (Predict with k >= 2).
  ConfidenceCheck CheckConfidence(const Prediction& prediction, const HeadInfo& head,
                                  const PolicyCell* cell) const;

  // Applies the matrix and gates 1-7 to one field prediction. The queue is
  // ticket.fields["group"]. A field missing from `schema` fails gate 2: the helpdesk has no such
  // field. `overrides` are (field, value) pairs a human changed this ticket away from.
  FieldDecision Decide(const Ticket& ticket, const FieldPredictionInput& input,
                       const LiveSchema& schema,
                       const std::vector<std::pair<std::string, std::string>>& overrides) const;

  // The confidence a label needs under `cell`: with a cell target_precision, the lowest point of
  // the label's precision curve reaching it (ThresholdForPrecision; a model without curves
  // serves only targets its stored threshold met), else the head's own threshold. kNeverDecide
  // (> 1) for a label the head does not know or a target it cannot meet.
  double ThresholdFor(const HeadInfo& head, const std::string& label, const PolicyCell* cell) const;

  // Checks a write before it is sent: kPermissionDenied naming the field when any update
  // touches a forbidden field or one outside the allow-list.
  Status CheckWrite(const std::vector<std::pair<std::string, std::string>>& updates) const;

 private:
  PolicyOptions options_;
  // Lower-case copies of the skip lists, for case-insensitive matching.
  std::vector<std::string> skip_domains_;
  std::vector<std::string> skip_tags_;
  std::vector<std::string> skip_sources_;
};

// status, state, deleted, spam, merge...: fields the engine never writes, whatever the config
// (any case, and as a word inside a longer name: "Status", "ticket_status", "isDeleted").
bool IsForbiddenField(const std::string& field);

}  // namespace autotriage
