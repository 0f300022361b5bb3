// `autotriage digest` through the real binary (label `integration`): the clusters the engine
// stored are restored without a helpdesk, the HTML file is self-contained and escaped, --json
// carries the figures, and bad usage exits 2 with a message naming what is wrong.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include "shell_run.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "autotriage/store/store.h"

namespace {

namespace fs = std::filesystem;
using autotriage::ClusterMemberRecord;

constexpr char kEvil[] = "<script>alert(1)</script> vpn outage";

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

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class DigestCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("digest_cli_test_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(Config()) << "store:\n  backend: sqlite\n  sqlite_path: "
                            << (dir_ / "engine.db").string()
                            << "\nknowledge:\n  index_path: " << (dir_ / "no-kb.db").string()
                            << "\nserver:\n  public_url: https://triage.example\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Config() const { return (dir_ / "autotriage.yaml").string(); }

  // What a running engine leaves behind: six clustered tickets of one issue (four in the last
  // 24 h) and a proposed Problem whose name is hostile markup.
  void SeedStore() {
    autotriage::StoreConfig config;
    config.sqlite_path = (dir_ / "engine.db").string();
    auto store = autotriage::OpenStore(config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const int64_t now = NowSeconds();
    std::vector<ClusterMemberRecord> members;
    for (int i = 0; i < 6; ++i) {
      const int64_t ago = i < 4 ? 3600 * (i + 1) : 86400 + 3600 * i;
      members.push_back(
          {"t" + std::to_string(i), now - ago, 1,
           "vpn connection drops every hour on the office network " + std::to_string(i)});
    }
    ASSERT_TRUE((*store)->PutClusterMembers(members).ok());
    autotriage::ProblemProposalRecord proposal;
    proposal.dedupe_key = "cluster:1:test";
    proposal.cluster_id = 1;
    proposal.cluster_name = kEvil;
    proposal.subject = std::string("Recurring issue: ") + kEvil;
    proposal.priority = "Medium";
    proposal.observed = 4;
    proposal.expected = 0.2;
    proposal.window_start_ms = (now - 3600) * 1000;
    proposal.window_end_ms = now * 1000;
    proposal.ticket_ids = {"t0", "t1"};
    proposal.evidence_json = "{}";
    proposal.created_ms = now * 1000 - 60000;
    autotriage::AuditEntry audit;
    audit.kind = "problem_proposed";
    ASSERT_TRUE((*store)->ProposeProblem(proposal, audit).ok());
  }

  CommandRun Run(const std::string& args) {
    const fs::path err = dir_ / "stderr.txt";
    const std::string command = "cd " + dir_.string() + " && " + std::string(AUTOTRIAGE_BINARY) +
                                " " + args + " </dev/null 2>" + err.string();
    const autotriage::testing::ShellRun shell = autotriage::testing::RunShell(command, err);
    return {shell.exit_code, shell.out, shell.err};
  }

  fs::path dir_;
};

TEST_F(DigestCliTest, HelpAnswers) {
  CommandRun run = Run("digest --help");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("--out"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--slack"), std::string::npos);
}

TEST_F(DigestCliTest, WritesASelfContainedEscapedFile) {
  SeedStore();
  const fs::path out = dir_ / "digest.html";
  CommandRun run = Run("digest --config " + Config() + " --out " + out.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("4 tickets in the last 24 h"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("KB not loaded"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(out.string()), std::string::npos);
  const std::string html = ReadAll(out);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("https://triage.example/problems/1"), std::string::npos);
}

TEST_F(DigestCliTest, DefaultFileAndJson) {
  SeedStore();
  CommandRun run = Run("digest --config " + Config());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  bool written = false;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    written = written || entry.path().filename().string().rfind("autotriage-digest-", 0) == 0;
  }
  EXPECT_TRUE(written) << run.out;

  CommandRun json = Run("digest --json --config " + Config());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json digest = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(digest.is_object()) << json.out;
  EXPECT_EQ(digest["last_24h"], 4);
  EXPECT_EQ(digest["previous_24h"], 2);
  EXPECT_EQ(digest["clusters"], 1);
  EXPECT_EQ(digest["problems"].size(), 1u);
  EXPECT_FALSE(digest["kb_loaded"].get<bool>());
}

TEST_F(DigestCliTest, BadUsageExitsTwo) {
  CommandRun slack = Run("digest --slack --config " + Config());
  EXPECT_EQ(slack.exit_code, 2);
  EXPECT_NE(slack.err.find("slack.enabled"), std::string::npos) << slack.err;
  std::ofstream(dir_ / "bad.yaml") << "insights:\n  digest_hour_utc: 25\n";
  CommandRun bad = Run("digest --config " + (dir_ / "bad.yaml").string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("digest_hour_utc"), std::string::npos) << bad.err;
}

}  // namespace
