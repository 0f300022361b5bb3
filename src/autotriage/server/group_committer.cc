#include "autotriage/server/group_committer.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <utility>
#include <vector>

namespace autotriage {

// One submitted event and the promise its Submit call waits on. Completion goes through the
// promise rather than the queue's mutex, so waking the waiters does not make them contend for
// a lock the committer holds.
struct GroupCommitter::Pending {
  InboxEvent event;
  std::promise<Result<EnqueueResult>> done;
};

GroupCommitter::GroupCommitter(Store* store, GroupCommitterOptions options)
    : store_(store), options_(options) {
  options_.max_batch = std::max(1, options_.max_batch);
  if (options_.metrics != nullptr) {
    commit_seconds_ = options_.metrics->AddHistogram(
        "autotriage_inbox_commit_seconds",
        "Duration of one durable inbox commit (a batch of webhook events)");
    batch_size_ = options_.metrics->AddHistogram("autotriage_inbox_commit_batch_size",
                                                 "Webhook events per durable inbox commit",
                                                 {1, 2, 4, 8, 16, 32, 64, 128, 256, 512});
  }
  thread_ = std::thread([this] { Run(); });
}

GroupCommitter::~GroupCommitter() {
  Stop();
}

Result<EnqueueResult> GroupCommitter::Submit(InboxEvent event) {
  auto pending = std::make_unique<Pending>();
  pending->event = std::move(event);
  std::future<Result<EnqueueResult>> answer = pending->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      return Unavailable("the intake is shutting down");
    }
    queue_.push_back(std::move(pending));
    if (idle_) {
      idle_ = false;
      wake_.notify_one();
    }
  }
  return answer.get();
}

size_t GroupCommitter::QueuedForTest() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void GroupCommitter::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void GroupCommitter::Run() {
  std::vector<std::unique_ptr<Pending>> batch;
  std::vector<InboxEvent> events;
  while (true) {
    batch.clear();
    events.clear();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stopping_ && queue_.empty()) {
        idle_ = true;
        wake_.wait(lock);
      }
      idle_ = false;
      if (queue_.empty()) {
        return;  // stopping, and everything submitted has been committed
      }
      const size_t take = std::min(queue_.size(), static_cast<size_t>(options_.max_batch));
      for (size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    for (const auto& pending : batch) {
      events.push_back(std::move(pending->event));
    }
    std::optional<Result<std::vector<EnqueueResult>>> committed;
    const auto started = std::chrono::steady_clock::now();
    try {
      committed.emplace(store_->Enqueue(events));
    } catch (const std::exception& e) {
      committed.emplace(Internal(std::string("the store threw while enqueueing: ") + e.what()));
    } catch (...) {
      committed.emplace(Internal("the store threw while enqueueing"));
    }
    if (commit_seconds_ != nullptr) {
      commit_seconds_->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      batch_size_->Observe(static_cast<double>(batch.size()));
    }
    if (committed->ok() && committed->value().size() != batch.size()) {
      committed.emplace(Internal("the store returned " + std::to_string(committed->value().size()) +
                                 " results for " + std::to_string(batch.size()) + " events"));
    }
    if (committed->ok()) {
      commits_.fetch_add(1, std::memory_order_relaxed);
      committed_events_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (committed->ok()) {
        batch[i]->done.set_value(committed->value()[i]);
      } else {
        batch[i]->done.set_value(committed->status());
      }
    }
  }
}

}  // namespace autotriage
