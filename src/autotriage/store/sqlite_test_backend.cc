// The Store contract suite on SQLite (store_test, label unit): one temporary database file per
// test. Also the tests only SQLite needs: several processes on one file, a writer killed with
// SIGKILL mid-stream, and unusable files.
#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

namespace fs = std::filesystem;

// A per-test directory named after the test and the process; removed again at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() /
              ("autotriage-store-" + tag + "-" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class SqliteTestDatabase : public TestDatabase {
 public:
  explicit SqliteTestDatabase(const std::string& tag) : dir_(tag) {}

  StoreConfig config() const override {
    StoreConfig config;
    config.backend = "sqlite";
    config.sqlite_path = (dir_.path() / "store.db").string();
    return config;
  }
  Status Exec(const std::string& sql) override {
    try {
      SQLite::Database db(config().sqlite_path, SQLite::OPEN_READWRITE, 30000);
      db.exec(sql);
      return Status::Ok();
    } catch (const std::exception& error) {
      return Internal(std::string("test SQL failed: ") + error.what());
    }
  }
  Result<int64_t> QueryInt(const std::string& sql) override {
    try {
      SQLite::Database db(config().sqlite_path, SQLite::OPEN_READONLY, 30000);
      return db.execAndGet(sql).getInt64();
    } catch (const std::exception& error) {
      return Internal(std::string("test query failed: ") + error.what());
    }
  }

 private:
  TempDir dir_;
};

const StoreBackendParam kSqlite{
    "sqlite", [](const std::string& tag) {
      return std::unique_ptr<TestDatabase>(std::make_unique<SqliteTestDatabase>(tag));
    }};

std::string ParamName(const ::testing::TestParamInfo<StoreBackendParam>& param_info) {
  return param_info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(kSqlite), ParamName);
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreWritesTest, ::testing::Values(kSqlite), ParamName);
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreAuditTest, ::testing::Values(kSqlite), ParamName);
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreOutcomesTest, ::testing::Values(kSqlite), ParamName);
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreInsightsTest, ::testing::Values(kSqlite), ParamName);

std::unique_ptr<Store> MustOpen(const StoreConfig& config) {
  Result<std::unique_ptr<Store>> store = OpenStore(config);
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return nullptr;
  }
  return std::move(*store);
}

// Two processes append to one file at once (the engine and, say, an `audit` command): every
// append lands and the chain stays linear.
TEST(SqliteStoreTest, TwoProcessesShareOneFile) {
  SqliteTestDatabase db(CurrentTestTag());
  ASSERT_NE(MustOpen(db.config()), nullptr);  // migrate before forking
  constexpr int kAppends = 150;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<Store>> store = OpenStore(db.config());
    for (int i = 0; store.ok() && i < kAppends; ++i) {
      if (!(*store)->AppendAudit({MakeAudit("decision", "child")}).ok()) {
        _exit(2);
      }
    }
    _exit(store.ok() ? 0 : 1);
  }
  std::unique_ptr<Store> store = MustOpen(db.config());
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < kAppends; ++i) {
    ASSERT_TRUE(store->Enqueue({MakeEvent(std::to_string(i), "v")}).ok());
  }
  int child_status = 0;
  ASSERT_EQ(waitpid(child, &child_status, 0), child);
  ASSERT_TRUE(WIFEXITED(child_status));
  EXPECT_EQ(WEXITSTATUS(child_status), 0);
  const AuditVerifyReport report = VerifyTrail(*store);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 2 * kAppends);
}

// A writer killed with SIGKILL loses nothing it acknowledged and leaves a usable database.
TEST(SqliteStoreTest, AcknowledgedBatchesSurviveSigkill) {
  SqliteTestDatabase db(CurrentTestTag());
  ASSERT_NE(MustOpen(db.config()), nullptr);
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(acks[0]);
    Result<std::unique_ptr<Store>> store = OpenStore(db.config());
    for (int batch = 0; store.ok(); ++batch) {
      std::vector<InboxEvent> events;
      for (int i = 0; i < 16; ++i) {
        events.push_back(MakeEvent(std::to_string(batch * 16 + i), "v", 300));
      }
      if (!(*store)->Enqueue(events).ok()) {
        _exit(2);
      }
      const char ack = 'a';
      if (write(acks[1], &ack, 1) != 1) {
        _exit(3);
      }
    }
    _exit(1);
  }
  close(acks[1]);
  constexpr int kAcknowledged = 20;
  char ack = 0;
  for (int i = 0; i < kAcknowledged; ++i) {
    ASSERT_EQ(read(acks[0], &ack, 1), 1);
  }
  kill(child, SIGKILL);
  int child_status = 0;
  ASSERT_EQ(waitpid(child, &child_status, 0), child);
  close(acks[0]);
  EXPECT_TRUE(WIFSIGNALED(child_status));

  std::unique_ptr<Store> store = MustOpen(db.config());
  ASSERT_NE(store, nullptr);
  Result<StoreStats> stats = store->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GE(stats->jobs_pending, kAcknowledged * 16);
  EXPECT_EQ(stats->jobs_pending % 16, 0) << "a batch was stored in part";
  const AuditVerifyReport report = VerifyTrail(*store);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, stats->jobs_pending);
  EXPECT_TRUE(store->Enqueue({MakeEvent("after", "v")}).ok());
}

TEST(SqliteStoreTest, UnusableFilesAreReportedWithTheirPath) {
  TempDir dir(CurrentTestTag());
  const std::string garbage = (dir.path() / "not-a-db").string();
  std::ofstream(garbage) << std::string(8192, 'x');
  StoreConfig config;
  config.sqlite_path = garbage;
  Result<std::unique_ptr<Store>> corrupt = OpenStore(config);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kCorruption) << corrupt.status().ToString();
  EXPECT_NE(corrupt.status().message().find("not-a-db"), std::string::npos);

  config.sqlite_path = (dir.path() / "missing-dir" / "store.db").string();
  Result<std::unique_ptr<Store>> missing = OpenStore(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError) << missing.status().ToString();

  config.sqlite_path = "";
  EXPECT_EQ(OpenStore(config).status().code(), StatusCode::kInvalidArgument);
  config.backend = "oracle";
  EXPECT_EQ(OpenStore(config).status().code(), StatusCode::kInvalidArgument);
}

// Webhook bodies are stored byte for byte, whatever they hold.
TEST(SqliteStoreTest, PayloadBytesAreKeptExactly) {
  SqliteTestDatabase db(CurrentTestTag());
  std::unique_ptr<Store> store = MustOpen(db.config());
  ASSERT_NE(store, nullptr);
  InboxEvent event = MakeEvent("1", "v");
  event.payload.clear();
  std::string hex;
  for (int byte = 0; byte < 256; ++byte) {
    event.payload.push_back(static_cast<char>(byte));
    char digits[3];
    std::snprintf(digits, sizeof(digits), "%02x", byte);
    hex += digits;
  }
  ASSERT_TRUE(store->Enqueue({event}).ok());
  Result<int64_t> same = db.QueryInt("SELECT CAST(payload AS BLOB) = x'" + hex + "' FROM events");
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(*same, 1);
}

TEST(SqliteStoreTest, InMemoryDatabaseWorks) {
  StoreConfig config;
  config.sqlite_path = ":memory:";
  std::unique_ptr<Store> store = MustOpen(config);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Enqueue({MakeEvent("1", "v")}).ok());
  EXPECT_EQ(store->Stats()->jobs_pending, 1);
}

}  // namespace
}  // namespace autotriage
