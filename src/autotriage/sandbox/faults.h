// Fault injection and rate limiting for the sandbox API.
//
// Internal to the sandbox module. Both classes are thread-safe (one mutex each) and take their
// time from the sandbox clock, so tests drive them without waiting. Decisions come from a seeded
// std::mt19937_64, so a fixed fault_seed and request order give the same faults every run.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <random>

namespace autotriage {

// kThrottle: 429 with Retry-After: 1 (a burst of throttling; not charged, not applied).
// kSlow: the request is handled normally but only after the configured delay, so that clients
// with a shorter timeout give up on a request that is still applied.
enum class Fault { kNone, kFail500, kFail502, kFail503, kDrop, kThrottle, kSlow };

class FaultInjector {
 public:
  struct Rates {
    double fail = 0;
    double drop = 0;
    double throttle = 0;
    double slow = 0;
  };
  FaultInjector(Rates rates, uint64_t seed);

  // The fault for the next API request. Draws from the generator only when a rate is set.
  Fault Next();

 private:
  Rates rates_;
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

// A per-minute request budget in fixed windows aligned to the clock's minutes, like the
// Freshworks per-account limit. limit 0 means unlimited (the headers then report a nominal
// total so that clients still see the header shape).
class RateLimiter {
 public:
  struct Decision {
    bool allowed = true;
    int64_t total = 0;
    int64_t remaining = 0;
    int64_t used_by_request = 0;
    int64_t retry_after_seconds = 0;  // set when !allowed
  };

  RateLimiter(int limit_per_minute, std::function<int64_t()> clock_ms);

  // Charges `cost` credits when the budget allows; a refused request is not charged.
  Decision Acquire(int64_t cost);

 private:
  static constexpr int64_t kUnlimitedNominal = 1000000;
  int64_t limit_;
  bool unlimited_;
  std::function<int64_t()> clock_ms_;
  std::mutex mutex_;
  int64_t window_ = -1;  // minute index of the current window
  int64_t used_ = 0;
};

}  // namespace autotriage
