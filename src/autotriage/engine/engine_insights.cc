// The engine's insights loop: recurring issues, spikes and proposed Problems
// (insights_service.h), and the creation of approved Problems (problems.h).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>
#include <string>

#include "autotriage/engine/engine_impl.h"
#include "autotriage/engine/problems.h"

namespace autotriage {
namespace {

constexpr int64_t kBootstrapRetryMaxMs = 5 * 60 * 1000;
constexpr char kDigestCursor[] = "digest:last_day";

std::string UtcDay(int64_t ms, int* hour) {
  const time_t seconds = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  *hour = tm.tm_hour;
  char day[16];
  std::strftime(day, sizeof(day), "%Y-%m-%d", &tm);
  return day;
}

}  // namespace

void EngineImpl::RunInsightsCycle() {
  Result<InsightsCycleReport> cycle = context_.insights->RunCycle(NowMs() / 1000);
  if (!cycle.ok()) {
    context_.log->Warn("insights cycle failed: " + cycle.status().ToString());
    return;
  }
  if (cycle->spikes > 0 || cycle->proposed > 0) {
    context_.log->Write(LogLevel::kInfo, "spikes found", "", "",
                        {{"spikes", std::to_string(cycle->spikes)},
                         {"proposed", std::to_string(cycle->proposed)},
                         {"clustered", std::to_string(cycle->clustered)}});
  }
}

void EngineImpl::CreateApprovedProblems() {
  if (context_.config.policy.kill_switch) {
    return;  // a Problem is a helpdesk write: none while the kill switch is on
  }
  ProblemCreator creator(context_.store, context_.helpdesk,
                         [this](const std::string& line) { context_.log->Warn(line); });
  Result<ProblemCreatorReport> report = creator.RunOnce(NowMs());
  if (!report.ok()) {
    context_.log->Warn("creating approved Problems failed: " + report.status().ToString());
    return;
  }
  if (report->created + report->recovered + report->failed + report->retried +
          report->no_problem_records >
      0) {
    context_.log->Write(LogLevel::kInfo, "approved Problems handled", "", "",
                        {{"created", std::to_string(report->created)},
                         {"recovered", std::to_string(report->recovered)},
                         {"retried", std::to_string(report->retried)},
                         {"failed", std::to_string(report->failed)},
                         {"no_problem_records", std::to_string(report->no_problem_records)}});
  }
}

void EngineImpl::MaybeSendDigest() {
  const int digest_hour = context_.config.insights.digest_hour_utc;
  if (!send_daily_digest_ || digest_hour < 0) {
    return;
  }
  const int64_t now = NowMs();
  int hour = 0;
  const std::string today = UtcDay(now, &hour);
  if (hour < digest_hour) {
    return;
  }
  Result<std::optional<std::string>> last = context_.store->GetCursor(kDigestCursor);
  if (!last.ok()) {
    context_.log->Warn("reading " + std::string(kDigestCursor) +
                       " failed: " + last.status().ToString());
    return;
  }
  if (last->has_value() && **last >= today) {
    return;
  }
  // Marked first: a digest that fails is reported in the log, not re-sent every minute.
  if (Status s = context_.store->SetCursor(kDigestCursor, today); !s.ok()) {
    context_.log->Warn("saving " + std::string(kDigestCursor) + " failed: " + s.ToString());
    return;
  }
  if (Status s = send_daily_digest_(now); !s.ok()) {
    context_.log->Warn("the daily digest was not sent: " + s.ToString());
  } else {
    context_.log->Write(LogLevel::kInfo, "daily digest sent", "", "", {{"day", today}});
  }
}

void EngineImpl::InsightsLoop() {
  const int64_t interval_ms = int64_t{context_.config.insights.interval_seconds} * 1000;
  int64_t retry_ms = 1000;
  bool bootstrapped = false;
  int64_t next_ms = 0;
  while (!stopping_) {
    const uint64_t seen = stop_signal_.generation();
    if (NowMs() >= next_ms) {
      if (!bootstrapped) {
        Result<InsightsBootstrapReport> boot = context_.insights->Bootstrap(NowMs() / 1000);
        if (boot.ok()) {
          bootstrapped = true;
          context_.log->Write(
              LogLevel::kInfo, "insights ready", "", "",
              {{"source", boot->source}, {"tickets", std::to_string(boot->tickets)}});
          next_ms = NowMs();  // the first cycle at once
        } else {
          context_.log->Warn("insights start failed (retrying): " + boot.status().ToString());
          next_ms = NowMs() + retry_ms;
          retry_ms = std::min(retry_ms * 2, kBootstrapRetryMaxMs);
        }
      }
      if (bootstrapped) {
        RunInsightsCycle();
        CreateApprovedProblems();
        MaybeSendDigest();
        next_ms = NowMs() + interval_ms;
      }
    }
    const int64_t wait_ms = std::max<int64_t>(1, next_ms - NowMs());
    stop_signal_.WaitFor(seen, stopping_, std::chrono::milliseconds(wait_ms));
  }
}

}  // namespace autotriage
