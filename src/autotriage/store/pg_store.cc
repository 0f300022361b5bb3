#include "autotriage/store/pg_store.h"

#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <utility>

#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// Advisory lock keys (pg_advisory_xact_lock takes a bigint): "autotriage migrate" and the
// audit chain's head. Any other user of advisory locks in the same database must avoid them.
constexpr char kMigrationLockSql[] = "SELECT pg_advisory_xact_lock(7310868829871480001)";
constexpr char kAuditLockSql[] = "SELECT pg_advisory_xact_lock(7310868829871480002)";
// Deadlocks cannot happen with the fixed lock order, but serialisation failures of a busy
// server can; they are retried a few times since the transaction was rolled back.
constexpr int kMaxRollbackRetries = 5;

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
};
static_assert(std::size(kPgMigrations) == kStoreSchemaVersion);

Status PgError(std::string_view what, const std::exception& error, const std::string& url) {
  std::string message = ScrubPostgresSecrets(error.what(), url);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  const std::string prefix = std::string(what) + ": ";
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    return Unavailable(prefix + "cannot reach PostgreSQL at " + RedactPostgresUrl(url) + ": " +
                       message);
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr ||
      dynamic_cast<const pqxx::statement_completion_unknown*>(&error) != nullptr) {
    return Unavailable(prefix +
                       "lost the connection to PostgreSQL; the outcome is unknown: " + message);
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    const std::string& state = sql->sqlstate();
    const std::string detail = prefix + message + " (SQLSTATE " + state + ")";
    if (state == "23505") {
      return AlreadyExists(detail);
    }
    // Connection exceptions, shutdown, too many connections, authentication.
    for (const char* unavailable : {"08", "57P", "53", "28"}) {
      if (state.rfind(unavailable, 0) == 0) {
        return Unavailable(detail);
      }
    }
    return Internal(detail);
  }
  return Internal(prefix + message);
}

}  // namespace

// Connections made on demand up to `size`; Acquire blocks while all are in use.
class PgConnectionPool {
 public:
  PgConnectionPool(std::string url, int size) : url_(std::move(url)), size_(size) {}

  // Throws pqxx::broken_connection when a new connection cannot be made.
  std::unique_ptr<pqxx::connection> Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
    lock.unlock();
    try {
      auto conn = std::make_unique<pqxx::connection>(url_);
      pqxx::nontransaction setup(*conn);
      // Durable commits whatever the server default; no NOTICE chatter on stderr.
      setup.exec0("SET synchronous_commit TO on");
      setup.exec0("SET client_min_messages TO warning");
      // Backslashes in literals are plain characters (QuoteBytea relies on it).
      setup.exec0("SET standard_conforming_strings TO on");
      return conn;
    } catch (...) {
      Release(nullptr);
      throw;
    }
  }

  // Gives a connection back; null (or a broken one) frees its slot instead.
  void Release(std::unique_ptr<pqxx::connection> conn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn != nullptr && conn->is_open()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
    available_.notify_one();
  }

 private:
  const std::string url_;
  const int size_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;  // idle + in use
};

PostgresStore::PostgresStore(std::string url, std::unique_ptr<PgConnectionPool> pool)
    : url_(std::move(url)), pool_(std::move(pool)) {}

PostgresStore::~PostgresStore() = default;

int PostgresStore::schema_version() const {
  return kStoreSchemaVersion;
}

PostgresStore::TxMode PostgresStore::ModeFor(const AuditEntry& audit) {
  return audit.kind.empty() ? TxMode::kTransaction : TxMode::kAudit;
}

Status PostgresStore::Tx(std::string_view what, TxMode mode, const Body& body) {
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<pqxx::connection> conn;
    Status status;
    bool retry = false;
    bool in_block = false;    // BEGIN sent, COMMIT or ROLLBACK not yet done
    bool committing = false;  // COMMIT sent: a lost connection leaves the outcome unknown
    try {
      conn = pool_->Acquire();
      // libpqxx's own transactions cost a round trip for BEGIN and one for COMMIT; this
      // nontransaction sends exactly what is written here.
      pqxx::nontransaction tx(*conn);
      PgAudit audit;
      if (mode != TxMode::kAutocommit) {
        in_block = true;
        if (mode == TxMode::kAudit) {
          // Separate statements: the head is read with a snapshot taken after the lock.
          const pqxx::result head =
              tx.exec(std::string("BEGIN; ") + kAuditLockSql +
                      "; SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
          audit.locked_ = true;
          if (!head.empty()) {
            audit.head_seq_ = head[0][0].as<int64_t>();
            audit.head_hash_ = head[0][1].as<std::string>();
          }
        } else {
          tx.exec0("BEGIN");
        }
      }
      status = body(tx, audit);
      if (in_block) {
        if (status.ok()) {
          committing = true;
          tx.exec(audit.pending_sql_ + "COMMIT");
        } else {
          tx.exec0("ROLLBACK");
        }
        in_block = false;
      }
      tx.commit();  // libpqxx bookkeeping only
    } catch (const pqxx::broken_connection& error) {
      // Before COMMIT the server rolls back a transaction whose connection is gone, so one
      // retry on a fresh connection is safe (it rides out a restart that broke the pool).
      conn.reset();
      retry = attempt == 0 && !committing;
      status = committing ? Unavailable(std::string(what) +
                                        ": lost the connection to PostgreSQL during COMMIT; "
                                        "the outcome is unknown")
                          : PgError(what, error, url_);
    } catch (const pqxx::transaction_rollback& error) {
      retry = attempt < kMaxRollbackRetries;
      status = PgError(what, error, url_);
    } catch (const std::exception& error) {
      status = PgError(what, error, url_);
    }
    if (in_block && conn != nullptr) {
      // A statement failed inside the block: end it before the connection is reused.
      try {
        pqxx::nontransaction cleanup(*conn);
        cleanup.exec0("ROLLBACK");
        cleanup.commit();
      } catch (const std::exception&) {
        conn.reset();
      }
    }
    pool_->Release(std::move(conn));
    if (!retry) {
      return status;
    }
  }
}

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

Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreConfig& config) {
  if (config.postgres_url.empty()) {
    return InvalidArgument("store.postgres_url is empty");
  }
  if (config.pool_size < 1) {
    return InvalidArgument("store pool_size must be at least 1");
  }
  auto store = std::make_unique<PostgresStore>(
      config.postgres_url,
      std::make_unique<PgConnectionPool>(config.postgres_url, config.pool_size));
  Status migrated = store->Migrate();
  if (!migrated.ok()) {
    return migrated;
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace autotriage
