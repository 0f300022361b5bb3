// LlmCircuitBreaker: stops the engine from asking an LLM server that keeps failing, so a dead or
// overloaded server does not cost every ticket a full timeout.
//
// Closed (the normal state): every call is allowed. After `failures_to_open` consecutive
// failures (timeouts, unreachable, 5xx, 429 — the server's fault, not a bad answer) it opens for
// `cooldown_ms`: Allow() is false and the engine triages with its local models only. When the
// cool-down has passed, calls are allowed again (half-open); the next failure opens it for another
// cool-down at once, a success closes it. With several workers, more than one call may probe a
// half-open breaker; that is harmless (each is bounded by the client's timeout).
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <mutex>

namespace autotriage {

class LlmCircuitBreaker {
 public:
  // REQUIRES: failures_to_open >= 1, cooldown_ms >= 0.
  LlmCircuitBreaker(int failures_to_open, int64_t cooldown_ms)
      : failures_to_open_(failures_to_open), cooldown_ms_(cooldown_ms) {}

  // Whether a call may be made at `now_ms`.
  bool Allow(int64_t now_ms) const;
  void RecordSuccess();
  // Returns true when this failure opened (or re-opened) the breaker.
  bool RecordFailure(int64_t now_ms);
  // When the breaker closes again (0 when it is closed).
  int64_t open_until_ms() const;
  int consecutive_failures() const;

 private:
  const int failures_to_open_;
  const int64_t cooldown_ms_;
  mutable std::mutex mutex_;
  int consecutive_failures_ = 0;
  int64_t open_until_ms_ = 0;
};

}  // namespace autotriage
