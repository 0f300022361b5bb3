// `autotriage users add|list|disable|token` through the real binary (label `integration`):
// passwords come from standard input only, secrets never reach the output, the database or the
// audit trail, and bad input gets exit code 2 with a message naming what is wrong.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include "shell_run.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;

constexpr char kPassword[] = "Tr0ub4dor&3-horse-staple";

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class UsersCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("users_cli_test_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(Config()) << "store:\n  backend: sqlite\n  sqlite_path: "
                            << (dir_ / "people.db").string() << "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Config() const { return (dir_ / "autotriage.yaml").string(); }

  // Runs `autotriage ARGS --config CONFIG` with `stdin_text` as its standard input.
  CommandRun Run(const std::string& args, const std::string& stdin_text = "") {
    const fs::path in = dir_ / "stdin.txt";
    const fs::path err = dir_ / "stderr.txt";
    std::ofstream(in, std::ios::binary) << stdin_text;
    const std::string command = std::string(AUTOTRIAGE_BINARY) + " " + args + " --config " +
                                Config() + " <" + in.string() + " 2>" + err.string();
    const autotriage::testing::ShellRun shell = autotriage::testing::RunShell(command, err);
    return {shell.exit_code, shell.out, shell.err};
  }

  // Every byte the store wrote (database, WAL and journal files).
  std::string StoreBytes() const {
    std::string bytes;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().filename().string().rfind("people.db", 0) == 0) {
        bytes += ReadAll(entry.path());
      }
    }
    return bytes;
  }

  fs::path dir_;
};

TEST_F(UsersCliTest, AddListTokenAndDisable) {
  CommandRun add =
      Run("users add alice --role approver --slack-id U012AB3CD", std::string(kPassword) + "\n");
  ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
  EXPECT_EQ(add.out, "added user alice (role approver, Slack user U012AB3CD)\n");
  ASSERT_EQ(Run("users add root --role admin", std::string(kPassword) + "\r\n").exit_code, 0);

  CommandRun list = Run("users list --json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json users = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_TRUE(users.is_object()) << list.out;
  ASSERT_EQ(users["users"].size(), 2u) << list.out;
  const nlohmann::json& alice =
      users["users"][0]["name"] == "alice" ? users["users"][0] : users["users"][1];
  EXPECT_EQ(alice["role"], "approver");
  EXPECT_EQ(alice["slack_user_id"], "U012AB3CD");
  EXPECT_EQ(alice["disabled"], false);
  EXPECT_EQ(alice["has_password"], true);
  EXPECT_EQ(list.out.find("argon2"), std::string::npos);

  CommandRun token = Run("users token alice --label ci-runner");
  ASSERT_EQ(token.exit_code, 0) << token.err;
  ASSERT_EQ(token.out.size(), 44u) << token.out;  // 43 characters and a newline
  const std::string secret = token.out.substr(0, 43);
  EXPECT_NE(token.err.find("shown only this once"), std::string::npos) << token.err;

  CommandRun disable = Run("users disable alice");
  ASSERT_EQ(disable.exit_code, 0) << disable.err;
  EXPECT_NE(disable.out.find("disabled user alice"), std::string::npos) << disable.out;
  CommandRun again = Run("users disable alice");
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("already disabled"), std::string::npos) << again.out;
  CommandRun table = Run("users list");
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("alice"), std::string::npos);
  EXPECT_NE(table.out.find("disabled"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("enabled"), std::string::npos) << table.out;
  // A disabled user gets no new token.
  CommandRun refused = Run("users token alice");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("user 'alice' is disabled"), std::string::npos) << refused.err;

  // The changes are audited; no secret is stored anywhere.
  CommandRun audit = Run("audit export");
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_NE(audit.out.find("user_added"), std::string::npos);
  EXPECT_NE(audit.out.find("token_created"), std::string::npos);
  EXPECT_NE(audit.out.find("user_disabled"), std::string::npos);
  const std::string stored = StoreBytes();
  ASSERT_FALSE(stored.empty());
  for (const std::string& text : {audit.out, stored}) {
    EXPECT_EQ(text.find(kPassword), std::string::npos);
    EXPECT_EQ(text.find(secret), std::string::npos);
  }
  EXPECT_NE(stored.find("$argon2id$"), std::string::npos);  // what is kept instead
}

TEST_F(UsersCliTest, BadInputIsRefusedWithAClearMessage) {
  struct Case {
    std::string args;
    std::string stdin_text;
    std::string message;
  };
  const std::string password_line = std::string(kPassword) + "\n";
  ASSERT_EQ(Run("users add bob --role viewer", password_line).exit_code, 0);
  const std::vector<Case> cases = {
      {"users add carol --role root", password_line, "unknown role 'root'"},
      {"users add bob --role admin", password_line, "a user named 'bob' already exists"},
      {"users add carol --role admin", "short-pw\n", "at least 12 characters"},
      {"users add carol --role admin", "", "no password on standard input"},
      {"users add 'carol smith' --role admin", password_line, "'carol smith' is not allowed"},
      {"users add carol --role admin --slack-id carol", password_line, "not a Slack member id"},
      {"users disable nobody", "", "no user named 'nobody'"},
      {"users token nobody", "", "no user named 'nobody'"},
  };
  for (const Case& c : cases) {
    CommandRun run = Run(c.args, c.stdin_text);
    EXPECT_EQ(run.exit_code, 2) << c.args << "\n" << run.err;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.args << "\n" << run.err;
    EXPECT_EQ(run.err.find("short-pw"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find(kPassword), std::string::npos) << run.err;
  }
  // There is no way to pass a password on the command line.
  EXPECT_EQ(
      Run("users add dave --role admin --password '" + std::string(kPassword) + "'").exit_code, 2);
  CommandRun list = Run("users list --json");
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(list.out)["users"].size(), 1u) << list.out;
}

TEST_F(UsersCliTest, ListOnAnEmptyStoreSaysHowToStart) {
  CommandRun list = Run("users list");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("autotriage users add NAME --role admin"), std::string::npos) << list.out;
}

}  // namespace
