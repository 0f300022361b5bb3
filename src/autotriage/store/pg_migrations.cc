// PostgreSQL backend: the schema and its versioned migrations (PostgresStore::Migrate,
// pg_store.h), run under an advisory lock so that several nodes starting at once migrate once.
#include <iterator>
#include <pqxx/pqxx>
#include <string>

#include "autotriage/store/pg_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// Advisory lock key "autotriage migrate" (the audit lock is ...002, pg_store.cc).
constexpr char kMigrationLockSql[] = "SELECT pg_advisory_xact_lock(7310868829871480001)";

// Migration n (1-based) is kPgMigrations[n - 1]. Append only; never edit a shipped one.
constexpr const char* kPgMigrations[] = {
    R"sql(
CREATE TABLE jobs (
  id BIGSERIAL PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  version TEXT NOT NULL,
  source TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  state TEXT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until_ms BIGINT NOT NULL DEFAULT 0,
  available_at_ms BIGINT NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  event_count BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  UNIQUE (ticket_id, version)
);
CREATE INDEX jobs_pending ON jobs (available_at_ms, id) WHERE state = 'pending';
CREATE INDEX jobs_running ON jobs (lease_until_ms, id) WHERE state = 'running';
CREATE TABLE events (
  id BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL,
  source TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  version TEXT NOT NULL,
  payload BYTEA NOT NULL,
  trace_id TEXT NOT NULL,
  received_ms BIGINT NOT NULL
);
CREATE TABLE decisions (
  id BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL,
  trace_id TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  margin DOUBLE PRECISION NOT NULL,
  mode TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  explanation TEXT NOT NULL,
  model_version TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX decisions_ticket ON decisions (ticket_id, id);
CREATE INDEX decisions_outcome ON decisions (outcome, id);
CREATE TABLE writes (
  id BIGSERIAL PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  job_id BIGINT NOT NULL,
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
  lease_until_ms BIGINT NOT NULL DEFAULT 0,
  available_at_ms BIGINT NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX writes_planned ON writes (available_at_ms, id) WHERE state = 'planned';
CREATE INDEX writes_in_flight ON writes (lease_until_ms, id) WHERE state = 'in_flight';
CREATE INDEX writes_ticket ON writes (ticket_id, id);
CREATE TABLE overrides (
  id BIGSERIAL PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  field TEXT NOT NULL,
  rejected_value TEXT NOT NULL,
  human_value TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE INDEX overrides_ticket ON overrides (ticket_id, id);
CREATE TABLE cursors (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE audit (
  seq BIGINT PRIMARY KEY,
  time_ms BIGINT NOT NULL,
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
    // newest first per ticket. TEXT, not JSONB: the document comes back byte for byte.
    R"sql(
CREATE TABLE advice (
  id BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL,
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  advice_json TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE INDEX advice_ticket ON advice (ticket_id, id);
)sql",
    // 3: approvals (what humans decided on pending decisions, escalation, run-time matrix
    // cells), dashboard users with their sessions and API tokens, the one-time set-up token and
    // the Slack messages carrying approval cards. Indexes serve the approval queue (pending
    // decisions by queue, newest first) and the KPI counts since a time.
    R"sql(
ALTER TABLE decisions ADD COLUMN escalated_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX decisions_pending_queue ON decisions (queue, id) WHERE outcome = 'pending';
-- Covers the KPI counts: they read no table row.
CREATE INDEX decisions_created ON decisions (created_ms, queue, field, outcome);
CREATE TABLE approval_actions (
  id BIGSERIAL PRIMARY KEY,
  decision_id BIGINT NOT NULL,
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  proposed_value TEXT NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL,
  human_value TEXT NOT NULL,
  proposed_ms BIGINT NOT NULL,
  decided_ms BIGINT NOT NULL
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
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (queue, field)
);
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  slack_user_id TEXT NOT NULL,
  disabled BOOLEAN NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_slack ON users (slack_user_id) WHERE slack_user_id <> '';
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_tokens (
  id BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL,
  label TEXT NOT NULL,
  revoked BOOLEAN NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
-- At most one row: a new set-up token replaces the old one.
CREATE TABLE setup_token (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  token_hash TEXT NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE TABLE slack_messages (
  ticket_id TEXT NOT NULL,
  ticket_version TEXT NOT NULL,
  channel TEXT NOT NULL,
  ts TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  PRIMARY KEY (ticket_id, ticket_version)
);
)sql",
    // 4: what became of decisions (outcomes, one per decision), the corrections log of
    // human-verified labels, and resolved tickets (first-contact resolution, time to resolve).
    // The *_observed / *_resolved indexes cover the KPI counts: they read no table row.
    R"sql(
CREATE TABLE outcomes (
  decision_id BIGINT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL,
  engine_value TEXT NOT NULL,
  human_value TEXT NOT NULL,
  observed_ms BIGINT NOT NULL
);
CREATE INDEX outcomes_ticket ON outcomes (ticket_id, decision_id);
CREATE INDEX outcomes_observed ON outcomes (observed_ms, queue, field, mode, kind);
CREATE TABLE corrections (
  id BIGSERIAL PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  queue TEXT NOT NULL,
  field TEXT NOT NULL,
  label TEXT NOT NULL,
  source TEXT NOT NULL,
  text TEXT NOT NULL,
  observed_ms BIGINT NOT NULL,
  UNIQUE (ticket_id, field, label, source)
);
CREATE TABLE resolutions (
  ticket_id TEXT PRIMARY KEY,
  queue TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  resolved_ms BIGINT NOT NULL,
  conversations INTEGER NOT NULL,
  first_contact BOOLEAN NOT NULL,
  observed_ms BIGINT NOT NULL
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
  created_at BIGINT NOT NULL,
  cluster_id BIGINT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX cluster_members_created ON cluster_members (created_at);
CREATE TABLE problem_proposals (
  id BIGSERIAL PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  cluster_id BIGINT NOT NULL,
  cluster_name TEXT NOT NULL,
  state TEXT NOT NULL,
  window_start_ms BIGINT NOT NULL,
  window_end_ms BIGINT NOT NULL,
  observed BIGINT NOT NULL,
  expected DOUBLE PRECISION NOT NULL,
  p_value DOUBLE PRECISION NOT NULL,
  subject TEXT NOT NULL,
  priority TEXT NOT NULL,
  evidence_json TEXT NOT NULL,
  ticket_ids TEXT NOT NULL,
  decided_by TEXT NOT NULL DEFAULT '',
  decision_reason TEXT NOT NULL DEFAULT '',
  decided_ms BIGINT NOT NULL DEFAULT 0,
  problem_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  lease_until_ms BIGINT NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX problem_proposals_state ON problem_proposals (state, id);
CREATE INDEX problem_proposals_created ON problem_proposals (created_ms);
)sql",
};
static_assert(std::size(kPgMigrations) == kStoreSchemaVersion);

}  // namespace

Status PostgresStore::Migrate() {
  return Tx(
      "migrating the PostgreSQL schema", TxMode::kTransaction,
      [&](pqxx::transaction_base& tx, PgAudit&) {
        tx.exec1(kMigrationLockSql);
        // Checked rather than CREATE TABLE IF NOT EXISTS, which emits a NOTICE every start.
        if (tx.exec1("SELECT to_regclass('schema_migrations') IS NULL")[0].as<bool>()) {
          tx.exec0(
              "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
              "applied_ms BIGINT NOT NULL)");
        }
        const int64_t current =
            tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int64_t>();
        if (current > kStoreSchemaVersion) {
          return FailedPrecondition("the database has schema version " + std::to_string(current) +
                                    ", newer than this autotriage supports (" +
                                    std::to_string(kStoreSchemaVersion) + "); upgrade autotriage");
        }
        for (int64_t version = current + 1; version <= kStoreSchemaVersion; ++version) {
          tx.exec(kPgMigrations[version - 1]);
          tx.exec_params0("INSERT INTO schema_migrations (version, applied_ms) VALUES ($1, $2)",
                          version, TimeOrNow(0));
        }
        return Status::Ok();
      });
}

}  // namespace autotriage
