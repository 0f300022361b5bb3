// Engine: the long-running triage service behind `autotriage serve` and `autotriage run --once`.
//
//   webhook ─┐                                   ┌─ Triage (triage.h) ─┐
//            ├─> Store inbox (durable) ─> workers ┤                     ├─> Store (decisions,
//   poller ──┘                                   └─ fetch ticket ──────┘    writes, audit)
//   dispatcher: planned writes ─> re-check updated_at ─> UpdateFields + note ─> Store
//
// Intake: POST /hooks/freshdesk or /hooks/freshservice (the connector's kind) take the
// helpdesks' webhook payloads (server/webhook_intake.h), authenticated by server.webhook_secret
// in the X-Autotriage-Secret header or a `secret` query parameter (constant-time comparison).
// Concurrent deliveries are group-committed: each request is answered 202 only after its event
// is committed to the store. Bad requests are answered 400/401/411/413/415 with a reason and
// store nothing. The poller (always for Request Tracker, every 60 s unless configured; for
// Freshworks when engine.poll_interval_seconds > 0) keeps an updated-since cursor
// "poll:<kind>" in the store and enqueues one event per ticket version it sees.
// Workers (engine.workers threads) claim jobs with a lease (a crashed engine's jobs are taken
// over when the lease ends), fetch the ticket, and either triage it (first event of a ticket:
// decisions, planned write and audit committed with the job), or track outcomes (later events:
// a human replacing an applied value goes to override memory, a human setting a field a pending
// suggestion was about supersedes it; nothing is written), or skip it (skip rules). Jobs of one
// ticket run one at a time in a process. Errors: a deleted ticket completes its job with an
// "error" audit entry; unavailable / timeout / 429 / corrupt answers retry with a doubling
// backoff from engine.retry_backoff_ms (capped at 5 minutes) up to engine.max_attempts; other
// errors fail the job at once.
// The dispatchers (engine.dispatchers threads; 0 = this node only triages) apply planned writes
// exactly once (idempotency key, note marker, re-check of updated_at, recovery of an interrupted
// attempt by comparing the ticket with the planned values; see dispatcher.cc) within the
// connector's rate budget. With the kill switch on they write nothing; planned writes wait.
// engine.workers = 0 runs the intake only (no workers, dispatchers or poller).
//
// Operations: GET /healthz (process alive), /readyz (200 when the model is loaded, the store
// answers and the helpdesk answered once; else 503 with the reasons), /metrics (Prometheus:
// autotriage_jobs_total{outcome}, autotriage_decisions_total{mode,outcome},
// autotriage_writes_total{state}, autotriage_overrides_total{field},
// autotriage_helpdesk_errors_total{code}, autotriage_helpdesk_429_total, autotriage_ready,
// autotriage_triage_seconds, autotriage_job_seconds, autotriage_write_seconds,
// autotriage_inbox_depth, autotriage_writes_open, plus the intake's own series). Logs: one
// line per notable event through EngineDeps::log (ts, level, msg, trace_id, ticket_id; never a
// secret). Stop() drains: the server stops taking events, workers stop claiming, claimed jobs and
// writes finish and commit, then the threads exit.
// Thread-safety: Start/Stop/RunOnce from one controlling thread (RunOnce only on an engine that
// was not started); counters(), ready(), metrics() and WaitIdle from any thread.
// Approvals (EngineDeps::approvals): a triage that leaves decisions pending is announced
// ("proposed") after its commit, the worker's supersession of a pending proposal likewise; the
// background loop sweeps (expiry, escalation) and reloads the policy's run-time cells every
// minute. The dispatcher applies an approved write like an autofill write (see approvals.h for
// its re-check of the ticket).
// Errors: Create returns kInvalidArgument without a store, helpdesk or a bundle with heads, or
// with approvals but no policy; Start and RunOnce fail when the run-time matrix cells cannot be
// read (the engine must not act on a matrix an admin has changed); Start returns the server's
// kUnavailable when the port cannot be bound. A helpdesk that does not
// answer at start is not an error: the engine is not ready until it does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "autotriage/config/config.h"
#include "autotriage/connectors/helpdesk.h"
#include "autotriage/connectors/http_client.h"
#include "autotriage/core/status.h"
#include "autotriage/engine/advice.h"
#include "autotriage/engine/approvals.h"
#include "autotriage/engine/insights_service.h"
#include "autotriage/engine/knowledge_loader.h"
#include "autotriage/engine/llm_assist.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/server/http_server.h"
#include "autotriage/server/metrics.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct EngineDeps {
  Config config;
  std::shared_ptr<Store> store;
  std::shared_ptr<Helpdesk> helpdesk;
  std::shared_ptr<const ModelBundle> bundle;
  // Optional: KB articles, similar tickets, assignees and summaries for every triaged ticket
  // (engine/advice.h; cli/engine_setup.h builds it from config.knowledge and config.routing).
  // Null: proposals carry field values only.
  std::shared_ptr<Advisor> advisor;
  // With an advisor: reloads its sources on the knowledge.sync_interval_minutes schedule (the
  // first load right after Start unless knowledge_loaded says the advisor is already fresh).
  std::shared_ptr<KnowledgeLoader> knowledge;
  bool knowledge_loaded = false;
  // Optional: the HTTP client the connector uses (HelpdeskSettings::http), so /metrics can show
  // its 429 and retry counts. Null: 429s are counted from kResourceExhausted errors.
  std::shared_ptr<HttpClient> http;
  // Receives one log line per notable event (JSON unless config.log.format is text; never a
  // secret); empty = stderr.
  std::function<void(const std::string&)> log;
  // The autonomy matrix the engine decides with: config.policy with the run-time cells laid over
  // it. Shared with `approvals` (whose SetCell reloads it). Null: the engine makes its own from
  // config.policy. Reloaded from the store at Start / RunOnce and with every approval sweep.
  std::shared_ptr<PolicyHolder> policy;
  // Optional: human approvals (approvals.h). The engine announces new proposals and
  // supersessions to it and runs its Sweep every minute (and once in RunOnce). REQUIRES: built on
  // the same store and on `policy` (Create refuses approvals without policy).
  std::shared_ptr<ApprovalService> approvals;
  // Optional: recurring issues, spikes and proposed Problems (insights_service.h). The engine
  // feeds it every triaged ticket, bootstraps it at Start, runs its cycle every
  // insights.interval_seconds and creates approved Problems (problems.h) unless the kill switch
  // is on. RunOnce bootstraps it and runs one cycle.
  std::shared_ptr<InsightsService> insights;
  // Optional: one-line notices for people (Slack): matrix cells demoted, Problems proposed.
  std::function<void(const std::string& text)> announce;
  // Optional: sends the daily digest (cli: to Slack). Called from the insights loop once per
  // UTC day, at the first cycle at or after insights.digest_hour_utc (never when it is -1); the
  // day sent is kept in the store (cursor "digest:last_day") so a restart does not send twice.
  std::function<Status(int64_t now_ms)> send_daily_digest;
  // Optional: the LLM backend (llm_assist.h; cli builds it from config.llm when enabled): labels
  // for abstained fields (never autofill), drafts and transcripts. Null: local models only.
  std::shared_ptr<LlmAssist> llm;
  // Optional: extra routes on the engine's HTTP server (dashboard, REST API, Slack endpoint),
  // called once in Start before the server starts listening.
  std::function<void(HttpServer&)> register_routes;
};

struct EngineCounters {
  int64_t events_received = 0;
  int64_t jobs_done = 0;
  int64_t jobs_failed = 0;
  int64_t decisions = 0;
  int64_t writes_applied = 0;
  int64_t writes_superseded = 0;
  int64_t helpdesk_errors = 0;
  // Engine time per triaged ticket (autotriage_triage_seconds), from the histogram's buckets.
  double triage_p50_ms = 0;
  double triage_p99_ms = 0;
};

struct RunOnceReport {
  int64_t polled_events = 0;
  int64_t jobs_done = 0;
  int64_t jobs_failed = 0;
  int64_t writes_applied = 0;
  int64_t writes_superseded = 0;
  int64_t writes_failed = 0;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(EngineDeps deps);
  virtual ~Engine() = default;

  // Starts the HTTP server (config.server), the poller, workers and dispatcher.
  virtual Status Start() = 0;
  // Graceful stop (drain); idempotent.
  virtual void Stop() = 0;
  // cron mode: polls once, processes every pending job and write, returns. No HTTP server.
  virtual Result<RunOnceReport> RunOnce() = 0;

  virtual int port() const = 0;  // the HTTP server's port after Start
  virtual bool ready() const = 0;
  virtual EngineCounters counters() const = 0;
  virtual MetricsRegistry& metrics() = 0;
  // Waits until at least `min_events` events were received by this engine (webhooks and polls)
  // and then the inbox (pending and running jobs, retries included) and, when this engine runs
  // dispatchers, the write queue are empty and no work is in flight (tests, demo, benchmark);
  // false on timeout. `min_events` lets a caller wait for webhooks it knows are on their way.
  virtual bool WaitIdle(int64_t timeout_ms, int64_t min_events = 0) = 0;
};

}  // namespace autotriage
