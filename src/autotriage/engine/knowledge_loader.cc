#include "autotriage/engine/knowledge_loader.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "autotriage/routing/routing_sources.h"
#include "autotriage/text/normalize.h"

namespace autotriage {
namespace {

constexpr int64_t kWorkloadCacheSeconds = 60;
constexpr int kHistoryPageSize = 100;
constexpr int kMaxHistoryPages = 10000;

// Routing settings from the `routing:` section; strings were validated by the config loader.
RoutingOptions ToRoutingOptions(const Config& config) {
  RoutingOptions options;
  options.history_days = config.knowledge.history_days;
  options.skill_weight = config.routing.skill_weight;
  options.history_weight = config.routing.history_weight;
  options.workload_weight = config.routing.workload_weight;
  for (const AssignmentAgentOptions& agent : config.routing.agents) {
    AgentRoutingConfig out;
    out.agent = agent.agent;
    out.skills = agent.skills;
    out.utc_offset_minutes = agent.utc_offset_minutes;
    for (const std::string& shift : agent.shifts) {
      if (Result<WeeklyWindow> window = ParseWeeklyWindow(shift); window.ok()) {
        out.shifts.push_back({window->weekdays, window->start_minute, window->end_minute});
      }
    }
    for (const std::string& range : agent.away) {
      if (auto parsed = ParseDateRange(range); parsed.ok()) {
        out.away.push_back(*parsed);
      }
    }
    options.agents.push_back(std::move(out));
  }
  return options;
}

// Resolved and closed tickets updated since `since`, newest first, at most `max`.
Result<std::vector<Ticket>> LoadResolvedTickets(Helpdesk& helpdesk, int64_t since, int max) {
  std::vector<Ticket> tickets;
  std::map<std::string, size_t> seen;
  for (const char* status : {"resolved", "closed"}) {
    TicketQuery query;
    query.updated_since = since;
    query.status = status;
    query.page_size = kHistoryPageSize;
    for (int page = 0; page < kMaxHistoryPages; ++page) {
      Result<TicketPage> result = helpdesk.FindTickets(query);
      if (!result.ok()) {
        return result.status().WithContext(std::string("loading ") + status + " tickets");
      }
      for (Ticket& ticket : result->tickets) {
        if (seen.emplace(ticket.id, tickets.size()).second) {
          tickets.push_back(std::move(ticket));
        }
      }
      if (result->next_cursor.empty() || result->next_cursor == query.cursor) {
        break;
      }
      query.cursor = result->next_cursor;
    }
  }
  std::sort(tickets.begin(), tickets.end(),
            [](const Ticket& a, const Ticket& b) { return a.updated_at > b.updated_at; });
  if (max >= 0 && tickets.size() > static_cast<size_t>(max)) {
    tickets.resize(static_cast<size_t>(max));
  }
  return tickets;
}

std::string FieldOf(const Ticket& ticket, const std::string& field) {
  auto it = ticket.fields.find(field);
  return it == ticket.fields.end() ? std::string() : it->second;
}

// The last message from the support side: a private note or an agent's reply.
std::string ResolutionOf(const Ticket& ticket) {
  for (auto it = ticket.conversations.rbegin(); it != ticket.conversations.rend(); ++it) {
    if (!it->from_requester) {
      return StripQuotedAndSignature(HtmlToText(it->body_html));
    }
  }
  return "";
}

}  // namespace

KnowledgeLoader::KnowledgeLoader(Config config, std::shared_ptr<Helpdesk> helpdesk)
    : config_(std::move(config)), helpdesk_(std::move(helpdesk)) {}

std::shared_ptr<KbIndex> KnowledgeLoader::OpenIndex(std::vector<std::string>* problems) {
  if (index_ == nullptr) {
    Result<std::unique_ptr<KbIndex>> opened =
        KbIndex::Open(config_.knowledge.index_path, KbIndexOptions{});
    if (!opened.ok()) {
      problems->push_back("KB unavailable: " + opened.status().message());
      return nullptr;
    }
    index_ = std::move(*opened);
  }
  return index_;
}

AdvisorSources KnowledgeLoader::Load(int64_t now, bool sync_kb, KnowledgeLoadReport* report) {
  KnowledgeLoadReport local;
  KnowledgeLoadReport& r = report != nullptr ? *report : local;
  AdvisorSources sources;
  sources.kb_results = config_.knowledge.kb_results;
  sources.similar_results = config_.knowledge.similar_results;
  if (!config_.knowledge.enabled) {
    return sources;
  }
  std::vector<std::string>& problems = r.problems;

  // 1. KB.
  if (std::shared_ptr<KbIndex> index = OpenIndex(&problems)) {
    if (sync_kb) {
      if (helpdesk_->capabilities().knowledge_base) {
        Result<KbSyncReport> synced = SyncKbFromHelpdesk(*helpdesk_, index.get());
        if (synced.ok()) {
          r.kb_syncs.push_back(*synced);
        } else {
          problems.push_back("KB sync failed (older articles kept): " + synced.status().message());
        }
      }
      if (!config_.knowledge.markdown_dir.empty()) {
        Result<KbSyncReport> synced = SyncKbFromMarkdown(
            config_.knowledge.markdown_dir, config_.knowledge.markdown_base_url, index.get());
        if (synced.ok()) {
          r.kb_syncs.push_back(*synced);
        } else {
          problems.push_back("Markdown KB sync failed: " + synced.status().message());
        }
      }
      // No vector training here: the engine ranks with BM25F alone (dense_weight 0, chosen by
      // cross-validation), so training would only cost start-up time.
    }
    if (Result<int64_t> count = index->Count(); count.ok()) {
      r.kb_documents = *count;
    }
    sources.kb = index;
  }

  // 2. History: one scan for similar tickets and routing.
  const int64_t since = now - int64_t{config_.knowledge.history_days} * 86400;
  Result<std::vector<Ticket>> history =
      LoadResolvedTickets(*helpdesk_, since, config_.knowledge.history_max_tickets);
  std::vector<ResolvedTicket> resolved;
  if (!history.ok()) {
    problems.push_back("no similar tickets or learned routing: " + history.status().message());
  } else {
    r.history_tickets = static_cast<int64_t>(history->size());
    int fetches = 0;
    std::vector<HistoryTicket> similar;
    similar.reserve(history->size());
    for (const Ticket& ticket : *history) {
      auto known = resolutions_.find(ticket.id);
      if (known == resolutions_.end() && fetches < kResolutionFetchesPerLoad) {
        ++fetches;
        Result<Ticket> full = helpdesk_->GetTicket(ticket.id);
        if (full.ok()) {
          known = resolutions_.emplace(ticket.id, ResolutionOf(*full)).first;
        }
      }
      const std::string agent = FieldOf(ticket, "agent");
      if (!agent.empty()) {
        resolved.push_back({agent, FieldOf(ticket, "group"), FieldOf(ticket, "category"),
                            ticket.language, ticket.created_at, ticket.updated_at});
      }
      HistoryTicket h;
      h.id = ticket.id;
      h.subject = ticket.subject;
      h.text = ticket.subject + "\n" + StripQuotedAndSignature(HtmlToText(ticket.description_html));
      h.label = FieldOf(ticket, "group");
      h.resolution = known != resolutions_.end() ? known->second : "";
      h.resolved_by = agent;
      h.language = ticket.language;
      h.resolved_at = ticket.updated_at;
      similar.push_back(std::move(h));
    }
    sources.similar = SimilarTickets::Build(std::move(similar), SimilarOptions{});
  }

  // 3. Routing.
  if (config_.routing.enabled) {
    auto recommender = std::make_shared<AssigneeRecommender>(ToRoutingOptions(config_));
    Result<RoutingDirectory> directory = LoadDirectory(*helpdesk_);
    if (directory.ok()) {
      r.agents = static_cast<int64_t>(directory->agents.size());
      recommender->SetDirectory(directory->agents, directory->groups);
    } else {
      problems.push_back("assignee suggestions without the helpdesk's agent list: " +
                         directory.status().message());
    }
    recommender->Learn(resolved, now);
    for (const std::string& unknown : recommender->UnknownAgents()) {
      problems.push_back("routing: agent '" + unknown + "' is not known to the helpdesk");
    }
    sources.routing = recommender;
    // Counted at most once a minute; a failure is cached too, so a broken agent list does not
    // cost a request per ticket. Without a directory every reason says "workload unknown".
    struct Cache {
      std::mutex mutex;
      int64_t loaded_at = -kWorkloadCacheSeconds;
      Workload workload;
    };
    auto cache = std::make_shared<Cache>();
    std::shared_ptr<Helpdesk> helpdesk = helpdesk_;
    auto loaded_directory = std::make_shared<const Result<RoutingDirectory>>(std::move(directory));
    sources.workload = [cache, helpdesk, loaded_directory]() {
      const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
      std::lock_guard<std::mutex> lock(cache->mutex);
      if (now_s - cache->loaded_at >= kWorkloadCacheSeconds) {
        cache->workload = LoadWorkload(*helpdesk, *loaded_directory);
        cache->loaded_at = now_s;
      }
      return cache->workload;
    };
  }
  sources.load_notes = problems;
  return sources;
}

}  // namespace autotriage
