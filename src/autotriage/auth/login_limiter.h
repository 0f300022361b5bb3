// LoginLimiter: counts failed logins per key (a remote address, a user name) in a sliding window
// and says when a key is blocked. In memory, per process: a restart forgets the counts, and
// several nodes each allow max_failures.
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace autotriage {

class LoginLimiter {
 public:
  // max_failures <= 0: nothing is ever blocked.
  LoginLimiter(int max_failures, int64_t window_ms)
      : max_failures_(max_failures), window_ms_(window_ms) {}

  // Milliseconds until `key` may try again; 0 when it is not blocked.
  int64_t BlockedFor(const std::string& key, int64_t now_ms);
  void RecordFailure(const std::string& key, int64_t now_ms);
  // Forgets the failures of `key` (a user name after its password was given).
  void Reset(const std::string& key);

 private:
  // Drops keys whose newest failure left the window, so guessed names cannot grow the map
  // without bound; runs when the map has grown by kSweepEvery keys since the last sweep.
  void SweepLocked(int64_t now_ms);

  static constexpr size_t kSweepEvery = 4096;

  const int max_failures_;
  const int64_t window_ms_;
  std::mutex mutex_;
  // The newest failures of each key, oldest first; at most max_failures_ are kept, as only the
  // oldest of those decides when the key is free again.
  std::map<std::string, std::deque<int64_t>> failures_;
  size_t size_after_sweep_ = 0;
};

}  // namespace autotriage
