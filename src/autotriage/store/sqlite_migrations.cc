// SQLite backend: the schema and its versioned migrations (MigrateSqlite, sqlite_store.h).
#include <SQLiteCpp/SQLiteCpp.h>

#include <iterator>
#include <string>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// Migration n (1-based) is kSqliteMigrations[n - 1]. Append only; never edit a shipped one.
constexpr const char* kSqliteMigrations[] = {
    R"sql(
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id TEXT NOT NULL,
  version TEXT NOT NULL,
  source TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  state TEXT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  available_at_ms INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  event_count INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  UNIQUE (ticket_id, version)
);
-- One index serves both claim paths (pending by available_at_ms, running by lease); every
-- index costs pages in each group commit, so there are as few as the queries need.
CREATE INDEX jobs_claim ON jobs (state, available_at_ms, id);
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL,
  source TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  version TEXT NOT NULL,
  payload TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  received_ms INTEGER NOT NULL
);
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  confidence REAL NOT NULL,
  margin REAL NOT NULL,
  mode TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  explanation TEXT NOT NULL,
  model_version TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX decisions_ticket ON decisions (ticket_id, id);
CREATE INDEX decisions_outcome ON decisions (outcome, id);
CREATE TABLE writes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  job_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  updates_json TEXT NOT NULL,
  note TEXT NOT NULL,
  decision_ids TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  available_at_ms INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX writes_pending ON writes (state, available_at_ms, id);
CREATE INDEX writes_ticket ON writes (ticket_id, id);
CREATE TABLE overrides (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id TEXT NOT NULL,
  field TEXT NOT NULL,
  rejected_value TEXT NOT NULL,
  human_value TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX overrides_ticket ON overrides (ticket_id, id);
CREATE TABLE cursors (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  model_version TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
)sql",
    // 2: the engine's advice per triaged ticket version (store.h AdviceRecord), read back
    // newest first per ticket.
    R"sql(
CREATE TABLE advice (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL,
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  advice_json TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX advice_ticket ON advice (ticket_id, id);
)sql",
    // 3: approvals (what humans decided on pending decisions, escalation, run-time matrix
    // cells), dashboard users with their sessions and API tokens, the one-time set-up token and
    // the Slack messages carrying approval cards. Indexes serve the approval queue (pending
    // decisions by queue, newest first) and the KPI counts since a time.
    R"sql(
ALTER TABLE decisions ADD COLUMN escalated_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX decisions_pending_queue ON decisions (queue, id) WHERE outcome = 'pending';
-- Covers the KPI counts: they read no table row.
CREATE INDEX decisions_created ON decisions (created_ms, queue, field, outcome);
CREATE TABLE approval_actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  decision_id INTEGER NOT NULL,
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  proposed_value TEXT NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL,
  human_value TEXT NOT NULL,
  proposed_ms INTEGER NOT NULL,
  decided_ms INTEGER NOT NULL
);
CREATE INDEX approval_actions_ticket ON approval_actions (ticket_id, id);
CREATE INDEX approval_actions_decision ON approval_actions (decision_id, id);
CREATE INDEX approval_actions_decided ON approval_actions (decided_ms, queue, field, action,
  proposed_ms);
CREATE TABLE matrix_cells (
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  mode TEXT NOT NULL,
  actor TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (queue, field)
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  slack_user_id TEXT NOT NULL,
  disabled INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_slack ON users (slack_user_id) WHERE slack_user_id <> '';
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  csrf_token TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  revoked INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
-- At most one row: a new set-up token replaces the old one.
CREATE TABLE setup_token (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  token_hash TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE TABLE slack_messages (
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  channel TEXT NOT NULL,
  ts TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, ticket_version)
);
)sql",
    // 4: what became of decisions (outcomes, one per decision), the corrections log of
    // human-verified labels, and resolved tickets (first-contact resolution, time to resolve).
    // The *_observed / *_resolved indexes cover the KPI counts: they read no table row.
    R"sql(
CREATE TABLE outcomes (
  decision_id INTEGER PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL,
  engine_value TEXT NOT NULL,
  human_value TEXT NOT NULL,
  observed_ms INTEGER NOT NULL
);
CREATE INDEX outcomes_ticket ON outcomes (ticket_id, decision_id);
CREATE INDEX outcomes_observed ON outcomes (observed_ms, queue, field, mode, kind);
CREATE TABLE corrections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id TEXT NOT NULL,
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  label TEXT NOT NULL,
  source TEXT NOT NULL,
  text TEXT NOT NULL,
  observed_ms INTEGER NOT NULL,
  UNIQUE (ticket_id, field, label, source)
);
CREATE TABLE resolutions (
  ticket_id TEXT PRIMARY KEY,
  queue TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  resolved_ms INTEGER NOT NULL,
  conversations INTEGER NOT NULL,
  first_contact INTEGER NOT NULL,
  observed_ms INTEGER NOT NULL
);
CREATE INDEX resolutions_resolved ON resolutions (resolved_ms, queue, first_contact, created_ms);
)sql",
    // 5: the insights (issue 7): the tickets the recurring-issue clusterer holds, so that its
    // state survives a restart (read and expired by created_at), and the Problems proposed for
    // spiking clusters with their life through approval and creation (listed by state and by
    // creation time; claimed by state). ticket_ids is a JSON array of strings.
    R"sql(
CREATE TABLE cluster_members (
  ticket_id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  cluster_id INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX cluster_members_created ON cluster_members (created_at);
CREATE TABLE problem_proposals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key TEXT NOT NULL UNIQUE,
  cluster_id INTEGER NOT NULL,
  cluster_name TEXT NOT NULL,
  state TEXT NOT NULL,
  window_start_ms INTEGER NOT NULL,
  window_end_ms INTEGER NOT NULL,
  observed INTEGER NOT NULL,
  expected REAL NOT NULL,
  p_value REAL NOT NULL,
  subject TEXT NOT NULL,
  priority TEXT NOT NULL,
  evidence_json TEXT NOT NULL,
  ticket_ids TEXT NOT NULL,
  decided_by TEXT NOT NULL DEFAULT '',
  decision_reason TEXT NOT NULL DEFAULT '',
  decided_ms INTEGER NOT NULL DEFAULT 0,
  problem_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX problem_proposals_state ON problem_proposals (state, id);
CREATE INDEX problem_proposals_created ON problem_proposals (created_ms);
)sql",
};
static_assert(std::size(kSqliteMigrations) == kStoreSchemaVersion);

}  // namespace

Status MigrateSqlite(SQLite::Database& db) {
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_ms INTEGER NOT NULL)");
  const int64_t current =
      db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt64();
  if (current > kStoreSchemaVersion) {
    return FailedPrecondition("the database has schema version " + std::to_string(current) +
                              ", newer than this autotriage supports (" +
                              std::to_string(kStoreSchemaVersion) + "); upgrade autotriage");
  }
  for (int64_t version = current + 1; version <= kStoreSchemaVersion; ++version) {
    db.exec(kSqliteMigrations[version - 1]);
    SQLite::Statement insert(db,
                             "INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)");
    insert.bind(1, version);
    insert.bind(2, TimeOrNow(0));
    insert.exec();
  }
  transaction.commit();
  return Status::Ok();
}

}  // namespace autotriage
