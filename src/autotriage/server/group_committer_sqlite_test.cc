// GroupCommitter against the real SQLite store: many request threads at once, each answered
// with its own job, duplicates collapsed, every event on disk when Submit returns.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "autotriage/server/group_committer.h"
#include "autotriage/store/store.h"

namespace autotriage {
namespace {

class GroupCommitterSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("autotriage-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.backend = "sqlite";
    config_.sqlite_path = (dir_ / "store.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> Open() {
    Result<std::unique_ptr<Store>> store = OpenStore(config_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::filesystem::path dir_;
  StoreConfig config_;
};

InboxEvent Event(int ticket, const std::string& version) {
  InboxEvent event;
  event.source = "webhook:freshdesk";
  event.ticket_id = std::to_string(ticket);
  event.version = version;
  event.payload = R"({"freshdesk_webhook":{"ticket_id":")" + event.ticket_id + "\"}}";
  event.trace_id = "t" + event.ticket_id + version;
  event.received_ms = 1700000000000;
  return event;
}

TEST_F(GroupCommitterSqliteTest, ConcurrentSubmissionsAreCommittedAndCollapsed) {
  constexpr int kThreads = 16;
  constexpr int kTicketsPerThread = 25;
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  std::vector<std::vector<EnqueueResult>> results(kThreads);
  int64_t commits = 0;
  {
    GroupCommitter committer(store.get());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kTicketsPerThread; ++i) {
          const int ticket = t * kTicketsPerThread + i + 1;
          // Each ticket twice: the second delivery must join the first one's job.
          for (int copy = 0; copy < 2; ++copy) {
            Result<EnqueueResult> result = committer.Submit(Event(ticket, "v1"));
            ASSERT_TRUE(result.ok()) << result.status().ToString();
            results[t].push_back(*result);
          }
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    commits = committer.commits();
    EXPECT_EQ(committer.committed_events(), 2 * kThreads * kTicketsPerThread);
  }
  std::set<int64_t> job_ids;
  for (const auto& per_thread : results) {
    ASSERT_EQ(per_thread.size(), 2u * kTicketsPerThread);
    for (size_t i = 0; i < per_thread.size(); i += 2) {
      EXPECT_TRUE(per_thread[i].new_job);
      EXPECT_FALSE(per_thread[i + 1].new_job);
      EXPECT_EQ(per_thread[i].job_id, per_thread[i + 1].job_id);
      EXPECT_TRUE(job_ids.insert(per_thread[i].job_id).second) << "job shared by two tickets";
    }
  }
  EXPECT_LE(commits, 2 * kThreads * kTicketsPerThread);

  // Everything acknowledged is in the file: a fresh connection sees it.
  store.reset();
  std::unique_ptr<Store> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  Result<StoreStats> stats = reopened->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->jobs_pending, kThreads * kTicketsPerThread);
  EXPECT_EQ(stats->audit_entries, 2 * kThreads * kTicketsPerThread);
  Result<Job> job = reopened->GetJob(results[3][0].job_id);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->ticket_id, std::to_string(3 * kTicketsPerThread + 1));
  EXPECT_EQ(job->events, 2);
}

}  // namespace
}  // namespace autotriage
