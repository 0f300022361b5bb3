// The engine's commands through the real binary (label `integration`): the demo end to end,
// then `approvals list`, `run --once`, `audit verify` (intact, then after tampering with one
// record in the SQLite file) and `audit export`.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include "shell_run.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct CommandRun {
  int exit_code = -1;
  std::string out;
};

CommandRun Autotriage(const std::string& args) {
  const std::string command = std::string(AUTOTRIAGE_BINARY) + " " + args + " 2>&1 </dev/null";
  const autotriage::testing::ShellRun shell = autotriage::testing::RunShell(command);
  return {shell.exit_code, shell.out};
}

class EngineCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("engine_cli_test_" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    demo_ = new CommandRun(Autotriage("demo --out " + dir_->string() + " --count 800 --stream 6"));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete demo_;
  }
  static std::string Config() { return (*dir_ / "autotriage.yaml").string(); }
  static fs::path* dir_;
  static CommandRun* demo_;
};

fs::path* EngineCliTest::dir_ = nullptr;
CommandRun* EngineCliTest::demo_ = nullptr;

TEST_F(EngineCliTest, DemoTriagesStreamedTicketsAndWritesOnlyGroup) {
  ASSERT_EQ(demo_->exit_code, 0) << demo_->out;
  // Every streamed ticket got a group decision; each applied one is exactly one update + note.
  std::smatch applied;
  ASSERT_TRUE(std::regex_search(demo_->out, applied, std::regex(R"(group applied +(\d+))")))
      << demo_->out;
  std::smatch abstained;
  const int abstain_count =
      std::regex_search(demo_->out, abstained, std::regex(R"(group abstain +(\d+))"))
          ? std::stoi(abstained[1])
          : 0;
  EXPECT_EQ(std::stoi(applied[1]) + abstain_count, 6) << demo_->out;
  const std::string writes =
      applied[1].str() + " field updates and " + applied[1].str() + " private notes";
  EXPECT_NE(demo_->out.find(writes), std::string::npos) << demo_->out;
  EXPECT_NE(demo_->out.find("chain intact"), std::string::npos);
  EXPECT_NE(demo_->out.find("override memory: the engine will never set group="), std::string::npos)
      << demo_->out;
  EXPECT_TRUE(fs::exists(*dir_ / "model.atm"));
  EXPECT_TRUE(fs::exists(*dir_ / "autotriage.db"));
}

TEST_F(EngineCliTest, ApprovalsListAndRunOnceReadTheDemoStore) {
  ASSERT_EQ(demo_->exit_code, 0);
  CommandRun list = Autotriage("approvals list --json --config " + Config());
  ASSERT_EQ(list.exit_code, 0) << list.out;
  nlohmann::json pending = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_TRUE(pending.is_object()) << list.out;
  for (const auto& item : pending["pending"]) {
    // Only priority and the assignee ("agent") are in suggest mode in the demo.
    EXPECT_TRUE(item["field"] == "priority" || item["field"] == "agent") << item.dump();
    EXPECT_FALSE(item["new_value"].get<std::string>().empty());
  }
  CommandRun once = Autotriage("run --once --json --config " + Config());
  ASSERT_EQ(once.exit_code, 0) << once.out;
  nlohmann::json report = nlohmann::json::parse(once.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << once.out;
  EXPECT_EQ(report["jobs_failed"], 0);
}

TEST_F(EngineCliTest, AuditVerifyDetectsAnEditedRecordAndExportWritesEveryRecord) {
  ASSERT_EQ(demo_->exit_code, 0);
  CommandRun intact = Autotriage("audit verify --json --config " + Config());
  ASSERT_EQ(intact.exit_code, 0) << intact.out;
  nlohmann::json ok = nlohmann::json::parse(intact.out);
  EXPECT_TRUE(ok["ok"].get<bool>());
  const int64_t entries = ok["entries"].get<int64_t>();
  EXPECT_GT(entries, 20);

  const std::string exported = (*dir_ / "audit.jsonl").string();
  ASSERT_EQ(Autotriage("audit export --out " + exported + " --config " + Config()).exit_code, 0);
  std::ifstream lines(exported);
  std::string line;
  int64_t count = 0;
  while (std::getline(lines, line)) {
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(record.is_object()) << line;
    EXPECT_EQ(record["hash"].get<std::string>().size(), 64u);
    ++count;
  }
  EXPECT_EQ(count, entries);

  {
    SQLite::Database db((*dir_ / "autotriage.db").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE audit SET detail = '{\"diff\":\"forged\"}' WHERE seq = 5");
  }
  CommandRun broken = Autotriage("audit verify --json --config " + Config());
  EXPECT_EQ(broken.exit_code, 1) << broken.out;
  nlohmann::json report = nlohmann::json::parse(broken.out);
  EXPECT_FALSE(report["ok"].get<bool>());
  EXPECT_EQ(report["first_bad_seq"], 5);
}

TEST_F(EngineCliTest, ServeExplainsAMissingModel) {
  const std::string config = (*dir_ / "no-model.yaml").string();
  std::ofstream(config) << "store:\n  sqlite_path: " << (*dir_ / "other.db").string() << "\n";
  CommandRun serve = Autotriage("serve --config " + config);
  EXPECT_EQ(serve.exit_code, 2) << serve.out;  // a configuration problem
  EXPECT_NE(serve.out.find("no model to serve: set models.active"), std::string::npos) << serve.out;
}

}  // namespace
