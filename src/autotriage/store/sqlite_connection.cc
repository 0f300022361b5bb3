#include "autotriage/store/sqlite_connection.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <utility>

namespace autotriage {

SqliteConnection::SqliteConnection(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}

SqliteConnection::~SqliteConnection() = default;

SQLite::Statement& SqliteConnection::Prepared(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    auto statement = std::make_unique<SQLite::Statement>(*db_, std::string(sql));
    found = statements_.emplace(std::string(sql), std::move(statement)).first;
  }
  SQLite::Statement& statement = *found->second;
  // Normally reset already by ResetUsed; the result of the previous use does not matter here.
  statement.tryReset();
  statement.clearBindings();
  used_.push_back(&statement);
  return statement;
}

void SqliteConnection::ResetUsed() noexcept {
  for (SQLite::Statement* statement : used_) {
    statement->tryReset();
    try {
      statement->clearBindings();  // cannot fail for a valid statement
    } catch (const SQLite::Exception&) {
    }
  }
  used_.clear();
}

}  // namespace autotriage
