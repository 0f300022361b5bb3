// Internal to the engine module: the state the engine's threads share (EngineContext) and the
// three kinds of work they do, each a plain class over that context so that RunOnce and the
// long-running threads run the same code:
//   JobProcessor   one claimed job: fetch the ticket, triage it or track outcomes, commit;
//   WriteDispatcher one claimed write: re-check the ticket, recover, write fields and note;
//   Poller         one pass over the helpdesk's tickets updated since the stored cursor.
// Thread-safety: EngineContext members are thread-safe (atomics, the Store and Helpdesk
// contracts, SchemaCache's mutex); the processors hold no state of their own beyond it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/connectors/helpdesk.h"
#include "autotriage/connectors/http_client.h"
#include "autotriage/engine/approvals.h"
#include "autotriage/engine/insights_service.h"
#include "autotriage/engine/live_model.h"
#include "autotriage/engine/llm_assist.h"
#include "autotriage/engine/triage.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/policy/policy.h"
#include "autotriage/server/metrics.h"
#include "autotriage/store/store.h"

namespace autotriage {

int64_t NowMs();

// What became of one job or write, for RunOnce's report.
enum class WorkOutcome { kDone, kRetry, kFailed, kApplied, kSuperseded, kLost };

// Retry delay for the n-th attempt (1-based): base doubling per attempt, capped at 5 minutes.
int64_t BackoffMs(int base_ms, int attempt);
// Errors worth retrying later: the helpdesk or the store may answer next time.
bool IsRetryable(StatusCode code);

// JSON log lines (one object per line: ts, level, msg, trace_id, ticket_id and extra fields).
class EngineLog {
 public:
  EngineLog(std::function<void(const std::string&)> sink, LogLevel level, LogFormat format);
  void Write(LogLevel level, const std::string& msg, const std::string& trace_id = "",
             const std::string& ticket_id = "",
             const std::vector<std::pair<std::string, std::string>>& extra = {}) const;
  void Info(const std::string& msg, const std::string& trace_id = "",
            const std::string& ticket_id = "") const {
    Write(LogLevel::kInfo, msg, trace_id, ticket_id);
  }
  void Warn(const std::string& msg, const std::string& trace_id = "",
            const std::string& ticket_id = "") const {
    Write(LogLevel::kWarn, msg, trace_id, ticket_id);
  }

 private:
  std::function<void(const std::string&)> sink_;
  LogLevel level_;
  LogFormat format_;
  mutable std::mutex mutex_;  // keeps stderr lines whole
};

// Runs one job or write; an exception (a bug, or memory exhaustion) is logged instead of ending
// the thread. The work's lease then runs out and it is claimed again.
template <typename Work>
WorkOutcome RunGuarded(const EngineLog& log, const std::string& ticket_id, const Work& work) {
  try {
    return work();
  } catch (const std::exception& e) {
    log.Write(LogLevel::kError, std::string("unexpected exception: ") + e.what(), "", ticket_id);
  } catch (...) {
    log.Write(LogLevel::kError, "unexpected exception", "", ticket_id);
  }
  return WorkOutcome::kLost;
}

// The helpdesk's live field schema (allowed values per field), fetched once and refreshed when
// older than the refresh interval. A failed refresh keeps the previous schema.
class SchemaCache {
 public:
  SchemaCache(Helpdesk* helpdesk, int64_t refresh_ms)
      : helpdesk_(helpdesk), refresh_ms_(refresh_ms) {}
  // The current schema, refreshing it first when stale; an error only when none was ever loaded.
  Result<std::shared_ptr<const LiveSchema>> Get();
  // Fetches now (used at start-up and by the readiness probe's first call).
  Status Refresh();
  bool loaded() const;

 private:
  Status RefreshLocked();  // REQUIRES: refresh_mutex_ held
  Helpdesk* helpdesk_;
  int64_t refresh_ms_;
  mutable std::mutex mutex_;
  std::shared_ptr<const LiveSchema> schema_;
  int64_t loaded_ms_ = 0;
  std::mutex refresh_mutex_;  // one refresh at a time; others keep using the old schema
};

// Jobs of one ticket are processed one at a time in this process, so that two events of a new
// ticket never produce two triages racing each other (the dispatcher's version re-check also
// covers the multi-node case).
class TicketLocks {
 public:
  void Lock(const std::string& ticket_id);
  void Unlock(const std::string& ticket_id);

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  std::set<std::string> busy_;
};

struct EngineMetrics {
  explicit EngineMetrics(MetricsRegistry* registry);
  void Job(const std::string& outcome_name);
  void Decision(const std::string& mode, const std::string& outcome_name);
  void Write(const std::string& state);
  void HelpdeskError(StatusCode code);

  MetricsRegistry* registry;
  Histogram* triage_seconds;
  // CPU time of the triaging thread for the same span: triage_seconds minus the time the thread
  // waited for a core, so a loaded machine's queueing can be told apart from the work itself.
  Histogram* triage_cpu_seconds;
  Histogram* job_seconds;
  Histogram* write_seconds;
  Gauge* inbox_depth;
  Gauge* writes_open;
  Gauge* ready;
  Counter* helpdesk_429;
  Counter* polled_events;
  // Without the connector's HttpClient statistics, 429s are counted from kResourceExhausted.
  bool count_429_from_errors = true;
};

struct EngineContext {
  Config config;
  std::shared_ptr<Store> store;
  std::shared_ptr<Helpdesk> helpdesk;
  std::shared_ptr<const ModelBundle> bundle;
  std::shared_ptr<HttpClient> http;  // the connector's client when known (429 statistics)
  std::unique_ptr<EngineLog> log;
  // The current policy (config cells with the run-time ones laid over); never null. Take
  // current() once per ticket or write.
  std::shared_ptr<PolicyHolder> policy;
  // The current model; its policy comes with each TriageInput. Swapped when the registry's live
  // version changes (live_model.h); take one snapshot per ticket.
  LiveTriage triage;
  // Human approvals; null = not configured (proposals still wait in the store).
  std::shared_ptr<ApprovalService> approvals;
  // Knowledge and routing for proposals and notes; null = not configured.
  std::shared_ptr<Advisor> advisor;
  std::unique_ptr<SchemaCache> schema;
  MetricsRegistry registry;
  std::unique_ptr<EngineMetrics> metrics;
  TicketLocks ticket_locks;
  // Called after a commit planned a write (wakes the dispatchers).
  std::function<void()> on_write_planned;
  // Called with a one-line announcement for each matrix cell demoted (Slack); may be null.
  std::function<void(const std::string& text)> on_demoted;
  // Recurring issues and spikes; null = off. Workers hand it every triaged ticket.
  std::shared_ptr<InsightsService> insights;
  // The LLM backend; null = off. Workers run it between triage and commit (worker.cc).
  std::shared_ptr<LlmAssist> llm;

  std::atomic<int64_t> events_received{0};
  std::atomic<int64_t> jobs_done{0};
  std::atomic<int64_t> jobs_failed{0};
  std::atomic<int64_t> decisions{0};
  std::atomic<int64_t> writes_applied{0};
  std::atomic<int64_t> writes_superseded{0};
  std::atomic<int64_t> writes_failed{0};
  std::atomic<int64_t> helpdesk_errors{0};
};

class JobProcessor {
 public:
  explicit JobProcessor(EngineContext* context) : context_(context) {}
  WorkOutcome Process(const Job& job);

 private:
  WorkOutcome ProcessLocked(const Job& job);
  WorkOutcome TrackOutcomes(const Job& job, const Ticket& ticket,
                            const std::vector<DecisionRecord>& decisions);
  WorkOutcome RunTriage(const Job& job, const Ticket& ticket);
  // The LLM step (llm_assist.h) on a triage's commit; counts autotriage_llm_requests_total.
  void RunLlm(const TriageInput& input, const Ticket& ticket, const LiveSchema& schema,
              const Policy& policy, TriageCommit* commit);
  WorkOutcome Fail(const Job& job, const Status& error);
  WorkOutcome Commit(const Job& job, const TriageCommit& commit, const std::string& outcome_name);

  EngineContext* context_;
};

class WriteDispatcher {
 public:
  explicit WriteDispatcher(EngineContext* context) : context_(context) {}
  // lease_deadline_ms: when the claim on `write` ends. No helpdesk write is started unless it
  // can finish before then; otherwise the attempt is dropped (kLost) and the write is claimed
  // again after the lease ends, so two dispatchers never write the same decision at once.
  WorkOutcome Process(const WriteRecord& write,
                      int64_t lease_deadline_ms = std::numeric_limits<int64_t>::max());

 private:
  WorkOutcome Finish(const WriteRecord& write, WriteState state, const std::string& message,
                     const std::string& detail_json);
  bool LeaseAllowsAWrite(int64_t lease_deadline_ms) const;
  // Whether the write carries decisions a human approved (outcome "approved" or "edited").
  Result<bool> CarriesApprovedDecisions(const WriteRecord& write) const;
  WorkOutcome AbandonAttempt(const WriteRecord& write);
  // The write's note without citations of KB articles deleted or unpublished since it was
  // planned (the marker and everything else unchanged).
  std::string NoteToPost(const WriteRecord& write) const;
  // may_have_arrived: the failed call was a write whose request may have reached the helpdesk.
  WorkOutcome Fail(const WriteRecord& write, const Status& error, bool may_have_arrived = false);

  EngineContext* context_;
};

class Poller {
 public:
  explicit Poller(EngineContext* context) : context_(context) {}
  // The poll interval in seconds; 0 when this engine does not poll (webhooks only).
  static int IntervalSeconds(const Config& config, const std::string& helpdesk_kind);
  // One pass; returns the number of events enqueued.
  Result<int64_t> PollOnce();

 private:
  EngineContext* context_;
};

}  // namespace autotriage
