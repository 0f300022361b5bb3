// Internals shared by the SQLite and PostgreSQL backends of the Store (store.h): the schema
// version, state names, batch grouping, audit chaining and secret redaction. Not part of the
// module's API; only the store's .cc files include it.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/store/store.h"

namespace autotriage {

// The schema this build writes. A database whose schema_migrations holds a higher version was
// written by a newer autotriage and is refused.
// 1: jobs, events, decisions, writes, overrides, cursors, audit. 2: advice.
inline constexpr int kStoreSchemaVersion = 2;

// Column lists both backends select, in the order their row readers expect.
inline constexpr char kJobColumns[] =
    "id, ticket_id, version, source, trace_id, attempts, event_count, last_error, state";
inline constexpr char kDecisionColumns[] =
    "id, trace_id, ticket_id, ticket_version, queue, field, old_value, new_value, confidence, "
    "margin, mode, outcome, reason, explanation, model_version, created_ms, updated_ms";
inline constexpr char kWriteColumns[] =
    "id, idempotency_key, trace_id, ticket_id, ticket_version, updates_json, note, decision_ids, "
    "state, attempts, last_error, created_ms, updated_ms";
inline constexpr char kAdviceColumns[] =
    "id, ticket_id, ticket_version, trace_id, advice_json, created_ms";
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
