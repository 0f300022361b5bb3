#include "autotriage/engine/llm_breaker.h"

namespace autotriage {

bool LlmCircuitBreaker::Allow(int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return now_ms >= open_until_ms_;
}

void LlmCircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> lock(mutex_);
  consecutive_failures_ = 0;
  open_until_ms_ = 0;
}

bool LlmCircuitBreaker::RecordFailure(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++consecutive_failures_;
  if (consecutive_failures_ < failures_to_open_) {
    return false;
  }
  // Half-open probes that fail land here too: one failure re-opens it.
  consecutive_failures_ = failures_to_open_;
  open_until_ms_ = now_ms + cooldown_ms_;
  return true;
}

int64_t LlmCircuitBreaker::open_until_ms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_until_ms_;
}

int LlmCircuitBreaker::consecutive_failures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return consecutive_failures_;
}

}  // namespace autotriage
