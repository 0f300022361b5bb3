// Private to the knowledge module: a thin RAII wrapper over a prepared sqlite3 statement, for
// the .cc files of KbIndex (the only code that includes sqlite3.h).
// Thread-safety: one Statement is used by one thread at a time (its connection's rule).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "autotriage/core/status.h"

namespace autotriage::kb_internal {

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // The preparation result: not OK names the SQLite error.
  Status status(std::string_view what) const {
    if (rc_ == SQLITE_OK) {
      return Status::Ok();
    }
    return Internal(std::string(what) + ": " + sqlite3_errmsg(db_));
  }

  void Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void BindBlob(int index, const void* data, size_t bytes) {
    sqlite3_bind_blob(stmt_, index, data, static_cast<int>(bytes), SQLITE_TRANSIENT);
  }
  void BindDouble(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
  void BindNull(int index) { sqlite3_bind_null(stmt_, index); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text == nullptr
               ? std::string()
               : std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::string_view Blob(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    return data == nullptr
               ? std::string_view()
               : std::string_view(static_cast<const char*>(data),
                                  static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

}  // namespace autotriage::kb_internal
