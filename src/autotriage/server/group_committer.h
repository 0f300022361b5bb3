// GroupCommitter: makes a webhook durable before it is acknowledged, without one disk flush per
// request. Request threads call Submit, which blocks until the event has been committed by
// Store::Enqueue together with every other event that arrived while the previous commit was
// running (group commit). One committer thread; no timers: a batch is committed as soon as the
// previous commit has finished and events are waiting, so a lone event is committed at once and
// a burst shares one flush.
//
// Thread-safety: Submit from any number of threads; Stop from any thread (idempotent).
// Ownership: the committer borrows the store, which must outlive it.
// Errors: Submit returns the store's Status when the batch failed (nothing of that batch is
// acknowledged; the caller answers 503), kUnavailable after Stop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "autotriage/core/status.h"
#include "autotriage/server/metrics.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct GroupCommitterOptions {
  int max_batch = 256;  // events per Store::Enqueue call
  // When set: autotriage_inbox_commit_seconds (one Store::Enqueue call) and
  // autotriage_inbox_commit_batch_size (events per call) histograms. Must outlive the committer.
  MetricsRegistry* metrics = nullptr;
};

class GroupCommitter {
 public:
  explicit GroupCommitter(Store* store, GroupCommitterOptions options = {});
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Blocks until `event` is committed (or its batch failed).
  Result<EnqueueResult> Submit(InboxEvent event);

  // Commits everything already submitted, then stops the committer thread; later Submit calls
  // return kUnavailable. Idempotent.
  void Stop();

  // For metrics and the benchmark: Store::Enqueue calls so far and events they carried.
  int64_t commits() const { return commits_.load(std::memory_order_relaxed); }
  int64_t committed_events() const { return committed_events_.load(std::memory_order_relaxed); }
  // Events submitted and not yet taken into a batch.
  size_t QueuedForTest();

 private:
  struct Pending;
  void Run();

  Store* store_;
  GroupCommitterOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Pending>> queue_;
  bool stopping_ = false;
  bool idle_ = false;  // the committer waits for work (only then is it worth a wake-up)
  Histogram* commit_seconds_ = nullptr;
  Histogram* batch_size_ = nullptr;
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> committed_events_{0};
  std::mutex stop_mutex_;
  std::thread thread_;
};

}  // namespace autotriage
