// The PostgreSQL backend of the Store (store.h), for several nodes sharing one database.
// Internal to the store module.
//
// Concurrency: a small pool of connections (StoreConfig::pool_size), one transaction per
// connection at a time (libpqxx's rule). Jobs and writes are claimed with
// `FOR UPDATE SKIP LOCKED`, so concurrent claimers on any node never take the same row. Every
// transaction that appends to the audit chain first takes a transaction-scoped advisory lock,
// so the chain stays linear across nodes; taking it first, before any row lock, keeps the lock
// order fixed and rules out deadlocks with the row locks of the claims. Migrations run under
// another advisory lock.
// Round trips dominate on a busy machine, so transactions are driven by hand on a
// pqxx::nontransaction: BEGIN, the audit lock and the read of the chain's head go out as one
// query, and the audit INSERT goes out with the COMMIT; single statements run in autocommit.
// Durability: synchronous_commit is set on for every connection.
// Errors: libpqxx exceptions are caught here: connection failures -> kUnavailable, unique
// violations -> kAlreadyExists, others -> kInternal; messages never contain the password.
// A transaction that loses its connection before COMMIT is retried once on a new connection;
// deadlocks and serialisation failures are retried a few times. A connection lost during
// COMMIT gives kUnavailable ("outcome unknown") and is not retried.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/store/store.h"

namespace pqxx {
class row;
class transaction_base;
}  // namespace pqxx

namespace autotriage {

class PgConnectionPool;

// The audit chain inside one transaction that holds the audit lock: the head read when the
// lock was taken, and the INSERT of the appended entries, sent with the COMMIT.
class PgAudit {
 public:
  // Chains `entries` (those with a kind) after the head. Throws pqxx exceptions (quoting).
  // REQUIRES: the transaction runs in TxMode::kAudit (unless no entry has a kind).
  void Append(pqxx::transaction_base& tx, std::vector<AuditEntry> entries);

 private:
  friend class PostgresStore;
  bool locked_ = false;
  int64_t head_seq_ = 0;
  std::string head_hash_;
  std::string pending_sql_;  // "INSERT ...; " statements for the COMMIT query
};

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string url, std::unique_ptr<PgConnectionPool> pool);
  ~PostgresStore() override;

  // Creates or upgrades the schema under the migration advisory lock. kFailedPrecondition for a
  // database of a newer schema version.
  Status Migrate();

  std::string backend() const override { return "postgres"; }
  int schema_version() const override;

  Result<std::vector<EnqueueResult>> Enqueue(const std::vector<InboxEvent>& events) override;
  Result<std::vector<Job>> ClaimJobs(const std::string& owner, int max, int64_t lease_ms,
                                     int64_t now_ms) override;
  Status CommitTriage(const TriageCommit& commit, int64_t now_ms) override;
  Status FailJob(int64_t job_id, const std::string& error, bool give_up, int64_t retry_at_ms,
                 const AuditEntry& audit) override;
  Result<Job> GetJob(int64_t job_id) override;

  Result<std::vector<DecisionRecord>> ListDecisions(const DecisionFilter& filter) override;
  Result<std::vector<DecisionRecord>> DecisionsForTicket(const std::string& ticket_id) override;
  Status UpdateDecisionOutcome(int64_t decision_id, const std::string& outcome,
                               const std::string& reason, const AuditEntry& audit) override;
  Result<std::optional<AdviceRecord>> LatestAdvice(const std::string& ticket_id) override;

  Result<std::vector<WriteRecord>> ClaimWrites(const std::string& owner, int max, int64_t lease_ms,
                                               int64_t now_ms) override;
  Status FinishWrite(int64_t write_id, WriteState state, const std::string& error,
                     int64_t retry_at_ms, const AuditEntry& audit) override;
  Result<std::vector<WriteRecord>> ListWrites(const std::string& ticket_id) override;

  Status RecordOverride(const OverrideRecord& record, const AuditEntry& audit) override;
  Result<std::vector<OverrideRecord>> OverridesForTicket(const std::string& ticket_id) override;

  Result<std::optional<std::string>> GetCursor(const std::string& name) override;
  Status SetCursor(const std::string& name, const std::string& value) override;

  Status AppendAudit(const std::vector<AuditEntry>& entries) override;
  Result<std::vector<AuditEntry>> ReadAudit(int64_t after_seq, int limit) override;

  Result<StoreStats> Stats() override;
  Result<QueueDepth> Queues() override;

  Result<std::vector<DecisionRecord>> PendingDecisions(const std::string& queue,
                                                       int limit) override;
  Status DecideApproval(const ApprovalDecision& decision) override;
  Result<std::vector<ApprovalActionRecord>> ListApprovalActions(const std::string& ticket_id,
                                                                int limit) override;
  Result<int> MarkEscalated(const std::vector<int64_t>& decision_ids, int64_t now_ms,
                            const AuditEntry& audit) override;
  Status SetMatrixCell(const MatrixCellRecord& cell, const AuditEntry& audit) override;
  Result<std::vector<MatrixCellRecord>> ListMatrixCells() override;
  Result<std::vector<DecisionCountRow>> CountDecisions(int64_t since_ms) override;
  Result<std::vector<ApprovalCountRow>> CountApprovalActions(int64_t since_ms) override;

  Result<int64_t> AddUser(const UserRecord& user, const AuditEntry& audit) override;
  Status UpdateUser(const UserRecord& user, const AuditEntry& audit) override;
  Result<std::optional<UserRecord>> FindUserByName(const std::string& name) override;
  Result<std::optional<UserRecord>> FindUserById(int64_t id) override;
  Result<std::optional<UserRecord>> FindUserBySlackId(const std::string& slack_user_id) override;
  Result<std::vector<UserRecord>> ListUsers() override;
  Status PutSession(const SessionRecord& session) override;
  Result<std::optional<SessionRecord>> GetSession(const std::string& token_hash,
                                                  int64_t now_ms) override;
  Status DeleteSession(const std::string& token_hash) override;
  Result<int64_t> AddApiToken(const ApiTokenRecord& token, const AuditEntry& audit) override;
  Result<std::optional<ApiTokenRecord>> GetApiToken(const std::string& token_hash) override;
  Status PutSetupToken(const std::string& token_hash, int64_t expires_ms) override;
  Result<bool> ConsumeSetupToken(const std::string& token_hash, int64_t now_ms) override;

  Status PutSlackMessage(const SlackMessageRecord& message) override;
  Result<std::optional<SlackMessageRecord>> GetSlackMessage(
      const std::string& ticket_id, const std::string& ticket_version) override;

  Result<bool> RecordOutcome(const OutcomeRecord& outcome, const AuditEntry& audit) override;
  Result<std::vector<OutcomeRecord>> OutcomesForTicket(const std::string& ticket_id) override;
  Result<std::vector<OutcomeCountRow>> CountOutcomes(int64_t since_ms) override;
  Status AppendCorrection(const CorrectionRecord& correction) override;
  Result<std::vector<CorrectionRecord>> ListCorrections(int64_t after_id, int limit) override;
  Result<bool> RecordResolution(const ResolutionRecord& resolution,
                                const AuditEntry& audit) override;
  Result<std::vector<ResolutionCountRow>> CountResolutions(int64_t since_ms) override;

  Status PutClusterMembers(const std::vector<ClusterMemberRecord>& members) override;
  Result<std::vector<ClusterMemberRecord>> ListClusterMembers(int64_t since_s) override;
  Result<int64_t> DeleteClusterMembers(int64_t before_s) override;
  Result<int64_t> ProposeProblem(const ProblemProposalRecord& proposal,
                                 const AuditEntry& audit) override;
  Result<std::vector<ProblemProposalRecord>> ListProblemProposals(
      const ProblemProposalFilter& filter) override;
  Result<ProblemProposalRecord> GetProblemProposal(int64_t id) override;
  Status DecideProblemProposal(int64_t id, bool approve, const std::string& actor,
                               const std::string& reason, int64_t now_ms,
                               const AuditEntry& audit) override;
  Result<std::vector<ProblemProposalRecord>> ClaimProblemCreations(int max, int64_t lease_ms,
                                                                   int64_t now_ms) override;
  Status FinishProblemCreation(int64_t id, int attempt, const std::string& new_state,
                               const std::string& problem_id, const std::string& error,
                               int64_t retry_at_ms, const AuditEntry& audit) override;

 private:
  enum class TxMode {
    kAutocommit,   // one statement (or independent reads): no BEGIN/COMMIT round trips
    kTransaction,  // BEGIN ... COMMIT
    kAudit,        // BEGIN, audit lock and chain head ... audit INSERT and COMMIT
  };
  using Body = std::function<Status(pqxx::transaction_base& tx, PgAudit& audit)>;
  // Runs `body` on a pooled connection in `mode`; commits when it returns OK, rolls back
  // otherwise. `what` names the operation in error messages.
  Status Tx(std::string_view what, TxMode mode, const Body& body);
  // kAudit when `audit` will be appended (it has a kind), else kTransaction.
  static TxMode ModeFor(const AuditEntry& audit);

  std::string url_;  // Secret: only ever shown through RedactPostgresUrl
  std::unique_ptr<PgConnectionPool> pool_;
};

// Plans write `w` carrying decisions `ids` inside the caller's transaction; a write with the
// same idempotency key already stored is kept and nothing is added. Throws pqxx exceptions.
void PgInsertWrite(pqxx::transaction_base& tx, const WriteRecord& w,
                   const std::vector<int64_t>& ids, int64_t job_id, int64_t now_ms);
// Readers of rows selected with kJobColumns, kDecisionColumns, kWriteColumns (store_internal.h).
Result<Job> PgJobRow(const pqxx::row& row);
DecisionRecord PgDecisionRow(const pqxx::row& row);
Result<WriteRecord> PgWriteRow(const pqxx::row& row);

}  // namespace autotriage
