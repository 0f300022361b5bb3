// Records of what became of the engine's decisions (issue 7): per-decision outcomes (accepted,
// replaced, reverted, skipped), the corrections log of human-verified labels (training data for
// retraining), per-ticket resolution facts (first-contact resolution, time to resolve) and the
// KPI rows counted from them.
//
// The corrections log keeps only labels a human verified (an approval, an edit, a value a human
// set, replaced or reverted, a value that stood on a ticket a human resolved) and never the
// engine's own unreviewed writes; the worker (engine/outcomes.h) decides what goes in, the store
// only keeps it. Store methods: store.h, "outcomes, corrections, resolutions".
#pragma once

#include <cstdint>
#include <string>

namespace autotriage {

// Where a correction's label came from. Stored in corrections.source.
namespace correction_source {
inline constexpr char kApproved[] = "approved";   // a human approved the engine's value
inline constexpr char kEdited[] = "edited";       // a human approved with another value
inline constexpr char kReplaced[] = "replaced";   // a human set another value than the engine's
inline constexpr char kReverted[] = "reverted";   // a human set the applied value back
inline constexpr char kHumanSet[] = "human_set";  // a human set the field (the engine's value or
                                                  // a value on a ticket a human resolved)
}  // namespace correction_source

// One human-verified label of one ticket field. Idempotent per (ticket_id, field, label,
// source): appending the same four again keeps the first row.
struct CorrectionRecord {
  int64_t id = 0;  // assigned by the store
  std::string ticket_id, queue, field, label,
      source /*approved|edited|replaced|reverted|human_set*/, text;  // text: subject + body
  int64_t observed_ms = 0;                                           // 0: now
};

// Outcome kinds. Stored in outcomes.kind.
namespace outcome_kind {
inline constexpr char kAccepted[] = "accepted";  // the engine's value stands after human review
inline constexpr char kReplaced[] = "replaced";  // a human set another value
inline constexpr char kReverted[] = "reverted";  // an applied value went back to the old value
inline constexpr char kSkipped[] = "skipped";  // a suggestion expired or rejected, field untouched
}  // namespace outcome_kind

// What became of one suggested or autofilled decision; at most one per decision (the first
// recorded stays).
struct OutcomeRecord {
  int64_t decision_id = 0;
  std::string ticket_id;
  std::string queue;
  std::string field;
  std::string mode;  // the decision's mode: "suggest" or "autofill"
  std::string kind;  // outcome_kind::*
  std::string engine_value;
  std::string human_value;  // the value a human left on the ticket ("" when none / skipped)
  int64_t observed_ms = 0;  // 0: now
};

// Outcomes counted by UTC day of observed_ms, queue, field, mode and kind.
struct OutcomeCountRow {
  std::string day;  // "YYYY-MM-DD"
  std::string queue;
  std::string field;
  std::string mode;
  std::string kind;
  int64_t count = 0;
};

// One resolved ticket as the helpdesk reports it; at most one per ticket (the first stays).
struct ResolutionRecord {
  std::string ticket_id;
  std::string queue;
  int64_t created_ms = 0;   // the ticket's creation at the helpdesk
  int64_t resolved_ms = 0;  // when it was resolved (or closed)
  int conversations = 0;    // replies and notes at resolution
  bool first_contact = false;
  int64_t observed_ms = 0;  // 0: now
};

// Resolutions counted by UTC day of resolved_ms and queue.
struct ResolutionCountRow {
  std::string day;
  std::string queue;
  int64_t resolved = 0;
  int64_t first_contact = 0;
  double mean_resolve_seconds = 0;
};

}  // namespace autotriage
