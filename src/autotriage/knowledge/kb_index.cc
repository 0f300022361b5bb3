// KbIndex on SQLite: opening and checking the file, the connection pool and plain reads.
// Writes are in kb_writes.cc, Search in kb_search.cc, dense vectors in kb_vectors.cc.
#include "autotriage/knowledge/kb_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "autotriage/knowledge/kb_index_impl.h"
#include "autotriage/knowledge/kb_sqlite.h"
#include "autotriage/knowledge/kb_terms.h"

namespace autotriage {
namespace kb_internal {
namespace {

constexpr const char* kKind = "autotriage-kb";
constexpr int kFormat = 1;
constexpr int kBusyTimeoutMs = 5000;

// FTS5 gets text that is already folded and stemmed; it should only split on the spaces between
// stems. unicode61 with the joiners our tokeniser keeps inside tokens ("c++", "v2.3", "a@b.c")
// declared as token characters does exactly that, for any script.
constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents(
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  url TEXT NOT NULL,
  language TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  vector BLOB);
CREATE INDEX documents_by_source ON documents(source, id);
CREATE VIRTUAL TABLE terms USING fts5(title, body, linked,
  tokenize = "unicode61 remove_diacritics 0 tokenchars '.-_/+#@:'");
CREATE TABLE word_vectors(word TEXT PRIMARY KEY, idf REAL NOT NULL, vector BLOB NOT NULL);
)sql";

}  // namespace

Connection::~Connection() {
  sqlite3_finalize(fetch);
  sqlite3_close_v2(db);
}

SqliteKbIndex::SqliteKbIndex(std::string path, KbIndexOptions options)
    : path_(std::move(path)), options_(std::move(options)), in_memory_(path_ == ":memory:") {}

SqliteKbIndex::~SqliteKbIndex() = default;

Status SqliteKbIndex::SqlError(const std::string& what) const {
  return IoError(what + " (" + path_ + "): " + sqlite3_errmsg(writer_.db));
}

Status SqliteKbIndex::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(writer_.db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    return IoError("KB index " + path_ + ": " + message);
  }
  return Status::Ok();
}

std::string SqliteKbIndex::Language(const std::string& language) const {
  return language.empty() ? options_.default_language : language;
}

Status SqliteKbIndex::Init(sqlite3* db) {
  if (db != nullptr) {
    writer_.db = db;
  } else if (sqlite3_open_v2(path_.c_str(), &writer_.db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr) != SQLITE_OK) {
    return IoError("cannot open the KB index " + path_ + ": " +
                   (writer_.db ? sqlite3_errmsg(writer_.db) : "out of memory"));
  }
  sqlite3_busy_timeout(writer_.db, kBusyTimeoutMs);
  AUTOTRIAGE_RETURN_IF_ERROR(CheckOrCreateSchema());
  if (!in_memory_) {
    AUTOTRIAGE_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
  }
  AUTOTRIAGE_RETURN_IF_ERROR(PrepareReader(&writer_));
  return LoadState();
}

Status SqliteKbIndex::CheckOrCreateSchema() {
  Statement tables(writer_.db, "SELECT count(*) FROM sqlite_master");
  if (!tables.status("").ok()) {
    const int code = sqlite3_errcode(writer_.db);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
      return Corruption(path_ + " is not a KB index (not a SQLite database, or damaged)");
    }
    return SqlError("cannot read the KB index");
  }
  if (tables.Step() != SQLITE_ROW) {
    const int code = sqlite3_errcode(writer_.db);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
      return Corruption(path_ + " is not a KB index (not a SQLite database, or damaged)");
    }
    return SqlError("cannot read the KB index");
  }
  if (tables.Int(0) == 0) {
    AUTOTRIAGE_RETURN_IF_ERROR(Exec("BEGIN"));
    Status created = Exec(kSchema);
    if (created.ok()) {
      Statement meta(writer_.db,
                     "INSERT INTO meta(key, value) VALUES ('kind', ?1), ('format', ?2)");
      meta.Bind(1, std::string_view(kKind));
      meta.Bind(2, std::string_view(std::to_string(kFormat)));
      created = meta.Step() == SQLITE_DONE ? Status::Ok() : SqlError("cannot create the KB index");
    }
    if (!created.ok()) {
      (void)Exec("ROLLBACK");
      return created;
    }
    return Exec("COMMIT");
  }
  Statement meta(writer_.db, "SELECT key, value FROM meta WHERE key IN ('kind', 'format')");
  if (!meta.status("").ok()) {
    return Corruption(path_ + " is a SQLite database but not a KB index (no meta table)");
  }
  std::string kind;
  int format = 0;
  while (meta.Step() == SQLITE_ROW) {
    if (meta.Text(0) == "kind") {
      kind = meta.Text(1);
    } else {
      format = std::atoi(meta.Text(1).c_str());
    }
  }
  if (kind != kKind) {
    return Corruption(path_ + " is a SQLite database but not a KB index");
  }
  if (format > kFormat) {
    return FailedPrecondition(path_ + " has KB index format " + std::to_string(format) +
                              "; this version reads format " + std::to_string(kFormat) +
                              " (rebuild it with `autotriage kb sync` or upgrade)");
  }
  if (format < 1) {
    return Corruption(path_ + ": KB index format is missing or invalid");
  }
  return Status::Ok();
}

Status SqliteKbIndex::PrepareReader(Connection* connection) const {
  const char* fetch_sql =
      "SELECT id, title, url, substr(body, 1, ?2) FROM documents WHERE rowid = ?1";
  if (sqlite3_prepare_v2(connection->db, fetch_sql, -1, &connection->fetch, nullptr) != SQLITE_OK) {
    const int code = sqlite3_errcode(connection->db);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT || code == SQLITE_ERROR) {
      return Corruption("KB index " + path_ + " is damaged: " + sqlite3_errmsg(connection->db));
    }
    return IoError("KB index " + path_ + ": " + sqlite3_errmsg(connection->db));
  }
  return Status::Ok();
}

Status SqliteKbIndex::LoadState() {
  Statement languages(writer_.db, "SELECT DISTINCT language FROM documents");
  AUTOTRIAGE_RETURN_IF_ERROR(languages.status("KB index " + path_));
  languages_.clear();
  languages_.insert(options_.default_language);
  while (languages.Step() == SQLITE_ROW) {
    languages_.insert(languages.Text(0));
  }
  AUTOTRIAGE_RETURN_IF_ERROR(LoadPostings());
  return LoadVectors();
}

Result<SqliteKbIndex::PooledConnection> SqliteKbIndex::AcquireReader() const {
  std::unique_lock<std::mutex> lock(pool_mutex_);
  if (in_memory_) {
    // One connection only: readers take turns on it.
    pool_cv_.wait(lock, [&] { return !writer_lent_; });
    writer_lent_ = true;
    return PooledConnection(this, const_cast<Connection*>(&writer_));
  }
  if (!idle_.empty()) {
    Connection* connection = idle_.back();
    idle_.pop_back();
    return PooledConnection(this, connection);
  }
  auto connection = std::make_unique<Connection>();
  if (sqlite3_open_v2(path_.c_str(), &connection->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    return IoError("cannot open the KB index " + path_ + " for reading: " +
                   (connection->db ? sqlite3_errmsg(connection->db) : "out of memory"));
  }
  sqlite3_busy_timeout(connection->db, kBusyTimeoutMs);
  AUTOTRIAGE_RETURN_IF_ERROR(PrepareReader(connection.get()));
  Connection* raw = connection.get();
  readers_.push_back(std::move(connection));
  return PooledConnection(this, raw);
}

void SqliteKbIndex::ReleaseReader(Connection* connection) const {
  sqlite3_reset(connection->fetch);
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (connection == &writer_) {
    writer_lent_ = false;
    pool_cv_.notify_one();
  } else {
    idle_.push_back(connection);
  }
}

Result<std::vector<KbDocumentInfo>> SqliteKbIndex::List(const std::string& source) const {
  std::shared_lock<std::shared_mutex> lock(state_mutex_);
  Result<PooledConnection> connection = AcquireReader();
  if (!connection.ok()) {
    return connection.status();
  }
  Statement list((*connection)->db,
                 "SELECT id, source, updated_at, content_hash FROM documents "
                 "WHERE ?1 = '' OR source = ?1 ORDER BY id");
  AUTOTRIAGE_RETURN_IF_ERROR(list.status("KB list " + path_));
  list.Bind(1, source);
  std::vector<KbDocumentInfo> infos;
  int rc;
  while ((rc = list.Step()) == SQLITE_ROW) {
    infos.push_back({list.Text(0), list.Text(1), list.Int(2), list.Text(3)});
  }
  if (rc != SQLITE_DONE) {
    return IoError("cannot list the KB index " + path_ + ": " + sqlite3_errmsg((*connection)->db));
  }
  return infos;
}

Result<bool> SqliteKbIndex::Contains(const std::string& id) const {
  std::shared_lock<std::shared_mutex> lock(state_mutex_);
  Result<PooledConnection> connection = AcquireReader();
  if (!connection.ok()) {
    return connection.status();
  }
  Statement find((*connection)->db, "SELECT 1 FROM documents WHERE id = ?1");
  AUTOTRIAGE_RETURN_IF_ERROR(find.status("KB lookup " + path_));
  find.Bind(1, id);
  const int rc = find.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return IoError("cannot read the KB index " + path_ + ": " + sqlite3_errmsg((*connection)->db));
  }
  return rc == SQLITE_ROW;
}

Result<int64_t> SqliteKbIndex::Count() const {
  std::shared_lock<std::shared_mutex> lock(state_mutex_);
  Result<PooledConnection> connection = AcquireReader();
  if (!connection.ok()) {
    return connection.status();
  }
  Statement count((*connection)->db, "SELECT count(*) FROM documents");
  AUTOTRIAGE_RETURN_IF_ERROR(count.status("KB count " + path_));
  if (count.Step() != SQLITE_ROW) {
    return IoError("cannot count the KB index " + path_ + ": " + sqlite3_errmsg((*connection)->db));
  }
  return count.Int(0);
}

}  // namespace kb_internal

Result<std::unique_ptr<KbIndex>> KbIndex::Open(const std::string& path, KbIndexOptions options) {
  if (path.empty()) {
    return InvalidArgument("KB index path is empty");
  }
  AUTOTRIAGE_RETURN_IF_ERROR(kb_internal::ToBm25fParams(options).status());
  auto index = std::make_unique<kb_internal::SqliteKbIndex>(path, std::move(options));
  AUTOTRIAGE_RETURN_IF_ERROR(index->Init(nullptr));
  return std::unique_ptr<KbIndex>(std::move(index));
}

Result<std::unique_ptr<KbIndex>> KbIndex::OpenInMemoryCopy(const std::string& path,
                                                           KbIndexOptions options) {
  AUTOTRIAGE_RETURN_IF_ERROR(kb_internal::ToBm25fParams(options).status());
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return NotFound("KB index " + path + " does not exist");
  }
  sqlite3* file = nullptr;
  if (sqlite3_open_v2(path.c_str(), &file, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = file ? sqlite3_errmsg(file) : "out of memory";
    sqlite3_close_v2(file);
    return IoError("cannot open the KB index " + path + ": " + message);
  }
  sqlite3* memory = nullptr;
  sqlite3_open_v2(":memory:", &memory, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  sqlite3_backup* backup = sqlite3_backup_init(memory, "main", file, "main");
  int rc = backup ? sqlite3_backup_step(backup, -1) : sqlite3_errcode(memory);
  sqlite3_backup_finish(backup);
  sqlite3_close_v2(file);
  if (rc != SQLITE_DONE) {
    sqlite3_close_v2(memory);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
      return Corruption(path + " is not a KB index (not a SQLite database, or damaged)");
    }
    return IoError("cannot copy the KB index " + path + " into memory (SQLite code " +
                   std::to_string(rc) + ")");
  }
  auto index = std::make_unique<kb_internal::SqliteKbIndex>(":memory:", std::move(options));
  Status status = index->Init(memory);
  if (!status.ok()) {
    return Status(status.code(), status.message() + " (copy of " + path + ")");
  }
  return std::unique_ptr<KbIndex>(std::move(index));
}

}  // namespace autotriage
