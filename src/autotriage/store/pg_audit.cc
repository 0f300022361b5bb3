// PostgreSQL backend: the audit chain, polling cursors and statistics.
#include <algorithm>
#include <pqxx/pqxx>
#include <utility>

#include "autotriage/store/pg_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {

void PgAudit::Append(pqxx::transaction_base& tx, std::vector<AuditEntry> entries) {
  // The audit lock is held since the head was read, so no other transaction appends between
  // that read and this transaction's COMMIT.
  ChainAudit(head_seq_, head_hash_, &entries);
  if (entries.empty()) {
    return;  // nothing with a kind: the caller may have run without the lock
  }
  if (!locked_) {
    AbortWithMessage("PgAudit::Append outside an audit transaction");
  }
  std::string sql = std::string("INSERT INTO audit (") + kAuditColumns + ") VALUES ";
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    sql += (i == 0 ? "(" : ", (") + std::to_string(e.seq) + ", " + std::to_string(e.time_ms) +
           ", " + tx.quote(e.kind) + ", " + tx.quote(e.trace_id) + ", " + tx.quote(e.ticket_id) +
           ", " + tx.quote(e.model_version) + ", " + tx.quote(e.input_hash) + ", " +
           tx.quote(e.detail) + ", " + tx.quote(e.prev_hash) + ", " + tx.quote(e.hash) + ")";
  }
  pending_sql_ += sql + "; ";
  head_seq_ = entries.back().seq;
  head_hash_ = entries.back().hash;
}

Status PostgresStore::AppendAudit(const std::vector<AuditEntry>& entries) {
  return Tx("appending to the audit trail", TxMode::kAudit,
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              chain.Append(tx, entries);
              return Status::Ok();
            });
}

Result<std::vector<AuditEntry>> PostgresStore::ReadAudit(int64_t after_seq, int limit) {
  std::vector<AuditEntry> entries;
  Status status =
      Tx("reading the audit trail", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        entries.clear();
        const pqxx::result rows =
            tx.exec_params(std::string("SELECT ") + kAuditColumns +
                               " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
                           after_seq, std::max(limit, 0));
        for (const pqxx::row& row : rows) {
          AuditEntry entry;
          entry.seq = row[0].as<int64_t>();
          entry.time_ms = row[1].as<int64_t>();
          entry.kind = row[2].as<std::string>();
          entry.trace_id = row[3].as<std::string>();
          entry.ticket_id = row[4].as<std::string>();
          entry.model_version = row[5].as<std::string>();
          entry.input_hash = row[6].as<std::string>();
          entry.detail = row[7].as<std::string>();
          entry.prev_hash = row[8].as<std::string>();
          entry.hash = row[9].as<std::string>();
          entries.push_back(std::move(entry));
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return entries;
}

Result<std::optional<std::string>> PostgresStore::GetCursor(const std::string& name) {
  std::optional<std::string> value;
  Status status =
      Tx("reading cursor " + name, TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        const pqxx::result rows = tx.exec_params("SELECT value FROM cursors WHERE name = $1", name);
        value.reset();
        if (!rows.empty()) {
          value = rows[0][0].as<std::string>();
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return value;
}

Status PostgresStore::SetCursor(const std::string& name, const std::string& value) {
  if (name.empty()) {
    return InvalidArgument("cursor name is empty");
  }
  return Tx("setting cursor " + name, TxMode::kAutocommit,
            [&](pqxx::transaction_base& tx, PgAudit&) {
              tx.exec_params0(
                  "INSERT INTO cursors (name, value, updated_ms) VALUES ($1, $2, $3) "
                  "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_ms = "
                  "EXCLUDED.updated_ms",
                  name, value, TimeOrNow(0));
              return Status::Ok();
            });
}

Result<QueueDepth> PostgresStore::Queues() {
  QueueDepth depth;
  Status status =
      Tx("reading the queue depth", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        // The partial indexes on pending jobs and open writes cover these.
        const pqxx::row counts = tx.exec1(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE state = 'pending'), "
            "(SELECT COUNT(*) FROM writes WHERE state = 'planned') + "
            "(SELECT COUNT(*) FROM writes WHERE state = 'in_flight')");
        depth.jobs_pending = counts[0].as<int64_t>();
        depth.writes_open = counts[1].as<int64_t>();
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return depth;
}

Result<StoreStats> PostgresStore::Stats() {
  StoreStats stats;
  Status status = Tx(
      "reading store statistics", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        stats = StoreStats();
        for (const pqxx::row& row : tx.exec("SELECT state, COUNT(*) FROM jobs GROUP BY state")) {
          const std::string state = row[0].as<std::string>();
          const int64_t count = row[1].as<int64_t>();
          if (state == ToString(JobState::kPending)) {
            stats.jobs_pending = count;
          } else if (state == ToString(JobState::kRunning)) {
            stats.jobs_running = count;
          } else if (state == ToString(JobState::kDone)) {
            stats.jobs_done = count;
          } else if (state == ToString(JobState::kFailed)) {
            stats.jobs_failed = count;
          }
        }
        const pqxx::row counts = tx.exec1(
            "SELECT (SELECT COUNT(*) FROM writes WHERE state IN ('planned', 'in_flight')), "
            "(SELECT COUNT(*) FROM decisions), (SELECT COUNT(*) FROM audit)");
        stats.writes_open = counts[0].as<int64_t>();
        stats.decisions = counts[1].as<int64_t>();
        stats.audit_entries = counts[2].as<int64_t>();
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return stats;
}

}  // namespace autotriage
