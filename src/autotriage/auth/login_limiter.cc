#include "autotriage/auth/login_limiter.h"

namespace autotriage {

int64_t LoginLimiter::BlockedFor(const std::string& key, int64_t now_ms) {
  if (max_failures_ <= 0) {
    return 0;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end() || static_cast<int>(it->second.size()) < max_failures_) {
    return 0;
  }
  const int64_t free_at = it->second.front() + window_ms_;
  return free_at > now_ms ? free_at - now_ms : 0;
}

void LoginLimiter::RecordFailure(const std::string& key, int64_t now_ms) {
  if (max_failures_ <= 0) {
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::deque<int64_t>& times = failures_[key];
  times.push_back(now_ms);
  while (static_cast<int>(times.size()) > max_failures_) {
    times.pop_front();
  }
  if (failures_.size() >= size_after_sweep_ + kSweepEvery) {
    SweepLocked(now_ms);
  }
}

void LoginLimiter::Reset(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_.erase(key);
}

void LoginLimiter::SweepLocked(int64_t now_ms) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (it->second.empty() || it->second.back() + window_ms_ <= now_ms) {
      it = failures_.erase(it);
    } else {
      ++it;
    }
  }
  size_after_sweep_ = failures_.size();
}

}  // namespace autotriage
