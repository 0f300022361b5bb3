#include "autotriage/insights/spikes.h"

#include <gtest/gtest.h>

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
