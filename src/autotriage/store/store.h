// Store: everything the engine must not lose, behind one interface with two backends: embedded
// SQLite (WAL, the default, one node) and PostgreSQL (several nodes sharing one database).
//
// What it holds: the inbox of received events collapsed into jobs, job leases, triage decisions
// (with pending approvals) and advice, planned helpdesk writes, override memory, polling cursors,
// the hash-chained audit trail (audit.h), what humans decided on approvals, run-time autonomy
// matrix cells, and dashboard users with their sessions and API tokens (approval_records.h,
// people.h), outcomes of decisions, the corrections log and resolved tickets
// (outcome_records.h), the clustered recent tickets and proposed Problems (insight_records.h). One
// contract test suite (store_contract_test.cc) runs on both backends; label `pg` for PostgreSQL.
//
// Durability: every mutating call commits before it returns, with the backend's full durability
// (SQLite synchronous=FULL, PostgreSQL synchronous_commit on), so a returned call survives a
// crash of the process (SIGKILL) and of the machine.
// Concurrency: a Store is thread-safe. Several processes may share one database: jobs and writes
// are claimed with leases (PostgreSQL: FOR UPDATE SKIP LOCKED), so two workers never hold the same
// job at the same time; audit appends are serialised so the chain stays linear.
// Migrations: OpenStore creates or upgrades the schema; versioned (schema_migrations table) and
// safe to run from several processes at once (SQLite: one write transaction; PostgreSQL:
// pg_advisory_xact_lock). A database from a newer autotriage is refused (kFailedPrecondition).
// Errors: kInvalidArgument for bad arguments, kUnavailable when PostgreSQL cannot be reached,
// kIoError / kCorruption for an unusable SQLite file, kNotFound for unknown ids. Messages never
// contain the PostgreSQL password.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/store/approval_records.h"
#include "autotriage/store/audit.h"
#include "autotriage/store/insight_records.h"
#include "autotriage/store/outcome_records.h"
#include "autotriage/store/people.h"

namespace autotriage {

// One received event: a webhook delivery or a ticket seen by the poller.
struct InboxEvent {
  std::string source;     // "webhook:freshdesk", "webhook:freshservice", "poll", "cli"
  std::string ticket_id;  // the helpdesk's ticket id
  // Identifies the ticket version the event describes: updated_at (poller) or a hash of the
  // webhook payload's ticket fields. Events with the same (ticket_id, version) are one job.
  std::string version;
  std::string payload;  // raw body (webhook) or a short JSON summary (poller); kept for audit
  std::string trace_id;
  int64_t received_ms = 0;  // Unix milliseconds
};

struct EnqueueResult {
  bool new_job = false;  // false: collapsed into the existing job for that ticket version
  int64_t job_id = 0;
};

enum class JobState { kPending, kRunning, kDone, kFailed };

struct Job {
  int64_t id = 0;
  std::string ticket_id;
  std::string version;
  std::string source;
  std::string trace_id;  // of the first event of the job
  int attempts = 0;      // claims so far, this one included
  int64_t events = 0;    // events collapsed into this job
  std::string last_error;
  JobState state = JobState::kPending;
};

// What the policy decided for one field of one ticket (policy/policy.h makes these).
struct DecisionRecord {
  int64_t id = 0;  // assigned by the store
  std::string trace_id;
  std::string ticket_id;
  std::string ticket_version;  // updated_at (Unix seconds, as text) the prediction was made on
  std::string queue;           // the ticket's group when predicted ("" = none)
  std::string field;
  std::string old_value;
  std::string new_value;  // the predicted label ("" when abstained)
  double confidence = 0;
  double margin = 0;          // top-1 minus top-2 probability
  std::string mode;           // "off", "monitor", "suggest", "autofill"
  std::string outcome;        // see DecisionOutcome in policy.h: "abstain", "recorded", ...
  std::string reason;         // why (threshold, gate, skip rule, override memory, ...)
  std::string explanation;    // JSON array of {feature, weight}
  std::string model_version;  // bundle identity
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t escalated_ms = 0;  // a pending decision flagged as overdue (0 = not escalated)
};

// What the engine advises for one ticket version besides field values: KB articles, similar
// tickets, assignee suggestions and a summary, as one JSON object (engine/advice.h documents
// its shape). The approval card and `autotriage suggest` read it back.
// advice_json is stored as text, byte for byte: it must be well-formed UTF-8 without NUL bytes
// (PostgreSQL TEXT refuses anything else; both backends answer kInvalidArgument), which every
// JSON serialiser produces. The store does not parse it.
struct AdviceRecord {
  int64_t id = 0;  // assigned by the store
  std::string ticket_id;
  std::string ticket_version;  // as DecisionRecord::ticket_version
  std::string trace_id;
  std::string advice_json;
  int64_t created_ms = 0;  // 0: the commit's now_ms
};

// A planned helpdesk write: the autofill (or approved) decisions of one ticket version, applied
// in one UpdateFields call plus one private note carrying the marker "[autotriage:<key>]".
enum class WriteState {
  kPlanned,     // not yet attempted
  kInFlight,    // claimed by a dispatcher; the request may or may not have reached the helpdesk
  kApplied,     // fields and note written
  kSuperseded,  // the ticket changed after the prediction; nothing written
  kFailed,      // gave up after max attempts (error kept); nothing more is tried
};

struct WriteRecord {
  int64_t id = 0;
  std::string idempotency_key;  // unique: ticket id + version + hash of the updates
  std::string trace_id;
  std::string ticket_id;
  std::string ticket_version;  // the version the decisions were made on
  std::string updates_json;    // JSON array of {field, value, old}
  std::string note;            // note body including the marker; "" = no note
  // Decisions this write carries. In a TriageCommit these are positions (0-based) in
  // TriageCommit::decisions, which the store replaces by the ids it assigns; left empty, the
  // write carries every decision of the commit whose outcome is "autofill".
  std::vector<int64_t> decision_ids;
  WriteState state = WriteState::kPlanned;
  int attempts = 0;
  std::string last_error;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// Everything one triage produces, committed atomically with the job's completion.
// The write's idempotency key is unique: when a write with that key already exists (the same
// ticket version planned twice) the first one is kept and no second write is made.
struct TriageCommit {
  int64_t job_id = 0;
  std::vector<DecisionRecord> decisions;
  std::optional<WriteRecord> write;  // present when some decision is autofill
  std::vector<AuditEntry> audit;     // appended in order after the decisions
  // Stored with the decisions. Every commit adds a row, also for a ticket_id + ticket_version
  // that already has advice (a ticket seen by webhook and poller): history is kept, and
  // LatestAdvice returns the newest.
  std::optional<AdviceRecord> advice;
};

// A human's (or the system's) decision on the pending decisions of one ticket version.
struct ApprovalDecision {
  std::string ticket_id;
  std::string ticket_version;
  // The decisions acted on; every one must belong to the ticket version and still be "pending".
  std::vector<int64_t> decision_ids;
  std::string action;  // approval_action::*
  // kEdited: decision id -> the value the human chose; decisions not listed keep the proposal.
  std::map<int64_t, std::string> human_values;
  std::string actor;
  std::string reason;
  // kApproved / kEdited: the write to plan. Its decision_ids must be real decision ids. If a
  // write with the same idempotency key exists it is kept and no second one is made.
  std::optional<WriteRecord> write;
  std::vector<AuditEntry> audit;  // appended in the same transaction
  int64_t now_ms = 0;
};

// A value a human changed away from: never re-applied to that ticket.
struct OverrideRecord {
  std::string ticket_id;
  std::string field;
  std::string rejected_value;  // the engine's value the human replaced
  std::string human_value;
  int64_t created_ms = 0;
};

struct DecisionFilter {
  std::string outcome;    // "" = any
  std::string ticket_id;  // "" = any
  int limit = 100;
  int64_t before_id = 0;  // 0 = newest first from the top; else ids < before_id
};

struct StoreStats {
  int64_t jobs_pending = 0;  // the inbox depth
  int64_t jobs_running = 0;
  int64_t jobs_done = 0;
  int64_t jobs_failed = 0;
  int64_t writes_open = 0;  // planned + in flight
  int64_t decisions = 0;
  int64_t audit_entries = 0;
};

// What /metrics reports on every scrape: work waiting now, not history.
struct QueueDepth {
  int64_t jobs_pending = 0;  // the inbox depth
  int64_t writes_open = 0;   // planned + in flight
};

// Methods that take one `const AuditEntry& audit` append it to the chain in the same
// transaction as the change it describes; an entry with an empty `kind` is not appended.
class Store {
 public:
  virtual ~Store() = default;

  virtual std::string backend() const = 0;  // "sqlite" or "postgres"
  virtual int schema_version() const = 0;

  // --- inbox and jobs ---
  // Stores every event and its job in one transaction (group commit: the intake batches
  // concurrent webhook requests). An event whose (ticket_id, version) already has a job joins
  // it (its `events` count grows) instead of making a new one. Each event also appends an
  // "event_received" audit entry. Results are in input order.
  virtual Result<std::vector<EnqueueResult>> Enqueue(const std::vector<InboxEvent>& events) = 0;
  // Claims up to `max` pending jobs (oldest first), and jobs whose lease expired (their holder
  // died), for `lease_ms`. Claiming increments attempts. `owner` names the worker for diagnostics.
  virtual Result<std::vector<Job>> ClaimJobs(const std::string& owner, int max, int64_t lease_ms,
                                             int64_t now_ms) = 0;
  // Finishes a job: stores decisions, the planned write, the advice and audit entries and marks
  // the job done, in one transaction. kFailedPrecondition when the job is not running (done,
  // failed, or given back), so a job taken over after its lease expired is committed once only;
  // kNotFound for an unknown job; kInvalidArgument for advice without a ticket id or JSON, or
  // whose JSON is not storable text (see AdviceRecord), with nothing stored.
  virtual Status CommitTriage(const TriageCommit& commit, int64_t now_ms) = 0;
  // Gives the job back for a retry at `retry_at_ms` (state pending) or, when `give_up`, marks it
  // failed. The error is kept on the job and appended to the audit trail.
  // kFailedPrecondition when the job is not running.
  virtual Status FailJob(int64_t job_id, const std::string& error, bool give_up,
                         int64_t retry_at_ms, const AuditEntry& audit) = 0;
  virtual Result<Job> GetJob(int64_t job_id) = 0;

  // --- decisions and approvals ---
  virtual Result<std::vector<DecisionRecord>> ListDecisions(const DecisionFilter& filter) = 0;
  // Decisions of a ticket, oldest first (used to tell an already-triaged ticket).
  virtual Result<std::vector<DecisionRecord>> DecisionsForTicket(const std::string& ticket_id) = 0;
  // Changes a decision's outcome (e.g. pending -> superseded) and appends the audit entry.
  virtual Status UpdateDecisionOutcome(int64_t decision_id, const std::string& outcome,
                                       const std::string& reason, const AuditEntry& audit) = 0;

  // The newest advice (highest id) of a ticket, whatever its version; nullopt when the ticket
  // has none. kInvalidArgument for an empty ticket id.
  virtual Result<std::optional<AdviceRecord>> LatestAdvice(const std::string& ticket_id) = 0;

  // --- writes (dispatcher) ---
  // Claims up to `max` planned writes and in-flight writes whose lease expired, marking them
  // in flight for `lease_ms`; attempts is incremented.
  virtual Result<std::vector<WriteRecord>> ClaimWrites(const std::string& owner, int max,
                                                       int64_t lease_ms, int64_t now_ms) = 0;
  // Final (or retry) state of a write with its audit entry, in one transaction. state kPlanned
  // means "retry later": the lease is dropped and the write is claimable again at retry_at_ms.
  // Applied / superseded / failed writes update their decisions' outcomes ("applied" /
  // "superseded" / "failed"). kFailedPrecondition when the write is not in flight (so a write
  // finished by a dispatcher whose lease expired is not finished twice); kInvalidArgument for
  // state kInFlight.
  virtual Status FinishWrite(int64_t write_id, WriteState state, const std::string& error,
                             int64_t retry_at_ms, const AuditEntry& audit) = 0;
  // Writes of a ticket ("" = every write), oldest first.
  virtual Result<std::vector<WriteRecord>> ListWrites(const std::string& ticket_id) = 0;

  // --- override memory ---
  virtual Status RecordOverride(const OverrideRecord& record, const AuditEntry& audit) = 0;
  virtual Result<std::vector<OverrideRecord>> OverridesForTicket(const std::string& ticket_id) = 0;

  // --- polling cursors ---
  virtual Result<std::optional<std::string>> GetCursor(const std::string& name) = 0;
  virtual Status SetCursor(const std::string& name, const std::string& value) = 0;

  // --- audit ---
  // Appends entries to the chain (seq, prev_hash and hash are filled in here).
  virtual Status AppendAudit(const std::vector<AuditEntry>& entries) = 0;
  // Entries with seq > after_seq, in seq order, at most `limit`.
  virtual Result<std::vector<AuditEntry>> ReadAudit(int64_t after_seq, int limit) = 0;

  virtual Result<StoreStats> Stats() = 0;
  // Only the inbox depth and the open writes. Stats counts every decision and audit record,
  // which grows with the store's age; this reads index ranges of the waiting rows only, so a
  // frequent scrape stays cheap. The default derives it from Stats (for test doubles).
  virtual Result<QueueDepth> Queues() {
    auto stats = Stats();
    if (!stats.ok()) {
      return stats.status();
    }
    return QueueDepth{stats->jobs_pending, stats->writes_open};
  }

  // --- approvals (issue 6) ---
  // Pending approvals newest first: the pending decisions of at most `limit` ticket versions
  // (<= 0: 100; at most 10,000), newest version (highest decision id) first, each version's
  // decisions by field. `queue` "" = every queue. A page costs what it shows, not what is
  // pending in all.
  virtual Result<std::vector<DecisionRecord>> PendingDecisions(const std::string& queue,
                                                               int limit) = 0;
  // Atomically: checks every decision is pending (else kFailedPrecondition naming the current
  // outcome and, when a human decided it, who: "already approved by user:alice"), sets their
  // outcome to the action (an edit: "edited" for the decisions with a human value, "approved"
  // for the others) and updated_ms, writes one ApprovalActionRecord per decision (its action
  // as that outcome), plans the write (a write naming no decision ids carries every decision
  // of the approval; its ticket id and version are the approval's), appends the audit entries.
  // Of concurrent calls on the same decisions (any node) exactly one succeeds.
  // kInvalidArgument for an unknown action, no or repeated decisions, ids of another ticket
  // version, human values without an edit or of decisions not named, or a write for a
  // rejection, without idempotency key or carrying decisions not named; kNotFound for an
  // unknown decision id. On any error nothing changes.
  virtual Status DecideApproval(const ApprovalDecision& decision) = 0;
  // Approval actions of a ticket ("" = all), oldest first, at most `limit` (newest kept;
  // <= 0: 100).
  virtual Result<std::vector<ApprovalActionRecord>> ListApprovalActions(
      const std::string& ticket_id, int limit) = 0;
  // Sets escalated_ms (now_ms) of the named decisions that are pending and not yet escalated,
  // and appends the audit entry when any changed; returns how many changed (0 when another
  // node escalated them first). Unknown ids are skipped.
  virtual Result<int> MarkEscalated(const std::vector<int64_t>& decision_ids, int64_t now_ms,
                                    const AuditEntry& audit) = 0;
  // Run-time autonomy matrix cells; Set replaces the (queue, field) cell and appends `audit`.
  // kInvalidArgument for an empty queue or field, or a mode other than off, monitor, suggest,
  // autofill. List orders by queue, then field (byte order).
  virtual Status SetMatrixCell(const MatrixCellRecord& cell, const AuditEntry& audit) = 0;
  virtual Result<std::vector<MatrixCellRecord>> ListMatrixCells() = 0;
  // KPI counts for created_ms / decided_ms >= since_ms, ordered by day, queue, field, then
  // outcome / action.
  virtual Result<std::vector<DecisionCountRow>> CountDecisions(int64_t since_ms) = 0;
  virtual Result<std::vector<ApprovalCountRow>> CountApprovalActions(int64_t since_ms) = 0;

  // --- users, sessions, API tokens (issue 6) ---
  // Secrets reach the store only as hashes, and no error message quotes a hash.
  // kAlreadyExists for a taken name or Slack user id (naming which); kInvalidArgument for an
  // empty name or an unknown role. Returns the new id.
  virtual Result<int64_t> AddUser(const UserRecord& user, const AuditEntry& audit) = 0;
  // Replaces role, password_hash, slack_user_id, disabled and updated_ms of user `user.id`
  // (the name stays). Disabling a user also deletes their sessions and revokes their API
  // tokens, in the same transaction. kNotFound, kAlreadyExists (Slack id), kInvalidArgument.
  virtual Status UpdateUser(const UserRecord& user, const AuditEntry& audit) = 0;
  virtual Result<std::optional<UserRecord>> FindUserByName(const std::string& name) = 0;
  virtual Result<std::optional<UserRecord>> FindUserById(int64_t id) = 0;
  // kInvalidArgument for "" (unmapped users have no Slack id).
  virtual Result<std::optional<UserRecord>> FindUserBySlackId(const std::string& slack_user_id) = 0;
  // Every user, by name.
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  // kNotFound for an unknown user, kFailedPrecondition for a disabled one (checked in the same
  // transaction, so a user disabled at the same time keeps no session), kAlreadyExists for a
  // token hash in use.
  virtual Status PutSession(const SessionRecord& session) = 0;
  // nullopt when unknown or expired at now_ms (valid while now_ms < expires_ms; expired rows
  // are deleted on the way).
  virtual Result<std::optional<SessionRecord>> GetSession(const std::string& token_hash,
                                                          int64_t now_ms) = 0;
  // OK also when there is no such session.
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Errors as PutSession. Returns the new id.
  virtual Result<int64_t> AddApiToken(const ApiTokenRecord& token, const AuditEntry& audit) = 0;
  // nullopt when unknown or revoked.
  virtual Result<std::optional<ApiTokenRecord>> GetApiToken(const std::string& token_hash) = 0;
  // The one-time admin set-up token: Put replaces any earlier one; Consume says whether
  // `token_hash` matched an unexpired one and deletes it then (atomically: two requests, one
  // winner). An expired token is deleted too; a wrong hash leaves a live token in place, so a
  // guess cannot lock the admin out.
  virtual Status PutSetupToken(const std::string& token_hash, int64_t expires_ms) = 0;
  virtual Result<bool> ConsumeSetupToken(const std::string& token_hash, int64_t now_ms) = 0;

  // --- Slack messages (issue 6) ---
  // Put replaces the message of the same ticket version (the newest post is the one to update).
  virtual Status PutSlackMessage(const SlackMessageRecord& message) = 0;
  virtual Result<std::optional<SlackMessageRecord>> GetSlackMessage(
      const std::string& ticket_id, const std::string& ticket_version) = 0;

  // --- outcomes, corrections, resolutions (issue 7; outcome_records.h) ---
  // Records what became of a decision and appends `audit`, unless the decision already has an
  // outcome: then nothing changes (no audit) and the answer is false. kInvalidArgument for a
  // missing decision id, ticket, field or an unknown kind.
  virtual Result<bool> RecordOutcome(const OutcomeRecord& outcome, const AuditEntry& audit) = 0;
  // Outcomes of a ticket's decisions, by decision id.
  virtual Result<std::vector<OutcomeRecord>> OutcomesForTicket(const std::string& ticket_id) = 0;
  // Outcomes with observed_ms >= since_ms, ordered by day, queue, field, mode, kind.
  virtual Result<std::vector<OutcomeCountRow>> CountOutcomes(int64_t since_ms) = 0;
  // Idempotent per (ticket_id, field, label, source): a repeat keeps the first row and is OK.
  // kInvalidArgument for a missing ticket, field or label, an unknown source, or text that is
  // not storable (ill-formed UTF-8, NUL bytes).
  virtual Status AppendCorrection(const CorrectionRecord& correction) = 0;
  // Corrections with id > after_id, by id, at most `limit` (<= 0: 100; at most 10,000).
  virtual Result<std::vector<CorrectionRecord>> ListCorrections(int64_t after_id, int limit) = 0;
  // Records a resolved ticket and appends `audit`, unless the ticket has one already (false,
  // nothing changes). kInvalidArgument for a missing ticket id or resolved_ms.
  virtual Result<bool> RecordResolution(const ResolutionRecord& resolution,
                                        const AuditEntry& audit) = 0;
  // Resolutions with resolved_ms >= since_ms, ordered by day, queue.
  virtual Result<std::vector<ResolutionCountRow>> CountResolutions(int64_t since_ms) = 0;

  // --- insights: clustered tickets and proposed Problems (issue 7; insight_records.h) ---
  // Inserts or replaces members by ticket_id, all in one transaction. kInvalidArgument for an
  // empty ticket id, created_at <= 0, cluster_id <= 0 or text that is not storable (ill-formed
  // UTF-8, NUL bytes); on any error nothing changes.
  virtual Status PutClusterMembers(const std::vector<ClusterMemberRecord>& members) = 0;
  // Members with created_at >= since_s, ordered by (created_at, ticket_id).
  virtual Result<std::vector<ClusterMemberRecord>> ListClusterMembers(int64_t since_s) = 0;
  // Deletes members created before before_s; returns how many.
  virtual Result<int64_t> DeleteClusterMembers(int64_t before_s) = 0;
  // Stores a proposal in state pending (whatever `state` says), appends `audit` and returns
  // the id. kAlreadyExists when the dedupe key is taken (nothing changes); kInvalidArgument for
  // an empty dedupe key or subject, cluster_id <= 0, no ticket ids, or text that is not
  // storable.
  virtual Result<int64_t> ProposeProblem(const ProblemProposalRecord& proposal,
                                         const AuditEntry& audit) = 0;
  // Newest first (highest id), filtered as ProblemProposalFilter says.
  virtual Result<std::vector<ProblemProposalRecord>> ListProblemProposals(
      const ProblemProposalFilter& filter) = 0;
  // kNotFound for an unknown id.
  virtual Result<ProblemProposalRecord> GetProblemProposal(int64_t id) = 0;
  // A human's decision: pending -> approved (approve) or rejected, with decided_by = actor,
  // decision_reason, decided_ms = now_ms; appends `audit`. Atomic: of concurrent calls on one
  // proposal (any node) exactly one succeeds; the others get kFailedPrecondition naming the
  // current state and who decided it ("already approved by user:alice"). kNotFound for an
  // unknown id; kInvalidArgument for an empty actor.
  virtual Status DecideProblemProposal(int64_t id, bool approve, const std::string& actor,
                                       const std::string& reason, int64_t now_ms,
                                       const AuditEntry& audit) = 0;
  // Claims up to `max` proposals that are approved with lease_until_ms <= now_ms (never tried,
  // or a retry whose time came) or creating with an expired lease (their creator died): state
  // creating, lease_until_ms = now_ms + lease_ms, attempts + 1. Returned as claimed (with the
  // new attempts). Oldest first. Two claimers never get the same proposal at the same time.
  virtual Result<std::vector<ProblemProposalRecord>> ClaimProblemCreations(int max,
                                                                           int64_t lease_ms,
                                                                           int64_t now_ms) = 0;
  // Ends the claim `attempt` (the attempts value Claim returned) of proposal `id`:
  // new_state created (problem_id required), failed or approved_no_problem_records; or
  // approved = try again at retry_at_ms (the lease becomes the retry time). `error` is kept in
  // last_error ("" clears it). Appends `audit`. kFailedPrecondition when the proposal is not
  // creating or another claim took it over (attempts differ), so a creator whose lease expired
  // finishes nothing; kInvalidArgument for another new_state or created without problem_id;
  // kNotFound for an unknown id.
  virtual Status FinishProblemCreation(int64_t id, int attempt, const std::string& new_state,
                                       const std::string& problem_id, const std::string& error,
                                       int64_t retry_at_ms, const AuditEntry& audit) = 0;
};

struct StoreConfig {
  std::string backend = "sqlite";  // "sqlite" or "postgres"
  std::string sqlite_path;         // file, created when missing; ":memory:" for unit tests
  std::string postgres_url;        // Secret. libpq URL or conninfo string
  int pool_size = 4;               // PostgreSQL connections
};

Result<std::unique_ptr<Store>> OpenStore(const StoreConfig& config);

std::string_view ToString(JobState state);
std::string_view ToString(WriteState state);

}  // namespace autotriage
