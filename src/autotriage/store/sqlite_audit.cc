// SQLite backend: the audit chain, polling cursors and statistics.
#include <SQLiteCpp/SQLiteCpp.h>

#include <utility>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {

void SqliteAppendAudit(SqliteConnection& conn, std::vector<AuditEntry> entries) {
  if (entries.empty()) {
    return;
  }
  // The caller holds SQLite's write lock (BEGIN IMMEDIATE), so the head read here is still the
  // head when the new records are inserted, whichever process appends next; within a group
  // commit the calls run one after the other, each seeing the records of the ones before.
  int64_t head_seq = 0;
  std::string head_hash;
  SQLite::Statement& head = conn.Prepared("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (head.executeStep()) {
    head_seq = head.getColumn(0).getInt64();
    head_hash = head.getColumn(1).getString();
  }
  ChainAudit(head_seq, head_hash, &entries);
  SQLite::Statement& insert = conn.Prepared(
      "INSERT INTO audit (seq, time_ms, kind, trace_id, ticket_id, "
      "model_version, input_hash, detail, prev_hash, hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const AuditEntry& entry : entries) {
    insert.reset();
    insert.bind(1, entry.seq);
    insert.bind(2, entry.time_ms);
    insert.bindNoCopy(3, entry.kind);
    insert.bindNoCopy(4, entry.trace_id);
    insert.bindNoCopy(5, entry.ticket_id);
    insert.bindNoCopy(6, entry.model_version);
    insert.bindNoCopy(7, entry.input_hash);
    insert.bindNoCopy(8, entry.detail);
    insert.bindNoCopy(9, entry.prev_hash);
    insert.bindNoCopy(10, entry.hash);
    insert.exec();
  }
}

Status SqliteStore::AppendAudit(const std::vector<AuditEntry>& entries) {
  return WriteTx("appending to the audit trail", [&](SqliteConnection& conn) {
    SqliteAppendAudit(conn, entries);
    return Status::Ok();
  });
}

Result<std::vector<AuditEntry>> SqliteStore::ReadAudit(int64_t after_seq, int limit) {
  std::vector<AuditEntry> entries;
  Status status = Read("reading the audit trail", [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared(
        "SELECT seq, time_ms, kind, trace_id, ticket_id, model_version, "
        "input_hash, detail, prev_hash, hash FROM audit WHERE seq > ? "
        "ORDER BY seq LIMIT ?");
    query.bind(1, after_seq);
    query.bind(2, limit);
    while (query.executeStep()) {
      AuditEntry entry;
      entry.seq = query.getColumn(0).getInt64();
      entry.time_ms = query.getColumn(1).getInt64();
      entry.kind = query.getColumn(2).getString();
      entry.trace_id = query.getColumn(3).getString();
      entry.ticket_id = query.getColumn(4).getString();
      entry.model_version = query.getColumn(5).getString();
      entry.input_hash = query.getColumn(6).getString();
      entry.detail = query.getColumn(7).getString();
      entry.prev_hash = query.getColumn(8).getString();
      entry.hash = query.getColumn(9).getString();
      entries.push_back(std::move(entry));
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return entries;
}

Result<std::optional<std::string>> SqliteStore::GetCursor(const std::string& name) {
  std::optional<std::string> value;
  Status status = Read("reading cursor " + name, [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared("SELECT value FROM cursors WHERE name = ?");
    query.bind(1, name);
    if (query.executeStep()) {
      value = query.getColumn(0).getString();
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return value;
}

Status SqliteStore::SetCursor(const std::string& name, const std::string& value) {
  if (name.empty()) {
    return InvalidArgument("cursor name is empty");
  }
  return WriteTx("setting cursor " + name, [&](SqliteConnection& conn) {
    SQLite::Statement& upsert = conn.Prepared(
        "INSERT INTO cursors (name, value, updated_ms) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
        "updated_ms = excluded.updated_ms");
    upsert.bind(1, name);
    upsert.bind(2, value);
    upsert.bind(3, TimeOrNow(0));
    upsert.exec();
    return Status::Ok();
  });
}

Result<QueueDepth> SqliteStore::Queues() {
  QueueDepth depth;
  Status status = Read("reading the queue depth", [&](SqliteConnection& conn) {
    // Both counts are ranges of the (state, ...) indexes: their cost follows the waiting rows.
    SQLite::Statement& jobs = conn.Prepared("SELECT COUNT(*) FROM jobs WHERE state = 'pending'");
    if (jobs.executeStep()) {
      depth.jobs_pending = jobs.getColumn(0).getInt64();
    }
    SQLite::Statement& writes =
        conn.Prepared("SELECT COUNT(*) FROM writes WHERE state IN ('planned', 'in_flight')");
    if (writes.executeStep()) {
      depth.writes_open = writes.getColumn(0).getInt64();
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return depth;
}

Result<StoreStats> SqliteStore::Stats() {
  StoreStats stats;
  Status status = Read("reading store statistics", [&](SqliteConnection& conn) {
    SQLite::Database& db = conn.db();
    SQLite::Statement jobs(db, "SELECT state, COUNT(*) FROM jobs GROUP BY state");
    while (jobs.executeStep()) {
      const std::string state = jobs.getColumn(0).getString();
      const int64_t count = jobs.getColumn(1).getInt64();
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
    stats.writes_open =
        db.execAndGet("SELECT COUNT(*) FROM writes WHERE state IN ('planned', 'in_flight')")
            .getInt64();
    stats.decisions = db.execAndGet("SELECT COUNT(*) FROM decisions").getInt64();
    stats.audit_entries = db.execAndGet("SELECT COUNT(*) FROM audit").getInt64();
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return stats;
}

}  // namespace autotriage
