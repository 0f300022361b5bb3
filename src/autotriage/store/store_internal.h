// Internals shared by the SQLite and PostgreSQL backends of the Store (store.h): the schema
// version, state names, batch grouping, audit chaining, secret redaction, and the rules of
// approvals, users and KPI counts. Not part of the module's API; only the store's .cc files
// include it.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/store/store.h"

namespace autotriage {

// The schema this build writes. A database whose schema_migrations holds a higher version was
// written by a newer autotriage and is refused.
// 1: jobs, events, decisions, writes, overrides, cursors, audit. 2: advice. 3: approvals
// (decisions.escalated_ms, approval_actions, matrix_cells), users, sessions, API tokens, the
// set-up token and Slack messages. 4: outcomes, corrections, resolutions. 5: cluster_members,
// problem_proposals.
inline constexpr int kStoreSchemaVersion = 5;

// Column lists both backends select, in the order their row readers expect.
inline constexpr char kJobColumns[] =
    "id, ticket_id, version, source, trace_id, attempts, event_count, last_error, state";
inline constexpr char kDecisionColumns[] =
    "id, trace_id, ticket_id, ticket_version, queue, field, old_value, new_value, confidence, "
    "margin, mode, outcome, reason, explanation, model_version, created_ms, updated_ms, "
    "escalated_ms";
inline constexpr char kWriteColumns[] =
    "id, idempotency_key, trace_id, ticket_id, ticket_version, updates_json, note, decision_ids, "
    "state, attempts, last_error, created_ms, updated_ms";
inline constexpr char kAdviceColumns[] =
    "id, ticket_id, ticket_version, trace_id, advice_json, created_ms";
inline constexpr char kApprovalActionColumns[] =
    "id, decision_id, ticket_id, ticket_version, queue, field, proposed_value, action, actor, "
    "reason, human_value, proposed_ms, decided_ms";
inline constexpr char kMatrixCellColumns[] = "queue, field, mode, actor, updated_ms";
inline constexpr char kUserColumns[] =
    "id, name, role, password_hash, slack_user_id, disabled, created_ms, updated_ms";
inline constexpr char kSessionColumns[] = "token_hash, user_id, csrf_token, created_ms, expires_ms";
inline constexpr char kApiTokenColumns[] = "id, token_hash, user_id, label, revoked, created_ms";
inline constexpr char kSlackMessageColumns[] = "ticket_id, ticket_version, channel, ts, created_ms";
inline constexpr char kOutcomeColumns[] =
    "decision_id, ticket_id, queue, field, mode, kind, engine_value, human_value, observed_ms";
inline constexpr char kCorrectionColumns[] =
    "id, ticket_id, queue, field, label, source, text, observed_ms";
inline constexpr char kClusterMemberColumns[] = "ticket_id, created_at, cluster_id, text";
inline constexpr char kProblemProposalColumns[] =
    "id, dedupe_key, cluster_id, cluster_name, state, window_start_ms, window_end_ms, observed, "
    "expected, p_value, subject, priority, evidence_json, ticket_ids, decided_by, "
    "decision_reason, decided_ms, problem_id, attempts, last_error, lease_until_ms, created_ms, "
    "updated_ms";
inline constexpr char kAuditColumns[] =
    "seq, time_ms, kind, trace_id, ticket_id, model_version, input_hash, detail, prev_hash, hash";

Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreConfig& config);
Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreConfig& config);

Result<JobState> ParseJobState(std::string_view name);
Result<WriteState> ParseWriteState(std::string_view name);

// Decision ids of a write as stored: "1,2,3".
std::string JoinIds(const std::vector<int64_t>& ids);
std::vector<int64_t> SplitIds(std::string_view text);

// kInvalidArgument when an event lacks its ticket id or version.
Status ValidateEvents(const std::vector<InboxEvent>& events);
// For each event of a batch, the index of the first event with the same (ticket_id, version);
// the group commit makes one job per distinct key.
std::vector<size_t> FirstEventOfKey(const std::vector<InboxEvent>& events);
// The "event_received" audit entry of an enqueued event.
AuditEntry EventReceivedAudit(const InboxEvent& event, int64_t job_id, bool new_job);

// kInvalidArgument for a commit the store cannot take (no job id, a write without key, decision
// positions out of range, advice ValidateAdvice refuses).
Status ValidateCommit(const TriageCommit& commit);
// kInvalidArgument for advice without a ticket id or JSON, or whose JSON is not text both
// backends keep byte for byte (ill-formed UTF-8 or a NUL byte: PostgreSQL TEXT refuses those,
// so SQLite refuses them too and the backends agree). store_advice.cc.
Status ValidateAdvice(const AdviceRecord& advice);
// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF) without NUL bytes.
bool IsStorableText(std::string_view text);
// The decision ids a commit's write carries, given the ids assigned to commit.decisions.
std::vector<int64_t> WriteDecisionIds(const TriageCommit& commit,
                                      const std::vector<int64_t>& assigned_ids);
// The decision outcome a finished write leads to ("" for kPlanned: decisions unchanged).
std::string_view DecisionOutcomeOfWrite(WriteState state);

// --- approvals and people (store_approval_rules.cc) ---

// The limit a list call uses: `limit` capped at 10,000, or 100 when not positive.
int ListLimit(int limit);

// What a backend reads of each decision an ApprovalDecision names, inside its transaction.
struct ApprovalTarget {
  int64_t id = 0;
  int64_t job_id = 0;
  std::string ticket_id;
  std::string ticket_version;
  std::string queue;
  std::string field;
  std::string outcome;
  std::string new_value;
  int64_t created_ms = 0;
  // The newest approval action on the decision ("" when none): who decided it already.
  std::string last_action;
  std::string last_actor;
};

// kInvalidArgument for a decision the store cannot take, before any database work: an unknown
// action, no or repeated decision ids, human values of another action or of decisions not
// named, an edit without human values, a write for an action that writes nothing, a write
// without idempotency key, or of another ticket, or carrying decisions not named.
Status ValidateApproval(const ApprovalDecision& decision);
// Checks the decisions as read (`targets`, any order, those that exist): kNotFound for an id
// that does not exist, kInvalidArgument for one of another ticket version, kFailedPrecondition
// for one that is not pending (naming its outcome and who decided it).
Status CheckApprovalTargets(const ApprovalDecision& decision,
                            const std::vector<ApprovalTarget>& targets);
// The outcome decision `decision_id` gets: the action, except that an edit marks the decisions
// without a human value "approved".
std::string_view ApprovalOutcomeOf(const ApprovalDecision& decision, int64_t decision_id);
// One approval action per decision, in the order of decision.decision_ids.
// REQUIRES: CheckApprovalTargets(decision, targets) is OK.
std::vector<ApprovalActionRecord> ApprovalActionsOf(const ApprovalDecision& decision,
                                                    const std::vector<ApprovalTarget>& targets);
// The write an approval plans, with its ticket filled in and the decision ids it carries
// (every decision of the approval when the write names none).
WriteRecord ApprovalWrite(const ApprovalDecision& decision);

// kInvalidArgument for an empty queue or field, or a mode other than off, monitor, suggest
// and autofill.
Status ValidateMatrixCell(const MatrixCellRecord& cell);
// kInvalidArgument for an empty name or a role other than viewer, approver and admin.
Status ValidateUser(const UserRecord& user);

// KPI rows group timestamps by UTC day: the day index is ms / kMsPerDay.
inline constexpr int64_t kMsPerDay = 86400000;
// "YYYY-MM-DD" of a day index (days since 1970-01-01).
std::string UtcDay(int64_t day_index);

// Counts KPI rows by (UTC day, queue, field, label) with the mean of a value, for a backend that
// scans the rows itself (SQLite's GROUP BY sorts every row first: five times slower than this
// with 100,000 decisions). Not thread-safe.
class KpiTally {
 public:
  void Add(int64_t time_ms, std::string_view queue, std::string_view field, std::string_view label,
           double value = 0);
  // Ordered by day, queue, field, label (byte order).
  std::vector<DecisionCountRow> DecisionRows() const;
  std::vector<ApprovalCountRow> ApprovalRows() const;

 private:
  struct Group {
    int64_t day = 0;
    std::string queue;
    std::string field;
    std::string label;
    int64_t count = 0;
    double sum = 0;
  };
  std::vector<const Group*> Sorted() const;

  std::unordered_map<std::string, Group> groups_;
  std::string key_;  // reused: a lookup allocates nothing once warm
};

// --- outcomes, corrections, resolutions (store_outcome_rules.cc) ---

// kInvalidArgument for an outcome without decision id, ticket or field, or of an unknown kind.
Status ValidateOutcome(const OutcomeRecord& outcome);
// kInvalidArgument for a correction without ticket, field or label, of an unknown source, or
// whose text is not storable (IsStorableText).
Status ValidateCorrection(const CorrectionRecord& correction);
// kInvalidArgument for a resolution without ticket id or resolved_ms.
Status ValidateResolution(const ResolutionRecord& resolution);
// The KpiTally label of an outcome ("mode/kind") and the rows of a tally of such labels.
std::string OutcomeTallyLabel(std::string_view mode, std::string_view kind);
std::vector<OutcomeCountRow> OutcomeRowsOf(const KpiTally& tally);
// A tally of resolutions labelled "fcr" or "other" with the resolve seconds as value, as rows
// per day and queue.
std::vector<ResolutionCountRow> ResolutionRowsOf(const KpiTally& tally);

// --- insights: cluster members and proposed Problems (store_insight_rules.cc) ---

// kInvalidArgument naming the member (by position and ticket id) and the field: an empty
// ticket_id, created_at <= 0, cluster_id <= 0, or a ticket id or text that is not storable.
Status ValidateClusterMembers(const std::vector<ClusterMemberRecord>& members);
// The members with the last occurrence of each ticket id kept, in input order of those (a
// batch that names a ticket twice replaces it with its last version, as one-by-one puts would).
std::vector<ClusterMemberRecord> LastMemberOfEachTicket(
    const std::vector<ClusterMemberRecord>& members);
// kInvalidArgument naming the field: an empty dedupe key or subject, cluster_id <= 0, no ticket
// ids, or any text field that is not storable.
Status ValidateProblemProposal(const ProblemProposalRecord& proposal);
// True for the states of problem_state (insight_records.h).
bool IsProblemState(std::string_view state);
// kInvalidArgument for a filter naming an unknown state.
Status ValidateProblemFilter(const ProblemProposalFilter& filter);
// kInvalidArgument for an empty actor or an actor or reason that is not storable.
Status ValidateProblemDecision(int64_t id, const std::string& actor, const std::string& reason);
// kInvalidArgument for a new state other than created, failed, approved_no_problem_records and
// approved, created without problem_id, or a problem id or error that is not storable.
Status ValidateProblemFinish(int64_t id, const std::string& new_state,
                             const std::string& problem_id, const std::string& error);
// The kFailedPrecondition of a decision on proposal `id`, no longer pending: it names the
// decision and who made it ("problem proposal 7 is already approved by user:alice").
Status ProblemAlreadyDecided(int64_t id, const std::string& state, const std::string& decided_by);
// The kFailedPrecondition of a finish by claim `attempt` of proposal `id`, which is in `state`
// after `attempts` claims.
Status ProblemClaimLost(int64_t id, int attempt, const std::string& state, int attempts);
// Ticket ids as stored: a JSON array of strings.
std::string ProblemTicketIdsJson(const std::vector<std::string>& ticket_ids);
// kCorruption when the stored text is not a JSON array of strings.
Result<std::vector<std::string>> ParseProblemTicketIds(int64_t id, std::string_view json);

// Drops entries without a kind and fills seq, prev_hash and hash so that they continue the
// chain whose last record is (head_seq, head_hash); head_seq 0 means an empty chain.
void ChainAudit(int64_t head_seq, const std::string& head_hash, std::vector<AuditEntry>* entries);

// `time_ms` when set, else the wall clock in Unix milliseconds: a row's updated_ms when the call
// has no `now` (the audit entry's time is used then).
int64_t TimeOrNow(int64_t time_ms);

// The PostgreSQL URL or conninfo with its password replaced by "***".
std::string RedactPostgresUrl(const std::string& url);
// `message` with every password found in `url` (and the raw url) replaced, for error messages.
std::string ScrubPostgresSecrets(std::string message, const std::string& url);

}  // namespace autotriage
