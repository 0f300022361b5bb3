// Centroids, the inverted index over their strongest terms, nearest-cluster search, merging
// and cluster summaries (see clusterer_impl.h).
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "autotriage/insights/clusterer_impl.h"

namespace autotriage::insights {
namespace {

constexpr double kDropBelow = 1e-7;     // centroid weights this small are rounding left-overs
constexpr double kReindexGrowth = 1.3;  // re-pick indexed terms after 30% growth ...
constexpr double kReindexShrink = 0.7;  // ... or 30% shrinkage
constexpr size_t kAlwaysReindexUpTo = 4;
constexpr size_t kTopTermsShown = 8;
constexpr int kMaxMergeRounds = 8;
constexpr size_t kNameWordsMin = 3;
constexpr size_t kNameWordsMax = 4;
constexpr double kFourthWordShare = 0.5;  // a 4th name word needs half the top term's weight

using Scores = std::vector<std::pair<ClusterId, double>>;

// The `n` best-scoring touched clusters, highest first (ties: lower id); resets the scratch.
Scores Best(std::vector<double>& scores, std::vector<ClusterId>& touched, size_t n) {
  Scores best;
  best.reserve(touched.size());
  for (const ClusterId id : touched) {
    best.emplace_back(id, scores[static_cast<size_t>(id)]);
    scores[static_cast<size_t>(id)] = 0.0;
  }
  touched.clear();
  auto better = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (best.size() > n) {
    std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(n), best.end(),
                      better);
    best.resize(n);
  } else {
    std::sort(best.begin(), best.end(), better);
  }
  return best;
}

}  // namespace

std::vector<std::pair<TermId, double>> Clusterer::Impl::TopTerms(const ClusterRecord& cluster,
                                                                 size_t n) const {
  std::vector<std::pair<TermId, double>> top(cluster.sum.begin(), cluster.sum.end());
  auto stronger = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (top.size() > n) {
    std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(n), top.end(),
                      stronger);
    top.resize(n);
  } else {
    std::sort(top.begin(), top.end(), stronger);
  }
  return top;
}

ClusterId Clusterer::Impl::NearestCluster(const SparseVector& vector) const {
  // Candidates: clusters whose indexed terms meet the ticket's strongest terms.
  SparseVector query = vector;
  if (query.size() > options.query_terms) {
    std::partial_sort(query.begin(),
                      query.begin() + static_cast<std::ptrdiff_t>(options.query_terms), query.end(),
                      [](const auto& a, const auto& b) {
                        return a.second != b.second ? a.second > b.second : a.first < b.first;
                      });
    query.resize(options.query_terms);
  }
  scratch_scores.resize(static_cast<size_t>(next_id), 0.0);
  for (const auto& [term, weight] : query) {
    auto postings = index.find(term);
    if (postings == index.end()) {
      continue;
    }
    for (const Posting& posting : postings->second) {
      double& score = scratch_scores[static_cast<size_t>(posting.cluster)];
      if (score == 0.0) {
        scratch_touched.push_back(posting.cluster);
      }
      score += weight * posting.weight;
    }
  }
  // Exact cosine against the full centroid for the best few.
  ClusterId best = 0;
  double best_cosine = options.assign_threshold;
  for (const auto& [id, unused] : Best(scratch_scores, scratch_touched, options.candidates)) {
    const ClusterRecord& cluster = clusters.at(id);
    if (cluster.norm2 <= 0.0) {
      continue;
    }
    double dot = 0.0;
    for (const auto& [term, weight] : vector) {
      auto it = cluster.sum.find(term);
      if (it != cluster.sum.end()) {
        dot += weight * it->second;
      }
    }
    const double cosine = dot / std::sqrt(cluster.norm2);
    if (cosine >= best_cosine && (best == 0 || cosine > best_cosine || id < best)) {
      best = id;
      best_cosine = cosine;
    }
  }
  return best;
}

void Clusterer::Impl::AddToCluster(ClusterRecord& cluster, uint32_t slot) {
  TicketRecord& ticket = tickets[slot];
  for (const auto& [term, weight] : ticket.vector) {
    double& value = cluster.sum[term];
    cluster.norm2 += 2.0 * value * weight + static_cast<double>(weight) * weight;
    value += weight;
  }
  ticket.cluster = cluster.id;
  ticket.position = cluster.members.size();
  cluster.members.push_back(slot);
  cluster.dirty = true;
  const size_t size = cluster.members.size();
  if (size <= kAlwaysReindexUpTo ||
      static_cast<double>(size) >=
          kReindexGrowth * static_cast<double>(cluster.size_when_indexed)) {
    Reindex(cluster);
  }
}

void Clusterer::Impl::RemoveFromCluster(ClusterRecord& cluster, uint32_t slot) {
  const TicketRecord& ticket = tickets[slot];
  for (const auto& [term, weight] : ticket.vector) {
    auto it = cluster.sum.find(term);
    if (it == cluster.sum.end()) {
      continue;
    }
    cluster.norm2 += static_cast<double>(weight) * weight - 2.0 * it->second * weight;
    it->second -= weight;
    if (it->second < kDropBelow) {
      cluster.sum.erase(it);
    }
  }
  const size_t position = ticket.position;
  const uint32_t last = cluster.members.back();
  cluster.members[position] = last;
  tickets[last].position = position;
  cluster.members.pop_back();
  cluster.dirty = true;
  const size_t size = cluster.members.size();
  if (size > 0 && static_cast<double>(size) <=
                      kReindexShrink * static_cast<double>(cluster.size_when_indexed)) {
    Reindex(cluster);
  }
}

void Clusterer::Impl::Reindex(ClusterRecord& cluster) {
  Unindex(cluster);
  // Recompute |sum|^2 exactly so incremental updates do not drift.
  double norm2 = 0.0;
  for (const auto& entry : cluster.sum) {
    norm2 += entry.second * entry.second;
  }
  cluster.norm2 = norm2;
  if (norm2 <= 0.0) {
    return;
  }
  const double norm = std::sqrt(norm2);
  for (const auto& [term, weight] : TopTerms(cluster, options.index_terms_per_cluster)) {
    index[term].push_back(Posting{cluster.id, static_cast<float>(weight / norm)});
    cluster.indexed_terms.push_back(term);
  }
  cluster.size_when_indexed = cluster.members.size();
}

void Clusterer::Impl::Unindex(ClusterRecord& cluster) {
  for (const TermId term : cluster.indexed_terms) {
    auto postings = index.find(term);
    if (postings == index.end()) {
      continue;
    }
    auto& list = postings->second;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Posting& p) { return p.cluster == cluster.id; }),
               list.end());
    if (list.empty()) {
      index.erase(postings);
    }
  }
  cluster.indexed_terms.clear();
}

double Clusterer::Impl::Cosine(const ClusterRecord& a, const ClusterRecord& b) const {
  if (a.norm2 <= 0.0 || b.norm2 <= 0.0) {
    return 0.0;
  }
  const ClusterRecord& small = a.sum.size() <= b.sum.size() ? a : b;
  const ClusterRecord& large = &small == &a ? b : a;
  double dot = 0.0;
  for (const auto& [term, weight] : small.sum) {
    auto it = large.sum.find(term);
    if (it != large.sum.end()) {
      dot += weight * it->second;
    }
  }
  return dot / std::sqrt(a.norm2 * b.norm2);
}

void Clusterer::Impl::MergeInto(ClusterRecord& from, ClusterRecord& into) {
  const std::vector<uint32_t> moving = from.members;
  for (const uint32_t slot : moving) {
    AddToCluster(into, slot);
  }
  Unindex(from);
  merged_into[from.id] = into.id;
  clusters.erase(from.id);
}

int64_t Clusterer::Impl::MergePass() {
  adds_since_merge = 0;
  // A merged cluster is dirty again and may now be close to a third one: repeat until quiet.
  int64_t merges = 0;
  for (int round = 0; round < kMaxMergeRounds; ++round) {
    const int64_t merged = MergeRound();
    merges += merged;
    if (merged == 0) {
      break;
    }
  }
  return merges;
}

int64_t Clusterer::Impl::MergeRound() {
  std::vector<ClusterId> changed;
  for (auto& [id, cluster] : clusters) {
    if (cluster.dirty) {
      changed.push_back(id);
    }
  }
  int64_t merges = 0;
  for (const ClusterId id : changed) {
    auto self = clusters.find(id);
    if (self == clusters.end() || self->second.norm2 <= 0.0) {
      continue;  // merged away earlier in this pass
    }
    ClusterRecord& cluster = self->second;
    cluster.dirty = false;
    const double norm = std::sqrt(cluster.norm2);
    scratch_scores.resize(static_cast<size_t>(next_id), 0.0);
    for (const TermId term : cluster.indexed_terms) {
      // An indexed term may have left the centroid since (expired members); skip it.
      auto in_sum = cluster.sum.find(term);
      auto postings = index.find(term);
      if (in_sum == cluster.sum.end() || postings == index.end()) {
        continue;
      }
      const double weight = in_sum->second / norm;
      for (const Posting& posting : postings->second) {
        if (posting.cluster == id) {
          continue;
        }
        double& score = scratch_scores[static_cast<size_t>(posting.cluster)];
        if (score == 0.0) {
          scratch_touched.push_back(posting.cluster);
        }
        score += weight * posting.weight;
      }
    }
    ClusterId best = 0;
    double best_cosine = options.merge_threshold;
    for (const auto& [other, unused] : Best(scratch_scores, scratch_touched, options.candidates)) {
      const double cosine = Cosine(cluster, clusters.at(other));
      if (cosine >= best_cosine && (best == 0 || cosine > best_cosine)) {
        best = other;
        best_cosine = cosine;
      }
    }
    if (best == 0) {
      continue;
    }
    ClusterRecord& other = clusters.at(best);
    // The bigger cluster keeps its id; on a tie the older (lower) id.
    const bool keep_self = cluster.members.size() > other.members.size() ||
                           (cluster.members.size() == other.members.size() && id < best);
    if (keep_self) {
      MergeInto(other, cluster);
    } else {
      MergeInto(cluster, other);
    }
    ++merges;
  }
  return merges;
}

const std::string& Clusterer::Impl::Surface(TermId term) const {
  const TermInfo& info = terms[static_cast<size_t>(term)];
  if (info.surfaces.empty()) {
    return info.stem;
  }
  auto best = std::max_element(
      info.surfaces.begin(), info.surfaces.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second < b.second : a.first > b.first;
      });
  return best->first;
}

ClusterSummary Clusterer::Impl::Summarize(const ClusterRecord& cluster, int64_t now) const {
  ClusterSummary summary;
  summary.id = cluster.id;
  summary.size = static_cast<int64_t>(cluster.members.size());
  const auto top = TopTerms(cluster, kTopTermsShown);
  for (size_t i = 0; i < top.size(); ++i) {
    const std::string& word = Surface(top[i].first);
    summary.top_terms.push_back(word);
    const bool room = i < kNameWordsMin ||
                      (i < kNameWordsMax && top[i].second >= kFourthWordShare * top[0].second);
    if (room) {
      summary.name += (summary.name.empty() ? "" : " ") + word;
    }
  }
  std::vector<const TicketRecord*> members;
  members.reserve(cluster.members.size());
  double best_dot = -1.0;
  const TicketRecord* representative = nullptr;
  for (const uint32_t slot : cluster.members) {
    const TicketRecord& ticket = tickets[slot];
    members.push_back(&ticket);
    double dot = 0.0;
    for (const auto& [term, weight] : ticket.vector) {
      auto it = cluster.sum.find(term);
      dot += it != cluster.sum.end() ? weight * it->second : 0.0;
    }
    if (representative == nullptr || dot > best_dot ||
        (dot == best_dot && ticket.id < representative->id)) {
      best_dot = dot;
      representative = &ticket;
    }
    if (ticket.created_at > now - 86400 && ticket.created_at <= now) {
      ++summary.last_24h;
    } else if (ticket.created_at > now - 2 * 86400 && ticket.created_at <= now - 86400) {
      ++summary.previous_24h;
    }
  }
  std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
    return a->created_at != b->created_at ? a->created_at > b->created_at : a->id < b->id;
  });
  if (!members.empty()) {
    summary.last_seen = members.front()->created_at;
    summary.first_seen = members.back()->created_at;
  }
  for (size_t i = 0; i < members.size() && i < options.max_member_ids; ++i) {
    summary.member_ids.push_back(members[i]->id);
  }
  if (representative != nullptr) {
    summary.representative_ticket_id = representative->id;
    summary.representative_text = representative->text;
  }
  summary.trend_ratio =
      static_cast<double>(summary.last_24h + 1) / static_cast<double>(summary.previous_24h + 1);
  return summary;
}

}  // namespace autotriage::insights
