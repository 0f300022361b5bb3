// CollectDigest (digest.h): the digest's figures from the store and the current clusters.
#include <algorithm>
#include <map>
#include <set>

#include "autotriage/digest/digest.h"
#include "autotriage/digest/digest_internal.h"

namespace autotriage {
namespace {

using digest_internal::DayStartMs;
using digest_internal::kDayMs;
using digest_internal::UtcDay;

constexpr int64_t kDaySeconds = 24 * 3600;
constexpr int kMaxProblems = 1000;

DigestCluster ClusterOf(const insights::ClusterSummary& summary) {
  DigestCluster cluster;
  cluster.id = summary.id;
  cluster.name = summary.name;
  cluster.size = summary.size;
  cluster.last_24h = summary.last_24h;
  cluster.previous_24h = summary.previous_24h;
  cluster.trend_ratio = summary.trend_ratio;
  cluster.first_seen = summary.first_seen;
  cluster.last_seen = summary.last_seen;
  cluster.representative_text = summary.representative_text;
  return cluster;
}

// Searches the KB once per cluster and remembers the answer.
class KbLookup {
 public:
  explicit KbLookup(const KbSearchFunction& search) : search_(search) {}

  void Fill(DigestCluster* cluster) {
    if (!search_) {
      return;
    }
    auto it = cache_.find(cluster->id);
    if (it == cache_.end()) {
      std::vector<KbHit> hits = search_(
          cluster->representative_text.empty() ? cluster->name : cluster->representative_text);
      it = cache_.emplace(cluster->id, hits.empty() ? KbHit{} : hits.front()).first;
    }
    cluster->kb_checked = true;
    cluster->kb_article_id = it->second.id;
    cluster->kb_article_title = it->second.title;
    cluster->kb_article_url = it->second.url;
  }

 private:
  const KbSearchFunction& search_;
  std::map<int64_t, KbHit> cache_;  // id "" = no article
};

Status CollectVolumes(Store& store, int64_t now_ms, const DigestOptions& options,
                      DigestData* data) {
  const int days = std::max(1, options.volume_days);
  const int64_t first_day_ms = DayStartMs(now_ms) - int64_t{days - 1} * kDayMs;
  const int64_t now_s = now_ms / 1000;
  const int64_t since_s = std::min(first_day_ms / 1000, now_s - 2 * kDaySeconds);
  Result<std::vector<ClusterMemberRecord>> members = store.ListClusterMembers(since_s);
  if (!members.ok()) {
    return members.status().WithContext("digest: reading the clustered tickets");
  }
  std::vector<int64_t> counts(static_cast<size_t>(days), 0);
  for (const ClusterMemberRecord& member : *members) {
    const int64_t at = member.created_at;
    if (at > now_s) {
      continue;  // a clock ahead of ours: not in any period yet
    }
    if (at * 1000 >= first_day_ms) {
      counts[static_cast<size_t>((at * 1000 - first_day_ms) / kDayMs)] += 1;
    }
    if (at > now_s - kDaySeconds) {
      ++data->last_24h;
    } else if (at > now_s - 2 * kDaySeconds) {
      ++data->previous_24h;
    }
  }
  for (int i = 0; i < days; ++i) {
    data->volumes.push_back({UtcDay(first_day_ms + int64_t{i} * kDayMs), counts[i]});
  }
  return Status::Ok();
}

void CollectClusters(const std::vector<insights::ClusterSummary>& summaries,
                     const KbSearchFunction& kb_search, const DigestOptions& options,
                     DigestData* data) {
  std::vector<DigestCluster> listed;
  for (const insights::ClusterSummary& summary : summaries) {
    if (summary.size >= options.min_cluster_size) {
      listed.push_back(ClusterOf(summary));
    }
  }
  data->clusters = static_cast<int64_t>(listed.size());
  std::sort(listed.begin(), listed.end(), [](const DigestCluster& a, const DigestCluster& b) {
    return a.size != b.size ? a.size > b.size : a.id < b.id;
  });
  KbLookup kb(kb_search);
  data->kb_loaded = static_cast<bool>(kb_search);
  const size_t top = static_cast<size_t>(std::max(0, options.top_clusters));
  for (size_t i = 0; i < listed.size() && i < top; ++i) {
    data->top_by_size.push_back(listed[i]);
    kb.Fill(&data->top_by_size.back());
  }
  std::vector<DigestCluster> growing;
  for (const DigestCluster& cluster : listed) {
    if (cluster.trend_ratio > 1.0 && cluster.last_24h > 0) {
      growing.push_back(cluster);
    }
  }
  std::sort(growing.begin(), growing.end(), [](const DigestCluster& a, const DigestCluster& b) {
    if (a.trend_ratio != b.trend_ratio) {
      return a.trend_ratio > b.trend_ratio;
    }
    return a.last_24h != b.last_24h ? a.last_24h > b.last_24h : a.id < b.id;
  });
  for (size_t i = 0; i < growing.size() && i < top; ++i) {
    data->top_by_trend.push_back(growing[i]);
    kb.Fill(&data->top_by_trend.back());
  }
  if (!kb_search) {
    return;
  }
  const size_t candidates = static_cast<size_t>(std::max(0, options.kb_gap_candidates));
  for (size_t i = 0; i < listed.size() && i < candidates; ++i) {
    DigestCluster cluster = listed[i];
    kb.Fill(&cluster);
    if (cluster.kb_article_id.empty() &&
        data->kb_gaps.size() < static_cast<size_t>(std::max(0, options.max_kb_gaps))) {
      data->kb_gaps.push_back(std::move(cluster));
    }
  }
}

Status CollectProblems(Store& store, DigestData* data) {
  ProblemProposalFilter filter;
  filter.since_ms = data->period_start_ms;
  filter.limit = kMaxProblems;
  Result<std::vector<ProblemProposalRecord>> proposals = store.ListProblemProposals(filter);
  if (!proposals.ok()) {
    return proposals.status().WithContext("digest: reading the proposed Problems");
  }
  for (const ProblemProposalRecord& p : *proposals) {
    if (p.created_ms > data->period_end_ms) {
      continue;
    }
    DigestProblem problem;
    problem.id = p.id;
    problem.cluster_id = p.cluster_id;
    problem.cluster_name = p.cluster_name;
    problem.subject = p.subject;
    problem.state = p.state;
    problem.decided_by = p.decided_by;
    problem.problem_id = p.problem_id;
    problem.observed = p.observed;
    problem.expected = p.expected;
    problem.window_start_ms = p.window_start_ms;
    problem.window_end_ms = p.window_end_ms;
    problem.created_ms = p.created_ms;
    data->problems.push_back(std::move(problem));
  }
  return Status::Ok();
}

Status CollectKpis(Store& store, int64_t now_ms, const DigestOptions& options, DigestData* data) {
  const int days = std::max(1, options.kpi_days);
  const int64_t from_ms = DayStartMs(now_ms) - int64_t{days - 1} * kDayMs;
  const int64_t previous_from_ms = from_ms - int64_t{days} * kDayMs;
  data->kpi_from_day = UtcDay(from_ms);
  data->kpi_previous_from_day = UtcDay(previous_from_ms);
  const std::string today = UtcDay(now_ms);
  Result<std::vector<OutcomeCountRow>> outcomes = store.CountOutcomes(previous_from_ms);
  if (!outcomes.ok()) {
    return outcomes.status().WithContext("digest: counting outcomes");
  }
  std::map<std::string, DigestFieldAcceptance> fields;
  for (const OutcomeCountRow& row : *outcomes) {
    if (row.day > today) {
      continue;
    }
    DigestFieldAcceptance& f = fields[row.field];
    f.field = row.field;
    const bool current = row.day >= data->kpi_from_day;
    const bool judged = row.kind == outcome_kind::kAccepted ||
                        row.kind == outcome_kind::kReplaced || row.kind == outcome_kind::kReverted;
    const bool accepted = row.kind == outcome_kind::kAccepted;
    if (current) {
      f.accepted += accepted ? row.count : 0;
      f.judged += judged ? row.count : 0;
      f.skipped += row.kind == outcome_kind::kSkipped ? row.count : 0;
    } else {
      f.previous_accepted += accepted ? row.count : 0;
      f.previous_judged += judged ? row.count : 0;
    }
  }
  for (auto& [name, f] : fields) {
    f.acceptance = f.judged == 0 ? -1 : static_cast<double>(f.accepted) / f.judged;
    f.previous_acceptance =
        f.previous_judged == 0 ? -1 : static_cast<double>(f.previous_accepted) / f.previous_judged;
    data->acceptance.push_back(f);
  }
  Result<std::vector<DecisionCountRow>> decisions = store.CountDecisions(previous_from_ms);
  if (!decisions.ok()) {
    return decisions.status().WithContext("digest: counting decisions");
  }
  std::map<std::string, DigestOutcomeCount> by_outcome;
  for (const DecisionCountRow& row : *decisions) {
    if (row.day > today) {
      continue;
    }
    DigestOutcomeCount& count = by_outcome[row.outcome];
    count.outcome = row.outcome;
    (row.day >= data->kpi_from_day ? count.count : count.previous) += row.count;
  }
  for (auto& [name, count] : by_outcome) {
    data->decisions.push_back(count);
  }
  return Status::Ok();
}

}  // namespace

Result<DigestData> CollectDigest(Store& store,
                                 const std::vector<insights::ClusterSummary>& clusters,
                                 const KbSearchFunction& kb_search, int64_t now_ms,
                                 const DigestOptions& options) {
  if (now_ms <= 0) {
    return InvalidArgument("digest: now_ms must be a positive Unix time in milliseconds");
  }
  DigestData data;
  data.generated_ms = now_ms;
  data.day = UtcDay(now_ms);
  data.period_end_ms = now_ms;
  data.period_start_ms = now_ms - kDayMs;
  data.min_cluster_size = options.min_cluster_size;
  if (Status s = CollectVolumes(store, now_ms, options, &data); !s.ok()) {
    return s;
  }
  CollectClusters(clusters, kb_search, options, &data);
  if (Status s = CollectProblems(store, &data); !s.ok()) {
    return s;
  }
  if (Status s = CollectKpis(store, now_ms, options, &data); !s.ok()) {
    return s;
  }
  return data;
}

}  // namespace autotriage
