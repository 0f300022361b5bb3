// Private to the knowledge module: the SQLite-backed KbIndex, split over kb_index.cc (schema,
// connections, reads), kb_writes.cc (writes, which keep the file and the in-memory postings in
// step), kb_search.cc (Search), kb_vectors.cc (dense vectors) and kb_bm25.cc (BM25F postings).
//
// Layout of the file: meta(key, value) with kind/format; documents (one row per article, its
// plain text and its dense vector); terms, an FTS5 table whose rowid is the document's rowid and
// whose columns title/body/linked hold space-separated stems (the postings are built from it at
// open; FTS5's own ranking is not used); word_vectors (stem, idf, vector).
// Concurrency: state_mutex_ is shared by readers (Search, List, Contains, Count) and exclusive
// for writers, so the in-memory postings and vectors always match the committed rows. Readers take
// a connection from a small pool: for a file every reader has its own read-only connection (WAL
// lets them read at the same time); an in-memory index has one connection that readers take in
// turn (the pool then holds the writer connection itself).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "autotriage/knowledge/kb_bm25.h"
#include "autotriage/knowledge/kb_index.h"

struct sqlite3;
struct sqlite3_stmt;

namespace autotriage::kb_internal {

// One SQLite connection and the statements readers use on it.
struct Connection {
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  sqlite3* db = nullptr;
  sqlite3_stmt* fetch = nullptr;  // title, url, start of body by rowid
};

// Word vectors (already multiplied by their IDF) and normalised document vectors, in memory.
struct DenseVectors {
  int dim = 0;
  std::unordered_map<std::string, uint32_t> word_row;
  std::vector<float> words;  // word_row.size() x dim
  std::vector<int64_t> doc_rowids;
  std::unordered_map<int64_t, uint32_t> doc_slot;  // rowid -> index into doc_rowids
  std::vector<float> docs;                         // doc_rowids.size() x dim, unit length

  bool empty() const { return word_row.empty(); }
  // IDF-weighted sum of the terms' vectors, normalised; false when no term has a vector.
  bool Embed(const std::vector<std::string>& terms, std::vector<float>* out) const;
  void SetDoc(int64_t rowid, const std::vector<float>& vector);
  void RemoveDoc(int64_t rowid);
};

class SqliteKbIndex : public KbIndex {
 public:
  SqliteKbIndex(std::string path, KbIndexOptions options);
  ~SqliteKbIndex() override;

  // Opens `path`, or takes over `db` (already open, e.g. a copy in memory) when it is not null.
  Status Init(sqlite3* db);

  Status Upsert(const std::vector<KbDocument>& documents) override;
  Status Remove(const std::string& id) override;
  Result<std::vector<KbDocumentInfo>> List(const std::string& source) const override;
  Result<bool> Contains(const std::string& id) const override;
  Result<int64_t> Count() const override;
  Status AddLinkedText(const std::string& id, std::string_view text) override;
  Status ClearLinkedText() override;
  Status BuildVectors(const std::vector<std::string>& extra_corpus) override;
  Result<std::vector<KbHit>> Search(std::string_view query, int k) const override;
  Result<std::vector<KbHit>> Search(std::string_view query, int k,
                                    const KbSearchOptions& options) const override;

 private:
  class PooledConnection;

  Status CheckOrCreateSchema();
  Status LoadState();
  Status LoadVectors();
  Status LoadPostings();
  Status PrepareReader(Connection* connection) const;
  Result<PooledConnection> AcquireReader() const;
  void ReleaseReader(Connection* connection) const;
  Status Exec(const char* sql);
  Status SqlError(const std::string& what) const;
  std::string Language(const std::string& language) const;

  const std::string path_;
  const KbIndexOptions options_;
  const bool in_memory_;

  mutable std::shared_mutex state_mutex_;
  Connection writer_;
  DenseVectors dense_;
  Bm25fPostings postings_;
  std::set<std::string> languages_;

  mutable std::mutex pool_mutex_;
  mutable std::condition_variable pool_cv_;
  mutable std::vector<std::unique_ptr<Connection>> readers_;  // every reader ever opened
  mutable std::vector<Connection*> idle_;
  mutable bool writer_lent_ = false;  // in-memory index: the writer serves as the one reader
};

// A reader connection borrowed from the pool; gives it back when destroyed.
class SqliteKbIndex::PooledConnection {
 public:
  PooledConnection(const SqliteKbIndex* owner, Connection* connection)
      : owner_(owner), connection_(connection) {}
  PooledConnection(PooledConnection&& other) noexcept
      : owner_(other.owner_), connection_(other.connection_) {
    other.connection_ = nullptr;
  }
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection() {
    if (connection_ != nullptr) {
      owner_->ReleaseReader(connection_);
    }
  }
  Connection* operator->() const { return connection_; }

 private:
  const SqliteKbIndex* owner_;
  Connection* connection_;
};

// The stems of a query under every language the index holds.
struct QueryTerms {
  std::vector<std::string> all;                       // unique, at most kMaxQueryTerms
  std::vector<std::vector<std::string>> by_language;  // unique per language, same cap
};
QueryTerms MakeQueryTerms(std::string_view query, const std::set<std::string>& languages);
inline constexpr size_t kMaxQueryTerms = 64;

// BM25F parameters of search options; kInvalidArgument naming a bad option.
Result<Bm25fParams> ToBm25fParams(const KbSearchOptions& options);
inline constexpr int kBm25Candidates = 100;
inline constexpr int kDenseCandidates = 20;
inline constexpr size_t kSnippetChars = 200;

}  // namespace autotriage::kb_internal
