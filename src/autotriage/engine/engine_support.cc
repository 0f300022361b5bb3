// Shared pieces of the engine: clock, backoff, logging, schema cache, per-ticket locks, metrics.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "autotriage/engine/engine_internal.h"

namespace autotriage {
namespace {

constexpr int64_t kMaxBackoffMs = 5 * 60 * 1000;

std::string IsoNow() {
  const auto now = std::chrono::system_clock::now();
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t BackoffMs(int base_ms, int attempt) {
  int64_t delay = std::max(base_ms, 1);
  for (int i = 1; i < attempt && delay < kMaxBackoffMs; ++i) {
    delay *= 2;
  }
  return std::min(delay, kMaxBackoffMs);
}

bool IsRetryable(StatusCode code) {
  switch (code) {
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kResourceExhausted:
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
      return true;
    default:
      return false;
  }
}

EngineLog::EngineLog(std::function<void(const std::string&)> sink, LogLevel level, LogFormat format)
    : sink_(std::move(sink)), level_(level), format_(format) {}

void EngineLog::Write(LogLevel level, const std::string& msg, const std::string& trace_id,
                      const std::string& ticket_id,
                      const std::vector<std::pair<std::string, std::string>>& extra) const {
  if (static_cast<int>(level) < static_cast<int>(level_)) {
    return;
  }
  std::string line;
  if (format_ == LogFormat::kJson) {
    nlohmann::json j;
    j["ts"] = IsoNow();
    j["level"] = std::string(ToString(level));
    j["msg"] = msg;
    if (!trace_id.empty()) {
      j["trace_id"] = trace_id;
    }
    if (!ticket_id.empty()) {
      j["ticket_id"] = ticket_id;
    }
    for (const auto& [key, value] : extra) {
      j[key] = value;
    }
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = IsoNow() + " " + std::string(ToString(level)) + " " + msg;
    if (!ticket_id.empty()) {
      line += " ticket=" + ticket_id;
    }
    if (!trace_id.empty()) {
      line += " trace=" + trace_id;
    }
    for (const auto& [key, value] : extra) {
      line += " " + key + "=" + value;
    }
  }
  if (sink_) {
    sink_(line);
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::fprintf(stderr, "%s\n", line.c_str());
}

Result<std::shared_ptr<const LiveSchema>> SchemaCache::Get() {
  int64_t loaded_ms = 0;
  std::shared_ptr<const LiveSchema> current;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current = schema_;
    loaded_ms = loaded_ms_;
  }
  if (current != nullptr && NowMs() - loaded_ms < refresh_ms_) {
    return current;
  }
  if (current == nullptr) {
    AUTOTRIAGE_RETURN_IF_ERROR(Refresh());
  } else if (refresh_mutex_.try_lock()) {
    // Stale: one thread refreshes, the others go on with the old schema meanwhile.
    (void)RefreshLocked();
    refresh_mutex_.unlock();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  return schema_;
}

Status SchemaCache::Refresh() {
  std::lock_guard<std::mutex> refresh_lock(refresh_mutex_);
  return RefreshLocked();
}

Status SchemaCache::RefreshLocked() {
  auto fields = helpdesk_->GetFieldSchema();
  if (!fields.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (schema_ != nullptr) {
      loaded_ms_ = NowMs();  // keep the old one; try again after another interval
    }
    return fields.status().WithContext("reading the helpdesk's field schema");
  }
  auto schema = std::make_shared<LiveSchema>();
  for (const FieldSchema& field : *fields) {
    (*schema)[field.name] = field.choices;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  schema_ = std::move(schema);
  loaded_ms_ = NowMs();
  return Status::Ok();
}

bool SchemaCache::loaded() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return schema_ != nullptr;
}

void TicketLocks::Lock(const std::string& ticket_id) {
  std::unique_lock<std::mutex> lock(mutex_);
  released_.wait(lock, [&] { return busy_.count(ticket_id) == 0; });
  busy_.insert(ticket_id);
}

void TicketLocks::Unlock(const std::string& ticket_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_.erase(ticket_id);
  }
  released_.notify_all();
}

namespace {

// Buckets of autotriage_triage_seconds: 0.1 ms steps up to 2 ms, where the target (1 ms at
// p99) sits, so that a quantile read from the buckets is within 0.1 ms; coarse above that.
std::vector<double> TriageBuckets() {
  std::vector<double> bounds = {0.00005};
  for (int tenths = 1; tenths <= 20; ++tenths) {
    bounds.push_back(tenths / 10000.0);
  }
  for (double bound : {0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0}) {
    bounds.push_back(bound);
  }
  return bounds;
}

}  // namespace

EngineMetrics::EngineMetrics(MetricsRegistry* r)
    : registry(r),
      triage_seconds(r->AddHistogram("autotriage_triage_seconds",
                                     "Engine time per triaged ticket (classification, policy, "
                                     "planning), without helpdesk I/O",
                                     TriageBuckets())),
      triage_cpu_seconds(r->AddHistogram("autotriage_triage_cpu_seconds",
                                         "CPU time of the triaging thread per triaged ticket (the "
                                         "span of autotriage_triage_seconds)",
                                         TriageBuckets())),
      job_seconds(r->AddHistogram("autotriage_job_seconds",
                                  "Time per job from claim to commit, helpdesk I/O included")),
      write_seconds(r->AddHistogram("autotriage_write_seconds",
                                    "Time per dispatched write, helpdesk I/O included")),
      inbox_depth(r->AddGauge("autotriage_inbox_depth", "Jobs waiting to be processed")),
      writes_open(r->AddGauge("autotriage_writes_open", "Planned or in-flight helpdesk writes")),
      ready(r->AddGauge("autotriage_ready", "1 when the engine is ready to serve")),
      helpdesk_429(
          r->AddCounter("autotriage_helpdesk_429_total", "Helpdesk answers 429 Too Many Requests")),
      polled_events(r->AddCounter("autotriage_polled_events_total",
                                  "Events the poller found and enqueued")) {}

void EngineMetrics::Job(const std::string& outcome_name) {
  registry
      ->LabeledCounter("autotriage_jobs_total", "Jobs processed, by outcome", {"outcome"},
                       {outcome_name})
      ->Increment();
}

void EngineMetrics::Decision(const std::string& mode, const std::string& outcome_name) {
  registry
      ->LabeledCounter("autotriage_decisions_total", "Field decisions, by mode and outcome",
                       {"mode", "outcome"}, {mode, outcome_name})
      ->Increment();
}

void EngineMetrics::Write(const std::string& state) {
  registry
      ->LabeledCounter("autotriage_writes_total", "Helpdesk writes finished, by final state",
                       {"state"}, {state})
      ->Increment();
}

void EngineMetrics::HelpdeskError(StatusCode code) {
  registry
      ->LabeledCounter("autotriage_helpdesk_errors_total", "Failed helpdesk calls, by error code",
                       {"code"}, {std::string(StatusCodeName(code))})
      ->Increment();
}

}  // namespace autotriage
