#include "autotriage/sandbox/webhooks.h"

#include <httplib.h>

#include <exception>
#include <utility>

namespace autotriage {
namespace {

constexpr time_t kConnectTimeoutSeconds = 5;
constexpr time_t kReadTimeoutSeconds = 10;

}  // namespace

WebhookSender::WebhookSender(std::string url, Logger log) : log_(std::move(log)) {
  // Split "scheme://host[:port]/path" into the origin httplib::Client takes and the path.
  size_t scheme_end = url.find("://");
  size_t path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path_start == std::string::npos) {
    origin_ = url;
    path_ = "/";
  } else {
    origin_ = url.substr(0, path_start);
    path_ = url.substr(path_start);
  }
  thread_ = std::thread([this] { Run(); });
}

WebhookSender::~WebhookSender() {
  Stop();
}

void WebhookSender::Enqueue(std::string json_body) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      return;
    }
    ++stats_.queued;
    if (queue_.size() >= kMaxQueued) {
      queue_.pop_front();
      ++stats_.failed;
    }
    queue_.push_back(std::move(json_body));
  }
  wake_.notify_one();
}

void WebhookSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

SandboxWebhookStats WebhookSender::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void WebhookSender::Run() {
  std::unique_ptr<httplib::Client> client;
  try {
    client = std::make_unique<httplib::Client>(origin_);
    client->set_connection_timeout(kConnectTimeoutSeconds, 0);
    client->set_tcp_nodelay(true);  // else Nagle delays each small POST by ~40 ms
    client->set_read_timeout(kReadTimeoutSeconds, 0);
    client->set_write_timeout(kReadTimeoutSeconds, 0);
  } catch (const std::exception& e) {
    log_("sandbox: webhook URL '" + origin_ + path_ + "' is not usable: " + e.what());
  }
  while (true) {
    std::string body;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      body = std::move(queue_.front());
      queue_.pop_front();
    }
    bool delivered = false;
    std::string problem;
    if (client != nullptr && client->is_valid()) {
      httplib::Result result = client->Post(path_.c_str(), body, "application/json");
      if (!result) {
        problem = "connection failed (" + httplib::to_string(result.error()) + ")";
      } else if (result->status < 200 || result->status >= 300) {
        problem = "answered HTTP " + std::to_string(result->status);
      } else {
        delivered = true;
      }
    } else {
      problem = "invalid webhook URL";
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++(delivered ? stats_.delivered : stats_.failed);
    }
    if (!delivered) {
      log_("sandbox: webhook to " + origin_ + path_ + " failed: " + problem);
    }
  }
}

}  // namespace autotriage
