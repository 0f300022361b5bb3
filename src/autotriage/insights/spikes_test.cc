#include "autotriage/insights/spikes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace autotriage::insights {
namespace {

constexpr int64_t kT0 = 1'699'833'600;  // Monday 2023-11-13 00:00 UTC
constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

// Strong daytime peak (busy 08-18 at 12x the night rate) and quiet weekends.
double Profile(int64_t t) {
  const int64_t hour = (t / kHour) % 24;
  const int64_t weekday = ((t / kDay) + 3) % 7;  // 0 = Monday
  const double daily = (hour >= 8 && hour < 18) ? 12.0 : 1.0;
  return daily * (weekday >= 5 ? 0.25 : 1.0);
}

// Poisson arrivals for `clusters` clusters whose night-time weekday rates are `base` per hour,
// by thinning a homogeneous process at the peak rate. Fixed seed.
struct Arrival {
  int64_t time;
  ClusterId cluster;
};
std::vector<Arrival> SeasonalStream(const std::vector<double>& base, int64_t start, int64_t end,
                                    uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<Arrival> out;
  for (size_t c = 0; c < base.size(); ++c) {
    const double peak_per_second = base[c] * 12.0 / kHour;
    double t = static_cast<double>(start);
    while (true) {
      t += -std::log(1.0 - unit(rng)) / peak_per_second;
      if (t >= static_cast<double>(end)) {
        break;
      }
      if (unit(rng) * 12.0 < Profile(static_cast<int64_t>(t))) {
        out.push_back({static_cast<int64_t>(t), static_cast<ClusterId>(c + 1)});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Arrival& a, const Arrival& b) {
    return a.time != b.time ? a.time < b.time : a.cluster < b.cluster;
  });
  return out;
}

// Feeds the stream and runs Detect every 5 minutes; returns the spikes seen.
std::vector<Spike> RunStream(SpikeDetector& detector, const std::vector<Arrival>& stream,
                             int64_t start, int64_t end, int64_t& counter) {
  std::vector<Spike> spikes;
  size_t next = 0;
  for (int64_t now = start + 5 * kMinute; now <= end; now += 5 * kMinute) {
    while (next < stream.size() && stream[next].time <= now) {
      EXPECT_TRUE(
          detector.Record(stream[next].cluster, "t" + std::to_string(counter++), stream[next].time)
              .ok());
      ++next;
    }
    for (Spike& s : detector.Detect(now)) {
      spikes.push_back(std::move(s));
    }
  }
  return spikes;
}

TEST(PoissonUpperTail, MatchesClosedForms) {
  EXPECT_DOUBLE_EQ(PoissonUpperTail(0, 3.0), 1.0);
  EXPECT_NEAR(PoissonUpperTail(1, 0.7), 1.0 - std::exp(-0.7), 1e-12);
  EXPECT_NEAR(PoissonUpperTail(2, 2.0), 1.0 - 3.0 * std::exp(-2.0), 1e-12);
  // P(X >= 8 | 0.5): dominated by the first term 0.5^8 e^-0.5 / 8!.
  const double first = std::pow(0.5, 8) * std::exp(-0.5) / 40320.0;
  EXPECT_GT(PoissonUpperTail(8, 0.5), first);
  EXPECT_LT(PoissonUpperTail(8, 0.5), first * 1.1);
  EXPECT_DOUBLE_EQ(PoissonUpperTail(3, 0.0), 0.0);
}

TEST(SpikeDetector, SteadySeasonalTrafficGivesNoSpikes) {
  SpikeDetector detector;
  // Busy clusters peak at 24, 12 and 6 tickets per hour in office hours.
  const int64_t end = kT0 + 28 * kDay;
  auto stream = SeasonalStream({2.0, 1.0, 0.5, 0.1}, kT0, end, 7);
  int64_t counter = 0;
  std::vector<Spike> spikes = RunStream(detector, stream, kT0, end, counter);
  EXPECT_LE(spikes.size(), 1u) << "first at cluster " << spikes[0].cluster_id << " observed "
                               << spikes[0].observed << " expected " << spikes[0].expected;
}

TEST(SpikeDetector, InjectedBurstFiresOnceWithinMinutes) {
  SpikeDetector detector;
  const int64_t end = kT0 + 10 * kDay;
  auto stream = SeasonalStream({1.0, 0.5}, kT0, end, 11);
  // A new issue: 20 tickets of cluster 9 spread over one hour, from Thursday 10:00.
  const int64_t burst = kT0 + 10 * kDay + 10 * kHour;
  for (int i = 0; i < 20; ++i) {
    stream.push_back({burst + i * 3 * kMinute, 9});
  }
  std::sort(stream.begin(), stream.end(), [](const Arrival& a, const Arrival& b) {
    return a.time != b.time ? a.time < b.time : a.cluster < b.cluster;
  });
  int64_t counter = 0;
  std::vector<Spike> spikes = RunStream(detector, stream, kT0, burst + 6 * kHour, counter);
  ASSERT_EQ(spikes.size(), 1u);
  const Spike& spike = spikes[0];
  EXPECT_EQ(spike.cluster_id, 9);
  EXPECT_LE(spike.window_end - burst, 15 * kMinute);
  EXPECT_GE(spike.observed, 4);
  EXPECT_EQ(static_cast<int64_t>(spike.member_ticket_ids.size()), spike.observed);
  EXPECT_GT(spike.score, 6.0);
  EXPECT_EQ(spike.window_end - spike.window_start, kHour);
  EXPECT_TRUE(detector.Spiking().empty());  // calmed down after the burst
}

// Text streams for the near-duplicate test: background tickets of random words, a routine
// template that arrives about once an hour with one word varied, and a burst of near-identical
// tickets about a new problem.
class TextStream {
 public:
  explicit TextStream(uint64_t seed) : rng_(seed) {
    const std::vector<std::string> syllables = {"ka",  "lo",  "mi",  "ter", "san", "vo",
                                                "rin", "del", "bu",  "fen", "gor", "pa",
                                                "zel", "tam", "quo", "wix", "ny",  "har"};
    for (const std::string& a : syllables) {
      for (const std::string& b : syllables) {
        vocabulary_.push_back(a + b + "x");
      }
    }
  }
  std::string Background() {
    std::string text;
    for (int i = 0; i < 8; ++i) {
      text += (i ? " " : "") + vocabulary_[rng_() % vocabulary_.size()];
    }
    return text;
  }
  std::string Template() {
    return "printer spooler queue jammed third floor reset needed toner tray drawer " +
           vocabulary_[rng_() % vocabulary_.size()];
  }
  std::string Burst(int i) {
    static const std::vector<std::string> kExtra = {"again", "urgent", "still", "today"};
    return "vpn gateway rejects certificate after update laptop berlin office " +
           kExtra[static_cast<size_t>(i) % kExtra.size()];
  }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> vocabulary_;
};

// Clusters and records one ticket as the engine does.
void Feed(Clusterer& clusterer, SpikeDetector& detector, const std::string& id, int64_t at,
          const std::string& text) {
  ASSERT_TRUE(clusterer.Add({id, at, text}).ok()) << text;
  ASSERT_TRUE(detector.Record(*clusterer.ClusterOf(id), id, at).ok());
}

TEST(SpikeDetector, NearDuplicateBurstFiresOnThirdTicketAndRoutineTrafficNever) {
  Clusterer clusterer;
  SpikeDetector detector;
  TextStream texts(5);
  std::exponential_distribution<double> gap(20.0 / kHour);  // 20 background tickets an hour
  int64_t counter = 0;
  // Four days of history (past the warm-up), then one day with Detect every minute.
  const int64_t live = kT0 + 4 * kDay;
  const int64_t burst = live + kDay + 10 * kHour;
  double next_background = static_cast<double>(kT0);
  int64_t next_template = kT0 + 1800;
  std::string last_template;
  std::vector<Spike> spikes;
  for (int64_t minute = kT0 + kMinute; minute <= burst + kHour; minute += kMinute) {
    for (; next_background <= static_cast<double>(minute); next_background += gap(texts.rng())) {
      Feed(clusterer, detector, "b" + std::to_string(counter++),
           static_cast<int64_t>(next_background), texts.Background());
    }
    for (; next_template <= minute;
         next_template += 40 * kMinute + static_cast<int64_t>(texts.rng()() % (40 * kMinute))) {
      last_template = "p" + std::to_string(counter++);
      Feed(clusterer, detector, last_template, next_template, texts.Template());
    }
    // The burst: a new problem, one ticket every 3 minutes.
    if (minute > burst && (minute - burst) % (3 * kMinute) == 0) {
      const int i = static_cast<int>((minute - burst) / (3 * kMinute));
      Feed(clusterer, detector, "burst" + std::to_string(i), minute, texts.Burst(i));
    }
    if (minute >= live) {
      for (Spike& spike : detector.Detect(minute, &clusterer)) {
        spikes.push_back(std::move(spike));
      }
    }
  }
  // The routine template really is near-duplicate traffic, judged against its own history.
  Result<std::vector<NearDuplicate>> routine =
      clusterer.NearDuplicates(last_template, SpikeOptions{}.near_duplicate_cosine);
  ASSERT_TRUE(routine.ok());
  EXPECT_GE(routine->size(), 50u);
  ASSERT_EQ(spikes.size(), 1u) << "first spike at " << spikes[0].window_end - kT0 << " s, "
                               << spikes[0].observed << " in cluster " << spikes[0].cluster_name;
  const Spike& spike = spikes[0];
  EXPECT_TRUE(spike.near_duplicates);
  EXPECT_EQ(spike.window_end, burst + 9 * kMinute);  // the burst's 3rd ticket
  EXPECT_EQ(spike.observed, 3);
  EXPECT_EQ(spike.member_ticket_ids, (std::vector<std::string>{"burst1", "burst2", "burst3"}));
  EXPECT_LE(spike.p_value, SpikeOptions{}.significance);
  EXPECT_LT(spike.expected, 0.05);
  EXPECT_EQ(spike.window_end - spike.window_start, kHour);
}

TEST(SpikeDetector, NearDuplicateTestNeedsTheClusterer) {
  // Without the clusterer only the cluster test runs: three tickets of a new cluster are not
  // enough at the default min_count.
  SpikeDetector detector;
  ASSERT_TRUE(detector.Record(1, "old", kT0).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(detector.Record(2, "n" + std::to_string(i), kT0 + 5 * kDay + i * kMinute).ok());
  }
  EXPECT_TRUE(detector.Detect(kT0 + 5 * kDay + 3 * kMinute).empty());
}

TEST(SpikeDetector, NothingDuringWarmUp) {
  SpikeDetector detector;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(detector.Record(3, "w" + std::to_string(i), kT0 + i * kMinute).ok());
  }
  EXPECT_TRUE(detector.Detect(kT0 + kHour).empty());
}

TEST(SpikeDetector, RejectsBadInput) {
  SpikeDetector detector;
  EXPECT_EQ(detector.Record(0, "a", kT0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(detector.Record(1, "", kT0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(detector.Record(1, "a", 0).code(), StatusCode::kInvalidArgument);
  (void)detector.Detect(kT0 + 40 * kDay);
  Status old = detector.Record(1, "b", kT0);
  EXPECT_EQ(old.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(old.message().find("older than the kept history"), std::string::npos);
  // Out of order but inside the history: accepted.
  EXPECT_TRUE(detector.Record(1, "c", kT0 + 39 * kDay).ok());
  EXPECT_TRUE(detector.Record(1, "d", kT0 + 38 * kDay).ok());
}

}  // namespace
}  // namespace autotriage::insights
