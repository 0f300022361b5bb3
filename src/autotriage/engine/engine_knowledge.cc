// The engine's knowledge refresher: KB sync, resolved-ticket history and the agent directory,
// reloaded in the background so triage never waits for them.
#include <algorithm>
#include <chrono>

#include "autotriage/engine/engine_impl.h"

namespace autotriage {
namespace {

// Without a KB sync schedule, history and directory are still reloaded this often.
constexpr int64_t kHistoryReloadMinutes = 60;

}  // namespace

void EngineImpl::ReloadKnowledge(bool sync_kb) {
  KnowledgeLoadReport report;
  const auto start = std::chrono::steady_clock::now();
  AdvisorSources sources = knowledge_->Load(NowMs() / 1000, sync_kb, &report);
  context_.advisor->Replace(std::move(sources));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::pair<std::string, std::string>> fields = {
      {"kb_documents", std::to_string(report.kb_documents)},
      {"history_tickets", std::to_string(report.history_tickets)},
      {"agents", std::to_string(report.agents)},
      {"seconds", std::to_string(seconds)}};
  for (const KbSyncReport& sync : report.kb_syncs) {
    fields.push_back({"kb_sync_" + sync.source, "+" + std::to_string(sync.added) + " ~" +
                                                    std::to_string(sync.updated) + " -" +
                                                    std::to_string(sync.removed)});
  }
  context_.log->Write(LogLevel::kInfo, "knowledge loaded", "", "", fields);
  for (const std::string& problem : report.problems) {
    context_.log->Warn(problem);
  }
}

void EngineImpl::KnowledgeLoop() {
  const int sync_minutes = context_.config.knowledge.sync_interval_minutes;
  const int64_t interval_ms =
      int64_t{sync_minutes > 0 ? sync_minutes : kHistoryReloadMinutes} * 60 * 1000;
  int64_t next_ms = knowledge_loaded_ ? NowMs() + interval_ms : 0;
  while (!stopping_) {
    const uint64_t seen = stop_signal_.generation();
    if (NowMs() >= next_ms) {
      ReloadKnowledge(/*sync_kb=*/sync_minutes > 0 || next_ms == 0);
      next_ms = NowMs() + interval_ms;
    }
    const int64_t wait_ms = std::max<int64_t>(1, next_ms - NowMs());
    stop_signal_.WaitFor(seen, stopping_, std::chrono::milliseconds(wait_ms));
  }
}

}  // namespace autotriage
