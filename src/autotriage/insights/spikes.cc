#include "autotriage/insights/spikes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace autotriage::insights {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr double kSeriesEpsilon = 1e-17;
constexpr double kMinFactor = 0.1;

int64_t HourIndex(int64_t t) {
  return t >= 0 ? t / kHour : (t - kHour + 1) / kHour;
}
// Hours and days in UTC; the profile only has to repeat, not match a local clock.
int HourOfDay(int64_t hour_index) {
  return static_cast<int>(((hour_index % 24) + 24) % 24);
}
int Weekday(int64_t hour_index) {
  return static_cast<int>((((hour_index * kHour / kDay) + 3) % 7 + 7) % 7);  // 0 = Monday
}

struct Event {
  int64_t created_at;
  std::string ticket_id;
};

struct ClusterHistory {
  int64_t first_seen = std::numeric_limits<int64_t>::max();
  std::map<int64_t, int64_t> hourly;  // hour index -> tickets
  std::vector<Event> recent;          // tickets inside the window, sorted by time
  bool spiking = false;
};

}  // namespace

double PoissonUpperTail(int64_t k, double lambda) {
  if (k <= 0) {
    return 1.0;
  }
  if (lambda <= 0.0) {
    return 0.0;
  }
  const double kd = static_cast<double>(k);
  if (lambda < kd) {
    // Sum the tail from k upwards: terms fall at least geometrically.
    double term = std::exp(-lambda + kd * std::log(lambda) - std::lgamma(kd + 1.0));
    double sum = 0.0;
    for (int64_t i = k; term > kSeriesEpsilon * sum && i < k + 10000; ++i) {
      sum += term;
      term *= lambda / static_cast<double>(i + 1);
    }
    return std::min(sum, 1.0);
  }
  // Tail is large: one minus the head.
  double term = std::exp(-lambda);
  double head = 0.0;
  for (int64_t i = 0; i < k; ++i) {
    head += term;
    term *= lambda / static_cast<double>(i + 1);
  }
  return std::clamp(1.0 - head, 0.0, 1.0);
}

struct SpikeDetector::Impl {
  SpikeOptions options;
  std::map<ClusterId, ClusterHistory> clusters;
  std::map<int64_t, int64_t> total_hourly;  // all clusters pooled
  int64_t first_time = std::numeric_limits<int64_t>::max();
  int64_t kept_from = 0;  // records before this are refused
  std::array<double, 24> hour_factor{};
  std::array<double, 7> weekday_factor{};

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
      std::sort(target.recent.begin(), target.recent.end(), [](const Event& a, const Event& b) {
        return a.created_at != b.created_at ? a.created_at < b.created_at
                                            : a.ticket_id < b.ticket_id;
      });
      target.spiking = target.spiking || source.spiking;
    }
  }

  void Prune(int64_t now) {
    kept_from = std::max(kept_from, now - options.history_seconds);
    const int64_t oldest_hour = HourIndex(kept_from);
    total_hourly.erase(total_hourly.begin(), total_hourly.lower_bound(oldest_hour));
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

  // Hour-of-day and weekday factors from the pooled hourly counts before `end_hour`.
  void FitSeasonality(int64_t end_hour) {
    hour_factor.fill(1.0);
    weekday_factor.fill(1.0);
    const int64_t start_hour = std::max(HourIndex(first_time), HourIndex(kept_from));
    const int64_t hours = end_hour - start_hour;
    if (hours * kHour < options.daily_min_history_seconds) {
      return;
    }
    std::array<double, 24> by_hour{};
    std::array<double, 24> hour_samples{};
    std::array<double, 7> by_day{};
    std::array<double, 7> day_samples{};
    double total = 0.0;
    for (int64_t h = start_hour; h < end_hour; ++h) {
      auto it = total_hourly.find(h);
      const double count = it == total_hourly.end() ? 0.0 : static_cast<double>(it->second);
      by_hour[static_cast<size_t>(HourOfDay(h))] += count;
      hour_samples[static_cast<size_t>(HourOfDay(h))] += 1.0;
      by_day[static_cast<size_t>(Weekday(h))] += count;
      day_samples[static_cast<size_t>(Weekday(h))] += 1.0;
      total += count;
    }
    if (total <= 0.0) {
      return;
    }
    const double mean = total / static_cast<double>(hours);
    for (size_t i = 0; i < 24; ++i) {
      hour_factor[i] = hour_samples[i] > 0 ? by_hour[i] / hour_samples[i] / mean : 1.0;
    }
    if (hours * kHour < options.weekly_min_history_seconds) {
      return;
    }
    for (size_t i = 0; i < 7; ++i) {
      weekday_factor[i] = day_samples[i] > 0 ? by_day[i] / day_samples[i] / mean : 1.0;
    }
  }

  double Factor(int64_t hour_index) const {
    // Floored: an hour that was quiet in the past is uncertain, not impossible.
    return std::max(kMinFactor, hour_factor[static_cast<size_t>(HourOfDay(hour_index))] *
                                    weekday_factor[static_cast<size_t>(Weekday(hour_index))]);
  }

  // Seasonal exposure of (from, to] in hours.
  double Exposure(int64_t from, int64_t to) const {
    double exposure = 0.0;
    for (int64_t h = HourIndex(from); h * kHour < to; ++h) {
      const int64_t lo = std::max(from, h * kHour);
      const int64_t hi = std::min(to, (h + 1) * kHour);
      if (hi > lo) {
        exposure += Factor(h) * static_cast<double>(hi - lo) / kHour;
      }
    }
    return exposure;
  }

  double Expected(const ClusterHistory& history, int64_t now) const {
    const int64_t window_start = now - options.window_seconds;
    const int64_t history_end_hour = HourIndex(window_start);  // whole hours before the window
    const int64_t history_end = history_end_hour * kHour;
    int64_t count = 0;
    for (auto it = history.hourly.begin();
         it != history.hourly.end() && it->first < history_end_hour; ++it) {
      count += it->second;
    }
    const int64_t since = std::max({kept_from, first_time, history.first_seen});
    double exposure = since < history_end ? Exposure(since, history_end) : 0.0;
    exposure = std::max(exposure, static_cast<double>(options.young_cluster_seconds) / kHour);
    const double rate =
        std::max(static_cast<double>(count) / exposure, options.floor_rate_per_hour);
    return rate * Exposure(window_start, now);
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
  ++impl_->total_hourly[HourIndex(created_at)];
  impl_->first_time = std::min(impl_->first_time, created_at);
  Event event{created_at, std::string(ticket_id)};
  auto at = std::upper_bound(history.recent.begin(), history.recent.end(), event,
                             [](const Event& a, const Event& b) {
                               return a.created_at != b.created_at ? a.created_at < b.created_at
                                                                   : a.ticket_id < b.ticket_id;
                             });
  history.recent.insert(at, std::move(event));
  return Status::Ok();
}

std::vector<Spike> SpikeDetector::Detect(int64_t now, const Clusterer* clusters) {
  Impl& impl = *impl_;
  if (clusters != nullptr) {
    impl.CombineMerged(*clusters);
  }
  impl.Prune(now);
  std::vector<Spike> spikes;
  if (impl.first_time == std::numeric_limits<int64_t>::max()) {
    return spikes;
  }
  const int64_t window_start = now - impl.options.window_seconds;
  impl.FitSeasonality(HourIndex(window_start));
  const bool warm = now - impl.first_time >= impl.options.warmup_seconds;
  for (auto& [id, history] : impl.clusters) {
    int64_t observed = 0;
    for (const Event& event : history.recent) {
      observed += event.created_at <= now ? 1 : 0;
    }
    if (!history.spiking && observed < impl.options.min_count) {
      continue;  // cheap exit for nearly every cluster
    }
    const double expected = impl.Expected(history, now);
    const double p = PoissonUpperTail(observed, expected);
    if (history.spiking) {
      history.spiking = p <= impl.options.calm_significance;
      continue;
    }
    if (!warm || observed < impl.options.min_count || p > impl.options.significance) {
      continue;
    }
    history.spiking = true;
    Spike spike;
    spike.cluster_id = id;
    spike.window_start = window_start;
    spike.window_end = now;
    spike.observed = observed;
    spike.expected = expected;
    spike.p_value = p;
    spike.score = p > 0.0 ? -std::log10(p) : 300.0;
    for (const Event& event : history.recent) {
      if (event.created_at <= now && spike.member_ticket_ids.size() < impl.options.max_member_ids) {
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
