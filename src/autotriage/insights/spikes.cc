#include "autotriage/insights/spikes.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "autotriage/insights/seasonality.h"

namespace autotriage::insights {
namespace {

constexpr int64_t kHour = 3600;

struct Event {
  int64_t created_at;
  std::string ticket_id;
  bool checked = false;  // already tested as the newest of a near-duplicate group
};

bool Earlier(const Event& a, const Event& b) {
  return a.created_at != b.created_at ? a.created_at < b.created_at : a.ticket_id < b.ticket_id;
}

struct ClusterHistory {
  int64_t first_seen = std::numeric_limits<int64_t>::max();
  std::map<int64_t, int64_t> hourly;  // hour index -> tickets
  std::vector<Event> recent;          // tickets inside the longest window, sorted by time
  bool spiking = false;
  // Last Detect at which a near-duplicate group of this cluster passed the test; a cluster
  // stays spiking while that is inside the window, so one burst gives one spike.
  int64_t near_duplicate_active = 0;  // 0: never (times are positive)
};

// One tested count: the best window of the cluster test, or a near-duplicate group.
struct Candidate {
  int64_t window_seconds = 0;
  int64_t observed = 0;
  double expected = 0.0;
  double p_value = 1.0;  // after the multiple-testing factor
  std::vector<std::string> members;
};

}  // namespace

struct SpikeDetector::Impl {
  SpikeOptions options;
  std::map<ClusterId, ClusterHistory> clusters;
  Seasonality seasonality;  // all clusters pooled
  int64_t first_time = std::numeric_limits<int64_t>::max();
  int64_t kept_from = 0;  // records before this are refused

  explicit Impl(SpikeOptions o) : options(std::move(o)) {}

  void CombineMerged(const Clusterer& clusterer) {
    std::vector<std::pair<ClusterId, ClusterId>> moves;
    for (const auto& [id, history] : clusters) {
      const std::optional<ClusterId> live = clusterer.Resolve(id);
      if (live && *live != id) {
        moves.emplace_back(id, *live);
      }
    }
    for (const auto& [from, into] : moves) {
      ClusterHistory source = std::move(clusters.at(from));
      clusters.erase(from);
      ClusterHistory& target = clusters[into];
      target.first_seen = std::min(target.first_seen, source.first_seen);
      for (const auto& [hour, count] : source.hourly) {
        target.hourly[hour] += count;
      }
      target.recent.insert(target.recent.end(), std::make_move_iterator(source.recent.begin()),
                           std::make_move_iterator(source.recent.end()));
      std::sort(target.recent.begin(), target.recent.end(), Earlier);
      target.spiking = target.spiking || source.spiking;
      target.near_duplicate_active =
          std::max(target.near_duplicate_active, source.near_duplicate_active);
    }
  }

  void Prune(int64_t now) {
    kept_from = std::max(kept_from, now - options.history_seconds);
    const int64_t oldest_hour = HourIndex(kept_from);
    seasonality.DropBefore(oldest_hour);
    for (auto it = clusters.begin(); it != clusters.end();) {
      ClusterHistory& history = it->second;
      history.hourly.erase(history.hourly.begin(), history.hourly.lower_bound(oldest_hour));
      const int64_t window_start = now - options.window_seconds;
      auto keep = std::find_if(history.recent.begin(), history.recent.end(),
                               [&](const Event& e) { return e.created_at > window_start; });
      history.recent.erase(history.recent.begin(), keep);
      if (history.hourly.empty() && history.recent.empty()) {
        it = clusters.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Start of the baseline: the whole hours before the longest window.
  int64_t HistoryEnd(int64_t now) const { return HourIndex(now - options.window_seconds) * kHour; }

  // Tickets per seasonal hour from `count` tickets seen in [since, HistoryEnd(now)).
  double Rate(double count, int64_t since, int64_t now) const {
    const int64_t history_end = HistoryEnd(now);
    double exposure = since < history_end ? seasonality.Exposure(since, history_end) : 0.0;
    exposure = std::max(exposure, static_cast<double>(options.young_cluster_seconds) / kHour);
    return count / exposure;
  }

  double ClusterRate(const ClusterHistory& history, int64_t now) const {
    const int64_t history_end_hour = HourIndex(HistoryEnd(now));
    int64_t count = 0;
    for (auto it = history.hourly.begin();
         it != history.hourly.end() && it->first < history_end_hour; ++it) {
      count += it->second;
    }
    const int64_t since = std::max({kept_from, first_time, history.first_seen});
    return std::max(Rate(static_cast<double>(count), since, now), options.floor_rate_per_hour);
  }

  std::vector<int64_t> Windows() const {
    std::vector<int64_t> windows = {options.window_seconds};
    for (const int64_t w : options.extra_windows_seconds) {
      if (w > 0 && w < options.window_seconds) {
        windows.push_back(w);
      }
    }
    return windows;
  }

  // The cluster test: the window with the smallest corrected p-value among those holding at
  // least min_count tickets (the longest window when none does, for the calm test).
  Candidate ClusterTest(const ClusterHistory& history, int64_t now) const {
    const double rate = ClusterRate(history, now);
    const std::vector<int64_t> windows = Windows();
    Candidate best;
    for (const int64_t window : windows) {
      const int64_t start = now - window;
      int64_t observed = 0;
      for (const Event& event : history.recent) {
        observed += event.created_at > start && event.created_at <= now ? 1 : 0;
      }
      const bool longest = window == options.window_seconds;
      if (!longest && observed < options.min_count) {
        continue;
      }
      const double expected = rate * seasonality.Exposure(start, now);
      const double p =
          std::min(1.0, PoissonUpperTail(observed, expected) * static_cast<double>(windows.size()));
      if (longest || p < best.p_value) {
        best = {window, observed, expected, p, {}};
      }
    }
    return best;
  }

  // The near-duplicate test for the cluster's unchecked tickets: the group with the smallest
  // p-value, or nothing.
  std::optional<Candidate> NearDuplicateTest(ClusterHistory& history, int64_t now,
                                             const Clusterer& clusterer) const {
    const int64_t window_start = now - options.window_seconds;
    const int64_t history_end = HistoryEnd(now);
    const int64_t since = std::max(kept_from, first_time);
    int64_t in_window = 0;
    for (const Event& event : history.recent) {
      in_window += event.created_at <= now ? 1 : 0;
    }
    std::optional<Candidate> best;
    for (Event& event : history.recent) {
      if (event.checked || event.created_at > now) {
        continue;
      }
      event.checked = true;
      if (options.near_duplicate_min_count <= 0 || in_window < options.near_duplicate_min_count) {
        continue;
      }
      Result<std::vector<NearDuplicate>> twins =
          clusterer.NearDuplicates(event.ticket_id, options.near_duplicate_cosine);
      if (!twins.ok()) {
        continue;  // expired from the clusterer meanwhile
      }
      Candidate group;
      group.window_seconds = options.window_seconds;
      int64_t before = 0;
      for (const NearDuplicate& twin : *twins) {
        if (twin.created_at > window_start && twin.created_at <= now) {
          group.members.push_back(twin.ticket_id);
        } else if (twin.created_at >= since && twin.created_at < history_end) {
          ++before;
        }
      }
      group.members.push_back(event.ticket_id);
      group.observed = static_cast<int64_t>(group.members.size());
      if (group.observed < options.near_duplicate_min_count) {
        continue;
      }
      const double rate =
          Rate(static_cast<double>(before) + options.near_duplicate_prior, since, now);
      group.expected = rate * seasonality.Exposure(window_start, now);
      group.p_value = PoissonUpperTail(group.observed, group.expected);
      if (!best || group.p_value < best->p_value) {
        best = std::move(group);
      }
    }
    return best;
  }
};

SpikeDetector::SpikeDetector(SpikeOptions options) : impl_(std::make_unique<Impl>(options)) {}
SpikeDetector::~SpikeDetector() = default;
SpikeDetector::SpikeDetector(SpikeDetector&&) noexcept = default;
SpikeDetector& SpikeDetector::operator=(SpikeDetector&&) noexcept = default;

Status SpikeDetector::Record(ClusterId cluster, std::string_view ticket_id, int64_t created_at) {
  if (cluster <= 0) {
    return InvalidArgument("spike detector: cluster id must be positive, got " +
                           std::to_string(cluster));
  }
  if (ticket_id.empty()) {
    return InvalidArgument("spike detector: empty ticket id");
  }
  if (created_at <= 0) {
    return InvalidArgument("spike detector: ticket '" + std::string(ticket_id) +
                           "': created_at must be a positive Unix time, got " +
                           std::to_string(created_at));
  }
  if (created_at < impl_->kept_from) {
    return InvalidArgument("spike detector: ticket '" + std::string(ticket_id) + "' at " +
                           std::to_string(created_at) + " is older than the kept history (from " +
                           std::to_string(impl_->kept_from) + ")");
  }
  ClusterHistory& history = impl_->clusters[cluster];
  history.first_seen = std::min(history.first_seen, created_at);
  ++history.hourly[HourIndex(created_at)];
  impl_->seasonality.Count(created_at);
  impl_->first_time = std::min(impl_->first_time, created_at);
  Event event{created_at, std::string(ticket_id)};
  auto at = std::upper_bound(history.recent.begin(), history.recent.end(), event, Earlier);
  history.recent.insert(at, std::move(event));
  return Status::Ok();
}

std::vector<Spike> SpikeDetector::Detect(int64_t now, const Clusterer* clusters) {
  Impl& impl = *impl_;
  const SpikeOptions& options = impl.options;
  if (clusters != nullptr) {
    impl.CombineMerged(*clusters);
  }
  impl.Prune(now);
  std::vector<Spike> spikes;
  if (impl.first_time == std::numeric_limits<int64_t>::max()) {
    return spikes;
  }
  impl.seasonality.Fit(std::max(HourIndex(impl.first_time), HourIndex(impl.kept_from)),
                       HourIndex(now - options.window_seconds), options.daily_min_history_seconds,
                       options.weekly_min_history_seconds);
  const bool warm = now - impl.first_time >= options.warmup_seconds;
  const int64_t cheap_exit =
      std::min(options.min_count, options.near_duplicate_min_count > 0 && clusters != nullptr
                                      ? options.near_duplicate_min_count
                                      : options.min_count);
  for (auto& [id, history] : impl.clusters) {
    int64_t in_window = 0;
    for (const Event& event : history.recent) {
      in_window += event.created_at <= now ? 1 : 0;
    }
    if (!history.spiking && in_window < cheap_exit) {
      continue;  // cheap exit for nearly every cluster
    }
    const Candidate cluster_test = impl.ClusterTest(history, now);
    std::optional<Candidate> twins;
    if (clusters != nullptr) {
      twins = impl.NearDuplicateTest(history, now, *clusters);
    }
    const bool twins_fire = twins && twins->p_value <= options.significance;
    if (twins_fire) {
      history.near_duplicate_active = now;
    }
    if (history.spiking) {
      history.spiking = cluster_test.p_value <= options.calm_significance ||
                        now - history.near_duplicate_active < options.window_seconds;
      continue;
    }
    const bool cluster_fires =
        cluster_test.observed >= options.min_count && cluster_test.p_value <= options.significance;
    if (!warm || (!cluster_fires && !twins_fire)) {
      continue;
    }
    history.spiking = true;
    Spike spike;
    const Candidate& chosen = cluster_fires ? cluster_test : *twins;
    spike.cluster_id = id;
    spike.window_start = now - chosen.window_seconds;
    spike.window_end = now;
    spike.observed = chosen.observed;
    spike.expected = chosen.expected;
    spike.p_value = chosen.p_value;
    spike.score = chosen.p_value > 0.0 ? -std::log10(chosen.p_value) : 300.0;
    spike.windows_tested = cluster_fires ? static_cast<int64_t>(impl.Windows().size()) : 1;
    spike.near_duplicates = !cluster_fires;
    for (const Event& event : history.recent) {
      const bool member = cluster_fires ? event.created_at > spike.window_start
                                        : std::find(chosen.members.begin(), chosen.members.end(),
                                                    event.ticket_id) != chosen.members.end();
      if (member && event.created_at <= now &&
          spike.member_ticket_ids.size() < options.max_member_ids) {
        spike.member_ticket_ids.push_back(event.ticket_id);
      }
    }
    if (clusters != nullptr) {
      Result<ClusterSummary> summary = clusters->Summary(id, now);
      if (summary.ok()) {
        spike.cluster_name = summary->name;
        spike.representative_text = summary->representative_text;
        spike.top_terms = summary->top_terms;
      }
    }
    spikes.push_back(std::move(spike));
  }
  return spikes;
}

std::vector<ClusterId> SpikeDetector::Spiking() const {
  std::vector<ClusterId> out;
  for (const auto& [id, history] : impl_->clusters) {
    if (history.spiking) {
      out.push_back(id);
    }
  }
  return out;
}

}  // namespace autotriage::insights
