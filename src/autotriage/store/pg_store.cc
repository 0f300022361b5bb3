#include "autotriage/store/pg_store.h"

#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <utility>

#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// Advisory lock key (pg_advisory_xact_lock takes a bigint) of the audit chain's head; the
// migration lock is ...001 (pg_migrations.cc). Any other user of advisory locks in the same
// database must avoid them.
constexpr char kAuditLockSql[] = "SELECT pg_advisory_xact_lock(7310868829871480002)";
// Deadlocks cannot happen with the fixed lock order, but serialisation failures of a busy
// server can; they are retried a few times since the transaction was rolled back.
constexpr int kMaxRollbackRetries = 5;

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
