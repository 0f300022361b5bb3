// The SQLite backend of the Store (store.h): one database file in WAL mode with
// synchronous=FULL, so every returned call is on disk. Internal to the store module.
//
// Concurrency: one writer connection serves the writes of this process, with group commit:
// concurrent write calls queue up, and one of them (the leader) runs every queued call in ONE
// transaction, each call's work inside its own SAVEPOINT, then commits once (one WAL fsync for
// the whole batch) and wakes the others with their results. Calls run in order of arrival, so a
// call sees the writes of the calls before it (the audit chain stays linear); a call whose body
// fails or throws is rolled back to its savepoint alone and gets its own error, while the rest of
// its batch commits. A failed COMMIT fails every call of the batch (a call that failed on its own
// keeps its own error); should SQLite roll the whole transaction back under a call (I/O error,
// full disk), the calls before it fail with its error and the calls after it get a new
// transaction. Calls arriving while a batch commits form the next batch (no timers, no sleeps).
// Every call still returns only after the COMMIT that holds it is synced. One reader connection
// behind its own mutex serves reads (WAL readers see the last commit and never wait for the writer;
// an in-memory database has the writer only). Every transaction starts with BEGIN IMMEDIATE, which
// takes SQLite's write lock up front (waiting up to the busy timeout), so several processes may
// share the file: the engine, a restarted engine after a SIGKILL, and `autotriage audit verify` at
// the same time. Checkpoints run on a thread of their own (sqlite_checkpointer.h), so that commits
// never wait for one. Write bodies run on the leader's thread, not the caller's, and must not BEGIN
// or COMMIT. Statements are compiled once per connection (sqlite_connection.h). Errors: SQLite
// exceptions are caught here and mapped: busy -> kUnavailable, corrupt / not a database ->
// kCorruption, I/O, full disk, permissions -> kIoError, others -> kInternal.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/store/sqlite_checkpointer.h"
#include "autotriage/store/sqlite_connection.h"
#include "autotriage/store/store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace autotriage {

class SqliteStore final : public Store {
 public:
  // `reader` and `checkpointer` may be null (in-memory database): reads then use the writer
  // connection, and SQLite checkpoints by itself.
  SqliteStore(std::unique_ptr<SQLite::Database> db, std::unique_ptr<SQLite::Database> reader,
              std::unique_ptr<SqliteCheckpointer> checkpointer);
  ~SqliteStore() override;

  std::string backend() const override { return "sqlite"; }
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

  // Transactions committed by this Store's write calls so far (tests and benchmarks: calls per
  // commit shows how well group commit batches).
  int64_t commits() const { return commits_.load(); }

 private:
  using Body = std::function<Status(SqliteConnection& conn)>;
  struct WriteRequest;  // one queued WriteTx call (sqlite_store.cc)

  // Runs `body` in a group commit (see the top of this file) and returns its own result once
  // the transaction holding it is committed (or rolled back). `what` names the operation in
  // error messages.
  Status WriteTx(std::string_view what, const Body& body);
  // The leader's part: runs `batch` on writer_ under mu_ and sets every request's status.
  void CommitBatch(const std::deque<WriteRequest*>& batch) noexcept;
  // One transaction over batch[first..]; returns the index after the last request it settled
  // (less than batch.size() when SQLite rolled the transaction back under a call).
  size_t RunTransaction(const std::deque<WriteRequest*>& batch, size_t first) noexcept;
  // Runs read-only `body` on the reader (autocommit reads see the latest committed data).
  Status Read(std::string_view what, const Body& body);

  std::mutex queue_mu_;              // guards queue_ and leading_
  std::deque<WriteRequest*> queue_;  // calls waiting for the next batch, in order of arrival
  bool leading_ = false;             // a leader is running a batch
  std::atomic<int64_t> commits_{0};
  std::mutex mu_;  // guards writer_
  SqliteConnection writer_;
  std::mutex read_mu_;  // guards reader_
  std::unique_ptr<SqliteConnection> reader_;
  // Declared last: stops (and unhooks from the writer) before the connections close.
  std::unique_ptr<SqliteCheckpointer> checkpointer_;
};

// Creates or upgrades the schema in one write transaction. kFailedPrecondition for a database
// of a newer schema version. Throws SQLite::Exception.
Status MigrateSqlite(SQLite::Database& db);
// Appends entries (those with a kind) to the chain inside the caller's write transaction.
// Throws SQLite::Exception.
void SqliteAppendAudit(SqliteConnection& conn, std::vector<AuditEntry> entries);
// Plans write `w` carrying decisions `ids` inside the caller's write transaction; a write with
// the same idempotency key already stored is kept and nothing is added. Throws SQLite::Exception.
void SqliteInsertWrite(SqliteConnection& conn, const WriteRecord& w,
                       const std::vector<int64_t>& ids, int64_t job_id, int64_t now_ms);
// The Status for an exception caught around SQLite calls.
Status SqliteError(std::string_view what, const std::exception& error);

// Readers of rows selected with kJobColumns, kDecisionColumns, kWriteColumns (store_internal.h).
Result<Job> SqliteJobRow(SQLite::Statement& row);
DecisionRecord SqliteDecisionRow(SQLite::Statement& row);
Result<WriteRecord> SqliteWriteRow(SQLite::Statement& row);

}  // namespace autotriage
