// One SQLite connection of the SQLite store together with the statements prepared on it, so
// that a statement is compiled once per connection instead of once per call (compiling was
// about 40% of the store's CPU time per call). Internal to the store module.
//
// Thread-safety: none; the store uses each connection under a mutex of its own.
// Ownership: owns the connection; statements are finalized before it closes.
// Errors: Prepared() throws SQLite::Exception (a bad statement, or the database is unusable).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace autotriage {

class SqliteConnection {
 public:
  explicit SqliteConnection(std::unique_ptr<SQLite::Database> db);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  SQLite::Database& db() { return *db_; }

  // The statement for `sql`, compiled on its first use and kept, reset with its parameters
  // cleared for this use. Only for SQL whose text does not depend on values: every distinct
  // text stays compiled for the life of the connection.
  // REQUIRES: the previous use of the same text is finished (no nested use of one text).
  SQLite::Statement& Prepared(std::string_view sql);
  // Resets every statement handed out since the last call, so that none keeps a half-read
  // result, a pending error or pointers to the caller's strings beyond the body that used it.
  void ResetUsed() noexcept;

 private:
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  // Declared first: destroyed after the statements, which must be finalized before it closes.
  std::unique_ptr<SQLite::Database> db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>, TextHash, std::equal_to<>>
      statements_;
  std::vector<SQLite::Statement*> used_;
};

}  // namespace autotriage
