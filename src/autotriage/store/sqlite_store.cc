#include "autotriage/store/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <condition_variable>
#include <utility>

#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// Long enough for another process's group commit or migration, short enough that a wedged
// database surfaces as an error instead of a hang.
constexpr int kBusyTimeoutMs = 30000;

// Sets a pragma that needs SQLite's exclusive lock (journal_mode), retrying while another
// connection holds it: the busy handler does not cover every path of a mode change.
void SetJournalModeWal(SQLite::Database& db) {
  for (int attempt = 0;; ++attempt) {
    try {
      SQLite::Statement pragma(db, "PRAGMA journal_mode=WAL");
      pragma.executeStep();
      return;
    } catch (const SQLite::Exception& error) {
      if ((error.getErrorCode() & 0xff) != SQLITE_BUSY || attempt >= 200) {
        throw;
      }
      sqlite3_sleep(10);
    }
  }
}

}  // namespace

Status SqliteError(std::string_view what, const std::exception& error) {
  const std::string message = std::string(what) + ": " + error.what();
  const auto* sqlite_error = dynamic_cast<const SQLite::Exception*>(&error);
  if (sqlite_error == nullptr) {
    return Internal(message);
  }
  switch (sqlite_error->getErrorCode() & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(message + " (the database is locked by another connection)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Corruption(message);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
    case SQLITE_AUTH:
      return IoError(message);
    default:
      return Internal(message);
  }
}

namespace {

// Reads go through a memory map of the database file and a larger page cache than SQLite's
// 2 MB default: each ticket reads its history and the queues' index pages, and without the map
// every page the cache lacks (the reader's cache is dropped whenever the writer commits) is a
// pread system call. Writes are unaffected (SQLite writes through the file, never the map).
void TuneCache(SQLite::Database& db) {
  db.exec("PRAGMA mmap_size=268435456");
  db.exec("PRAGMA cache_size=-16384");
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreConfig& config) {
  if (config.sqlite_path.empty()) {
    return InvalidArgument("store.sqlite_path is empty");
  }
  const std::string what = "opening SQLite store " + config.sqlite_path;
  try {
    auto db = std::make_unique<SQLite::Database>(
        config.sqlite_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
    SetJournalModeWal(*db);
    // FULL: the WAL is synced at every commit, so a returned call survives power loss.
    db->exec("PRAGMA synchronous=FULL");
    TuneCache(*db);
    Status migrated = MigrateSqlite(*db);
    if (!migrated.ok()) {
      return migrated.WithContext(what);
    }
    std::unique_ptr<SQLite::Database> reader;
    std::unique_ptr<SqliteCheckpointer> checkpointer;
    if (config.sqlite_path != ":memory:") {
      reader = std::make_unique<SQLite::Database>(config.sqlite_path, SQLite::OPEN_READWRITE,
                                                  kBusyTimeoutMs);
      TuneCache(*reader);
      checkpointer = std::make_unique<SqliteCheckpointer>(config.sqlite_path, *db);
    }
    return std::unique_ptr<Store>(
        std::make_unique<SqliteStore>(std::move(db), std::move(reader), std::move(checkpointer)));
  } catch (const std::exception& error) {
    return SqliteError(what, error);
  }
}

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> db,
                         std::unique_ptr<SQLite::Database> reader,
                         std::unique_ptr<SqliteCheckpointer> checkpointer)
    : writer_(std::move(db)),
      reader_(reader != nullptr ? std::make_unique<SqliteConnection>(std::move(reader)) : nullptr),
      checkpointer_(std::move(checkpointer)) {}

SqliteStore::~SqliteStore() = default;

int SqliteStore::schema_version() const {
  return kStoreSchemaVersion;
}

// One queued call. Lives on its caller's stack; the caller waits until `done`.
struct SqliteStore::WriteRequest {
  std::string_view what;
  const Body* body = nullptr;
  Status status;      // set by the leader before `done`
  bool done = false;  // guarded by queue_mu_
  // Wakes the caller when its batch is settled, or when it is first in line with no leader.
  std::condition_variable wake;
};

Status SqliteStore::WriteTx(std::string_view what, const Body& body) {
  WriteRequest request;
  request.what = what;
  request.body = &body;
  std::deque<WriteRequest*> batch;  // allocates: before this call may become the leader
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_.push_back(&request);
  request.wake.wait(lock,
                    [&] { return request.done || (!leading_ && queue_.front() == &request); });
  if (request.done) {
    return std::move(request.status);
  }
  // This call leads: it takes every call waiting (itself first) as one batch. Calls arriving
  // from here on queue for the next batch.
  leading_ = true;
  batch.swap(queue_);  // noexcept: nothing below can leave leading_ set
  lock.unlock();
  CommitBatch(batch);
  lock.lock();
  leading_ = false;
  // Under queue_mu_: a follower may return (and destroy its request) as soon as it sees `done`.
  for (WriteRequest* settled : batch) {
    settled->done = true;
    if (settled != &request) {
      settled->wake.notify_one();
    }
  }
  if (!queue_.empty()) {
    queue_.front()->wake.notify_one();  // the next leader
  }
  return std::move(request.status);
}

void SqliteStore::CommitBatch(const std::deque<WriteRequest*>& batch) noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  size_t next = 0;
  while (next < batch.size()) {
    next = RunTransaction(batch, next);
  }
}

size_t SqliteStore::RunTransaction(const std::deque<WriteRequest*>& batch, size_t first) noexcept {
  sqlite3* handle = writer_.db().getHandle();
  const auto run = [&](std::string_view sql) { writer_.Prepared(sql).exec(); };
  // After a failure SQLite may have rolled the transaction back already (I/O error, full disk).
  const auto roll_back = [&] {
    writer_.ResetUsed();
    if (sqlite3_get_autocommit(handle) == 0) {
      sqlite3_exec(handle, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  };
  try {
    run("BEGIN IMMEDIATE");
  } catch (const std::exception& error) {
    roll_back();
    for (size_t i = first; i < batch.size(); ++i) {
      batch[i]->status = SqliteError(batch[i]->what, error);
    }
    return batch.size();
  }
  for (size_t i = first; i < batch.size(); ++i) {
    WriteRequest& request = *batch[i];
    bool kept = true;  // the transaction survived this call
    try {
      run("SAVEPOINT autotriage_call");
      request.status = (*request.body)(writer_);
    } catch (const std::exception& error) {
      request.status = SqliteError(request.what, error);
    } catch (...) {
      request.status = Internal(std::string(request.what) + ": unknown exception");
    }
    writer_.ResetUsed();
    if (sqlite3_get_autocommit(handle) != 0) {
      kept = false;
    } else {
      try {
        if (!request.status.ok()) {
          run("ROLLBACK TO autotriage_call");
        }
        run("RELEASE autotriage_call");
      } catch (const std::exception& error) {
        kept = false;
        if (request.status.ok()) {
          request.status = SqliteError(request.what, error);
        }
      }
    }
    if (!kept) {
      // The calls before this one lost their writes with the transaction: they fail with this
      // call's error. The calls after it get a transaction of their own.
      roll_back();
      if (request.status.ok()) {
        request.status = Internal(std::string(request.what) + ": the transaction was lost");
      }
      for (size_t j = first; j < i; ++j) {
        if (batch[j]->status.ok()) {
          batch[j]->status = Status(request.status.code(),
                                    std::string(batch[j]->what) +
                                        ": rolled back with another call of its group commit: " +
                                        request.status.message());
        }
      }
      return i + 1;
    }
  }
  try {
    run("COMMIT");
    commits_.fetch_add(1, std::memory_order_relaxed);
  } catch (const std::exception& error) {
    roll_back();
    // Calls that failed on their own keep their own (more precise) error.
    for (size_t i = first; i < batch.size(); ++i) {
      if (batch[i]->status.ok()) {
        batch[i]->status = SqliteError(batch[i]->what, error);
      }
    }
  }
  writer_.ResetUsed();
  return batch.size();
}

Status SqliteStore::Read(std::string_view what, const Body& body) {
  std::lock_guard<std::mutex> lock(reader_ != nullptr ? read_mu_ : mu_);
  SqliteConnection& conn = reader_ != nullptr ? *reader_ : writer_;
  Status status;
  try {
    status = body(conn);
  } catch (const std::exception& error) {
    status = SqliteError(what, error);
  }
  conn.ResetUsed();  // ends the read transaction of a half-read statement
  return status;
}

Result<Job> SqliteJobRow(SQLite::Statement& row) {
  Job job;
  job.id = row.getColumn(0).getInt64();
  job.ticket_id = row.getColumn(1).getString();
  job.version = row.getColumn(2).getString();
  job.source = row.getColumn(3).getString();
  job.trace_id = row.getColumn(4).getString();
  job.attempts = row.getColumn(5).getInt();
  job.events = row.getColumn(6).getInt64();
  job.last_error = row.getColumn(7).getString();
  Result<JobState> state = ParseJobState(row.getColumn(8).getString());
  if (!state.ok()) {
    return state.status();
  }
  job.state = *state;
  return job;
}

DecisionRecord SqliteDecisionRow(SQLite::Statement& row) {
  DecisionRecord record;
  record.id = row.getColumn(0).getInt64();
  record.trace_id = row.getColumn(1).getString();
  record.ticket_id = row.getColumn(2).getString();
  record.ticket_version = row.getColumn(3).getString();
  record.queue = row.getColumn(4).getString();
  record.field = row.getColumn(5).getString();
  record.old_value = row.getColumn(6).getString();
  record.new_value = row.getColumn(7).getString();
  record.confidence = row.getColumn(8).getDouble();
  record.margin = row.getColumn(9).getDouble();
  record.mode = row.getColumn(10).getString();
  record.outcome = row.getColumn(11).getString();
  record.reason = row.getColumn(12).getString();
  record.explanation = row.getColumn(13).getString();
  record.model_version = row.getColumn(14).getString();
  record.created_ms = row.getColumn(15).getInt64();
  record.updated_ms = row.getColumn(16).getInt64();
  record.escalated_ms = row.getColumn(17).getInt64();
  return record;
}

Result<WriteRecord> SqliteWriteRow(SQLite::Statement& row) {
  WriteRecord record;
  record.id = row.getColumn(0).getInt64();
  record.idempotency_key = row.getColumn(1).getString();
  record.trace_id = row.getColumn(2).getString();
  record.ticket_id = row.getColumn(3).getString();
  record.ticket_version = row.getColumn(4).getString();
  record.updates_json = row.getColumn(5).getString();
  record.note = row.getColumn(6).getString();
  record.decision_ids = SplitIds(row.getColumn(7).getString());
  Result<WriteState> state = ParseWriteState(row.getColumn(8).getString());
  if (!state.ok()) {
    return state.status();
  }
  record.state = *state;
  record.attempts = row.getColumn(9).getInt();
  record.last_error = row.getColumn(10).getString();
  record.created_ms = row.getColumn(11).getInt64();
  record.updated_ms = row.getColumn(12).getInt64();
  return record;
}

}  // namespace autotriage
