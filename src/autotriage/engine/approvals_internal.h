// Internal to the engine module: the ApprovalService implementation, split by concern:
//   approvals.cc       reading approvals, Reject, SetCell, Create;
//   approval_sweep.cc  Sweep (expiry, escalation) and the listeners;
//   approval_write.cc  Approve and the write it plans (built as triage builds an autofill write);
//   policy_holder.cc   PolicyHolder.
// Thread-safety: as ApprovalService (the store does the serialising; the listeners list has its
// own mutex).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "autotriage/engine/approvals.h"

namespace autotriage {

// Parses a matrix mode name ("off", "monitor", "suggest", "autofill").
std::optional<AutonomyMode> ParseAutonomyMode(const std::string& name);

// Audit entry of kind `kind` with a JSON `detail` (already serialised).
AuditEntry MakeApprovalAudit(const std::string& kind, const std::string& ticket_id,
                             const std::string& trace_id, const std::string& model_version,
                             std::string detail, int64_t now_ms);

class ApprovalServiceImpl final : public ApprovalService {
 public:
  ApprovalServiceImpl(Store* store, PolicyHolder* policy, ApprovalOptions options, bool html_notes,
                      std::string dashboard_url, std::function<int64_t()> now_ms, bool post_notes);

  Result<std::vector<Approval>> Pending(const std::string& queue, int limit) override;
  Result<Approval> Get(const std::string& ticket_id, const std::string& ticket_version) override;
  Status Approve(const ApproveRequest& request) override;  // approval_write.cc
  Status Reject(const RejectRequest& request) override;
  Status SetCell(const std::string& queue, const std::string& field, const std::string& mode,
                 const std::string& actor) override;
  Result<int> Sweep() override;
  void AddListener(std::function<void(const ApprovalEvent&)> listener) override;
  void NotifyProposed(const std::string& ticket_id, const std::string& ticket_version) override;
  void NotifySuperseded(const std::string& ticket_id, const std::string& ticket_version,
                        const std::string& reason) override;

 private:
  int64_t Now() const { return now_ms_(); }
  // The pending decisions of one ticket version, sorted by field; when there are none, an error
  // saying why: kNotFound (never proposed) or kFailedPrecondition (decided: how and by whom).
  Result<std::vector<DecisionRecord>> PendingOf(const std::string& ticket_id,
                                                const std::string& ticket_version);
  Status NotPending(const std::string& ticket_id, const std::string& ticket_version,
                    const std::vector<DecisionRecord>& decisions);
  // The write an approval plans (approval_write.cc).
  Result<WriteRecord> PlanWrite(const ApproveRequest& request,
                                const std::vector<DecisionRecord>& pending,
                                const std::map<std::string, std::string>& values);
  void Announce(const ApprovalEvent& event);

  Store* store_;
  PolicyHolder* policy_;
  ApprovalOptions options_;
  bool html_notes_;
  std::string dashboard_url_;
  std::function<int64_t()> now_ms_;
  bool post_notes_;
  std::mutex listeners_mutex_;
  std::vector<std::function<void(const ApprovalEvent&)>> listeners_;
};

// Approvals from pending decisions: grouped by ticket version in the order first seen, each
// one's decisions sorted by field.
std::vector<Approval> GroupApprovals(const std::vector<DecisionRecord>& decisions);
std::vector<int64_t> DecisionIds(const std::vector<DecisionRecord>& decisions);
// The detail of an "approval" audit entry: {action, actor, version, reason, fields: {field:
// {old, proposed}}}.
std::string ApprovalDetail(const std::string& action, const std::string& actor,
                           const std::string& ticket_version, const std::string& reason,
                           const std::vector<DecisionRecord>& decisions);

// Checks the fields every request names; kInvalidArgument naming the missing one.
Status CheckApprovalTarget(const std::string& ticket_id, const std::string& ticket_version,
                           const std::string& actor);

}  // namespace autotriage
