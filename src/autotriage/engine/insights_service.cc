// InsightsService (insights_service.h): bootstrap, the periodic cycle and the persistence of the
// clusters. Turning spikes into proposals is in insights_proposals.cc.
#include "autotriage/engine/insights_service.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "autotriage/text/normalize.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;
using insights::ClusterId;

constexpr char kStateCursor[] = "insights:state";
constexpr size_t kMaxStoredTextBytes = 600;  // as the clusterer keeps (max_text_bytes)
constexpr int kBootstrapPageSize = 100;
constexpr int kMaxBootstrapPages = 2000;  // 200,000 tickets: a stop for a runaway cursor

// Cuts to at most `max` bytes without splitting a UTF-8 sequence, and drops NUL bytes (which
// the store refuses as text).
std::string StorableText(const std::string& text, size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  for (const char c : text) {
    if (c != '\0') {
      out += c;
    }
  }
  if (out.size() <= max) {
    return out;
  }
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) {
    --end;
  }
  out.resize(end);
  return out;
}

ClusterId ResolveAlias(const std::map<ClusterId, std::pair<ClusterId, int64_t>>& aliases,
                       ClusterId id) {
  // Chains are short (a merge of a merge); the bound guards against a corrupt cycle.
  for (int hops = 0; hops < 64; ++hops) {
    auto it = aliases.find(id);
    if (it == aliases.end()) {
      return id;
    }
    id = it->second.first;
  }
  return id;
}

}  // namespace

insights::TicketText ClusterInput(const Ticket& ticket) {
  insights::TicketText input;
  input.ticket_id = ticket.id;
  input.created_at = ticket.created_at > 0 ? ticket.created_at : ticket.updated_at;
  std::string body = StripQuotedAndSignature(HtmlToText(ticket.description_html));
  input.text = SanitizeUtf8(ticket.subject + "\n" + body);
  return input;
}

InsightsService::InsightsService(InsightsOptions options, std::shared_ptr<Store> store,
                                 std::shared_ptr<Helpdesk> helpdesk,
                                 std::shared_ptr<Advisor> advisor,
                                 std::function<void(const std::string&)> announce,
                                 std::string dashboard_url)
    : options_(std::move(options)),
      store_(std::move(store)),
      helpdesk_(std::move(helpdesk)),
      advisor_(std::move(advisor)),
      announce_(std::move(announce)),
      dashboard_url_(std::move(dashboard_url)),
      clusterer_([&] {
        insights::ClustererOptions o;
        o.window_seconds = int64_t{options_.window_days} * 86400;
        return o;
      }()) {}

InsightsService::~InsightsService() = default;

void InsightsService::set_spike_options(const insights::SpikeOptions& options) {
  std::lock_guard<std::mutex> lock(mutex_);
  detector_ = insights::SpikeDetector(options);
}

void InsightsService::Observe(const Ticket& ticket) {
  insights::TicketText input = ClusterInput(ticket);
  if (input.ticket_id.empty() || input.created_at <= 0) {
    return;
  }
  std::lock_guard<std::mutex> lock(queue_mutex_);
  observed_.push_back(std::move(input));
}

size_t InsightsService::pending() const {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  return observed_.size();
}

std::vector<insights::ClusterSummary> InsightsService::Clusters(int64_t now_s) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return clusterer_.Clusters(now_s, std::max(2, options_.min_cluster_size));
}

Result<InsightsBootstrapReport> InsightsService::Bootstrap(int64_t now_s) {
  const int64_t since = now_s - int64_t{options_.window_days} * 86400;
  Result<std::vector<ClusterMemberRecord>> members = store_->ListClusterMembers(since);
  if (!members.ok()) {
    return members.status().WithContext("insights: reading the clustered tickets");
  }
  InsightsBootstrapReport report;
  std::lock_guard<std::mutex> lock(mutex_);
  if (bootstrapped_) {
    // Already running (a second RunOnce of the same engine): restoring again would count the
    // history twice for spike detection.
    report.source = "memory";
    report.tickets = static_cast<int64_t>(clusterer_.ticket_count());
    return report;
  }
  int64_t read_since = since;
  if (!members->empty()) {
    AUTOTRIAGE_RETURN_IF_ERROR(Restore(*members, now_s));
    report.source = "store";
    report.tickets = static_cast<int64_t>(members->size());
    // Catch up with what arrived while the engine was down (or was observed and not yet
    // clustered when it stopped): tickets updated since the newest stored one was created.
    read_since = members->back().created_at;
  } else {
    report.source = "none";
  }
  if (helpdesk_ == nullptr) {
    bootstrapped_ = true;
    return report;
  }
  // Updated since the start is a superset of created since then.
  std::vector<insights::TicketText> tickets;
  TicketQuery query;
  query.updated_since = read_since;
  query.page_size = kBootstrapPageSize;
  for (int page = 0; page < kMaxBootstrapPages; ++page) {
    Result<TicketPage> found = helpdesk_->FindTickets(query);
    if (!found.ok()) {
      return found.status().WithContext("insights: reading the last " +
                                        std::to_string(options_.window_days) +
                                        " days of tickets from the helpdesk");
    }
    for (const Ticket& ticket : found->tickets) {
      insights::TicketText input = ClusterInput(ticket);
      if (input.created_at >= since) {
        tickets.push_back(std::move(input));
      }
    }
    if (found->next_cursor.empty()) {
      break;
    }
    query.cursor = found->next_cursor;
  }
  InsightsCycleReport added;
  AUTOTRIAGE_RETURN_IF_ERROR(AddToClusters(std::move(tickets), &added));
  if (report.source == "none") {
    report.source = "helpdesk";
  }
  report.tickets += added.clustered;
  clusterer_.Expire(now_s);
  bootstrapped_ = true;
  return report;
}

Status InsightsService::Restore(const std::vector<ClusterMemberRecord>& members, int64_t now_s) {
  insights::ClustererSnapshot snapshot;
  Result<std::optional<std::string>> state = store_->GetCursor(kStateCursor);
  if (!state.ok()) {
    return state.status().WithContext("insights: reading " + std::string(kStateCursor));
  }
  if (state->has_value()) {
    Json parsed = Json::parse(**state, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object() || !parsed.contains("next_id") || !parsed["next_id"].is_number() ||
        !parsed.contains("aliases") || !parsed["aliases"].is_array()) {
      return Corruption("insights: the stored state " + std::string(kStateCursor) +
                        " is not {next_id, aliases}");
    }
    snapshot.next_id = parsed["next_id"].get<int64_t>();
    for (const Json& alias : parsed["aliases"]) {
      if (!alias.is_array() || alias.size() != 3 || !alias[0].is_number() ||
          !alias[1].is_number() || !alias[2].is_number()) {
        return Corruption("insights: a merge alias in " + std::string(kStateCursor) +
                          " is not [old id, new id, time]");
      }
      aliases_[alias[0].get<ClusterId>()] = {alias[1].get<ClusterId>(), alias[2].get<int64_t>()};
    }
  }
  for (const ClusterMemberRecord& member : members) {
    insights::ClustererSnapshot::Member m;
    m.ticket = {member.ticket_id, member.created_at, member.text};
    m.cluster_id = ResolveAlias(aliases_, member.cluster_id);
    snapshot.next_id = std::max(snapshot.next_id, m.cluster_id + 1);
    live_ids_.insert(m.cluster_id);
    snapshot.members.push_back(std::move(m));
  }
  insights::ClustererOptions options;
  options.window_seconds = int64_t{options_.window_days} * 86400;
  Result<insights::Clusterer> restored = insights::Clusterer::Restore(snapshot, options);
  if (!restored.ok()) {
    return restored.status().WithContext("insights: restoring the clusters");
  }
  clusterer_ = std::move(*restored);
  for (const ClusterMemberRecord& member : members) {
    std::optional<ClusterId> cluster = clusterer_.ClusterOf(member.ticket_id);
    if (cluster.has_value()) {
      // Older than the detector keeps is not an error worth stopping for.
      (void)detector_.Record(*cluster, member.ticket_id, member.created_at);
    }
  }
  clusterer_.Expire(now_s);
  return Status::Ok();
}

Status InsightsService::AddToClusters(std::vector<insights::TicketText> tickets,
                                      InsightsCycleReport* report) {
  std::vector<insights::TicketText> fresh;
  for (insights::TicketText& ticket : tickets) {
    if (clusterer_.ClusterOf(ticket.ticket_id).has_value()) {
      ++report->skipped;  // an update of a ticket already clustered
    } else {
      fresh.push_back(std::move(ticket));
    }
  }
  // Deduplicate within the batch (a ticket observed twice before a cycle).
  std::sort(fresh.begin(), fresh.end(),
            [](const auto& a, const auto& b) { return a.ticket_id < b.ticket_id; });
  fresh.erase(std::unique(fresh.begin(), fresh.end(),
                          [](const auto& a, const auto& b) { return a.ticket_id == b.ticket_id; }),
              fresh.end());
  std::vector<ClusterMemberRecord> stored = std::move(unsaved_);
  unsaved_.clear();
  if (!fresh.empty()) {
    clusterer_.AddBatch(fresh);
  }
  for (const insights::TicketText& ticket : fresh) {
    std::optional<ClusterId> cluster = clusterer_.ClusterOf(ticket.ticket_id);
    if (!cluster.has_value()) {
      ++report->skipped;  // nothing to cluster on, or older than the window
      continue;
    }
    ++report->clustered;
    live_ids_.insert(*cluster);
    (void)detector_.Record(*cluster, ticket.ticket_id, ticket.created_at);
    stored.push_back({ticket.ticket_id, ticket.created_at, *cluster,
                      StorableText(ticket.text, kMaxStoredTextBytes)});
  }
  if (stored.empty()) {
    return Status::Ok();
  }
  if (Status s = store_->PutClusterMembers(stored); !s.ok()) {
    unsaved_ = std::move(stored);
    return s.WithContext("insights: storing " + std::to_string(unsaved_.size()) +
                         " clustered tickets (kept for the next cycle)");
  }
  return Status::Ok();
}

Status InsightsService::SaveAliases(int64_t now_s) {
  bool changed = false;
  for (auto it = live_ids_.begin(); it != live_ids_.end();) {
    std::optional<ClusterId> now_id = clusterer_.Resolve(*it);
    if (now_id.has_value() && *now_id == *it) {
      ++it;
      continue;
    }
    if (now_id.has_value()) {
      aliases_[*it] = {*now_id, now_s};
      changed = true;
    }
    it = live_ids_.erase(it);
  }
  // A merged-away id can only be on members created before its merge, which have left the
  // window when the alias is window_days old.
  const int64_t oldest = now_s - int64_t{options_.window_days} * 86400;
  for (auto it = aliases_.begin(); it != aliases_.end();) {
    if (it->second.second < oldest) {
      it = aliases_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  if (!changed) {
    return Status::Ok();
  }
  Json aliases = Json::array();
  for (const auto& [from, into] : aliases_) {
    aliases.push_back(Json::array({from, into.first, into.second}));
  }
  ClusterId next_id = 1;
  for (const insights::ClusterSummary& c : clusterer_.Clusters(now_s, 1)) {
    next_id = std::max(next_id, c.id + 1);
  }
  for (const auto& [from, into] : aliases_) {
    next_id = std::max({next_id, from + 1, into.first + 1});
  }
  Json state = {{"next_id", next_id}, {"aliases", aliases}};
  return store_->SetCursor(kStateCursor, state.dump());
}

Result<InsightsCycleReport> InsightsService::RunCycle(int64_t now_s) {
  std::vector<insights::TicketText> batch;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    batch.swap(observed_);
  }
  InsightsCycleReport report;
  std::lock_guard<std::mutex> lock(mutex_);
  Status added = AddToClusters(std::move(batch), &report);
  report.expired = clusterer_.Expire(now_s);
  const int64_t oldest = now_s - int64_t{options_.window_days} * 86400;
  Result<int64_t> deleted = store_->DeleteClusterMembers(oldest);
  AUTOTRIAGE_RETURN_IF_ERROR(added);
  if (!deleted.ok()) {
    return deleted.status().WithContext("insights: deleting expired clustered tickets");
  }
  AUTOTRIAGE_RETURN_IF_ERROR(SaveAliases(now_s));
  std::vector<insights::Spike> spikes = detector_.Detect(now_s, &clusterer_);
  report.spikes = static_cast<int64_t>(spikes.size());
  if (!spikes.empty() && options_.propose_problems) {
    Result<int64_t> proposed = ProposeSpikes(spikes, now_s);
    if (!proposed.ok()) {
      return proposed.status();
    }
    report.proposed = *proposed;
  }
  return report;
}

}  // namespace autotriage
