// EngineImpl lifecycle and threads: Create, Start, Stop, the worker, dispatcher and background
// (schema, poller) loops, readiness, counters and WaitIdle.
#include <unistd.h>

#include <algorithm>
#include <map>

#include "autotriage/engine/demotion.h"
#include "autotriage/engine/engine_impl.h"

namespace autotriage {
namespace {

constexpr int kJobBatch = 4;    // jobs claimed at once: few, so a drain on Stop stays short
constexpr int kWriteBatch = 4;  // writes claimed at once
constexpr auto kIdleRecheck = std::chrono::milliseconds(200);
constexpr auto kStoreErrorPause = std::chrono::milliseconds(1000);
constexpr int64_t kSchemaRefreshMs = 5 * 60 * 1000;
constexpr int64_t kSchemaRetryMaxMs = 30 * 1000;
constexpr auto kWaitIdleRecheck = std::chrono::milliseconds(20);
// Approval expiry and escalation, and the pick-up of matrix cells another node set.
constexpr int64_t kSweepIntervalMs = 60 * 1000;

}  // namespace

EngineImpl::EngineImpl(EngineDeps deps) {
  context_.config = std::move(deps.config);
  context_.store = std::move(deps.store);
  context_.helpdesk = std::move(deps.helpdesk);
  context_.bundle = std::move(deps.bundle);
  context_.http = std::move(deps.http);
  context_.advisor = std::move(deps.advisor);
  knowledge_ = std::move(deps.knowledge);
  knowledge_loaded_ = deps.knowledge_loaded;
  context_.log = std::make_unique<EngineLog>(std::move(deps.log), context_.config.log.level,
                                             context_.config.log.format);
  context_.policy = deps.policy != nullptr ? std::move(deps.policy)
                                           : std::make_shared<PolicyHolder>(context_.config.policy);
  context_.approvals = std::move(deps.approvals);
  context_.insights = std::move(deps.insights);
  context_.llm = std::move(deps.llm);
  context_.on_demoted = deps.announce;
  announce_ = std::move(deps.announce);
  send_daily_digest_ = std::move(deps.send_daily_digest);
  register_routes_ = std::move(deps.register_routes);
  TriageOptions triage_options;
  for (const auto& head : context_.config.models.heads) {
    triage_options.fields.push_back(head.field);
  }
  triage_options.post_notes = context_.config.engine.post_notes;
  triage_options.html_notes = context_.helpdesk->capabilities().html_notes;
  triage_options.dashboard_url = context_.config.server.public_url;
  // No policy of its own: each ticket is triaged with the holder's current one (worker.cc).
  if (context_.config.models.reload_seconds > 0) {
    model_follower_ = std::make_unique<ModelFollower>(
        context_.config.models.directory, triage_options, context_.advisor.get(), &context_.triage);
  }
  context_.triage.Set(context_.bundle,
                      std::make_unique<Triage>(context_.bundle.get(), nullptr,
                                               std::move(triage_options), context_.advisor.get()));
  context_.schema = std::make_unique<SchemaCache>(context_.helpdesk.get(), kSchemaRefreshMs);
  context_.metrics = std::make_unique<EngineMetrics>(&context_.registry);
  context_.metrics->count_429_from_errors = context_.http == nullptr;
  context_.on_write_planned = [this] { writes_signal_.Notify(); };
  intake_store_ = std::make_shared<NotifyingStore>(context_.store, [this](size_t events) {
    context_.events_received += static_cast<int64_t>(events);
    jobs_signal_.Notify();
    idle_signal_.Notify();
  });
}

Status EngineImpl::Start() {
  if (started_) {
    return FailedPrecondition("the engine was already started");
  }
  started_ = true;
  const Config& config = context_.config;
  store_ok_ = context_.store->Stats().ok();
  if (Status loaded = context_.policy->Reload(*context_.store); !loaded.ok()) {
    stopped_ = true;
    return loaded;
  }
  HttpServerOptions server_options;
  server_options.listen_address = config.server.listen_address;
  server_options.port = config.server.port;
  server_options.max_body_bytes = config.engine.max_webhook_bytes;
  server_ = HttpServer::Create(server_options);
  GroupCommitterOptions committer_options;
  committer_options.metrics = &context_.registry;
  committer_ = std::make_unique<GroupCommitter>(intake_store_.get(), committer_options);
  RegisterRoutes();
  if (Status s = server_->Start(); !s.ok()) {
    committer_->Stop();
    stopped_ = true;
    return s;
  }
  // One synchronous attempt, so that an engine whose helpdesk answers is ready when Start
  // returns; otherwise the background loop keeps trying and /readyz says why.
  if (Status schema = context_.schema->Refresh(); !schema.ok()) {
    context_.log->Warn("helpdesk not reachable yet: " + schema.ToString());
  }
  threads_.emplace_back([this] { BackgroundLoop(); });
  if (knowledge_ != nullptr && context_.advisor != nullptr && config.engine.workers > 0) {
    threads_.emplace_back([this] { KnowledgeLoop(); });
  }
  if (context_.insights != nullptr && config.insights.enabled && config.engine.workers > 0) {
    threads_.emplace_back([this] { InsightsLoop(); });
  }
  const int workers = std::max(0, config.engine.workers);
  if (workers > 0) {
    for (int i = 0; i < workers; ++i) {
      threads_.emplace_back([this, i] { WorkerLoop(i); });
    }
    // dispatchers 0: this node only triages; another node (or `run --once`) applies writes.
    const int dispatchers = std::max(0, config.engine.dispatchers);
    for (int i = 0; i < dispatchers; ++i) {
      threads_.emplace_back([this, i] { DispatcherLoop(i); });
    }
    dispatching_ = dispatchers > 0 && !config.policy.kill_switch;
  }
  context_.log->Write(LogLevel::kInfo, "engine started", "", "",
                      {{"port", std::to_string(server_->port())},
                       {"helpdesk", context_.helpdesk->kind()},
                       {"store", context_.store->backend()},
                       {"workers", std::to_string(workers)},
                       {"model_version", context_.triage->model_version()}});
  return Status::Ok();
}

void EngineImpl::Stop() {
  if (!started_ || stopped_) {
    return;
  }
  stopped_ = true;
  server_->Stop();     // no new events; in-flight requests finish their commit
  committer_->Stop();  // everything submitted is committed
  stopping_ = true;    // no new claims; claimed jobs and writes finish and commit
  jobs_signal_.Notify();
  writes_signal_.Notify();
  stop_signal_.Notify();
  for (std::thread& t : threads_) {
    t.join();
  }
  threads_.clear();
  context_.log->Info("engine stopped");
}

void EngineImpl::WorkerLoop(int index) {
  const std::string owner = Owner("w", index);
  JobProcessor processor(&context_);
  while (!stopping_) {
    const uint64_t seen = jobs_signal_.generation();
    ++in_flight_;
    auto jobs = context_.store->ClaimJobs(owner, kJobBatch, lease_ms(), NowMs());
    if (jobs.ok()) {
      for (const Job& job : *jobs) {
        RunGuarded(*context_.log, job.ticket_id, [&] { return processor.Process(job); });
      }
    }
    --in_flight_;
    idle_signal_.Notify();
    if (!jobs.ok()) {
      context_.log->Warn("claiming jobs failed: " + jobs.status().ToString());
      jobs_signal_.WaitFor(seen, stopping_, kStoreErrorPause);
    } else if (jobs->empty()) {
      jobs_signal_.WaitFor(seen, stopping_, kIdleRecheck);
    }
  }
}

void EngineImpl::DispatcherLoop(int index) {
  const std::string owner = Owner("d", index);
  WriteDispatcher dispatcher(&context_);
  const bool kill_switch = context_.config.policy.kill_switch;
  while (!stopping_) {
    const uint64_t seen = writes_signal_.generation();
    if (kill_switch) {
      // The emergency stop: planned writes stay planned until the switch is off again.
      writes_signal_.WaitFor(seen, stopping_, kIdleRecheck);
      continue;
    }
    ++in_flight_;
    const int64_t claimed_ms = NowMs();
    auto writes = context_.store->ClaimWrites(owner, kWriteBatch, lease_ms(), claimed_ms);
    if (writes.ok()) {
      for (const WriteRecord& write : *writes) {
        RunGuarded(*context_.log, write.ticket_id,
                   [&] { return dispatcher.Process(write, claimed_ms + lease_ms()); });
      }
    }
    --in_flight_;
    idle_signal_.Notify();
    if (!writes.ok()) {
      context_.log->Warn("claiming writes failed: " + writes.status().ToString());
      writes_signal_.WaitFor(seen, stopping_, kStoreErrorPause);
    } else if (writes->empty()) {
      writes_signal_.WaitFor(seen, stopping_, kIdleRecheck);
    }
  }
}

void EngineImpl::BackgroundLoop() {
  const int poll_seconds = context_.config.engine.workers > 0
                               ? Poller::IntervalSeconds(context_.config, context_.helpdesk->kind())
                               : 0;
  Poller poller(&context_);
  int64_t schema_retry_ms = 250;
  int64_t next_schema_ms = 0;
  int64_t next_poll_ms = 0;
  int64_t next_sweep_ms = 0;  // at once: a restarted engine expires what waited meanwhile
  int64_t next_model_check_ms = 0;
  while (!stopping_) {
    const uint64_t seen = stop_signal_.generation();
    const int64_t now = NowMs();
    if (!context_.schema->loaded() && now >= next_schema_ms) {
      if (Status s = context_.schema->Refresh(); !s.ok()) {
        context_.log->Warn("helpdesk not reachable yet: " + s.ToString());
        next_schema_ms = now + schema_retry_ms;
        schema_retry_ms = std::min(schema_retry_ms * 2, kSchemaRetryMaxMs);
      }
    }
    if (poll_seconds > 0 && now >= next_poll_ms) {
      auto polled = poller.PollOnce();
      if (!polled.ok()) {
        context_.log->Warn("poll failed: " + polled.status().ToString());
      } else if (*polled > 0) {
        jobs_signal_.Notify();
        idle_signal_.Notify();
      }
      next_poll_ms = NowMs() + int64_t{poll_seconds} * 1000;
    }
    if (now >= next_sweep_ms) {
      SweepApprovals();
      next_sweep_ms = NowMs() + kSweepIntervalMs;
    }
    if (model_follower_ != nullptr && now >= next_model_check_ms) {
      FollowModelRegistry();
      next_model_check_ms = NowMs() + int64_t{context_.config.models.reload_seconds} * 1000;
    }
    int64_t next = poll_seconds > 0 ? next_poll_ms : NowMs() + kSchemaRefreshMs;
    next = std::min(next, next_sweep_ms);
    if (model_follower_ != nullptr) {
      next = std::min(next, next_model_check_ms);
    }
    if (!context_.schema->loaded()) {
      next = std::min(next, next_schema_ms);
    }
    const int64_t wait_ms = std::clamp<int64_t>(next - NowMs(), 1, kSchemaRefreshMs);
    stop_signal_.WaitFor(seen, stopping_, std::chrono::milliseconds(wait_ms));
  }
}

void EngineImpl::FollowModelRegistry() {
  const std::string before = context_.triage->model_version();
  Result<bool> switched = model_follower_->CheckOnce();
  if (!switched.ok()) {
    context_.log->Write(LogLevel::kError, "model reload failed: " + switched.status().ToString(),
                        "", "", {{"model_version", before}});
  } else if (*switched) {
    context_.log->Write(
        LogLevel::kInfo, "switched to the registry's live model", "", "",
        {{"model_version", context_.triage->model_version()}, {"previous", before}});
  }
}

void EngineImpl::SweepApprovals() {
  if (Status s = context_.policy->Reload(*context_.store); !s.ok()) {
    context_.log->Warn("reloading the autonomy matrix failed (the last one stays): " +
                       s.ToString());
  }
  CheckDemotions();
  if (context_.approvals == nullptr) {
    return;
  }
  Result<int> swept = context_.approvals->Sweep();
  if (!swept.ok()) {
    context_.log->Warn("approval sweep failed: " + swept.status().ToString());
  } else if (*swept > 0) {
    context_.log->Write(LogLevel::kInfo, "approvals expired or escalated", "", "",
                        {{"changed", std::to_string(*swept)}});
  }
}

void EngineImpl::CheckDemotions() {
  // The acceptance gauges are set here, once a minute, so that /metrics stays cheap.
  const int64_t window_ms = int64_t{context_.config.learning.demotion_window_days} * 86400000;
  if (Result<std::vector<OutcomeCountRow>> rows =
          context_.store->CountOutcomes(NowMs() - window_ms);
      rows.ok()) {
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> cells;
    for (const OutcomeCountRow& row : *rows) {
      if (row.kind == outcome_kind::kSkipped) {
        continue;
      }
      auto& [accepted, judged] = cells[{row.field, row.queue}];
      judged += row.count;
      accepted += row.kind == outcome_kind::kAccepted ? row.count : 0;
    }
    for (const auto& [key, counts] : cells) {
      context_.registry
          .LabeledGauge("autotriage_acceptance_ratio",
                        "Accepted / (accepted + replaced + reverted) over the demotion window",
                        {"field", "queue"}, {key.first, key.second})
          ->Set(static_cast<double>(counts.first) / static_cast<double>(counts.second));
    }
  }
  Result<std::vector<Demotion>> demoted =
      RunDemotionCheck(*context_.store, *context_.policy, context_.config.learning, NowMs());
  if (!demoted.ok()) {
    context_.log->Warn("demotion check failed: " + demoted.status().ToString());
    return;
  }
  for (const Demotion& d : *demoted) {
    const std::string text = "autotriage demoted " + DescribeDemotion(d);
    context_.log->Write(
        LogLevel::kWarn, "matrix cell demoted", "", "",
        {{"queue", d.queue}, {"field", d.field}, {"from", d.from}, {"to", d.to}, {"detail", text}});
    if (context_.on_demoted) {
      context_.on_demoted(text);
    }
  }
}

bool EngineImpl::ready() const {
  return context_.bundle != nullptr && !context_.bundle->fields().empty() && store_ok_ &&
         context_.schema->loaded();
}

EngineCounters EngineImpl::counters() const {
  EngineCounters c;
  c.events_received = context_.events_received;
  c.jobs_done = context_.jobs_done;
  c.jobs_failed = context_.jobs_failed;
  c.decisions = context_.decisions;
  c.writes_applied = context_.writes_applied;
  c.writes_superseded = context_.writes_superseded;
  c.helpdesk_errors = context_.helpdesk_errors;
  if (context_.metrics->triage_seconds->count() > 0) {
    c.triage_p50_ms = context_.metrics->triage_seconds->Quantile(0.5) * 1000.0;
    c.triage_p99_ms = context_.metrics->triage_seconds->Quantile(0.99) * 1000.0;
  }
  return c;
}

bool EngineImpl::WaitIdle(int64_t timeout_ms, int64_t min_events) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    const uint64_t seen = idle_signal_.generation();
    if (context_.events_received >= min_events && in_flight_ == 0) {
      auto stats = context_.store->Stats();
      if (stats.ok() && stats->jobs_pending == 0 && stats->jobs_running == 0 &&
          (stats->writes_open == 0 || !dispatching_) && in_flight_ == 0) {
        return true;
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return false;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    idle_signal_.WaitFor(seen, stopping_, std::min(left, kWaitIdleRecheck));
  }
}

std::string EngineImpl::Owner(const char* role, int index) const {
  return "engine-" + std::to_string(::getpid()) + "-" + role + std::to_string(index);
}

Result<std::unique_ptr<Engine>> Engine::Create(EngineDeps deps) {
  if (deps.store == nullptr || deps.helpdesk == nullptr) {
    return InvalidArgument("the engine needs a store and a helpdesk");
  }
  if (deps.bundle == nullptr || deps.bundle->fields().empty()) {
    return InvalidArgument("the engine needs a model bundle with at least one head");
  }
  if (deps.approvals != nullptr && deps.policy == nullptr) {
    return InvalidArgument(
        "the engine needs the approval service's PolicyHolder (EngineDeps::policy), so that a "
        "matrix cell set through an approval changes the engine's policy");
  }
  return std::unique_ptr<Engine>(new EngineImpl(std::move(deps)));
}

}  // namespace autotriage
