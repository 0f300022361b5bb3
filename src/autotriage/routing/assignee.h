// AssigneeRecommender: who should take a ticket, top 2, each with the reason in words.
//
// Evidence, combined into one score per eligible agent:
//   - group membership: only members of the ticket's (predicted) group are eligible when the
//     group has members. Without a directory (the agent list failed to load) the members are the
//     agents who resolved tickets of that group in the learned history or have it as a configured
//     skill; when nobody qualifies, every known agent is eligible;
//   - skills from config (categories, groups, languages an agent is known for; a skill also
//     matches a word of the category name, so "vpn" matches "Network / VPN"). Case-insensitive;
//   - skills learned from history: how many tickets of this category (and language) the agent
//     resolved in the last `history_days`, as a smoothed share of the eligible agents'
//     resolutions (backing off to the group, then to all tickets, when a category is rare or
//     unknown), and their median time to resolve;
//   - current workload: open tickets per agent (from the helpdesk; when that list failed to load
//     the suggestion is made without it and every reason says "workload unknown (...)");
//   - availability: out-of-office date ranges and weekly shifts from config, and the helpdesk's
//     own "available" flag; an agent off shift or away is never ranked above an available
//     eligible agent, and the reason says so.
// Score = history_weight * ln(smoothed share) + skill_weight * ln(2) * configured skill matches
//         - workload_weight * (open - mean open of the eligible) / max(1, mean open).
// Reason text example: "3 open, resolved 41 VPN tickets in 90 days (median 5 h), on shift".
// Agents: the directory's (SetDirectory). Without a directory, the agents named in config and in
// history stand in (id = name = the text as given), so a failed agent list still gives
// suggestions. Unknown agents in config or history (a directory is set and has no such agent by
// id, e-mail or name) are ignored and reported by UnknownAgents() so `config check`/logs can name
// them.
// Thread-safety: SetDirectory and Learn are not concurrent with anything; Suggest and
// UnknownAgents are const and safe from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/connectors/helpdesk.h"

namespace autotriage {

// One weekly working window in the shift's time zone offset, e.g. Mon–Fri 08:00–16:00.
struct ShiftWindow {
  std::vector<int> weekdays;  // 0 = Sunday ... 6 = Saturday; the day the window starts
  int start_minute = 0;       // minutes after midnight, local
  int end_minute = 24 * 60;   // exclusive; < start_minute means the window crosses midnight
};

struct AgentRoutingConfig {
  std::string agent;                // e-mail, name or id as the helpdesk knows the agent
  std::vector<std::string> skills;  // categories, groups or languages ("vpn", "Network", "de")
  std::vector<ShiftWindow> shifts;  // empty = always on shift
  int utc_offset_minutes = 0;       // of the shift times and of the dates in reasons
  std::vector<std::pair<int64_t, int64_t>> away;  // [from, to) Unix seconds (out of office)
};

struct RoutingOptions {
  int history_days = 90;
  double skill_weight = 1.0;     // configured skill matches
  double history_weight = 1.0;   // learned resolutions of this category/group
  double workload_weight = 0.3;  // penalty per open ticket, relative to the eligible mean
  // Pseudo-count of the back-off smoothing (category+language → category → group → all).
  double smoothing = 5.0;
  std::vector<AgentRoutingConfig> agents;
};

// A resolved ticket as history evidence.
struct ResolvedTicket {
  std::string agent;  // resolver: e-mail, name or id (matched against Agent fields)
  std::string group;
  std::string category;  // category, or "" when the helpdesk has none
  std::string language;
  int64_t created_at = 0;
  int64_t resolved_at = 0;
};

struct AssigneeQuery {
  std::string group;     // predicted or current group; "" = unknown
  std::string category;  // predicted or current category; "" = unknown
  std::string language;  // "" = unknown
  int64_t now = 0;       // Unix seconds, for shifts and absences
};

// Open tickets per agent. Keys are agent ids; a key that is no agent's id is also tried against
// e-mail and name. loaded=false: the list could not be fetched (error says why).
struct Workload {
  bool loaded = false;
  std::map<std::string, int> open_by_agent_id;
  std::string error;
};

struct AssigneeSuggestion {
  std::string agent_id;
  std::string name;
  std::string email;
  double score = 0;
  bool available = true;  // false: away, off shift or unavailable in the helpdesk
  std::string reason;     // words, as in the file comment
};

class AssigneeRecommender {
 public:
  explicit AssigneeRecommender(RoutingOptions options);

  // The helpdesk's agents and groups (ListAgents/ListGroups). Empty agents = no directory.
  void SetDirectory(std::vector<Agent> agents, std::vector<Group> groups);
  // Replaces the learned history with these records (resolved more than history_days before
  // `now` are ignored; records without an agent are skipped).
  void Learn(const std::vector<ResolvedTicket>& history, int64_t now);

  // Best first, at most k. Empty when no agent is known.
  std::vector<AssigneeSuggestion> Suggest(const AssigneeQuery& query, const Workload& workload,
                                          int k = 2) const;

  // Agents named in config or history that the directory does not know (empty without one).
  std::vector<std::string> UnknownAgents() const;

 private:
  // Resolutions of one key (category, group, ...) by one agent.
  struct Cell {
    int count = 0;
    std::vector<int64_t> seconds_to_resolve;  // sorted after Learn
  };
  // Learned history aggregated per resolver text (lower-cased), before matching to agents.
  struct ResolverStats {
    std::string display;  // the resolver text as first seen
    std::map<std::string, Cell> cells;
  };
  // One agent the recommender can suggest, with its config and learned statistics.
  struct Candidate {
    Agent agent;
    int config = -1;  // index into options_.agents, -1 = none
    std::map<std::string, Cell> cells;
  };

  void Rebuild();
  std::vector<size_t> Eligible(const AssigneeQuery& query) const;

  RoutingOptions options_;
  std::vector<Agent> directory_agents_;
  std::vector<Group> groups_;
  std::map<std::string, ResolverStats> history_;  // key: lower-cased resolver text
  std::vector<Candidate> candidates_;
  std::vector<std::string> unknown_agents_;
};

}  // namespace autotriage
