#include "autotriage/server/group_committer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "autotriage/server/fake_store_for_test.h"

namespace autotriage {
namespace {

InboxEvent Event(const std::string& ticket_id, const std::string& version = "v1") {
  InboxEvent event;
  event.source = "webhook:freshdesk";
  event.ticket_id = ticket_id;
  event.version = version;
  event.payload = "{}";
  event.trace_id = "trace-" + ticket_id;
  return event;
}

// Waits until `n` events are queued behind the running commit (the fake store is holding it).
void WaitForQueued(GroupCommitter& committer, size_t n) {
  while (committer.QueuedForTest() < n) {
    std::this_thread::yield();
  }
}

TEST(GroupCommitterTest, LoneEventIsCommittedAtOnce) {
  FakeStore store;
  GroupCommitter committer(&store);
  Result<EnqueueResult> result = committer.Submit(Event("1"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->new_job);
  EXPECT_EQ(result->job_id, 1);
  EXPECT_EQ(store.batch_sizes(), (std::vector<size_t>{1}));
  EXPECT_EQ(committer.commits(), 1);
}

TEST(GroupCommitterTest, EventsArrivingDuringACommitShareTheNextOne) {
  FakeStore store;
  GroupCommitterOptions options;
  options.max_batch = 4;
  GroupCommitter committer(&store, options);
  store.Hold();
  std::vector<std::thread> threads;
  std::vector<Result<EnqueueResult>> results(11, Result<EnqueueResult>(Internal("unset")));
  threads.emplace_back([&] { results[0] = committer.Submit(Event("0")); });
  store.WaitForCalls(1);  // the first event's commit is running (and held)
  for (int i = 1; i < 11; ++i) {
    threads.emplace_back([&, i] { results[i] = committer.Submit(Event(std::to_string(i))); });
  }
  WaitForQueued(committer, 10);
  store.Release();
  for (auto& t : threads) {
    t.join();
  }
  // 1 alone, then the 10 waiting ones in batches of at most 4.
  EXPECT_EQ(store.batch_sizes(), (std::vector<size_t>{1, 4, 4, 2}));
  EXPECT_EQ(committer.committed_events(), 11);
  std::vector<bool> seen(12, false);
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_TRUE(result->new_job);
    ASSERT_GE(result->job_id, 1);
    ASSERT_LE(result->job_id, 11);
    EXPECT_FALSE(seen[result->job_id]) << "job id handed out twice: " << result->job_id;
    seen[result->job_id] = true;
  }
}

TEST(GroupCommitterTest, EachWaiterGetsItsOwnEventsResult) {
  FakeStore store;
  GroupCommitter committer(&store);
  ASSERT_TRUE(committer.Submit(Event("7", "a")).ok());
  store.Hold();
  Result<EnqueueResult> first = Internal("unset");
  Result<EnqueueResult> same = Internal("unset");
  Result<EnqueueResult> changed = Internal("unset");
  std::thread blocker([&] { first = committer.Submit(Event("8")); });
  store.WaitForCalls(2);
  std::thread a([&] { same = committer.Submit(Event("7", "a")); });
  std::thread b([&] { changed = committer.Submit(Event("7", "b")); });
  WaitForQueued(committer, 2);
  store.Release();
  blocker.join();
  a.join();
  b.join();
  ASSERT_TRUE(same.ok());
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(same->new_job);  // the re-delivery joins job 1
  EXPECT_EQ(same->job_id, 1);
  EXPECT_TRUE(changed->new_job);
  EXPECT_NE(changed->job_id, 1);
}

TEST(GroupCommitterTest, AFailedCommitFailsEveryEventOfItsBatch) {
  FakeStore store;
  GroupCommitter committer(&store);
  store.FailWith(IoError("disk full"));
  Result<EnqueueResult> result = committer.Submit(Event("1"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kIoError);
  store.FailWith(Status::Ok());
  EXPECT_TRUE(committer.Submit(Event("1")).ok());
}

TEST(GroupCommitterTest, StopDrainsThenRefuses) {
  FakeStore store;
  GroupCommitter committer(&store);
  store.Hold();
  Result<EnqueueResult> first = Internal("unset");
  Result<EnqueueResult> queued = Internal("unset");
  std::thread a([&] { first = committer.Submit(Event("1")); });
  store.WaitForCalls(1);
  std::thread b([&] { queued = committer.Submit(Event("2")); });
  WaitForQueued(committer, 1);
  std::thread stopper([&] { committer.Stop(); });
  store.Release();
  a.join();
  b.join();
  stopper.join();
  EXPECT_TRUE(first.ok());
  EXPECT_TRUE(queued.ok()) << "an event submitted before Stop must still be committed";
  EXPECT_EQ(store.stored().size(), 2u);
  Result<EnqueueResult> late = committer.Submit(Event("3"));
  EXPECT_EQ(late.status().code(), StatusCode::kUnavailable);
  committer.Stop();
}

}  // namespace
}  // namespace autotriage
