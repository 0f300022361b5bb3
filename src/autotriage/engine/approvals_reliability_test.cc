// Many approvers pressing Approve on the same proposal at the same moment (a dashboard tab, a
// REST script and a Slack button, times fifty): exactly one wins, every other one is told who
// did, and the helpdesk (the in-process sandbox Freshdesk, over HTTP) gets one write and one
// note, also with several dispatchers racing for the write. Real SQLite store in a temp file
// (WAL, several connections).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <latch>
#include <thread>

#include "autotriage/connectors/factory.h"
#include "autotriage/engine/approvals_test_util.h"
#include "autotriage/sandbox/sandbox.h"

namespace autotriage {
namespace {

constexpr int kApprovers = 50;
constexpr int kDispatchers = 4;

TEST(ApprovalsReliabilityTest, FiftyConcurrentApprovalsMakeOneWriteAndOneNote) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("autotriage-approvals-reliability-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  SandboxOptions sandbox_options;
  sandbox_options.tickets = 20;
  sandbox_options.seed = 3;
  sandbox_options.log = [](const std::string&) {};
  auto sandbox = SandboxServer::Start(sandbox_options);
  ASSERT_TRUE(sandbox.ok()) << sandbox.status().ToString();
  HelpdeskSettings settings;
  settings.kind = "freshdesk";
  settings.url = (*sandbox)->base_url();
  settings.api_key = sandbox_options.api_key;
  auto helpdesk = NewHelpdesk(settings);
  ASSERT_TRUE(helpdesk.ok()) << helpdesk.status().ToString();
  StoreConfig store_config;
  store_config.sqlite_path = (dir / "store.db").string();
  auto store = OpenStore(store_config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Config config;
  config.policy.cells = {{"*", "group", AutonomyMode::kSuggest, std::nullopt, std::nullopt},
                         {"*", "priority", AutonomyMode::kSuggest, std::nullopt, std::nullopt},
                         {"*", "type", AutonomyMode::kMonitor, std::nullopt, std::nullopt}};
  auto harness = std::make_unique<testing::ApprovalHarness>(
      std::move(store).value(), std::shared_ptr<Helpdesk>(std::move(helpdesk).value()), config);

  // Raise fresh tickets until one gets a proposal (the model abstains on some).
  std::string ticket_id;
  std::string version;
  for (const SynthTicket& t : testing::FreshTickets(40, 99)) {
    auto id =
        (*sandbox)->CreateTicket({t.subject, t.body_html, t.requester_email, t.requester_name, {}});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_EQ(harness->Deliver(std::to_string(*id), "v1"), WorkOutcome::kDone);
    auto approval = harness->service().Pending("", 1);
    ASSERT_TRUE(approval.ok()) << approval.status().ToString();
    if (!approval->empty()) {
      ticket_id = (*approval)[0].ticket_id;
      version = (*approval)[0].ticket_version;
      break;
    }
  }
  ASSERT_FALSE(ticket_id.empty()) << "no fresh ticket got a proposal";
  const size_t writes_before = (*sandbox)->writes().size();

  std::latch start(kApprovers);
  std::vector<Status> results(kApprovers);
  std::vector<std::thread> approvers;
  for (int i = 0; i < kApprovers; ++i) {
    approvers.emplace_back([&, i] {
      ApproveRequest request;
      request.ticket_id = ticket_id;
      request.ticket_version = version;
      request.actor = "user:approver" + std::to_string(i);
      start.arrive_and_wait();
      results[i] = harness->service().Approve(request);
    });
  }
  for (std::thread& t : approvers) {
    t.join();
  }
  int won = 0;
  int refused = 0;
  std::string winner;
  for (int i = 0; i < kApprovers; ++i) {
    if (results[i].ok()) {
      ++won;
      winner = "user:approver" + std::to_string(i);
    } else if (results[i].code() == StatusCode::kFailedPrecondition) {
      ++refused;
    } else {
      ADD_FAILURE() << "approver " << i << ": " << results[i].ToString();
    }
  }
  EXPECT_EQ(won, 1);
  EXPECT_EQ(refused, kApprovers - 1);
  for (const Status& s : results) {
    if (s.code() == StatusCode::kFailedPrecondition) {
      EXPECT_NE(s.message().find(winner), std::string::npos) << s.ToString();
    }
  }

  // Several dispatchers race for the one planned write.
  std::latch go(kDispatchers);
  std::vector<std::thread> dispatchers;
  std::atomic<int> applied{0};
  for (int i = 0; i < kDispatchers; ++i) {
    dispatchers.emplace_back([&] {
      go.arrive_and_wait();
      for (WorkOutcome outcome : harness->DispatchAll()) {
        applied += outcome == WorkOutcome::kApplied ? 1 : 0;
      }
    });
  }
  for (std::thread& t : dispatchers) {
    t.join();
  }
  EXPECT_EQ(applied.load(), 1);
  auto writes = harness->store().ListWrites(ticket_id);
  ASSERT_TRUE(writes.ok());
  ASSERT_EQ(writes->size(), 1u);
  EXPECT_EQ((*writes)[0].state, WriteState::kApplied);
  int puts = 0;
  int notes = 0;
  const std::vector<RecordedWrite> recorded = (*sandbox)->writes();
  const std::string path = "/api/v2/tickets/" + ticket_id;
  for (size_t i = writes_before; i < recorded.size(); ++i) {
    const RecordedWrite& w = recorded[i];
    puts += w.method == "PUT" && w.path == path ? 1 : 0;
    notes += w.method == "POST" && w.path == path + "/notes" ? 1 : 0;
  }
  EXPECT_EQ(puts, 1);
  EXPECT_EQ(notes, 1);
  EXPECT_EQ(recorded.size() - writes_before, 2u);

  harness.reset();
  (*sandbox)->Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace autotriage
