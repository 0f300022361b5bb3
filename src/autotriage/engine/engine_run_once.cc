// EngineImpl::RunOnce: cron mode (`autotriage run --once`). Polls once when polling applies,
// then processes jobs and writes until nothing is claimable (jobs first, since they plan writes;
// repeated until a round finds nothing). Work waiting for a later retry time is left for the
// next run. Before that: the policy's run-time cells are loaded and, with approvals, one Sweep
// (expiry, escalation). No HTTP server, no background threads beyond the drain's own.
#include <algorithm>
#include <mutex>
#include <thread>

#include "autotriage/engine/engine_impl.h"

namespace autotriage {
namespace {

// Jobs or writes claimed per store call: a claim is a committed transaction, so a few at a time
// saves disk flushes without making other threads of this drain wait for work.
constexpr int kClaimBatch = 4;

// Runs `body(index)` on `threads` threads (the calling thread is one of them) and joins them.
template <typename Body>
void OnThreads(int threads, const Body& body) {
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) {
    extra.emplace_back([&body, i] { body(i); });
  }
  body(0);
  for (std::thread& t : extra) {
    t.join();
  }
}

void Count(WorkOutcome outcome, RunOnceReport* report, std::mutex* mutex) {
  std::lock_guard<std::mutex> lock(*mutex);
  switch (outcome) {
    case WorkOutcome::kDone:
      ++report->jobs_done;
      break;
    case WorkOutcome::kFailed:
      ++report->jobs_failed;
      break;
    case WorkOutcome::kApplied:
      ++report->writes_applied;
      break;
    case WorkOutcome::kSuperseded:
      ++report->writes_superseded;
      break;
    default:
      break;
  }
}

}  // namespace

int64_t EngineImpl::DrainJobs(int threads, RunOnceReport* report) {
  std::mutex mutex;
  std::atomic<int64_t> claimed{0};
  OnThreads(threads, [&](int index) {
    JobProcessor processor(&context_);
    const std::string owner = Owner("once-w", index);
    while (true) {
      auto jobs = context_.store->ClaimJobs(owner, kClaimBatch, lease_ms(), NowMs());
      if (!jobs.ok()) {
        context_.log->Warn("claiming jobs failed: " + jobs.status().ToString());
        return;
      }
      if (jobs->empty()) {
        return;
      }
      claimed += static_cast<int64_t>(jobs->size());
      for (const Job& job : *jobs) {
        Count(RunGuarded(*context_.log, job.ticket_id, [&] { return processor.Process(job); }),
              report, &mutex);
      }
    }
  });
  return claimed;
}

int64_t EngineImpl::DrainWrites(int threads, RunOnceReport* report) {
  if (context_.config.policy.kill_switch) {
    return 0;  // the emergency stop: planned writes stay planned
  }
  std::mutex mutex;
  std::atomic<int64_t> claimed{0};
  OnThreads(threads, [&](int index) {
    WriteDispatcher dispatcher(&context_);
    const std::string owner = Owner("once-d", index);
    while (true) {
      const int64_t claimed_ms = NowMs();
      auto writes = context_.store->ClaimWrites(owner, kClaimBatch, lease_ms(), claimed_ms);
      if (!writes.ok()) {
        context_.log->Warn("claiming writes failed: " + writes.status().ToString());
        return;
      }
      if (writes->empty()) {
        return;
      }
      claimed += static_cast<int64_t>(writes->size());
      for (const WriteRecord& write : *writes) {
        const WorkOutcome outcome = RunGuarded(*context_.log, write.ticket_id, [&] {
          return dispatcher.Process(write, claimed_ms + lease_ms());
        });
        if (outcome == WorkOutcome::kFailed) {
          std::lock_guard<std::mutex> lock(mutex);
          ++report->writes_failed;
        } else {
          Count(outcome, report, &mutex);
        }
      }
    }
  });
  return claimed;
}

Result<RunOnceReport> EngineImpl::RunOnce() {
  if (started_) {
    return FailedPrecondition("RunOnce cannot run while the engine is started");
  }
  RunOnceReport report;
  if (Status loaded = context_.policy->Reload(*context_.store); !loaded.ok()) {
    return loaded;
  }
  if (context_.approvals != nullptr) {
    // Expire and escalate before this run's triage adds proposals.
    Result<int> swept = context_.approvals->Sweep();
    if (!swept.ok()) {
      context_.log->Warn("approval sweep failed: " + swept.status().ToString());
    }
  }
  if (knowledge_ != nullptr && context_.advisor != nullptr && !knowledge_loaded_) {
    ReloadKnowledge(/*sync_kb=*/context_.config.knowledge.sync_interval_minutes > 0);
    knowledge_loaded_ = true;
  }
  if (Poller::IntervalSeconds(context_.config, context_.helpdesk->kind()) > 0) {
    Poller poller(&context_);
    auto polled = poller.PollOnce();
    if (!polled.ok()) {
      // The jobs already in the inbox are still worth processing; the cursor did not move.
      context_.log->Warn("poll failed: " + polled.status().ToString());
    } else {
      report.polled_events = *polled;
    }
  }
  const int workers = std::max(1, context_.config.engine.workers);
  const int dispatchers = std::max(1, context_.config.engine.dispatchers);
  while (true) {
    const int64_t jobs = DrainJobs(workers, &report);
    const int64_t writes = DrainWrites(dispatchers, &report);
    if (jobs == 0 && writes == 0) {
      break;
    }
  }
  if (context_.insights != nullptr && context_.config.insights.enabled) {
    Result<InsightsBootstrapReport> boot = context_.insights->Bootstrap(NowMs() / 1000);
    if (boot.ok()) {
      RunInsightsCycle();
      CreateApprovedProblems();
    } else {
      context_.log->Warn("insights start failed: " + boot.status().ToString());
    }
  }
  context_.log->Write(LogLevel::kInfo, "run once finished", "", "",
                      {{"jobs_done", std::to_string(report.jobs_done)},
                       {"writes_applied", std::to_string(report.writes_applied)},
                       {"writes_superseded", std::to_string(report.writes_superseded)}});
  return report;
}

}  // namespace autotriage
