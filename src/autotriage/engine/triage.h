// Triage: the pure part of the engine's work on one ticket, without any I/O. Given the fetched
// ticket, the model bundle, the policy, the live field schema and the ticket's override memory,
// it runs every configured head, lets the policy decide each field, and returns the decision
// records, the planned write (when some field is autofill) and the audit entries to commit.
//
// What one Run produces (TriageResult::commit):
//   - one DecisionRecord per configured field that has a head in the bundle (an "off" cell gives
//     a record with outcome "off" and no prediction, so the trail says why nothing happened);
//   - audit entries "prediction" (every head's top labels, confidences, margin, abstention) and
//     "decision" (every field's mode, outcome and reason, plus the diff {field: {old, new}} of
//     the fields that will be written or proposed), both with model_version and input_hash =
//     hex FNV-1a of TicketModelText;
//   - when some decision is autofill: one WriteRecord whose updates_json is
//     [{"field", "value", "old"}] sorted by field, whose idempotency key is hex FNV-1a over the
//     ticket id, the ticket version and the sorted updates (so planning the same ticket version
//     twice yields the same key), and whose note (when post_notes) lists each change with its
//     confidence and the words that drove it and ends with NoteMarker(key), so the dispatcher
//     can tell whether a note was already posted. decision_ids are left empty: the decisions get
//     their ids in the same Store::CommitTriage transaction, which links the commit's autofill
//     decisions to its write.
// A skip rule (Policy::SkipReason) gives a skipped result: no decisions, no write, one audit
// entry "skipped" with the reason.
// Cost: one Head::Predict per field gives the labels and the exact explanation together (the
// featurizer records where each feature came from while it builds them); every predicted field
// is explained, fields in mode off store "[]". Measured in triage_test's EngineTimeBudget.
// Thread-safety: Triage is immutable after construction; Run is safe from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/core/ticket.h"
#include "autotriage/engine/advice.h"
#include "autotriage/engine/note.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/policy/policy.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct TriageInput {
  const Ticket* ticket = nullptr;  // REQUIRES: non-null, fetched with conversations
  // The policy for this ticket (the engine's PolicyHolder::current()); null = the Triage's own.
  const Policy* policy = nullptr;
  std::string trace_id;
  int64_t job_id = 0;
  const LiveSchema* schema = nullptr;                          // REQUIRES: non-null
  std::vector<std::pair<std::string, std::string>> overrides;  // (field, rejected value)
  int64_t now_ms = 0;
};

struct TriageResult {
  TriageCommit commit;   // decisions, optional write, audit entries
  bool skipped = false;  // a skip rule matched (commit then only holds the audit entry)
  std::string skip_reason;
  double engine_ms = 0;  // time spent in Run (classification, policy, planning)
};

struct TriageOptions {
  std::vector<std::string> fields;  // heads to run, in this order (config models.heads)
  bool post_notes = true;           // a private note explaining the applied changes
  bool html_notes = true;           // note as HTML (Freshworks) or plain text (Request Tracker)
  std::string dashboard_url;        // linked from notes; "" = no link
  int explain_features = 5;         // words kept per explanation; 0 = none
};

class Triage {
 public:
  // REQUIRES: bundle, policy and advisor (when given) outlive the Triage. `policy` may be null
  // when every TriageInput carries one. Without an advisor proposals carry no articles, similar
  // tickets or assignees, and no "agent" decision is made.
  Triage(const ModelBundle* bundle, const Policy* policy, TriageOptions options,
         const Advisor* advisor = nullptr);

  TriageResult Run(const TriageInput& input) const;

  // "m-<12 hex>": a hash of the bundle's description (metadata and every head's info, which
  // includes the training-data hash and creation time); identifies the bundle in decisions and
  // audit entries.
  const std::string& model_version() const { return model_version_; }

 private:
  // Remembers the group and category predictions the advice is asked with.
  static void NoteAdviceQuery(const std::string& field, const Prediction& prediction,
                              AdviceQuery* query);
  // The "agent" field: the assignee recommender's top 2 as a prediction, through the same policy
  // gates as any head (the cell for field "agent"; confidence = the top agent's share of the two
  // scores). nullopt when the cell is off or nobody can be suggested. An autofill decision adds
  // its change to `changes`, a pending one to `proposed`.
  std::optional<DecisionRecord> DecideAssignee(const Policy& policy, const Ticket& ticket,
                                               const TriageInput& input, const TicketAdvice& advice,
                                               const std::string& queue, const std::string& version,
                                               std::vector<NoteChange>* changes,
                                               std::vector<NoteChange>* proposed) const;
  // The advice with the draft note for the approval card: the proposed (pending) changes as if
  // approved, or the autofill changes when nothing waits for approval.
  AdviceRecord MakeAdviceRecord(const Ticket& ticket, const TriageInput& input,
                                const std::string& version, const TicketAdvice& advice,
                                const std::vector<NoteChange>& changes) const;

  const ModelBundle* bundle_;
  const Policy* policy_;
  TriageOptions options_;
  const Advisor* advisor_;
  std::string model_version_;
};

// The text the models see for a ticket: subject and first message joined with "\n", empty or
// whitespace-only parts left out, exactly as training texts are joined (dataset.h, the demo).
// Head::Predict normalises it.
std::string TicketModelText(const Ticket& ticket);
// "[autotriage:<key>]"
std::string NoteMarker(const std::string& idempotency_key);
// A planned write's idempotency key: hex FNV-1a over the ticket id, the ticket version and one
// "field=value" line per change. REQUIRES: `changes` sorted by field.
std::string WriteIdempotencyKey(const std::string& ticket_id, const std::string& version,
                                const std::vector<NoteChange>& changes);
// A planned write's updates_json: [{"field", "value", "old"}] in the order of `changes`.
std::string WriteUpdatesJson(const std::vector<NoteChange>& changes);

}  // namespace autotriage
