#include "autotriage/slack/slack_poster.h"

#include <cstdio>
#include <utility>

namespace autotriage {

SlackPoster::SlackPoster(SlackClient* slack, std::function<void(const std::string&)> log)
    : slack_(slack), log_(std::move(log)), thread_([this] { Run(); }) {}

SlackPoster::~SlackPoster() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SlackPoster::Post(const std::string& text) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      return;
    }
    if (queue_.size() >= kMaxQueued) {
      Log("slack notice dropped (" + std::to_string(kMaxQueued) + " waiting): " + text);
      return;
    }
    queue_.push_back(text);
  }
  wake_.notify_one();
}

void SlackPoster::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;  // stopping, and everything was sent
    }
    std::string text = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Status posted = slack_->PostMessage(BuildNoticeMessage(text));
    if (!posted.ok()) {
      Log("slack notice not posted: " + posted.ToString());
    }
    lock.lock();
  }
}

void SlackPoster::Log(const std::string& line) const {
  if (log_) {
    log_(line);
  } else {
    std::fprintf(stderr, "autotriage: %s\n", line.c_str());
  }
}

}  // namespace autotriage
