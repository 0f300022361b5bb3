// assignee_eval: the assignee recommender on synthetic helpdesk history (bench/knowledge).
//
// Generates the same deterministic history the sandbox helpdesk seeds its resolved tickets from
// (GenerateTickets with a fixed seed), ordered by created_at. The first --learn-share of the
// tickets are the learning period; the recommender learns from those of them already resolved
// when the held-back period starts. For every held-back ticket it asks for the top 2 with the
// ticket's LABELLED group and category (not predicted ones: the classifier is measured
// elsewhere; the group label carries the generator's 3% label noise) and the ticket's language,
// and counts how often the true resolver (SynthTicket::resolved_by) is among them.
// Workload is simulated: at each query time, tickets created before it and resolved after it are
// open for their resolver. The recommender does not re-learn during the held-back period.
// Weights: the a-priori defaults of RoutingOptions are the headline; a grid over smoothing and
// workload weight is also chosen by validation inside the learning period only (learn on its
// first 75%, validate on the rest) and reported beside it.
// Peer baseline, same run: a popularity recommender — the two members of the queried group who
// resolved most tickets of that group in the learning period.
// Prints one JSON object on stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "autotriage/routing/assignee.h"
#include "autotriage/synth/generator.h"

namespace autotriage {
namespace {

struct Directory {
  std::vector<Agent> agents;
  std::vector<Group> groups;
  std::map<std::string, std::string> id_by_email;
};

Directory MakeDirectory() {
  Directory d;
  const auto& group_names = SynthGroups();
  for (size_t g = 0; g < group_names.size(); ++g) {
    d.groups.push_back({"g" + std::to_string(g + 1), group_names[g], {}});
  }
  const auto& agents = SynthAgents();
  for (size_t a = 0; a < agents.size(); ++a) {
    Agent agent{"a" + std::to_string(a + 1), agents[a].name, agents[a].email, {}, true};
    for (Group& group : d.groups) {
      if (std::find(agents[a].groups.begin(), agents[a].groups.end(), group.name) !=
          agents[a].groups.end()) {
        agent.group_ids.push_back(group.id);
        group.agent_ids.push_back(agent.id);
      }
    }
    d.id_by_email[agent.email] = agent.id;
    d.agents.push_back(std::move(agent));
  }
  return d;
}

struct Score {
  int top1 = 0;
  int top2 = 0;
  int queries = 0;
  double Top1() const { return queries == 0 ? 0 : static_cast<double>(top1) / queries; }
  double Top2() const { return queries == 0 ? 0 : static_cast<double>(top2) / queries; }
};

// Learns from tickets [0, learn_end) resolved before the first query, then asks for every ticket
// in [learn_end, query_end).
Score Evaluate(const std::vector<SynthTicket>& tickets, size_t learn_end, size_t query_end,
               const Directory& directory, const RoutingOptions& options, size_t* learned,
               std::vector<double>* micros) {
  const int64_t cutoff = tickets[learn_end].created_at;
  std::vector<ResolvedTicket> history;
  for (size_t i = 0; i < learn_end; ++i) {
    const SynthTicket& t = tickets[i];
    if (t.resolved_at <= cutoff) {
      history.push_back(
          {t.resolved_by, t.group, t.category, t.language, t.created_at, t.resolved_at});
    }
  }
  if (learned != nullptr) {
    *learned = history.size();
  }
  AssigneeRecommender recommender(options);
  recommender.SetDirectory(directory.agents, directory.groups);
  recommender.Learn(history, cutoff);
  Score score;
  for (size_t q = learn_end; q < query_end; ++q) {
    const SynthTicket& ticket = tickets[q];
    Workload workload;
    workload.loaded = true;
    for (size_t i = 0; i < query_end; ++i) {
      const SynthTicket& t = tickets[i];
      if (i != q && t.created_at < ticket.created_at && t.resolved_at > ticket.created_at) {
        ++workload.open_by_agent_id[directory.id_by_email.at(t.resolved_by)];
      }
    }
    const auto start = std::chrono::steady_clock::now();
    const auto top = recommender.Suggest(
        {ticket.group, ticket.category, ticket.language, ticket.created_at}, workload, 2);
    if (micros != nullptr) {
      micros->push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count());
    }
    ++score.queries;
    for (size_t r = 0; r < top.size(); ++r) {
      if (top[r].email == ticket.resolved_by) {
        score.top1 += r == 0 ? 1 : 0;
        ++score.top2;
      }
    }
  }
  return score;
}

// The popularity baseline: per labelled group, its two members with most learning-period
// resolutions of that group's tickets.
Score EvaluateBaseline(const std::vector<SynthTicket>& tickets, size_t learn_end,
                       const Directory& directory) {
  const int64_t cutoff = tickets[learn_end].created_at;
  std::map<std::string, std::map<std::string, int>> resolved;  // group → email → count
  for (size_t i = 0; i < learn_end; ++i) {
    if (tickets[i].resolved_at <= cutoff) {
      ++resolved[tickets[i].group][tickets[i].resolved_by];
    }
  }
  std::map<std::string, std::vector<std::string>> top_by_group;
  for (const Group& group : directory.groups) {
    std::vector<std::pair<int, std::string>> members;
    for (const Agent& agent : directory.agents) {
      if (std::find(group.agent_ids.begin(), group.agent_ids.end(), agent.id) !=
          group.agent_ids.end()) {
        members.push_back({-resolved[group.name][agent.email], agent.email});
      }
    }
    std::sort(members.begin(), members.end());
    for (size_t m = 0; m < members.size() && m < 2; ++m) {
      top_by_group[group.name].push_back(members[m].second);
    }
  }
  Score score;
  for (size_t q = learn_end; q < tickets.size(); ++q) {
    const auto& top = top_by_group[tickets[q].group];
    ++score.queries;
    for (size_t r = 0; r < top.size(); ++r) {
      if (top[r] == tickets[q].resolved_by) {
        score.top1 += r == 0 ? 1 : 0;
        ++score.top2;
      }
    }
  }
  return score;
}

int Main(int argc, char** argv) {
  SynthOptions synth;
  synth.seed = 20240301;
  synth.count = 5000;
  double learn_share = 0.8;
  if (argc % 2 == 0) {
    std::fprintf(stderr, "assignee_eval: option '%s' needs a value\n", argv[argc - 1]);
    return 2;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--count") == 0) {
      synth.count = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--seed") == 0) {
      synth.seed = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--learn-share") == 0) {
      learn_share = std::atof(argv[i + 1]);
    } else {
      std::fprintf(stderr, "assignee_eval: unknown option '%s' (--count, --seed, --learn-share)\n",
                   argv[i]);
      return 2;
    }
  }
  if (synth.count < 100 || learn_share <= 0.2 || learn_share >= 0.95) {
    std::fprintf(stderr, "assignee_eval: need --count >= 100 and 0.2 < --learn-share < 0.95\n");
    return 2;
  }
  std::vector<SynthTicket> tickets = GenerateTickets(synth);
  std::stable_sort(tickets.begin(), tickets.end(), [](const SynthTicket& a, const SynthTicket& b) {
    return a.created_at < b.created_at;
  });
  const Directory directory = MakeDirectory();
  const size_t learn_end = static_cast<size_t>(static_cast<double>(tickets.size()) * learn_share);

  // Validation inside the learning period only: learn on its first 75%, score the rest.
  const size_t inner_end = learn_end * 3 / 4;
  RoutingOptions best;
  double best_top2 = -1;
  std::string grid;
  for (double smoothing : {1.0, 5.0, 20.0}) {
    for (double workload_weight : {0.0, 0.3, 1.0}) {
      RoutingOptions options;
      options.smoothing = smoothing;
      options.workload_weight = workload_weight;
      const Score s = Evaluate(tickets, inner_end, learn_end, directory, options, nullptr, nullptr);
      char entry[128];
      std::snprintf(entry, sizeof entry,
                    "%s{\"smoothing\": %g, \"workload_weight\": %g, "
                    "\"top2\": %.4f}",
                    grid.empty() ? "" : ", ", smoothing, workload_weight, s.Top2());
      grid += entry;
      if (s.Top2() > best_top2 + 1e-12) {
        best_top2 = s.Top2();
        best = options;
      }
    }
  }

  size_t learned = 0;
  std::vector<double> micros;
  const RoutingOptions defaults;
  const Score ours =
      Evaluate(tickets, learn_end, tickets.size(), directory, defaults, &learned, &micros);
  const Score tuned =
      Evaluate(tickets, learn_end, tickets.size(), directory, best, nullptr, nullptr);
  const Score baseline = EvaluateBaseline(tickets, learn_end, directory);
  std::sort(micros.begin(), micros.end());
  const double p50 = micros.empty() ? 0 : micros[micros.size() / 2];

  std::printf(
      "{\"assignee_top2\": %.4f, \"assignee_top1\": %.4f, \"held_back\": %d, "
      "\"baseline_top2\": %.4f, \"baseline_top1\": %.4f, \"ratio\": %.3f, "
      "\"weights\": \"a-priori RoutingOptions defaults (smoothing %g, workload_weight %g, "
      "history_weight %g, skill_weight %g; no configured skills)\", "
      "\"cv_selected\": {\"smoothing\": %g, \"workload_weight\": %g, \"validation_top2\": %.4f, "
      "\"assignee_top2\": %.4f, \"assignee_top1\": %.4f, \"grid\": [%s]}, "
      "\"query_fields\": \"labelled group (with the generator's label noise) and labelled "
      "category, not predicted\", "
      "\"workload\": \"simulated: tickets created before and resolved after the query time, "
      "per resolver\", "
      "\"baseline\": \"the two members of the queried group who resolved most tickets of that "
      "group in the learning period\", "
      "\"tickets\": %d, \"seed\": %llu, \"learning_tickets\": %zu, \"learned_resolved\": %zu, "
      "\"suggest_us_p50\": %.2f}\n",
      ours.Top2(), ours.Top1(), ours.queries, baseline.Top2(), baseline.Top1(),
      baseline.Top2() > 0 ? ours.Top2() / baseline.Top2() : 0.0, defaults.smoothing,
      defaults.workload_weight, defaults.history_weight, defaults.skill_weight, best.smoothing,
      best.workload_weight, best_top2, tuned.Top2(), tuned.Top1(), grid.c_str(),
      static_cast<int>(tickets.size()), static_cast<unsigned long long>(synth.seed), learn_end,
      learned, p50);
  return 0;
}

}  // namespace
}  // namespace autotriage

int main(int argc, char** argv) {
  return autotriage::Main(argc, argv);
}
