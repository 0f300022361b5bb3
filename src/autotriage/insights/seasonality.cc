#include "autotriage/insights/seasonality.h"

#include <algorithm>
#include <cmath>

#include "autotriage/insights/spikes.h"

namespace autotriage::insights {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr double kMinFactor = 0.1;
constexpr double kSeriesEpsilon = 1e-17;

int HourOfDay(int64_t hour_index) {
  return static_cast<int>(((hour_index % 24) + 24) % 24);
}
int Weekday(int64_t hour_index) {
  return static_cast<int>((((hour_index * kHour / kDay) + 3) % 7 + 7) % 7);  // 0 = Monday
}

}  // namespace

int64_t HourIndex(int64_t t) {
  return t >= 0 ? t / kHour : (t - kHour + 1) / kHour;
}

void Seasonality::Count(int64_t t) {
  ++hourly_[HourIndex(t)];
}

void Seasonality::DropBefore(int64_t hour_index) {
  hourly_.erase(hourly_.begin(), hourly_.lower_bound(hour_index));
}

void Seasonality::Fit(int64_t start_hour, int64_t end_hour, int64_t daily_min_seconds,
                      int64_t weekly_min_seconds) {
  hour_factor_.fill(1.0);
  weekday_factor_.fill(1.0);
  const int64_t hours = end_hour - start_hour;
  if (hours * kHour < daily_min_seconds) {
    return;
  }
  std::array<double, 24> by_hour{};
  std::array<double, 24> hour_samples{};
  std::array<double, 7> by_day{};
  std::array<double, 7> day_samples{};
  double total = 0.0;
  for (int64_t h = start_hour; h < end_hour; ++h) {
    auto it = hourly_.find(h);
    const double count = it == hourly_.end() ? 0.0 : static_cast<double>(it->second);
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
    hour_factor_[i] = hour_samples[i] > 0 ? by_hour[i] / hour_samples[i] / mean : 1.0;
  }
  if (hours * kHour < weekly_min_seconds) {
    return;
  }
  for (size_t i = 0; i < 7; ++i) {
    weekday_factor_[i] = day_samples[i] > 0 ? by_day[i] / day_samples[i] / mean : 1.0;
  }
}

double Seasonality::Factor(int64_t hour_index) const {
  return std::max(kMinFactor, hour_factor_[static_cast<size_t>(HourOfDay(hour_index))] *
                                  weekday_factor_[static_cast<size_t>(Weekday(hour_index))]);
}

double Seasonality::Exposure(int64_t from, int64_t to) const {
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

// Declared in spikes.h; defined here beside the rest of the baseline arithmetic.
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

}  // namespace autotriage::insights
