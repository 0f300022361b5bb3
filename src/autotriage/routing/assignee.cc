// The assignee recommender: candidates from the directory (or config and history without one),
// a back-off share of learned resolutions, configured skills, workload and availability.
#include "autotriage/routing/assignee.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "autotriage/routing/availability.h"
#include "autotriage/routing/routing_keys.h"

namespace autotriage {
namespace {

using routing_internal::AwayUntil;
using routing_internal::CategoryKey;
using routing_internal::DescribeShifts;
using routing_internal::FormatDate;
using routing_internal::FormatDuration;
using routing_internal::GroupKey;
using routing_internal::kAllKey;
using routing_internal::Lower;
using routing_internal::OnShift;
using routing_internal::WithLanguage;

// Lower-cased words of a name: "Network / VPN" → {"network", "vpn"}.
std::set<std::string> Words(const std::string& text) {
  std::set<std::string> words;
  std::string word;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.insert(word);
      word.clear();
    }
  }
  return words;
}

// The median of sorted values; -1 when there are none.
int64_t Median(const std::vector<int64_t>& sorted) {
  if (sorted.empty()) {
    return -1;
  }
  const size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Configured skills that match the query, as written in config.
std::vector<std::string> MatchingSkills(const AgentRoutingConfig* config,
                                        const AssigneeQuery& query) {
  std::vector<std::string> out;
  if (config == nullptr) {
    return out;
  }
  const std::set<std::string> category_words = Words(query.category);
  for (const std::string& skill : config->skills) {
    const std::string lower = Lower(skill);
    if (lower.empty()) {
      continue;
    }
    const bool match = (!query.category.empty() && lower == Lower(query.category)) ||
                       (!query.group.empty() && lower == Lower(query.group)) ||
                       (!query.language.empty() && lower == Lower(query.language)) ||
                       category_words.count(lower) > 0;
    if (match) {
      out.push_back(skill);
    }
  }
  return out;
}

}  // namespace

std::vector<AssigneeSuggestion> AssigneeRecommender::Suggest(const AssigneeQuery& query,
                                                             const Workload& workload,
                                                             int k) const {
  std::vector<AssigneeSuggestion> out;
  if (candidates_.empty() || k <= 0) {
    return out;
  }
  const std::vector<size_t> eligible = Eligible(query);
  auto count_of = [&](size_t index, const std::string& key) {
    const auto& cells = candidates_[index].cells;
    auto it = cells.find(key);
    return it == cells.end() ? 0 : it->second.count;
  };

  // Back-off share of the eligible agents' resolutions: general levels first, each one the
  // prior of the next, so a rare category falls back to the group and then to all tickets.
  std::vector<std::string> levels = {kAllKey};
  if (!query.group.empty()) {
    levels.push_back(GroupKey(query.group));
  }
  if (!query.category.empty()) {
    levels.push_back(CategoryKey(query.category));
  }
  if (!query.language.empty() && levels.size() > 1) {
    levels.push_back(WithLanguage(levels.back(), query.language));
  }
  const double smoothing = std::max(1e-6, options_.smoothing);
  std::vector<double> share(eligible.size(), 1.0 / static_cast<double>(eligible.size()));
  for (const std::string& key : levels) {
    double total = 0;
    for (size_t e = 0; e < eligible.size(); ++e) {
      total += count_of(eligible[e], key);
    }
    for (size_t e = 0; e < eligible.size(); ++e) {
      share[e] = (count_of(eligible[e], key) + smoothing * share[e]) / (total + smoothing);
    }
  }

  // Workload: a key that is no agent id is tried against e-mail and name as well.
  std::map<std::string, int> open_by_lower;
  for (const auto& [key, open] : workload.open_by_agent_id) {
    open_by_lower[Lower(key)] += open;
  }
  auto open_of = [&](const Agent& agent) {
    auto exact = workload.open_by_agent_id.find(agent.id);
    if (exact != workload.open_by_agent_id.end()) {
      return exact->second;
    }
    for (const std::string* text : {&agent.email, &agent.name}) {
      auto it = text->empty() ? open_by_lower.end() : open_by_lower.find(Lower(*text));
      if (it != open_by_lower.end()) {
        return it->second;
      }
    }
    return 0;
  };
  double mean_open = 0;
  if (workload.loaded) {
    for (size_t index : eligible) {
      mean_open += open_of(candidates_[index].agent);
    }
    mean_open /= static_cast<double>(eligible.size());
  }

  // The key whose count the reason quotes: the category, else the group, else all tickets.
  const std::string& topic = !query.category.empty() ? query.category : query.group;
  const std::string topic_key = !query.category.empty() ? CategoryKey(query.category)
                                : !query.group.empty()  ? GroupKey(query.group)
                                                        : std::string(kAllKey);
  const std::string days = std::to_string(options_.history_days);

  for (size_t e = 0; e < eligible.size(); ++e) {
    const Candidate& candidate = candidates_[eligible[e]];
    const AgentRoutingConfig* config =
        candidate.config >= 0 ? &options_.agents[static_cast<size_t>(candidate.config)] : nullptr;
    const std::vector<std::string> skills = MatchingSkills(config, query);
    AssigneeSuggestion suggestion;
    suggestion.agent_id = candidate.agent.id;
    suggestion.name = candidate.agent.name;
    suggestion.email = candidate.agent.email;
    suggestion.score = options_.history_weight * std::log(share[e]) +
                       options_.skill_weight * std::log(2.0) * static_cast<double>(skills.size());

    std::vector<std::string> parts;
    if (workload.loaded) {
      const int open = open_of(candidate.agent);
      suggestion.score -= options_.workload_weight * (open - mean_open) / std::max(1.0, mean_open);
      parts.push_back(std::to_string(open) + " open");
    } else {
      parts.push_back(workload.error.empty() ? "workload unknown"
                                             : "workload unknown (" + workload.error + ")");
    }

    const std::string subject = topic.empty() ? "tickets" : topic + " tickets";
    auto cell = candidate.cells.find(topic_key);
    if (cell == candidate.cells.end() || cell->second.count == 0) {
      parts.push_back("no " + subject + " resolved in " + days + " days");
    } else {
      std::vector<std::string> details;
      if (!query.language.empty() && topic_key != kAllKey) {
        auto in_language = candidate.cells.find(WithLanguage(topic_key, query.language));
        const int n = in_language == candidate.cells.end() ? 0 : in_language->second.count;
        details.push_back(std::to_string(n) + " in " + query.language);
      }
      if (const int64_t median = Median(cell->second.seconds_to_resolve); median >= 0) {
        details.push_back("median " + FormatDuration(median));
      }
      std::string text = "resolved " + std::to_string(cell->second.count) + " " + subject + " in " +
                         days + " days";
      for (size_t d = 0; d < details.size(); ++d) {
        text += (d == 0 ? " (" : ", ") + details[d];
      }
      parts.push_back(text + (details.empty() ? "" : ")"));
    }
    if (!skills.empty()) {
      std::string text = "skill: ";
      for (size_t s = 0; s < skills.size(); ++s) {
        text += (s == 0 ? "" : ", ") + skills[s];
      }
      parts.push_back(text);
    }

    const int offset = config != nullptr ? config->utc_offset_minutes : 0;
    if (auto until = config != nullptr ? AwayUntil(config->away, query.now) : std::nullopt) {
      suggestion.available = false;
      parts.push_back("away until " + FormatDate(*until, offset));
    } else if (config != nullptr && !OnShift(config->shifts, offset, query.now)) {
      suggestion.available = false;
      parts.push_back("off shift (" + DescribeShifts(config->shifts) + ")");
    } else if (!candidate.agent.available) {
      suggestion.available = false;
      parts.push_back("unavailable in the helpdesk");
    } else if (config != nullptr && !config->shifts.empty()) {
      parts.push_back("on shift");
    }
    for (size_t p = 0; p < parts.size(); ++p) {
      suggestion.reason += (p == 0 ? "" : ", ") + parts[p];
    }
    out.push_back(std::move(suggestion));
  }

  // Available agents first; then by score; names break ties so the order is deterministic.
  std::sort(out.begin(), out.end(), [](const AssigneeSuggestion& a, const AssigneeSuggestion& b) {
    if (a.available != b.available) {
      return a.available;
    }
    if (a.score != b.score) {
      return a.score > b.score;
    }
    return std::tie(a.name, a.agent_id) < std::tie(b.name, b.agent_id);
  });
  if (out.size() > static_cast<size_t>(k)) {
    out.resize(static_cast<size_t>(k));
  }
  return out;
}

}  // namespace autotriage
