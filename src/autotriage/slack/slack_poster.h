// SlackPoster: posts one-line notices (a matrix cell demoted, a Problem proposed) to Slack without
// making the caller wait. The engine announces from its workers and background loops, which
// must not stall on a slow or unreachable Slack, so Post only queues the message; one background
// thread sends it with SlackClient::PostMessage (BuildNoticeMessage). A full queue drops the
// notice and logs that it did; a failed post is logged (never with the token) and not retried:
// the dashboard stays the place of record.
// Thread-safety: Post from any thread. The destructor sends what is queued (at most the Slack
// client's timeout per message), then stops the thread; `slack` must outlive the poster.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "autotriage/slack/slack.h"

namespace autotriage {

class SlackPoster {
 public:
  static constexpr size_t kMaxQueued = 100;

  // `log` receives one plain-text line per dropped or failed notice; empty = stderr.
  SlackPoster(SlackClient* slack, std::function<void(const std::string&)> log);
  ~SlackPoster();
  SlackPoster(const SlackPoster&) = delete;
  SlackPoster& operator=(const SlackPoster&) = delete;

  // Queues `text` (plain text; escaped by BuildNoticeMessage) and returns at once.
  void Post(const std::string& text);

 private:
  void Run();
  void Log(const std::string& line) const;

  SlackClient* slack_;
  std::function<void(const std::string&)> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: started when everything above exists
};

}  // namespace autotriage
