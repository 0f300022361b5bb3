// NotifyingStore: a Store that forwards every call to another Store and, after each successful
// Enqueue, calls a hook with the number of events stored. The engine hands it to the webhook
// intake's GroupCommitter so that workers waiting for work wake up as soon as an acknowledged
// event is durable, instead of finding it at their next bounded re-check.
// Internal to the engine module. Thread-safety: as the wrapped store; the hook must be
// thread-safe. Ownership: shares the wrapped store.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autotriage/store/store.h"

namespace autotriage {

class NotifyingStore final : public Store {
 public:
  NotifyingStore(std::shared_ptr<Store> inner, std::function<void(size_t events)> on_enqueued)
      : inner_(std::move(inner)), on_enqueued_(std::move(on_enqueued)) {}

  std::string backend() const override { return inner_->backend(); }
  int schema_version() const override { return inner_->schema_version(); }

  Result<std::vector<EnqueueResult>> Enqueue(const std::vector<InboxEvent>& events) override {
    auto result = inner_->Enqueue(events);
    if (result.ok() && on_enqueued_) {
      on_enqueued_(events.size());
    }
    return result;
  }
  Result<std::vector<Job>> ClaimJobs(const std::string& owner, int max, int64_t lease_ms,
                                     int64_t now_ms) override {
    return inner_->ClaimJobs(owner, max, lease_ms, now_ms);
  }
  Status CommitTriage(const TriageCommit& commit, int64_t now_ms) override {
    return inner_->CommitTriage(commit, now_ms);
  }
  Status FailJob(int64_t job_id, const std::string& error, bool give_up, int64_t retry_at_ms,
                 const AuditEntry& audit) override {
    return inner_->FailJob(job_id, error, give_up, retry_at_ms, audit);
  }
  Result<Job> GetJob(int64_t job_id) override { return inner_->GetJob(job_id); }
  Result<std::vector<DecisionRecord>> ListDecisions(const DecisionFilter& filter) override {
    return inner_->ListDecisions(filter);
  }
  Result<std::vector<DecisionRecord>> DecisionsForTicket(const std::string& ticket_id) override {
    return inner_->DecisionsForTicket(ticket_id);
  }
  Status UpdateDecisionOutcome(int64_t decision_id, const std::string& outcome_name,
                               const std::string& reason, const AuditEntry& audit) override {
    return inner_->UpdateDecisionOutcome(decision_id, outcome_name, reason, audit);
  }
  Result<std::optional<AdviceRecord>> LatestAdvice(const std::string& ticket_id) override {
    return inner_->LatestAdvice(ticket_id);
  }
  Result<std::vector<WriteRecord>> ClaimWrites(const std::string& owner, int max, int64_t lease_ms,
                                               int64_t now_ms) override {
    return inner_->ClaimWrites(owner, max, lease_ms, now_ms);
  }
  Status FinishWrite(int64_t write_id, WriteState state, const std::string& error,
                     int64_t retry_at_ms, const AuditEntry& audit) override {
    return inner_->FinishWrite(write_id, state, error, retry_at_ms, audit);
  }
  Result<std::vector<WriteRecord>> ListWrites(const std::string& ticket_id) override {
    return inner_->ListWrites(ticket_id);
  }
  Status RecordOverride(const OverrideRecord& record, const AuditEntry& audit) override {
    return inner_->RecordOverride(record, audit);
  }
  Result<std::vector<OverrideRecord>> OverridesForTicket(const std::string& ticket_id) override {
    return inner_->OverridesForTicket(ticket_id);
  }
  Result<std::optional<std::string>> GetCursor(const std::string& name) override {
    return inner_->GetCursor(name);
  }
  Status SetCursor(const std::string& name, const std::string& value) override {
    return inner_->SetCursor(name, value);
  }
  Status AppendAudit(const std::vector<AuditEntry>& entries) override {
    return inner_->AppendAudit(entries);
  }
  Result<std::vector<AuditEntry>> ReadAudit(int64_t after_seq, int limit) override {
    return inner_->ReadAudit(after_seq, limit);
  }
  Result<StoreStats> Stats() override { return inner_->Stats(); }
  Result<QueueDepth> Queues() override { return inner_->Queues(); }
  Result<std::vector<DecisionRecord>> PendingDecisions(const std::string& queue,
                                                       int limit) override {
    return inner_->PendingDecisions(queue, limit);
  }
  Status DecideApproval(const ApprovalDecision& decision) override {
    return inner_->DecideApproval(decision);
  }
  Result<std::vector<ApprovalActionRecord>> ListApprovalActions(const std::string& ticket_id,
                                                                int limit) override {
    return inner_->ListApprovalActions(ticket_id, limit);
  }
  Result<int> MarkEscalated(const std::vector<int64_t>& decision_ids, int64_t now_ms,
                            const AuditEntry& audit) override {
    return inner_->MarkEscalated(decision_ids, now_ms, audit);
  }
  Status SetMatrixCell(const MatrixCellRecord& cell, const AuditEntry& audit) override {
    return inner_->SetMatrixCell(cell, audit);
  }
  Result<std::vector<MatrixCellRecord>> ListMatrixCells() override {
    return inner_->ListMatrixCells();
  }
  Result<std::vector<DecisionCountRow>> CountDecisions(int64_t since_ms) override {
    return inner_->CountDecisions(since_ms);
  }
  Result<std::vector<ApprovalCountRow>> CountApprovalActions(int64_t since_ms) override {
    return inner_->CountApprovalActions(since_ms);
  }
  Result<int64_t> AddUser(const UserRecord& user, const AuditEntry& audit) override {
    return inner_->AddUser(user, audit);
  }
  Status UpdateUser(const UserRecord& user, const AuditEntry& audit) override {
    return inner_->UpdateUser(user, audit);
  }
  Result<std::optional<UserRecord>> FindUserByName(const std::string& name) override {
    return inner_->FindUserByName(name);
  }
  Result<std::optional<UserRecord>> FindUserById(int64_t id) override {
    return inner_->FindUserById(id);
  }
  Result<std::optional<UserRecord>> FindUserBySlackId(const std::string& slack_user_id) override {
    return inner_->FindUserBySlackId(slack_user_id);
  }
  Result<std::vector<UserRecord>> ListUsers() override { return inner_->ListUsers(); }
  Status PutSession(const SessionRecord& session) override { return inner_->PutSession(session); }
  Result<std::optional<SessionRecord>> GetSession(const std::string& token_hash,
                                                  int64_t now_ms) override {
    return inner_->GetSession(token_hash, now_ms);
  }
  Status DeleteSession(const std::string& token_hash) override {
    return inner_->DeleteSession(token_hash);
  }
  Result<int64_t> AddApiToken(const ApiTokenRecord& token, const AuditEntry& audit) override {
    return inner_->AddApiToken(token, audit);
  }
  Result<std::optional<ApiTokenRecord>> GetApiToken(const std::string& token_hash) override {
    return inner_->GetApiToken(token_hash);
  }
  Status PutSetupToken(const std::string& token_hash, int64_t expires_ms) override {
    return inner_->PutSetupToken(token_hash, expires_ms);
  }
  Result<bool> ConsumeSetupToken(const std::string& token_hash, int64_t now_ms) override {
    return inner_->ConsumeSetupToken(token_hash, now_ms);
  }
  Status PutSlackMessage(const SlackMessageRecord& message) override {
    return inner_->PutSlackMessage(message);
  }
  Result<std::optional<SlackMessageRecord>> GetSlackMessage(
      const std::string& ticket_id, const std::string& ticket_version) override {
    return inner_->GetSlackMessage(ticket_id, ticket_version);
  }
  Result<bool> RecordOutcome(const OutcomeRecord& outcome, const AuditEntry& audit) override {
    return inner_->RecordOutcome(outcome, audit);
  }
  Result<std::vector<OutcomeRecord>> OutcomesForTicket(const std::string& ticket_id) override {
    return inner_->OutcomesForTicket(ticket_id);
  }
  Result<std::vector<OutcomeCountRow>> CountOutcomes(int64_t since_ms) override {
    return inner_->CountOutcomes(since_ms);
  }
  Status AppendCorrection(const CorrectionRecord& correction) override {
    return inner_->AppendCorrection(correction);
  }
  Result<std::vector<CorrectionRecord>> ListCorrections(int64_t after_id, int limit) override {
    return inner_->ListCorrections(after_id, limit);
  }
  Result<bool> RecordResolution(const ResolutionRecord& resolution,
                                const AuditEntry& audit) override {
    return inner_->RecordResolution(resolution, audit);
  }
  Result<std::vector<ResolutionCountRow>> CountResolutions(int64_t since_ms) override {
    return inner_->CountResolutions(since_ms);
  }
  Status PutClusterMembers(const std::vector<ClusterMemberRecord>& members) override {
    return inner_->PutClusterMembers(members);
  }
  Result<std::vector<ClusterMemberRecord>> ListClusterMembers(int64_t since_s) override {
    return inner_->ListClusterMembers(since_s);
  }
  Result<int64_t> DeleteClusterMembers(int64_t before_s) override {
    return inner_->DeleteClusterMembers(before_s);
  }
  Result<int64_t> ProposeProblem(const ProblemProposalRecord& proposal,
                                 const AuditEntry& audit) override {
    return inner_->ProposeProblem(proposal, audit);
  }
  Result<std::vector<ProblemProposalRecord>> ListProblemProposals(
      const ProblemProposalFilter& filter) override {
    return inner_->ListProblemProposals(filter);
  }
  Result<ProblemProposalRecord> GetProblemProposal(int64_t id) override {
    return inner_->GetProblemProposal(id);
  }
  Status DecideProblemProposal(int64_t id, bool approve, const std::string& actor,
                               const std::string& reason, int64_t now_ms,
                               const AuditEntry& audit) override {
    return inner_->DecideProblemProposal(id, approve, actor, reason, now_ms, audit);
  }
  Result<std::vector<ProblemProposalRecord>> ClaimProblemCreations(int max, int64_t lease_ms,
                                                                   int64_t now_ms) override {
    return inner_->ClaimProblemCreations(max, lease_ms, now_ms);
  }
  Status FinishProblemCreation(int64_t id, int attempt, const std::string& new_state,
                               const std::string& problem_id, const std::string& error,
                               int64_t retry_at_ms, const AuditEntry& audit) override {
    return inner_->FinishProblemCreation(id, attempt, new_state, problem_id, error, retry_at_ms,
                                         audit);
  }

 private:
  std::shared_ptr<Store> inner_;
  std::function<void(size_t)> on_enqueued_;
};

}  // namespace autotriage
