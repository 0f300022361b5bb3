// The simulated stream of insights_bench (see insights_bench_data.h): several weeks of normal
// traffic with a daily and weekly profile, clustering and spike detection every simulated minute
// (--tick-minutes), then injected bursts of 20 near-duplicates of one real ticket within an hour.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "autotriage/dataset/dataset.h"
#include "autotriage/insights/clusterer.h"
#include "autotriage/insights/spikes.h"
#include "insights_bench_data.h"

namespace autotriage::insights_bench {
namespace {

using Json = nlohmann::json;
constexpr int64_t kT0 = 1'699'833'600;  // Monday 2023-11-13 00:00 UTC
constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr int64_t kWeek = 7 * kDay;
constexpr int kBurstSize = 20;

// Share of the weekday peak rate at time t: office hours 09-17 full, shoulders 40%, nights 8%;
// Saturdays and Sundays a quarter of that.
double Profile(int64_t t) {
  const int64_t hour = (t / kHour) % 24;
  const int64_t weekday = ((t / kDay) + 3) % 7;  // 0 = Monday
  double share = 0.08;
  if (hour >= 9 && hour < 17) {
    share = 1.0;
  } else if ((hour >= 7 && hour < 9) || (hour >= 17 && hour < 20)) {
    share = 0.4;
  }
  return weekday >= 5 ? share * 0.25 : share;
}

struct Arrival {
  int64_t time;
  size_t text;     // index into the pool, or into the burst texts when injected
  int trial = -1;  // >= 0 for injected tickets
};

// Poisson arrivals by thinning a homogeneous process at the peak rate.
std::vector<Arrival> NormalTraffic(int64_t start, int64_t end, double peak_per_hour,
                                   size_t pool_size, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<size_t> pick(0, pool_size - 1);
  std::vector<Arrival> out;
  double t = static_cast<double>(start);
  const double per_second = peak_per_hour / kHour;
  while (true) {
    t += -std::log(1.0 - unit(rng)) / per_second;
    if (t >= static_cast<double>(end)) {
      break;
    }
    if (unit(rng) < Profile(static_cast<int64_t>(t))) {
      out.push_back({static_cast<int64_t>(t), pick(rng)});
    }
  }
  return out;
}

// A near-duplicate: one word dropped, two neighbours swapped, or a word added.
std::string Edit(const std::string& text, std::mt19937_64& rng) {
  static const std::vector<std::string> kExtra = {"again", "urgent", "still",
                                                  "today", "now",    "help"};
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    words.push_back(w);
  }
  if (words.size() < 3) {
    return text + " " + kExtra[rng() % kExtra.size()];
  }
  for (int edits = 0; edits < 2; ++edits) {
    const size_t at = rng() % (words.size() - 1);
    switch (rng() % 3) {
      case 0:
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      case 1:
        std::swap(words[at], words[at + 1]);
        break;
      default:
        words.insert(words.begin() + static_cast<std::ptrdiff_t>(at),
                     kExtra[rng() % kExtra.size()]);
    }
  }
  std::string out;
  for (const std::string& w : words) {
    out += (out.empty() ? "" : " ") + w;
  }
  return out;
}

size_t WordCount(const std::string& text) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string w; in >> w;) {
    ++n;
  }
  return n;
}

}  // namespace

Json RunStream(const std::vector<LabelledText>& pool, const StreamOptions& options) {
  std::mt19937_64 rng(options.seed);
  const int64_t live_start = kT0 + kWeek;  // the first week is bootstrapped as history
  const int64_t measured_start = kT0 + options.warmup_weeks * kWeek;
  const int64_t measured_end = measured_start + options.measured_weeks * kWeek;
  const int64_t end = measured_end + (options.trials * 2 + 1) * kDay;
  std::vector<Arrival> arrivals = NormalTraffic(kT0, end, options.peak_per_hour, pool.size(), rng);

  // Bursts: trial k on day 2k+1 after the measured weeks, at a random weekday-ish hour between
  // 08:00 and 16:00, 20 near-duplicates of one real ticket (10+ words) at uniform random times
  // within one hour.
  std::vector<std::string> burst_texts;
  std::vector<int64_t> burst_start(static_cast<size_t>(options.trials));
  std::vector<std::string> burst_source(static_cast<size_t>(options.trials));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int k = 0; k < options.trials; ++k) {
    size_t source = rng() % pool.size();
    while (WordCount(pool[source].text) < 10) {
      source = rng() % pool.size();
    }
    burst_source[static_cast<size_t>(k)] = pool[source].text.substr(0, 120);
    const int64_t day = measured_end + (2 * k + 1) * kDay;
    const int64_t start = day + 8 * kHour + static_cast<int64_t>(rng() % (8 * 60)) * kMinute;
    std::vector<int64_t> times;
    for (int i = 0; i < kBurstSize; ++i) {
      times.push_back(start + static_cast<int64_t>(unit(rng) * kHour));
    }
    std::sort(times.begin(), times.end());
    burst_start[static_cast<size_t>(k)] = times.front();
    for (const int64_t t : times) {
      arrivals.push_back({t, burst_texts.size(), k});
      burst_texts.push_back(Edit(pool[source].text, rng));
    }
  }
  std::sort(arrivals.begin(), arrivals.end(), [](const Arrival& a, const Arrival& b) {
    return a.time != b.time ? a.time < b.time : a.text < b.text;
  });

  insights::ClustererOptions cluster_options;
  if (options.assign_threshold >= 0) {
    cluster_options.assign_threshold = options.assign_threshold;
  }
  insights::Clusterer clusterer(cluster_options);
  insights::SpikeOptions spike_options;
  if (options.min_count >= 0) {
    spike_options.min_count = options.min_count;
  }
  if (options.floor_rate > 0) {
    spike_options.floor_rate_per_hour = options.floor_rate;
  }
  if (options.significance > 0) {
    spike_options.significance = options.significance;
  }
  if (options.near_duplicate_min_count >= 0) {
    spike_options.near_duplicate_min_count = options.near_duplicate_min_count;
  }
  if (options.near_duplicate_cosine >= 0) {
    spike_options.near_duplicate_cosine = options.near_duplicate_cosine;
  }
  if (options.near_duplicate_prior >= 0) {
    spike_options.near_duplicate_prior = options.near_duplicate_prior;
  }
  if (options.extra_windows_set) {
    spike_options.extra_windows_seconds.clear();
    for (const int64_t m : options.extra_windows_minutes) {
      spike_options.extra_windows_seconds.push_back(m * kMinute);
    }
  }
  const int64_t tick = options.tick_minutes * kMinute;
  insights::SpikeDetector detector(spike_options);
  std::vector<int> trial_of;  // per ticket number
  auto text_of = [&](const Arrival& a) -> const std::string& {
    return a.trial >= 0 ? burst_texts[a.text] : pool[a.text].text;
  };
  auto add = [&](std::vector<insights::TicketText> batch) {
    (void)clusterer.AddBatch(batch);
    for (const auto& t : batch) {
      if (auto id = clusterer.ClusterOf(t.ticket_id)) {
        (void)detector.Record(*id, t.ticket_id, t.created_at);
      }
    }
  };
  const auto wall_start = std::chrono::steady_clock::now();
  size_t next = 0;
  int64_t ticket_number = 0;
  {  // Bootstrap: the engine loads its recent tickets in one batch when it starts.
    std::vector<insights::TicketText> history;
    for (; next < arrivals.size() && arrivals[next].time < live_start; ++next) {
      history.push_back(
          {"n" + std::to_string(ticket_number++), arrivals[next].time, text_of(arrivals[next])});
      trial_of.push_back(arrivals[next].trial);
    }
    add(std::move(history));
  }
  int64_t false_spikes = 0;
  int64_t warmup_spikes = 0;
  int64_t trial_phase_false = 0;
  std::vector<double> detect_minutes(static_cast<size_t>(options.trials), -1.0);
  Json detections = Json::array();  // how each burst was first reported
  double detect_seconds_total = 0.0;
  double detect_seconds_max = 0.0;
  int64_t detect_calls = 0;
  size_t clusters_max = 0;
  Json false_examples = Json::array();
  for (int64_t now = live_start + tick; now <= end; now += tick) {
    std::vector<insights::TicketText> batch;
    for (; next < arrivals.size() && arrivals[next].time <= now; ++next) {
      batch.push_back(
          {"n" + std::to_string(ticket_number++), arrivals[next].time, text_of(arrivals[next])});
      trial_of.push_back(arrivals[next].trial);
    }
    add(std::move(batch));
    if (now % kHour == 0) {
      clusterer.Expire(now);
    }
    const auto detect_start = std::chrono::steady_clock::now();
    const std::vector<insights::Spike> spikes = detector.Detect(now, &clusterer);
    const double detect_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - detect_start).count();
    detect_seconds_total += detect_seconds;
    detect_seconds_max = std::max(detect_seconds_max, detect_seconds);
    ++detect_calls;
    clusters_max = std::max(clusters_max, clusterer.cluster_count());
    for (const insights::Spike& spike : spikes) {
      int trial = -1;
      for (const std::string& id : spike.member_ticket_ids) {
        const int t = trial_of[static_cast<size_t>(std::stoll(id.substr(1)))];
        trial = std::max(trial, t);
      }
      if (trial >= 0) {
        double& minutes = detect_minutes[static_cast<size_t>(trial)];
        if (minutes < 0) {
          minutes = static_cast<double>(now - burst_start[static_cast<size_t>(trial)]) / kMinute;
          detections.push_back(
              {{"trial", trial},
               {"minutes", minutes},
               {"observed", spike.observed},
               {"expected", spike.expected},
               {"p_value", spike.p_value},
               {"window_minutes", (spike.window_end - spike.window_start) / kMinute},
               {"near_duplicates", spike.near_duplicates}});
        }
        continue;
      }
      if (now < measured_start) {
        ++warmup_spikes;
      } else if (now <= measured_end) {
        ++false_spikes;
      } else {
        ++trial_phase_false;
      }
      if (false_examples.size() < 5) {
        false_examples.push_back({{"at_hours", (now - kT0) / kHour},
                                  {"observed", spike.observed},
                                  {"expected", spike.expected},
                                  {"p_value", spike.p_value},
                                  {"near_duplicates", spike.near_duplicates},
                                  {"name", spike.cluster_name}});
      }
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::vector<double> found;
  for (const double m : detect_minutes) {
    if (m >= 0) {
      found.push_back(m);
    }
  }
  std::sort(found.begin(), found.end());
  Json result = {
      {"seed", options.seed},
      {"weeks", options.measured_weeks},
      {"tickets", ticket_number},
      {"peak_per_hour", options.peak_per_hour},
      {"min_count", spike_options.min_count},
      {"significance", spike_options.significance},
      {"floor_rate_per_hour", spike_options.floor_rate_per_hour},
      {"tick_minutes", options.tick_minutes},
      {"near_duplicate_min_count", spike_options.near_duplicate_min_count},
      {"near_duplicate_cosine", spike_options.near_duplicate_cosine},
      {"near_duplicate_prior", spike_options.near_duplicate_prior},
      {"extra_windows_seconds", spike_options.extra_windows_seconds},
      {"detections", detections},
      {"detect_calls", detect_calls},
      {"detect_ms_mean", detect_calls > 0 ? 1000.0 * detect_seconds_total / detect_calls : 0.0},
      {"detect_ms_max", 1000.0 * detect_seconds_max},
      {"clusters_max", clusters_max},
      {"false_spikes", false_spikes},
      {"false_spikes_per_week",
       static_cast<double>(false_spikes) / std::max(1, options.measured_weeks)},
      {"warmup_spikes", warmup_spikes},
      {"trial_phase_false_spikes", trial_phase_false},
      {"trials", options.trials},
      {"trials_detected", found.size()},
      {"detect_minutes", detect_minutes},
      {"burst_sources", burst_source},
      {"false_examples", false_examples},
      {"clusters_at_end", clusterer.cluster_count()},
      {"stream_wall_seconds", wall},
  };
  if (!found.empty()) {
    result["spike_detect_minutes_median"] = found[found.size() / 2];
    result["spike_detect_minutes_max"] = found.back();
  }
  return result;
}

}  // namespace autotriage::insights_bench
