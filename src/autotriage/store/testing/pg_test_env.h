// Test support for tests that run against the PostgreSQL of the `pg_server` ctest fixture
// (scripts/pg/start writes AUTOTRIAGE_TEST_PG=<url> into a state file in the build tree).
// Library autotriage_store_testing; tests using it must carry FIXTURES_REQUIRED pg_server and
// label pg so `ctest -L pg` starts and stops the server for them.
//
// Where the server is: $AUTOTRIAGE_TEST_PG when set (a developer's own server), else the
// fixture's state file. Without either, AUTOTRIAGE_TEST_PG_URL_OR_SKIP skips the test, except
// when the environment has CI=true: then the test fails, so CI never passes by skipping.
// Each test works in a schema of its own (TestPgSchema), so tests run in parallel (ctest -j)
// and repeated runs against one server never see each other's tables.
// Thread-safety: the functions are safe from any thread; a TestPgSchema is used by one test.
#pragma once

#include <memory>
#include <string>

#include "autotriage/core/status.h"

namespace autotriage {

// The test server's libpq URL, or "" when there is none.
std::string TestPostgresUrl();
// True when a missing test server is a failure (CI=true), not a reason to skip.
bool TestPostgresRequired();
// What to tell the developer when there is no server.
std::string TestPostgresMissingMessage();

// A fresh schema in the test database, dropped (with its tables) by the destructor.
class TestPgSchema {
 public:
  // `tag` becomes part of the schema's name (e.g. the test name). kUnavailable when the
  // server cannot be reached.
  static Result<std::unique_ptr<TestPgSchema>> Create(const std::string& base_url,
                                                      const std::string& tag);
  ~TestPgSchema();
  TestPgSchema(const TestPgSchema&) = delete;
  TestPgSchema& operator=(const TestPgSchema&) = delete;

  const std::string& name() const { return name_; }
  // base_url with search_path set to this schema: a Store opened on it lives in the schema.
  const std::string& url() const { return url_; }
  // Runs SQL (one or more statements) in the schema, in one transaction: test hooks.
  Status Exec(const std::string& sql) const;
  // Runs a query returning one integer (e.g. a COUNT(*)).
  Result<int64_t> QueryInt(const std::string& sql) const;

 private:
  TestPgSchema(std::string base_url, std::string name, std::string url);

  std::string base_url_;
  std::string name_;
  std::string url_;
};

}  // namespace autotriage

// In a GoogleTest test body or SetUp: declares `std::string var` holding the test server's
// URL, or skips the test (fails it when CI=true) when there is none.
#define AUTOTRIAGE_TEST_PG_URL_OR_SKIP(var)                     \
  const std::string var = ::autotriage::TestPostgresUrl();      \
  if (var.empty()) {                                            \
    if (::autotriage::TestPostgresRequired()) {                 \
      FAIL() << ::autotriage::TestPostgresMissingMessage();     \
    }                                                           \
    GTEST_SKIP() << ::autotriage::TestPostgresMissingMessage(); \
  }                                                             \
  static_assert(true, "require a semicolon")
