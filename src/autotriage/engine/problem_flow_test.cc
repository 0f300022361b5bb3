// Spike to Problem through approval, end to end in cron mode (Engine::RunOnce): an in-process
// sandbox Freshservice (real HTTP on loopback) with four weeks of generated history and a burst
// of near-identical tickets in the last half hour, the real Freshservice connector, a real SQLite
// store. The first run proposes the Problem and creates nothing; a human approves; the next run
// creates it exactly once, and a further run changes nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "autotriage/connectors/factory.h"
#include "autotriage/engine/engine.h"
#include "autotriage/engine/engine_test_util.h"
#include "autotriage/engine/problems.h"
#include "autotriage/sandbox/sandbox.h"

namespace autotriage {
namespace {

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ProblemFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("autotriage-problem-flow-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const int64_t now_ms = WallMs();
    clock_->store(now_ms);
    SandboxOptions options;
    options.kind = "freshservice";
    options.tickets = 400;
    options.seed = 11;
    options.history_end = now_ms / 1000 - 2 * 3600;  // history up to two hours ago
    auto clock = clock_;
    options.clock_ms = [clock] { return clock->load(); };
    options.log = [](const std::string&) {};
    auto sandbox = SandboxServer::Start(options);
    ASSERT_TRUE(sandbox.ok()) << sandbox.status().ToString();
    sandbox_ = std::move(sandbox).value();
    StoreConfig store_config;
    store_config.sqlite_path = (dir_ / "engine.db").string();
    auto store = OpenStore(store_config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  void TearDown() override {
    engine_.reset();
    sandbox_->Stop();
    std::filesystem::remove_all(dir_);
  }

  void MakeEngine() {
    HelpdeskSettings settings;
    settings.kind = "freshservice";
    settings.url = sandbox_->base_url();
    settings.api_key = "sandbox-key";
    auto helpdesk = NewHelpdesk(settings);
    ASSERT_TRUE(helpdesk.ok()) << helpdesk.status().ToString();
    EngineDeps deps;
    deps.config.log.level = LogLevel::kWarn;
    deps.config.engine.workers = 1;
    deps.store = store_;
    deps.helpdesk = std::shared_ptr<Helpdesk>(std::move(helpdesk).value());
    deps.bundle = testing::TestBundle();
    deps.insights =
        std::make_shared<InsightsService>(deps.config.insights, store_, deps.helpdesk, nullptr);
    deps.log = [](const std::string&) {};
    auto engine = Engine::Create(std::move(deps));
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }

  int ProblemPosts() const {
    int posts = 0;
    for (const RecordedWrite& w : sandbox_->writes()) {
      posts += w.method == "POST" && w.path.rfind("/api/v2/problems", 0) == 0 && w.applied;
    }
    return posts;
  }

  std::vector<ProblemProposalRecord> Proposals() {
    auto list = store_->ListProblemProposals(ProblemProposalFilter{});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<ProblemProposalRecord>{};
  }

  std::filesystem::path dir_;
  std::shared_ptr<std::atomic<int64_t>> clock_ = std::make_shared<std::atomic<int64_t>>(0);
  std::unique_ptr<SandboxServer> sandbox_;
  std::shared_ptr<Store> store_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(ProblemFlowTest, ASpikeBecomesAProblemOnlyAfterApprovalAndOnlyOnce) {
  // Eight near-identical tickets, a minute apart, ending ten minutes ago.
  const int64_t now_ms = clock_->load();
  const char* const kEndings[] = {"", " again", " since this morning", " urgent"};
  for (int i = 0; i < 8; ++i) {
    clock_->store(now_ms - (18 - i) * 60000);
    SandboxNewTicket ticket;
    ticket.subject =
        std::string("Plotter on floor 3 reports toner cartridge empty") + kEndings[i % 4];
    ticket.description_html = "<p>The plotter on floor 3 says the toner cartridge is empty.</p>";
    ticket.requester_email = "user" + std::to_string(i) + "@example.com";
    ASSERT_TRUE(sandbox_->CreateTicket(ticket).ok());
  }
  clock_->store(now_ms);
  MakeEngine();

  ASSERT_TRUE(engine_->RunOnce().ok());
  std::vector<ProblemProposalRecord> proposals = Proposals();
  ASSERT_EQ(proposals.size(), 1u) << "the burst, and nothing in four weeks of history";
  const ProblemProposalRecord proposal = proposals[0];
  EXPECT_EQ(proposal.state, problem_state::kPending);
  EXPECT_GE(proposal.ticket_ids.size(), 3u);
  EXPECT_NE(proposal.evidence_json.find("toner"), std::string::npos);
  EXPECT_EQ(ProblemPosts(), 0) << "never created before a human approves";

  ASSERT_TRUE(engine_->RunOnce().ok());
  EXPECT_EQ(ProblemPosts(), 0);
  EXPECT_EQ(Proposals().size(), 1u);

  AuditEntry audit;
  audit.kind = "problem_approved";
  ASSERT_TRUE(
      store_->DecideProblemProposal(proposal.id, true, "user:alice", "", WallMs(), audit).ok());
  ASSERT_TRUE(engine_->RunOnce().ok());
  EXPECT_EQ(ProblemPosts(), 1);
  const ProblemProposalRecord created = *store_->GetProblemProposal(proposal.id);
  EXPECT_EQ(created.state, problem_state::kCreated);
  ASSERT_FALSE(created.problem_id.empty());
  bool marker_sent = false;
  for (const RecordedWrite& w : sandbox_->writes()) {
    marker_sent = marker_sent || (w.path.rfind("/api/v2/problems", 0) == 0 &&
                                  w.body.find(ProblemMarker(proposal.id)) != std::string::npos);
  }
  EXPECT_TRUE(marker_sent);

  ASSERT_TRUE(engine_->RunOnce().ok());
  EXPECT_EQ(ProblemPosts(), 1);
  EXPECT_EQ(Proposals().size(), 1u);
}

}  // namespace
}  // namespace autotriage
