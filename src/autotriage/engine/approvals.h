// ApprovalService: what a human may do with the engine's proposals, whichever door they come
// through (dashboard form, REST API, Slack button). One implementation, so every door has the
// same rules:
//   - An approval is the set of pending decisions of one ticket version (Store::PendingDecisions).
//   - Approve plans one write of the proposed values (edits replace some of them; an edited
//     draft note replaces the note) through Store::DecideApproval: atomic, so of two approvers
//     acting at once one wins and the other gets kFailedPrecondition ("already approved by X"),
//     and the write is dispatched once. The write is built as triage builds an autofill write
//     (updates [{field, value, old}] sorted by field, the same idempotency key, a note with the
//     marker; see triage.h), so the dispatcher applies it exactly once like any other.
//     The dispatcher re-checks the ticket before writing: for an approved write the condition is
//     that every proposed field still holds the value it had when proposed (or already the
//     approved one). The engine's own autofill write of other fields of the same ticket moves
//     its version without making the proposal stale; a human changing a proposed field does,
//     and the write is then superseded, never applied over the human's value.
//   - "Always approve this kind for this queue" also sets the matrix cell (queue, field) to
//     autofill (Store::SetMatrixCell, audited) and makes the engine's policy use it at once.
//     A ticket without a queue (group) has no such cell: kInvalidArgument, nothing decided.
//   - Reject records the reason; the value goes to override memory (never proposed again for
//     that ticket).
//   - Sweep expires proposals older than approvals.expire_after_hours and escalates (once) those
//     older than approvals.escalate_after_minutes. Several nodes may sweep the same store: the
//     store's atomic DecideApproval / MarkEscalated make each change happen once.
// Every change is audited ("approval" entries with the action, actor and fields; "policy" for a
// matrix cell; never a secret) and announced to the listeners (the Slack notifier updates the
// card wherever the decision was made).
// Thread-safety: thread-safe.
// Errors: kInvalidArgument naming the bad input; kNotFound for a ticket version without a
// proposal; kFailedPrecondition when it is no longer pending; store errors as they come.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/core/status.h"
#include "autotriage/store/store.h"

namespace autotriage {

class Policy;

// One pending proposal with what the card shows.
struct Approval {
  std::string ticket_id;
  std::string ticket_version;
  std::string queue;
  std::string trace_id;
  int64_t created_ms = 0;  // the oldest pending decision's created_ms (the proposal's age)
  bool escalated = false;  // some decision has DecisionRecord::escalated_ms
  std::vector<DecisionRecord> decisions;  // the pending decisions, sorted by field
  // The ticket's newest advice (engine/advice.h shape plus "note_draft"); nullopt without
  // knowledge.
  std::optional<AdviceRecord> advice;
};

struct ApproveRequest {
  std::string ticket_id;
  std::string ticket_version;
  std::string actor;                         // Principal::Actor()
  std::map<std::string, std::string> edits;  // field -> value the human chose
  // Edited note (plain text); nullopt = the note the engine writes (changes, advice, marker).
  std::optional<std::string> note;
  bool always_for_queue = false;  // also promote each field's cell to autofill
};

struct RejectRequest {
  std::string ticket_id;
  std::string ticket_version;
  std::string actor;
  std::string reason;  // required
};

// What happened, for listeners (Slack card updates, dashboard refresh).
struct ApprovalEvent {
  std::string ticket_id;
  std::string ticket_version;
  std::string action;  // approval_action::* or "proposed" / "escalated"
  std::string actor;   // "system" for expiry, escalation, supersession; "" for "proposed"
  std::string reason;
};

// The engine's current policy: the config's policy options with the run-time matrix cells
// (Store::ListMatrixCells) laid over them. A run-time cell sets the mode of the config cell with
// the same queue and field (its target_precision and min_margin stay), or is added as a new cell.
// The engine takes current() once per ticket, so a triage never sees two policies; a Reload is
// seen by the next ticket. Nodes sharing a store pick up each other's cells within a minute (the
// engine reloads with every approval sweep).
// Thread-safety: thread-safe; a returned Policy is immutable and stays valid while held.
class PolicyHolder {
 public:
  explicit PolicyHolder(PolicyOptions base);
  std::shared_ptr<const Policy> current() const;
  // Rebuilds from the base options and the store's run-time cells. On an error (the store, or a
  // stored cell with an unknown mode: kCorruption) the current policy stays.
  Status Reload(Store& store);

 private:
  PolicyOptions base_;
  std::mutex reload_mutex_;  // one Reload at a time, so an older read never replaces a newer one
  mutable std::mutex mutex_;
  std::shared_ptr<const Policy> current_;
};

class ApprovalService {
 public:
  // `store` and `policy` must outlive the service. html_notes: the helpdesk takes HTML notes
  // (Helpdesk::capabilities()); dashboard_url: linked from notes ("" = no link); now_ms: the
  // clock (null = the system clock); post_notes: engine.post_notes (false = writes carry no
  // note, as autofill writes).
  static std::unique_ptr<ApprovalService> Create(Store* store, PolicyHolder* policy,
                                                 ApprovalOptions options, bool html_notes,
                                                 std::string dashboard_url,
                                                 std::function<int64_t()> now_ms = nullptr,
                                                 bool post_notes = true);
  virtual ~ApprovalService() = default;

  // Newest first; `queue` "" = all.
  virtual Result<std::vector<Approval>> Pending(const std::string& queue, int limit) = 0;
  // The pending approval of a ticket version; kNotFound when none is pending.
  virtual Result<Approval> Get(const std::string& ticket_id, const std::string& ticket_version) = 0;

  // kFailedPrecondition when already decided (message says how and by whom); kInvalidArgument
  // for an edit of a field the proposal does not have, an empty value, a value the policy
  // forbids (status, fields outside policy.writable_fields), a note over 20,000 bytes, or
  // always_for_queue on a ticket without a queue. An edited note is plain text: it is escaped
  // (HTML paragraphs for HTML helpdesks) and ends with the marker line; an empty one means no
  // note. An action is "edited" when some edit differs from the proposal, else "approved".
  virtual Status Approve(const ApproveRequest& request) = 0;
  // kInvalidArgument without a reason; otherwise as Approve.
  virtual Status Reject(const RejectRequest& request) = 0;
  // Admin: sets a matrix cell (mode "off", "monitor", "suggest", "autofill"). kInvalidArgument
  // for an unknown mode or a field the policy may never write.
  virtual Status SetCell(const std::string& queue, const std::string& field,
                         const std::string& mode, const std::string& actor) = 0;
  // Expiry and escalation; returns how many proposals changed.
  virtual Result<int> Sweep() = 0;

  // Called after every change (from the deciding thread; must be quick and thread-safe).
  virtual void AddListener(std::function<void(const ApprovalEvent&)> listener) = 0;

  // For the engine: announce a triage committed with pending decisions ("proposed"), and pending
  // decisions the worker superseded because a human set the field ("superseded", actor
  // "system"). Only listeners are called; nothing is stored.
  virtual void NotifyProposed(const std::string& ticket_id, const std::string& ticket_version) = 0;
  virtual void NotifySuperseded(const std::string& ticket_id, const std::string& ticket_version,
                                const std::string& reason) = 0;
};

}  // namespace autotriage
