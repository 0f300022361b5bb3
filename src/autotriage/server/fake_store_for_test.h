// FakeStore: an in-memory Store for the server module's unit tests and the intake benchmark's
// baseline (bench/tools). Only Enqueue and Stats do anything; the rest answer kUnimplemented.
// Enqueue collapses events by (ticket_id, version) like the real stores, records each batch's
// size, can be made to fail, and can be held at a gate so a test can pile up events behind a
// running commit. Thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/store/store.h"

namespace autotriage {

class FakeStore : public Store {
 public:
  std::string backend() const override { return "fake"; }
  int schema_version() const override { return 1; }

  Result<std::vector<EnqueueResult>> Enqueue(const std::vector<InboxEvent>& events) override {
    std::unique_lock<std::mutex> lock(mutex_);
    ++calls_entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    batch_sizes_.push_back(events.size());
    if (!fail_.ok()) {
      return fail_;
    }
    std::vector<EnqueueResult> results;
    for (const InboxEvent& event : events) {
      auto [it, inserted] = jobs_.try_emplace({event.ticket_id, event.version}, 0);
      if (inserted) {
        it->second = static_cast<int64_t>(jobs_.size());
      }
      results.push_back({inserted, it->second});
      if (keep_events_) {
        stored_.push_back(event);
      }
      ++events_;
    }
    return results;
  }

  // Holds every later Enqueue call until Release.
  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  // Waits until `n` Enqueue calls have started.
  void WaitForCalls(size_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return calls_entered_ >= n; });
  }
  // The benchmark's baseline keeps only the job index, not every event.
  void KeepEvents(bool keep) {
    std::lock_guard<std::mutex> lock(mutex_);
    keep_events_ = keep;
  }
  void FailWith(Status status) {
    std::lock_guard<std::mutex> lock(mutex_);
    fail_ = std::move(status);
  }
  std::vector<size_t> batch_sizes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return batch_sizes_;
  }
  std::vector<InboxEvent> stored() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stored_;
  }

  Result<std::vector<Job>> ClaimJobs(const std::string&, int, int64_t, int64_t) override {
    return Unimplemented("fake");
  }
  Status CommitTriage(const TriageCommit&, int64_t) override { return Unimplemented("fake"); }
  Status FailJob(int64_t, const std::string&, bool, int64_t, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<Job> GetJob(int64_t) override { return Unimplemented("fake"); }
  Result<std::vector<DecisionRecord>> ListDecisions(const DecisionFilter&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<DecisionRecord>> DecisionsForTicket(const std::string&) override {
    return Unimplemented("fake");
  }
  Status UpdateDecisionOutcome(int64_t, const std::string&, const std::string&,
                               const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::optional<AdviceRecord>> LatestAdvice(const std::string&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<WriteRecord>> ClaimWrites(const std::string&, int, int64_t, int64_t) override {
    return Unimplemented("fake");
  }
  Status FinishWrite(int64_t, WriteState, const std::string&, int64_t, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<WriteRecord>> ListWrites(const std::string&) override {
    return Unimplemented("fake");
  }
  Status RecordOverride(const OverrideRecord&, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<OverrideRecord>> OverridesForTicket(const std::string&) override {
    return Unimplemented("fake");
  }
  Result<std::optional<std::string>> GetCursor(const std::string&) override {
    return Unimplemented("fake");
  }
  Status SetCursor(const std::string&, const std::string&) override {
    return Unimplemented("fake");
  }
  Status AppendAudit(const std::vector<AuditEntry>&) override { return Unimplemented("fake"); }
  Result<std::vector<AuditEntry>> ReadAudit(int64_t, int) override { return Unimplemented("fake"); }
  Result<std::vector<DecisionRecord>> PendingDecisions(const std::string&, int) override {
    return Unimplemented("fake");
  }
  Status DecideApproval(const ApprovalDecision&) override { return Unimplemented("fake"); }
  Result<std::vector<ApprovalActionRecord>> ListApprovalActions(const std::string&, int) override {
    return Unimplemented("fake");
  }
  Result<int> MarkEscalated(const std::vector<int64_t>&, int64_t, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Status SetMatrixCell(const MatrixCellRecord&, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<MatrixCellRecord>> ListMatrixCells() override { return Unimplemented("fake"); }
  Result<std::vector<DecisionCountRow>> CountDecisions(int64_t) override {
    return Unimplemented("fake");
  }
  Result<std::vector<ApprovalCountRow>> CountApprovalActions(int64_t) override {
    return Unimplemented("fake");
  }
  Result<int64_t> AddUser(const UserRecord&, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Status UpdateUser(const UserRecord&, const AuditEntry&) override { return Unimplemented("fake"); }
  Result<std::optional<UserRecord>> FindUserByName(const std::string&) override {
    return Unimplemented("fake");
  }
  Result<std::optional<UserRecord>> FindUserById(int64_t) override { return Unimplemented("fake"); }
  Result<std::optional<UserRecord>> FindUserBySlackId(const std::string&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<UserRecord>> ListUsers() override { return Unimplemented("fake"); }
  Status PutSession(const SessionRecord&) override { return Unimplemented("fake"); }
  Result<std::optional<SessionRecord>> GetSession(const std::string&, int64_t) override {
    return Unimplemented("fake");
  }
  Status DeleteSession(const std::string&) override { return Unimplemented("fake"); }
  Result<int64_t> AddApiToken(const ApiTokenRecord&, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::optional<ApiTokenRecord>> GetApiToken(const std::string&) override {
    return Unimplemented("fake");
  }
  Status PutSetupToken(const std::string&, int64_t) override { return Unimplemented("fake"); }
  Result<bool> ConsumeSetupToken(const std::string&, int64_t) override {
    return Unimplemented("fake");
  }
  Status PutSlackMessage(const SlackMessageRecord&) override { return Unimplemented("fake"); }
  Result<std::optional<SlackMessageRecord>> GetSlackMessage(const std::string&,
                                                            const std::string&) override {
    return Unimplemented("fake");
  }
  Result<bool> RecordOutcome(const OutcomeRecord&, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<OutcomeRecord>> OutcomesForTicket(const std::string&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<OutcomeCountRow>> CountOutcomes(int64_t) override {
    return Unimplemented("fake");
  }
  Status AppendCorrection(const CorrectionRecord&) override { return Unimplemented("fake"); }
  Result<std::vector<CorrectionRecord>> ListCorrections(int64_t, int) override {
    return Unimplemented("fake");
  }
  Result<bool> RecordResolution(const ResolutionRecord&, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<ResolutionCountRow>> CountResolutions(int64_t) override {
    return Unimplemented("fake");
  }
  Status PutClusterMembers(const std::vector<ClusterMemberRecord>&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<ClusterMemberRecord>> ListClusterMembers(int64_t) override {
    return Unimplemented("fake");
  }
  Result<int64_t> DeleteClusterMembers(int64_t) override { return Unimplemented("fake"); }
  Result<int64_t> ProposeProblem(const ProblemProposalRecord&, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<ProblemProposalRecord>> ListProblemProposals(
      const ProblemProposalFilter&) override {
    return Unimplemented("fake");
  }
  Result<ProblemProposalRecord> GetProblemProposal(int64_t) override {
    return Unimplemented("fake");
  }
  Status DecideProblemProposal(int64_t, bool, const std::string&, const std::string&, int64_t,
                               const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<ProblemProposalRecord>> ClaimProblemCreations(int, int64_t, int64_t) override {
    return Unimplemented("fake");
  }
  Status FinishProblemCreation(int64_t, int, const std::string&, const std::string&,
                               const std::string&, int64_t, const AuditEntry&) override {
    return Unimplemented("fake");
  }
  Result<StoreStats> Stats() override {
    std::lock_guard<std::mutex> lock(mutex_);
    StoreStats stats;
    stats.jobs_pending = static_cast<int64_t>(jobs_.size());
    stats.audit_entries = events_;
    return stats;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  size_t calls_entered_ = 0;
  Status fail_;
  std::map<std::pair<std::string, std::string>, int64_t> jobs_;
  std::vector<size_t> batch_sizes_;
  std::vector<InboxEvent> stored_;
  bool keep_events_ = true;
  int64_t events_ = 0;
};

}  // namespace autotriage
