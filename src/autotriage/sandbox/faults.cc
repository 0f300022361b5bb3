#include "autotriage/sandbox/faults.h"

#include <algorithm>
#include <utility>

namespace autotriage {
namespace {

double Unit(std::mt19937_64& engine) {
  return static_cast<double>(engine() >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace

FaultInjector::FaultInjector(Rates rates, uint64_t seed) : rates_(rates), engine_(seed) {
  for (double* rate : {&rates_.fail, &rates_.drop, &rates_.throttle, &rates_.slow}) {
    *rate = std::clamp(*rate, 0.0, 1.0);
  }
}

Fault FaultInjector::Next() {
  if (rates_.fail <= 0 && rates_.drop <= 0 && rates_.throttle <= 0 && rates_.slow <= 0) {
    return Fault::kNone;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  // Each kind draws only when its rate is set, so adding one kind keeps the others' sequence.
  if (rates_.throttle > 0 && Unit(engine_) < rates_.throttle) {
    return Fault::kThrottle;
  }
  if (rates_.slow > 0 && Unit(engine_) < rates_.slow) {
    return Fault::kSlow;
  }
  if (rates_.drop > 0 && Unit(engine_) < rates_.drop) {
    return Fault::kDrop;
  }
  if (rates_.fail > 0 && Unit(engine_) < rates_.fail) {
    switch (engine_() % 3) {
      case 0:
        return Fault::kFail500;
      case 1:
        return Fault::kFail502;
      default:
        return Fault::kFail503;
    }
  }
  return Fault::kNone;
}

RateLimiter::RateLimiter(int limit_per_minute, std::function<int64_t()> clock_ms)
    : limit_(limit_per_minute > 0 ? limit_per_minute : kUnlimitedNominal),
      unlimited_(limit_per_minute <= 0),
      clock_ms_(std::move(clock_ms)) {}

RateLimiter::Decision RateLimiter::Acquire(int64_t cost) {
  const int64_t now_ms = clock_ms_();
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t window = now_ms / 60000;
  if (window != window_) {
    window_ = window;
    used_ = 0;
  }
  Decision decision;
  decision.total = limit_;
  decision.used_by_request = cost;
  if (!unlimited_ && used_ + cost > limit_) {
    decision.allowed = false;
    decision.remaining = std::max<int64_t>(0, limit_ - used_);
    decision.used_by_request = 0;
    // Whole seconds until the next window, at least 1.
    const int64_t wait_ms = (window + 1) * 60000 - now_ms;
    decision.retry_after_seconds = std::max<int64_t>(1, (wait_ms + 999) / 1000);
    return decision;
  }
  used_ += cost;
  decision.remaining = std::max<int64_t>(0, limit_ - used_);
  return decision;
}

}  // namespace autotriage
