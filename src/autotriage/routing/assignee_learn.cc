// The recommender's state: the directory, learned history and the candidates built from both
// (with config entries matched to agents). Suggest is in assignee.cc.
#include <algorithm>
#include <utility>

#include "autotriage/routing/assignee.h"
#include "autotriage/routing/routing_keys.h"

namespace autotriage {
namespace {

using routing_internal::CategoryKey;
using routing_internal::GroupKey;
using routing_internal::kAllKey;
using routing_internal::Lower;
using routing_internal::NamesAgent;
using routing_internal::WithLanguage;

constexpr int64_t kDaySeconds = 86400;

}  // namespace

AssigneeRecommender::AssigneeRecommender(RoutingOptions options) : options_(std::move(options)) {
  Rebuild();
}

void AssigneeRecommender::SetDirectory(std::vector<Agent> agents, std::vector<Group> groups) {
  directory_agents_ = std::move(agents);
  groups_ = std::move(groups);
  Rebuild();
}

void AssigneeRecommender::Learn(const std::vector<ResolvedTicket>& history, int64_t now) {
  history_.clear();
  const int64_t since = now - int64_t{std::max(0, options_.history_days)} * kDaySeconds;
  for (const ResolvedTicket& ticket : history) {
    if (ticket.agent.empty() || ticket.resolved_at < since) {
      continue;
    }
    ResolverStats& stats = history_[Lower(ticket.agent)];
    if (stats.display.empty()) {
      stats.display = ticket.agent;
    }
    std::vector<std::string> keys = {kAllKey};
    if (!ticket.group.empty()) {
      keys.push_back(GroupKey(ticket.group));
      if (!ticket.language.empty()) {
        keys.push_back(WithLanguage(GroupKey(ticket.group), ticket.language));
      }
    }
    if (!ticket.category.empty()) {
      keys.push_back(CategoryKey(ticket.category));
      if (!ticket.language.empty()) {
        keys.push_back(WithLanguage(CategoryKey(ticket.category), ticket.language));
      }
    }
    const bool timed = ticket.created_at > 0 && ticket.resolved_at >= ticket.created_at;
    for (const std::string& key : keys) {
      Cell& cell = stats.cells[key];
      ++cell.count;
      if (timed) {
        cell.seconds_to_resolve.push_back(ticket.resolved_at - ticket.created_at);
      }
    }
  }
  Rebuild();
}

// Matches config entries and history resolvers to candidates; see the file comment of the header.
void AssigneeRecommender::Rebuild() {
  candidates_.clear();
  unknown_agents_.clear();
  const bool directory = !directory_agents_.empty();
  for (const Agent& agent : directory_agents_) {
    candidates_.push_back(Candidate{agent, -1, {}});
  }
  auto find = [&](const std::string& lower_text) -> int {
    for (size_t i = 0; i < candidates_.size(); ++i) {
      if (NamesAgent(candidates_[i].agent, lower_text)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  auto add_stand_in = [&](const std::string& text) {
    Candidate candidate;
    candidate.agent.id = text;
    candidate.agent.name = text;
    if (text.find('@') != std::string::npos) {
      candidate.agent.email = text;
    }
    candidates_.push_back(std::move(candidate));
    return static_cast<int>(candidates_.size() - 1);
  };
  for (size_t c = 0; c < options_.agents.size(); ++c) {
    const std::string& text = options_.agents[c].agent;
    int index = find(Lower(text));
    if (index < 0 && !directory && !text.empty()) {
      index = add_stand_in(text);
    }
    if (index < 0) {
      unknown_agents_.push_back(text.empty() ? "(empty agent name in config)" : text);
      continue;
    }
    candidates_[static_cast<size_t>(index)].config = static_cast<int>(c);
  }
  for (const auto& [lower_text, stats] : history_) {
    int index = find(lower_text);
    if (index < 0 && !directory) {
      index = add_stand_in(stats.display);
    }
    if (index < 0) {
      unknown_agents_.push_back(stats.display);
      continue;
    }
    auto& cells = candidates_[static_cast<size_t>(index)].cells;
    for (const auto& [key, cell] : stats.cells) {
      Cell& into = cells[key];
      into.count += cell.count;
      into.seconds_to_resolve.insert(into.seconds_to_resolve.end(), cell.seconds_to_resolve.begin(),
                                     cell.seconds_to_resolve.end());
    }
  }
  for (Candidate& candidate : candidates_) {
    for (auto& [key, cell] : candidate.cells) {
      std::sort(cell.seconds_to_resolve.begin(), cell.seconds_to_resolve.end());
    }
  }
  std::sort(unknown_agents_.begin(), unknown_agents_.end());
  unknown_agents_.erase(std::unique(unknown_agents_.begin(), unknown_agents_.end()),
                        unknown_agents_.end());
}

std::vector<size_t> AssigneeRecommender::Eligible(const AssigneeQuery& query) const {
  std::vector<size_t> members;
  if (!query.group.empty()) {
    const std::string group_lower = Lower(query.group);
    if (!directory_agents_.empty()) {
      const Group* group = nullptr;
      for (const Group& g : groups_) {
        if (Lower(g.name) == group_lower || g.id == query.group) {
          group = &g;
          break;
        }
      }
      for (size_t i = 0; group != nullptr && i < candidates_.size(); ++i) {
        const Agent& agent = candidates_[i].agent;
        const bool listed = std::find(group->agent_ids.begin(), group->agent_ids.end(), agent.id) !=
                            group->agent_ids.end();
        const bool joined = std::find(agent.group_ids.begin(), agent.group_ids.end(), group->id) !=
                            agent.group_ids.end();
        if (listed || joined) {
          members.push_back(i);
        }
      }
    } else {
      // No directory: membership as seen in history and config.
      const std::string key = GroupKey(query.group);
      for (size_t i = 0; i < candidates_.size(); ++i) {
        const Candidate& candidate = candidates_[i];
        bool member = candidate.cells.count(key) > 0;
        if (!member && candidate.config >= 0) {
          for (const std::string& skill :
               options_.agents[static_cast<size_t>(candidate.config)].skills) {
            member = member || Lower(skill) == group_lower;
          }
        }
        if (member) {
          members.push_back(i);
        }
      }
    }
  }
  if (members.empty()) {
    for (size_t i = 0; i < candidates_.size(); ++i) {
      members.push_back(i);
    }
  }
  return members;
}
std::vector<std::string> AssigneeRecommender::UnknownAgents() const {
  return unknown_agents_;
}

}  // namespace autotriage
