// Private to the insights module: the seasonal baseline shared by all clusters of the
// SpikeDetector (spikes.h), and the hour arithmetic it rests on. (seasonality.cc also defines
// spikes.h's PoissonUpperTail.)
//
// Seasonality counts tickets per hour, pooled over all clusters, and fits an hour-of-day factor
// and a weekday factor (each hour's mean count over the overall mean). Exposure(from, to) is the
// length of (from, to] in hours, each hour weighted by its factors, so `rate × exposure` is the
// count a cluster with that seasonal rate should have. Hours and days are UTC: the profile only
// has to repeat, not match a local clock.
//
// Thread-safety: not synchronised; one caller at a time.
#pragma once

#include <array>
#include <cstdint>
#include <map>

namespace autotriage::insights {

// Index of the UTC hour holding Unix time t (floor division, also for t < 0).
int64_t HourIndex(int64_t t);

class Seasonality {
 public:
  Seasonality() {
    hour_factor_.fill(1.0);
    weekday_factor_.fill(1.0);
  }

  // Counts one ticket created at Unix time t.
  void Count(int64_t t);
  // Forgets the counts of hours before `hour_index`.
  void DropBefore(int64_t hour_index);

  // Refits the factors from the counts of hours [start_hour, end_hour): all 1 while that span
  // is shorter than daily_min_seconds, the hour-of-day factor from then on, the weekday factor
  // too once it reaches weekly_min_seconds.
  void Fit(int64_t start_hour, int64_t end_hour, int64_t daily_min_seconds,
           int64_t weekly_min_seconds);

  // Seasonal exposure of (from, to] in hours; each hour's factor is floored at 0.1, since an
  // hour that was quiet in the past is uncertain, not impossible.
  double Exposure(int64_t from, int64_t to) const;

 private:
  double Factor(int64_t hour_index) const;

  std::map<int64_t, int64_t> hourly_;  // hour index -> tickets
  std::array<double, 24> hour_factor_;
  std::array<double, 7> weekday_factor_;
};

}  // namespace autotriage::insights
