// EngineImpl: the Engine (engine.h). Internal to the engine module; engine.cc holds the
// lifecycle and the threads, engine_http.cc the HTTP routes, engine_run_once.cc cron mode.
//
// Waiting: idle workers and dispatchers wait on a WorkSignal that the intake (after a durable
// Enqueue), the poller and the workers (after a planned write) notify, with a bounded wait as
// the fallback for work no notification announces: jobs whose lease expired, retries whose time
// has come, and events another node enqueued into a shared database.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "autotriage/engine/engine.h"
#include "autotriage/engine/engine_internal.h"
#include "autotriage/engine/knowledge_loader.h"
#include "autotriage/engine/notifying_store.h"
#include "autotriage/server/group_committer.h"
#include "autotriage/server/http_server.h"

namespace autotriage {

// Wakes threads waiting for one kind of work; the generation number makes a notification that
// arrives between "found nothing" and "wait" count.
class WorkSignal {
 public:
  uint64_t generation() {
    std::lock_guard<std::mutex> lock(mutex_);
    return generation_;
  }
  void Notify() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++generation_;
    }
    cv_.notify_all();
  }
  // Returns when notified after `seen`, when `stop` is set, or after `timeout`.
  void WaitFor(uint64_t seen, const std::atomic<bool>& stop, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return generation_ != seen || stop.load(); });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;
};

class EngineImpl final : public Engine {
 public:
  explicit EngineImpl(EngineDeps deps);
  ~EngineImpl() override { Stop(); }

  Status Start() override;
  void Stop() override;
  Result<RunOnceReport> RunOnce() override;
  int port() const override { return server_ != nullptr ? server_->port() : 0; }
  bool ready() const override;
  EngineCounters counters() const override;
  MetricsRegistry& metrics() override { return context_.registry; }
  bool WaitIdle(int64_t timeout_ms, int64_t min_events) override;

 private:
  void WorkerLoop(int index);
  void DispatcherLoop(int index);
  void BackgroundLoop();
  // Reloads the policy's run-time cells and runs the approvals' Sweep; problems are logged.
  void SweepApprovals();
  // Swaps in the model registry's live version when it changed (live_model.h); logs failures.
  void FollowModelRegistry();
  // Demotes matrix cells whose acceptance fell below their floor (demotion.h); logged.
  void CheckDemotions();
  // engine_knowledge.cc: reloads the advisor's sources (KB sync, history, directory) on the
  // knowledge.sync_interval_minutes schedule (hourly history reloads when it is 0).
  void KnowledgeLoop();
  void ReloadKnowledge(bool sync_kb);
  // engine_insights.cc: bootstraps the insights service (retrying while the store or helpdesk
  // fails), then runs its cycle every insights.interval_seconds and creates approved Problems.
  void InsightsLoop();
  void RunInsightsCycle();
  void CreateApprovedProblems();
  void MaybeSendDigest();
  // engine_http.cc
  void RegisterRoutes();
  ServerResponse Readiness();
  ServerResponse MetricsPage();
  // engine_run_once.cc: claims and processes until nothing is claimable; returns the count.
  int64_t DrainJobs(int threads, RunOnceReport* report);
  int64_t DrainWrites(int threads, RunOnceReport* report);

  std::string Owner(const char* role, int index) const;
  int64_t lease_ms() const { return int64_t{context_.config.engine.lease_seconds} * 1000; }

  EngineContext context_;
  std::shared_ptr<NotifyingStore> intake_store_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<HttpServer> server_;
  std::vector<std::thread> threads_;
  std::shared_ptr<KnowledgeLoader> knowledge_;
  std::unique_ptr<ModelFollower> model_follower_;  // null when models.reload_seconds is 0
  std::function<void(HttpServer&)> register_routes_;
  std::function<void(const std::string&)> announce_;
  std::function<Status(int64_t)> send_daily_digest_;
  bool knowledge_loaded_ = false;
  WorkSignal jobs_signal_;
  WorkSignal writes_signal_;
  WorkSignal stop_signal_;
  WorkSignal idle_signal_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  std::atomic<bool> store_ok_{false};
  bool started_ = false;
  bool dispatching_ = false;  // this engine runs dispatchers (writes count for WaitIdle)
  bool stopped_ = false;
  std::mutex http_stats_mutex_;
  double last_429_ = 0;
};

}  // namespace autotriage
