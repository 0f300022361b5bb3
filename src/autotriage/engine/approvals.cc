// ApprovalService: reading approvals, Reject, SetCell and Create (Approve and its write are in
// approval_write.cc, Sweep and the listeners in approval_sweep.cc).
#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "autotriage/engine/approvals_internal.h"
#include "autotriage/policy/policy.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxReasonBytes = 2000;
constexpr size_t kMaxNameBytes = 200;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

Json FieldsOf(const std::vector<DecisionRecord>& decisions) {
  Json fields = Json::object();
  for (const DecisionRecord& d : decisions) {
    fields[d.field] = {{"old", d.old_value}, {"proposed", d.new_value}};
  }
  return fields;
}

std::string Describe(const ApprovalActionRecord& action) {
  const std::string& a = action.action;
  if (a == approval_action::kApproved) {
    return "already approved by " + action.actor;
  }
  if (a == approval_action::kEdited) {
    return "already approved (with edits) by " + action.actor;
  }
  if (a == approval_action::kRejected) {
    return "already rejected by " + action.actor;
  }
  return "already " + a + (action.reason.empty() ? "" : " (" + action.reason + ")");
}

}  // namespace

std::vector<Approval> GroupApprovals(const std::vector<DecisionRecord>& decisions) {
  std::vector<Approval> approvals;
  std::map<std::pair<std::string, std::string>, size_t> index;  // (ticket, version) -> position
  for (const DecisionRecord& d : decisions) {
    auto [at, added] = index.try_emplace({d.ticket_id, d.ticket_version}, approvals.size());
    if (added) {
      Approval approval;
      approval.ticket_id = d.ticket_id;
      approval.ticket_version = d.ticket_version;
      approval.queue = d.queue;
      approval.trace_id = d.trace_id;
      approval.created_ms = d.created_ms;
      approvals.push_back(std::move(approval));
    }
    Approval& approval = approvals[at->second];
    approval.created_ms = std::min(approval.created_ms, d.created_ms);
    approval.escalated = approval.escalated || d.escalated_ms > 0;
    approval.decisions.push_back(d);
  }
  for (Approval& approval : approvals) {
    std::sort(approval.decisions.begin(), approval.decisions.end(),
              [](const DecisionRecord& a, const DecisionRecord& b) { return a.field < b.field; });
  }
  return approvals;
}

std::vector<int64_t> DecisionIds(const std::vector<DecisionRecord>& decisions) {
  std::vector<int64_t> ids;
  for (const DecisionRecord& d : decisions) {
    ids.push_back(d.id);
  }
  return ids;
}

std::string ApprovalDetail(const std::string& action, const std::string& actor,
                           const std::string& ticket_version, const std::string& reason,
                           const std::vector<DecisionRecord>& decisions) {
  return Dump({{"action", action},
               {"actor", actor},
               {"version", ticket_version},
               {"reason", reason},
               {"fields", FieldsOf(decisions)}});
}

AuditEntry MakeApprovalAudit(const std::string& kind, const std::string& ticket_id,
                             const std::string& trace_id, const std::string& model_version,
                             std::string detail, int64_t now_ms) {
  AuditEntry entry;
  entry.time_ms = now_ms;
  entry.kind = kind;
  entry.trace_id = trace_id;
  entry.ticket_id = ticket_id;
  entry.model_version = model_version;
  entry.detail = std::move(detail);
  return entry;
}

Status CheckApprovalTarget(const std::string& ticket_id, const std::string& ticket_version,
                           const std::string& actor) {
  if (ticket_id.empty()) {
    return InvalidArgument("a ticket id is required");
  }
  if (ticket_version.empty()) {
    return InvalidArgument("the ticket version of the proposal is required");
  }
  if (actor.empty()) {
    return InvalidArgument("the actor (who decides) is required");
  }
  return Status::Ok();
}

std::unique_ptr<ApprovalService> ApprovalService::Create(Store* store, PolicyHolder* policy,
                                                         ApprovalOptions options, bool html_notes,
                                                         std::string dashboard_url,
                                                         std::function<int64_t()> now_ms,
                                                         bool post_notes) {
  return std::make_unique<ApprovalServiceImpl>(
      store, policy, options, html_notes, std::move(dashboard_url), std::move(now_ms), post_notes);
}

ApprovalServiceImpl::ApprovalServiceImpl(Store* store, PolicyHolder* policy,
                                         ApprovalOptions options, bool html_notes,
                                         std::string dashboard_url, std::function<int64_t()> now_ms,
                                         bool post_notes)
    : store_(store),
      policy_(policy),
      options_(options),
      html_notes_(html_notes),
      dashboard_url_(std::move(dashboard_url)),
      now_ms_(now_ms ? std::move(now_ms) : std::function<int64_t()>(SystemNowMs)),
      post_notes_(post_notes) {}

Result<std::vector<Approval>> ApprovalServiceImpl::Pending(const std::string& queue, int limit) {
  if (limit <= 0) {
    return InvalidArgument("limit must be positive, got " + std::to_string(limit));
  }
  Result<std::vector<DecisionRecord>> decisions = store_->PendingDecisions(queue, limit);
  if (!decisions.ok()) {
    return decisions.status();
  }
  std::vector<Approval> approvals = GroupApprovals(*decisions);
  for (Approval& approval : approvals) {
    Result<std::optional<AdviceRecord>> advice = store_->LatestAdvice(approval.ticket_id);
    if (!advice.ok()) {
      return advice.status();
    }
    approval.advice = std::move(*advice);
  }
  return approvals;
}

Result<Approval> ApprovalServiceImpl::Get(const std::string& ticket_id,
                                          const std::string& ticket_version) {
  Result<std::vector<DecisionRecord>> pending = PendingOf(ticket_id, ticket_version);
  if (!pending.ok()) {
    if (pending.status().code() == StatusCode::kFailedPrecondition) {
      return NotFound(pending.status().message());  // the contract: nothing pending = kNotFound
    }
    return pending.status();
  }
  Approval approval = std::move(GroupApprovals(*pending).front());
  Result<std::optional<AdviceRecord>> advice = store_->LatestAdvice(ticket_id);
  if (!advice.ok()) {
    return advice.status();
  }
  approval.advice = std::move(*advice);
  return approval;
}

Result<std::vector<DecisionRecord>> ApprovalServiceImpl::PendingOf(
    const std::string& ticket_id, const std::string& ticket_version) {
  if (ticket_id.empty() || ticket_version.empty()) {
    return InvalidArgument("a ticket id and the ticket version of the proposal are required");
  }
  Result<std::vector<DecisionRecord>> decisions = store_->DecisionsForTicket(ticket_id);
  if (!decisions.ok()) {
    return decisions.status();
  }
  std::vector<DecisionRecord> pending;
  for (const DecisionRecord& d : *decisions) {
    if (d.ticket_version == ticket_version && d.outcome == outcome::kPending) {
      pending.push_back(d);
    }
  }
  if (pending.empty()) {
    return NotPending(ticket_id, ticket_version, *decisions);
  }
  std::sort(pending.begin(), pending.end(),
            [](const DecisionRecord& a, const DecisionRecord& b) { return a.field < b.field; });
  return pending;
}

Status ApprovalServiceImpl::NotPending(const std::string& ticket_id,
                                       const std::string& ticket_version,
                                       const std::vector<DecisionRecord>& decisions) {
  const std::string what = "ticket " + ticket_id + " (version " + ticket_version + ")";
  std::vector<std::string> outcomes;
  for (const DecisionRecord& d : decisions) {
    if (d.ticket_version == ticket_version &&
        std::find(outcomes.begin(), outcomes.end(), d.outcome) == outcomes.end()) {
      outcomes.push_back(d.outcome);
    }
  }
  if (outcomes.empty()) {
    return NotFound("no proposal for " + what);
  }
  Result<std::vector<ApprovalActionRecord>> actions = store_->ListApprovalActions(ticket_id, 200);
  if (actions.ok()) {
    for (auto it = actions->rbegin(); it != actions->rend(); ++it) {
      if (it->ticket_version == ticket_version) {
        return FailedPrecondition(what + ": " + Describe(*it));
      }
    }
  }
  std::string list;
  for (const std::string& o : outcomes) {
    list += (list.empty() ? "" : ", ") + o;
  }
  return FailedPrecondition(what + " has nothing pending approval (" + list + ")");
}

Status ApprovalServiceImpl::Reject(const RejectRequest& request) {
  AUTOTRIAGE_RETURN_IF_ERROR(
      CheckApprovalTarget(request.ticket_id, request.ticket_version, request.actor));
  if (IsBlank(request.reason)) {
    return InvalidArgument("a reason is required to reject a proposal");
  }
  if (request.reason.size() > kMaxReasonBytes) {
    return InvalidArgument("the reason is longer than " + std::to_string(kMaxReasonBytes) +
                           " bytes");
  }
  Result<std::vector<DecisionRecord>> pending =
      PendingOf(request.ticket_id, request.ticket_version);
  if (!pending.ok()) {
    return pending.status();
  }
  const int64_t now = Now();
  const DecisionRecord& first = pending->front();
  ApprovalDecision decision;
  decision.ticket_id = request.ticket_id;
  decision.ticket_version = request.ticket_version;
  decision.decision_ids = DecisionIds(*pending);
  decision.action = approval_action::kRejected;
  decision.actor = request.actor;
  decision.reason = request.reason;
  decision.now_ms = now;
  decision.audit.push_back(
      MakeApprovalAudit("approval", request.ticket_id, first.trace_id, first.model_version,
                        ApprovalDetail(approval_action::kRejected, request.actor,
                                       request.ticket_version, request.reason, *pending),
                        now));
  AUTOTRIAGE_RETURN_IF_ERROR(store_->DecideApproval(decision));
  // Override memory: the rejected value is never proposed again for this ticket.
  for (const DecisionRecord& d : *pending) {
    OverrideRecord record{d.ticket_id, d.field, d.new_value, d.old_value, now};
    AuditEntry audit = MakeApprovalAudit("override", d.ticket_id, d.trace_id, d.model_version,
                                         Dump({{"field", d.field},
                                               {"rejected", d.new_value},
                                               {"human_value", d.old_value},
                                               {"decision_id", d.id},
                                               {"version", d.ticket_version},
                                               {"source", "rejected by " + request.actor}}),
                                         now);
    AUTOTRIAGE_RETURN_IF_ERROR(
        store_->RecordOverride(record, audit)
            .WithContext("the rejection was recorded, but remembering the rejected value failed"));
  }
  Announce({request.ticket_id, request.ticket_version, approval_action::kRejected, request.actor,
            request.reason});
  return Status::Ok();
}

Status ApprovalServiceImpl::SetCell(const std::string& queue, const std::string& field,
                                    const std::string& mode, const std::string& actor) {
  const std::optional<AutonomyMode> parsed = ParseAutonomyMode(mode);
  if (!parsed.has_value()) {
    return InvalidArgument("unknown mode '" + mode +
                           "' (allowed: off, monitor, suggest, autofill)");
  }
  if (IsBlank(queue) || queue.size() > kMaxNameBytes) {
    return InvalidArgument("a queue is required (\"*\" for every queue)");
  }
  if (field.empty() || field.size() > kMaxNameBytes ||
      field.find_first_of(" \t\r\n") != std::string::npos) {
    return InvalidArgument("'" + field + "' is not a field name");
  }
  if (actor.empty()) {
    return InvalidArgument("the actor (who changes the matrix) is required");
  }
  std::shared_ptr<const Policy> policy = policy_->current();
  if (IsForbiddenField(field)) {
    return InvalidArgument("'" + field +
                           "' is never written: the engine never closes, resolves, deletes or "
                           "merges tickets");
  }
  if (*parsed == AutonomyMode::kSuggest || *parsed == AutonomyMode::kAutofill) {
    if (Status allowed = policy->CheckWrite({{field, ""}}); !allowed.ok()) {
      return InvalidArgument(allowed.message());
    }
  }
  const int64_t now = Now();
  MatrixCellRecord cell{queue, field, mode, actor, now};
  const std::string previous(ToString(policy->ModeFor(queue == "*" ? "" : queue, field)));
  AuditEntry audit = MakeApprovalAudit("policy", "", "", "",
                                       Dump({{"action", "set_cell"},
                                             {"queue", queue},
                                             {"field", field},
                                             {"mode", mode},
                                             {"previous", previous},
                                             {"actor", actor}}),
                                       now);
  AUTOTRIAGE_RETURN_IF_ERROR(store_->SetMatrixCell(cell, audit));
  return policy_->Reload(*store_);
}

}  // namespace autotriage
