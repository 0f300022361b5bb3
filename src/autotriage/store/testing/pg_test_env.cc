#include "autotriage/store/testing/pg_test_env.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <utility>

namespace autotriage {
namespace {

std::string StateFilePath() {
#ifdef AUTOTRIAGE_PG_STATE_FILE
  return AUTOTRIAGE_PG_STATE_FILE;
#else
  return "";
#endif
}

std::string ValueFromStateFile(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + "=", 0) == 0) {
      return line.substr(key.size() + 1);
    }
  }
  return "";
}

// A schema name from the tag: lower-case letters, digits and '_', unique per process and call.
std::string SchemaName(const std::string& tag) {
  static std::atomic<int> counter{0};
  std::string name = "t_";
  for (char c : tag) {
    if (name.size() >= 32) {
      break;
    }
    name.push_back(std::isalnum(static_cast<unsigned char>(c))
                       ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                       : '_');
  }
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return name + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(now % 100000);
}

std::string WithSearchPath(const std::string& base_url, const std::string& schema) {
  if (base_url.rfind("postgresql://", 0) == 0 || base_url.rfind("postgres://", 0) == 0) {
    const char separator = base_url.find('?') == std::string::npos ? '?' : '&';
    return base_url + separator + "options=-csearch_path%3D" + schema;
  }
  return base_url + " options='-csearch_path=" + schema + "'";
}

}  // namespace

std::string TestPostgresUrl() {
  const char* from_env = std::getenv("AUTOTRIAGE_TEST_PG");
  if (from_env != nullptr && *from_env != '\0') {
    return from_env;
  }
  const std::string path = StateFilePath();
  return path.empty() ? "" : ValueFromStateFile(path, "AUTOTRIAGE_TEST_PG");
}

bool TestPostgresRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::string TestPostgresMissingMessage() {
  return "no PostgreSQL for this test: set AUTOTRIAGE_TEST_PG to a libpq URL, or run it with "
         "`ctest -L pg` (the pg_server fixture starts one and writes " +
         StateFilePath() + ")";
}

TestPgSchema::TestPgSchema(std::string base_url, std::string name, std::string url)
    : base_url_(std::move(base_url)), name_(std::move(name)), url_(std::move(url)) {}

Result<std::unique_ptr<TestPgSchema>> TestPgSchema::Create(const std::string& base_url,
                                                           const std::string& tag) {
  const std::string name = SchemaName(tag);
  try {
    pqxx::connection conn(base_url);
    pqxx::work tx(conn);
    tx.exec0("CREATE SCHEMA " + tx.quote_name(name));
    tx.commit();
  } catch (const std::exception& error) {
    return Unavailable(std::string("creating test schema ") + name + ": " + error.what());
  }
  return std::unique_ptr<TestPgSchema>(
      new TestPgSchema(base_url, name, WithSearchPath(base_url, name)));
}

TestPgSchema::~TestPgSchema() {
  try {
    pqxx::connection conn(base_url_);
    pqxx::work tx(conn);
    tx.exec0("SET client_min_messages TO warning");
    tx.exec0("DROP SCHEMA IF EXISTS " + tx.quote_name(name_) + " CASCADE");
    tx.commit();
  } catch (const std::exception&) {
    // The server is gone or the schema too; the fixture removes its data directory anyway.
  }
}

Status TestPgSchema::Exec(const std::string& sql) const {
  try {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& error) {
    return Internal(std::string("test SQL failed: ") + error.what());
  }
}

Result<int64_t> TestPgSchema::QueryInt(const std::string& sql) const {
  try {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    return tx.exec1(sql)[0].as<int64_t>();
  } catch (const std::exception& error) {
    return Internal(std::string("test query failed: ") + error.what());
  }
}

}  // namespace autotriage
