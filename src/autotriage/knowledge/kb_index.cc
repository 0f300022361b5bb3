// KbIndex on SQLite: opening and checking the file, the connection pool, writes and plain reads.
// Search is in kb_search.cc, dense vectors in kb_vectors.cc.
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
  sqlite3_finalize(match);
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
  // bm25() is negative (more negative = better); ordering by it ascending gives the best first.
  const char* match_sql =
      "SELECT rowid, bm25(terms, ?2, ?3, ?4) AS score FROM terms WHERE terms MATCH ?1 "
      "ORDER BY score LIMIT ?5";
  const char* fetch_sql =
      "SELECT id, title, url, substr(body, 1, ?2) FROM documents WHERE rowid = ?1";
  if (sqlite3_prepare_v2(connection->db, match_sql, -1, &connection->match, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(connection->db, fetch_sql, -1, &connection->fetch, nullptr) != SQLITE_OK) {
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
  sqlite3_reset(connection->match);
  sqlite3_reset(connection->fetch);
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (connection == &writer_) {
    writer_lent_ = false;
    pool_cv_.notify_one();
  } else {
    idle_.push_back(connection);
  }
}

namespace {

struct PreparedDocument {
  const KbDocument* source;
  std::string language;
  std::string body;  // truncated to max_body_bytes
  std::string title_terms;
  std::string body_terms;
  std::vector<std::string> all_terms;  // title + body, for the dense vector
};

}  // namespace

Status SqliteKbIndex::Upsert(const std::vector<KbDocument>& documents) {
  for (size_t i = 0; i < documents.size(); ++i) {
    if (documents[i].id.empty()) {
      return InvalidArgument("KB document " + std::to_string(i) + " has no id");
    }
    if (documents[i].title.empty()) {
      return InvalidArgument("KB document " + std::to_string(i) + " (" + documents[i].id +
                             ") has no title");
    }
  }
  // Stemming is the expensive part: done before taking the write lock.
  std::vector<PreparedDocument> prepared;
  prepared.reserve(documents.size());
  for (const KbDocument& document : documents) {
    PreparedDocument p;
    p.source = &document;
    p.language = Language(document.language);
    p.body = std::string(TruncateUtf8(document.body_text, options_.max_body_bytes));
    std::vector<std::string> title_terms = Terms(document.title, p.language);
    std::vector<std::string> body_terms = Terms(p.body, p.language);
    p.title_terms = JoinTerms(title_terms);
    p.body_terms = JoinTerms(body_terms);
    p.all_terms = std::move(title_terms);
    p.all_terms.insert(p.all_terms.end(), std::make_move_iterator(body_terms.begin()),
                       std::make_move_iterator(body_terms.end()));
    prepared.push_back(std::move(p));
  }

  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Statement find(writer_.db, "SELECT rowid FROM documents WHERE id = ?1");
  Statement insert(writer_.db,
                   "INSERT INTO documents(id, source, title, body, url, language, updated_at, "
                   "content_hash, vector) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  Statement update(writer_.db,
                   "UPDATE documents SET source = ?2, title = ?3, body = ?4, url = ?5, "
                   "language = ?6, updated_at = ?7, content_hash = ?8, vector = ?9 "
                   "WHERE rowid = ?1");
  Statement insert_terms(writer_.db,
                         "INSERT INTO terms(rowid, title, body, linked) VALUES (?1, ?2, ?3, '')");
  Statement update_terms(writer_.db, "UPDATE terms SET title = ?2, body = ?3 WHERE rowid = ?1");
  Status status = find.status("KB upsert");
  for (const Statement* s : {&insert, &update, &insert_terms, &update_terms}) {
    if (status.ok()) {
      status = s->status("KB upsert");
    }
  }
  std::vector<std::pair<int64_t, std::vector<float>>> new_vectors;
  std::vector<float> vector;
  for (size_t i = 0; i < prepared.size() && status.ok(); ++i) {
    const PreparedDocument& p = prepared[i];
    const KbDocument& d = *p.source;
    find.Reset();
    find.Bind(1, d.id);
    const bool exists = find.Step() == SQLITE_ROW;
    int64_t rowid = exists ? find.Int(0) : 0;
    const bool has_vector = !dense_.empty() && dense_.Embed(p.all_terms, &vector);
    Statement& write = exists ? update : insert;
    write.Reset();
    if (exists) {
      write.Bind(1, rowid);
    } else {
      write.Bind(1, d.id);
    }
    write.Bind(2, d.source);
    write.Bind(3, d.title);
    write.Bind(4, p.body);
    write.Bind(5, d.url);
    write.Bind(6, p.language);
    write.Bind(7, d.updated_at);
    write.Bind(8, d.content_hash);
    if (has_vector) {
      write.BindBlob(9, vector.data(), vector.size() * sizeof(float));
    } else {
      write.BindNull(9);
    }
    if (write.Step() != SQLITE_DONE) {
      status = SqlError("cannot write a KB document");
      break;
    }
    if (!exists) {
      rowid = sqlite3_last_insert_rowid(writer_.db);
    }
    Statement& terms = exists ? update_terms : insert_terms;
    terms.Reset();
    terms.Bind(1, rowid);
    terms.Bind(2, p.title_terms);
    terms.Bind(3, p.body_terms);
    if (terms.Step() != SQLITE_DONE) {
      status = SqlError("cannot index a KB document");
      break;
    }
    new_vectors.emplace_back(rowid, has_vector ? vector : std::vector<float>());
  }
  if (!status.ok()) {
    (void)Exec("ROLLBACK");
    return status;
  }
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("COMMIT"));
  for (auto& [rowid, doc_vector] : new_vectors) {
    if (doc_vector.empty()) {
      dense_.RemoveDoc(rowid);
    } else {
      dense_.SetDoc(rowid, doc_vector);
    }
  }
  for (const PreparedDocument& p : prepared) {
    languages_.insert(p.language);
  }
  return Status::Ok();
}

Status SqliteKbIndex::Remove(const std::string& id) {
  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  Statement find(writer_.db, "SELECT rowid FROM documents WHERE id = ?1");
  AUTOTRIAGE_RETURN_IF_ERROR(find.status("KB remove"));
  find.Bind(1, id);
  if (find.Step() != SQLITE_ROW) {
    return Status::Ok();
  }
  const int64_t rowid = find.Int(0);
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Statement drop_terms(writer_.db, "DELETE FROM terms WHERE rowid = ?1");
  Statement drop_document(writer_.db, "DELETE FROM documents WHERE rowid = ?1");
  drop_terms.Bind(1, rowid);
  drop_document.Bind(1, rowid);
  if (drop_terms.Step() != SQLITE_DONE || drop_document.Step() != SQLITE_DONE) {
    Status error = SqlError("cannot remove KB document " + id);
    (void)Exec("ROLLBACK");
    return error;
  }
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("COMMIT"));
  dense_.RemoveDoc(rowid);
  return Status::Ok();
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

Status SqliteKbIndex::AddLinkedText(const std::string& id, std::string_view text) {
  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  Statement find(writer_.db, "SELECT rowid, language FROM documents WHERE id = ?1");
  AUTOTRIAGE_RETURN_IF_ERROR(find.status("KB linked text"));
  find.Bind(1, id);
  if (find.Step() != SQLITE_ROW) {
    return NotFound("KB document " + id + " is not in the index " + path_);
  }
  const int64_t rowid = find.Int(0);
  const std::string terms = JoinTerms(Terms(text, Language(find.Text(1))));
  if (terms.empty()) {
    return Status::Ok();
  }
  Statement append(writer_.db,
                   "UPDATE terms SET linked = CASE WHEN linked = '' THEN ?2 "
                   "ELSE linked || ' ' || ?2 END WHERE rowid = ?1");
  AUTOTRIAGE_RETURN_IF_ERROR(append.status("KB linked text"));
  append.Bind(1, rowid);
  append.Bind(2, terms);
  if (append.Step() != SQLITE_DONE) {
    return SqlError("cannot add linked text");
  }
  return Status::Ok();
}

Status SqliteKbIndex::ClearLinkedText() {
  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  return Exec("UPDATE terms SET linked = '' WHERE linked != ''");
}

}  // namespace kb_internal

Result<std::unique_ptr<KbIndex>> KbIndex::Open(const std::string& path, KbIndexOptions options) {
  if (path.empty()) {
    return InvalidArgument("KB index path is empty");
  }
  auto index = std::make_unique<kb_internal::SqliteKbIndex>(path, std::move(options));
  AUTOTRIAGE_RETURN_IF_ERROR(index->Init(nullptr));
  return std::unique_ptr<KbIndex>(std::move(index));
}

Result<std::unique_ptr<KbIndex>> KbIndex::OpenInMemoryCopy(const std::string& path,
                                                           KbIndexOptions options) {
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
