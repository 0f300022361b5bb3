// ApprovalService: Sweep (expiry and escalation) and the listeners.
#include "autotriage/engine/approvals_internal.h"
#include "autotriage/policy/policy.h"

namespace autotriage {
namespace {

// Sweep pages through every pending decision (the oldest are the ones that expire).
constexpr int kSweepPage = 1000;

}  // namespace

Result<int> ApprovalServiceImpl::Sweep() {
  const bool expires = options_.expire_after_hours > 0;
  const bool escalates = options_.escalate_after_minutes > 0;
  if (!expires && !escalates) {
    return 0;
  }
  std::vector<DecisionRecord> pending;
  DecisionFilter filter;
  filter.outcome = outcome::kPending;
  filter.limit = kSweepPage;
  while (true) {
    Result<std::vector<DecisionRecord>> page = store_->ListDecisions(filter);
    if (!page.ok()) {
      return page.status();
    }
    if (page->empty()) {
      break;
    }
    filter.before_id = page->back().id;
    pending.insert(pending.end(), page->begin(), page->end());
  }
  const int64_t now = Now();
  const int64_t expire_ms = int64_t{options_.expire_after_hours} * 3600 * 1000;
  const int64_t escalate_ms = int64_t{options_.escalate_after_minutes} * 60 * 1000;
  int changed = 0;
  for (const Approval& approval : GroupApprovals(pending)) {
    const int64_t age = now - approval.created_ms;
    const DecisionRecord& first = approval.decisions.front();
    if (expires && age >= expire_ms) {
      const std::string reason =
          "no decision within " + std::to_string(options_.expire_after_hours) + " h";
      ApprovalDecision decision;
      decision.ticket_id = approval.ticket_id;
      decision.ticket_version = approval.ticket_version;
      decision.decision_ids = DecisionIds(approval.decisions);
      decision.action = approval_action::kExpired;
      decision.actor = "system";
      decision.reason = reason;
      decision.now_ms = now;
      decision.audit.push_back(
          MakeApprovalAudit("approval", approval.ticket_id, first.trace_id, first.model_version,
                            ApprovalDetail(approval_action::kExpired, "system",
                                           approval.ticket_version, reason, approval.decisions),
                            now));
      Status decided = store_->DecideApproval(decision);
      if (decided.code() == StatusCode::kFailedPrecondition) {
        continue;  // decided meanwhile (a human, or another node's sweep)
      }
      AUTOTRIAGE_RETURN_IF_ERROR(decided);
      ++changed;
      Announce({approval.ticket_id, approval.ticket_version, approval_action::kExpired, "system",
                reason});
    } else if (escalates && age >= escalate_ms && !approval.escalated) {
      const std::string reason =
          "undecided after " + std::to_string(options_.escalate_after_minutes) + " minutes";
      AuditEntry audit =
          MakeApprovalAudit("approval", approval.ticket_id, first.trace_id, first.model_version,
                            ApprovalDetail("escalated", "system", approval.ticket_version, reason,
                                           approval.decisions),
                            now);
      Result<int> marked = store_->MarkEscalated(DecisionIds(approval.decisions), now, audit);
      if (!marked.ok()) {
        return marked.status();
      }
      if (*marked > 0) {
        ++changed;
        Announce({approval.ticket_id, approval.ticket_version, "escalated", "system", reason});
      }
    }
  }
  return changed;
}

void ApprovalServiceImpl::AddListener(std::function<void(const ApprovalEvent&)> listener) {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  listeners_.push_back(std::move(listener));
}

void ApprovalServiceImpl::NotifyProposed(const std::string& ticket_id,
                                         const std::string& ticket_version) {
  Announce({ticket_id, ticket_version, "proposed", "", ""});
}

void ApprovalServiceImpl::NotifySuperseded(const std::string& ticket_id,
                                           const std::string& ticket_version,
                                           const std::string& reason) {
  Announce({ticket_id, ticket_version, approval_action::kSuperseded, "system", reason});
}

void ApprovalServiceImpl::Announce(const ApprovalEvent& event) {
  std::vector<std::function<void(const ApprovalEvent&)>> listeners;
  {
    std::lock_guard<std::mutex> lock(listeners_mutex_);
    listeners = listeners_;
  }
  for (const auto& listener : listeners) {
    listener(event);
  }
}

}  // namespace autotriage
