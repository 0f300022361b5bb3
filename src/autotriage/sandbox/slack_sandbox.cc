// The Slack emulator: a message store behind the Web API methods, an incoming webhook and
// response_urls, on the project's HttpServer. See slack_sandbox.h for what is emulated.
#include "autotriage/sandbox/slack_sandbox.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <utility>

#include <nlohmann/json.hpp>

#include "autotriage/sandbox/slack_wire.h"
#include "autotriage/server/http_server.h"

namespace autotriage {
namespace {

using nlohmann::json;

constexpr int kResponseUrlUses = 5;  // a response_url works up to five times

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomToken(size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    out += kAlphabet[pick(device)];
  }
  return out;
}

ServerResponse ApiReply(json body) {
  ServerResponse response;
  response.body = body.dump();
  response.content_type = "application/json; charset=utf-8";
  return response;
}

ServerResponse ApiError(const std::string& error) {
  return ApiReply({{"ok", false}, {"error", error}});
}

ServerResponse TextReply(int status, const std::string& text) {
  ServerResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = text;
  return response;
}

bool IsJsonRequest(const ServerRequest& request) {
  const auto it = request.headers.find("content-type");
  return it != request.headers.end() && it->second.rfind("application/json", 0) == 0;
}

class SlackSandboxImpl : public SlackSandbox {
 public:
  explicit SlackSandboxImpl(SlackSandboxOptions options)
      : options_(std::move(options)),
        webhook_id_(options_.team_id + "/B0SANDBOX/" + RandomToken(24)),
        clock_base_(NowSeconds()) {}

  ~SlackSandboxImpl() override { Stop(); }

  Status Start() {
    HttpServerOptions server_options;
    server_options.listen_address = options_.listen_address;
    server_options.port = options_.port;
    server_options.worker_threads = 8;
    server_options.keep_alive_timeout_seconds = 1;
    server_ = HttpServer::Create(server_options);
    server_->Handle("POST", "/api/chat.postMessage",
                    [this](const ServerRequest& r) { return PostMessage(r); });
    server_->Handle("POST", "/api/chat.update",
                    [this](const ServerRequest& r) { return UpdateMessage(r); });
    server_->Handle(
        "POST", "/webhook/", [this](const ServerRequest& r) { return Webhook(r); }, true);
    server_->Handle(
        "POST", "/response/", [this](const ServerRequest& r) { return Response(r); }, true);
    server_->Handle("GET", "/_sandbox/messages", [this](const ServerRequest&) {
      json list = json::array();
      for (const SlackSandboxMessage& message : Messages("")) {
        list.push_back(SlackMessageJson(message));
      }
      return ApiReply(list);
    });
    server_->Handle("POST", "/_sandbox/press", [this](const ServerRequest& r) { return Press(r); });
    return server_->Start();
  }

  int port() const override { return server_->port(); }
  std::string api_base_url() const override { return Origin() + "/api"; }
  std::string webhook_url() const override { return Origin() + "/webhook/" + webhook_id_; }

  std::vector<SlackSandboxMessage> Messages(const std::string& channel) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<SlackSandboxMessage> out;
    for (const SlackSandboxMessage& message : messages_) {
      if (channel.empty() || message.channel == channel) {
        out.push_back(message);
      }
    }
    return out;
  }

  Result<SlackSandboxMessage> Message(const std::string& channel,
                                      const std::string& ts) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    const SlackSandboxMessage* found = FindLocked(channel, ts);
    if (found == nullptr) {
      return NotFound("slack sandbox: no message " + channel + "/" + ts);
    }
    return *found;
  }

  SlackSignedRequest SignedInteraction(const SlackInteractionSpec& spec,
                                       int64_t now_seconds) override {
    InteractionContext context;
    context.team_id = options_.team_id;
    std::optional<SlackSandboxMessage> stored;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const std::string id = RandomToken(24);
      response_urls_[id] = ResponseTarget{spec.channel, spec.message_ts, 0};
      context.response_url = Origin() + "/response/" + options_.team_id + "/" + id;
      context.action_ts = NextTsLocked();
      if (const SlackSandboxMessage* found = FindLocked(spec.channel, spec.message_ts)) {
        stored = *found;
      }
    }
    context.message = stored ? &*stored : nullptr;
    const json payload = BuildBlockActionsPayload(spec, context);
    SlackSignedRequest out;
    out.body = "payload=" + SlackFormEncode(payload.dump());
    const std::string timestamp = std::to_string(now_seconds);
    out.headers = {
        {"content-type", "application/x-www-form-urlencoded"},
        {"x-slack-request-timestamp", timestamp},
        {"x-slack-signature", SlackSignature(options_.signing_secret, timestamp, out.body)}};
    out.response_url = context.response_url;
    return out;
  }

  Result<int> PressButton(const SlackInteractionSpec& spec) override {
    const std::string& url = options_.interaction_url;
    if (url.empty()) {
      return FailedPrecondition("slack sandbox: no interaction_url is configured");
    }
    return PostSignedRequest(url, SignedInteraction(spec, NowSeconds()));
  }

  void Stop() override {
    if (server_ != nullptr) {
      server_->Stop();
    }
  }

 private:
  struct ResponseTarget {
    std::string channel;
    std::string ts;
    int uses = 0;
  };

  std::string Origin() const {
    return "http://" + options_.listen_address + ":" + std::to_string(server_->port());
  }

  // Unique, increasing Slack-style timestamps ("<seconds>.<6 digits>").
  std::string NextTsLocked() {
    ++sequence_;
    char buffer[40];
    std::snprintf(buffer, sizeof(buffer), "%lld.%06lld",
                  static_cast<long long>(clock_base_ + sequence_ / 1000000),
                  static_cast<long long>(sequence_ % 1000000));
    return buffer;
  }

  const SlackSandboxMessage* FindLocked(const std::string& channel, const std::string& ts) const {
    for (const SlackSandboxMessage& message : messages_) {
      if (message.channel == channel && message.ts == ts) {
        return &message;
      }
    }
    return nullptr;
  }

  SlackSandboxMessage* FindLocked(const std::string& channel, const std::string& ts) {
    return const_cast<SlackSandboxMessage*>(std::as_const(*this).FindLocked(channel, ts));
  }

  bool KnownChannel(const std::string& channel) const {
    return std::find(options_.channels.begin(), options_.channels.end(), channel) !=
           options_.channels.end();
  }

  // Auth and body checks shared by the Web API methods; "" with `body` filled when fine.
  std::string CheckApiRequest(const ServerRequest& request, json& body) const {
    const auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || auth->second.rfind("Bearer ", 0) != 0) {
      return "not_authed";
    }
    if (auth->second.substr(7) != options_.bot_token) {
      return "invalid_auth";
    }
    if (!IsJsonRequest(request)) {
      return "invalid_post_type";
    }
    body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      return "invalid_json";
    }
    if (!body.is_object()) {
      return "json_not_object";
    }
    const std::string channel = body.contains("channel") && body["channel"].is_string()
                                    ? body["channel"].get<std::string>()
                                    : "";
    return KnownChannel(channel) ? "" : "channel_not_found";
  }

  ServerResponse PostMessage(const ServerRequest& request) {
    json body;
    if (std::string error = CheckApiRequest(request, body); !error.empty()) {
      return ApiError(error);
    }
    SlackSandboxMessage message;
    if (std::string error = CheckSlackMessageBody(body, message.text, message.blocks);
        !error.empty()) {
      return ApiError(error);
    }
    message.channel = body["channel"].get<std::string>();
    message.source = "chat.postMessage";
    std::lock_guard<std::mutex> lock(mutex_);
    message.ts = NextTsLocked();
    messages_.push_back(message);
    return ApiReply({{"ok", true},
                     {"channel", message.channel},
                     {"ts", message.ts},
                     {"message", SlackMessageJson(message)}});
  }

  ServerResponse UpdateMessage(const ServerRequest& request) {
    json body;
    if (std::string error = CheckApiRequest(request, body); !error.empty()) {
      return ApiError(error);
    }
    std::string text;
    std::string blocks;
    if (std::string error = CheckSlackMessageBody(body, text, blocks); !error.empty()) {
      return ApiError(error);
    }
    const std::string channel = body["channel"].get<std::string>();
    const std::string ts =
        body.contains("ts") && body["ts"].is_string() ? body["ts"].get<std::string>() : "";
    std::lock_guard<std::mutex> lock(mutex_);
    SlackSandboxMessage* message = FindLocked(channel, ts);
    if (message == nullptr) {
      return ApiError("message_not_found");
    }
    message->text = text;
    message->blocks = blocks;
    ++message->updates;
    return ApiReply({{"ok", true},
                     {"channel", channel},
                     {"ts", ts},
                     {"text", text},
                     {"message", SlackMessageJson(*message)}});
  }

  ServerResponse Webhook(const ServerRequest& request) {
    if (request.path != "/webhook/" + webhook_id_) {
      return TextReply(404, "no_service");
    }
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return TextReply(400, "invalid_payload");
    }
    SlackSandboxMessage message;
    if (std::string error = CheckSlackMessageBody(body, message.text, message.blocks);
        !error.empty()) {
      return TextReply(400, error);
    }
    message.channel = options_.webhook_channel;
    message.source = "webhook";
    std::lock_guard<std::mutex> lock(mutex_);
    message.ts = NextTsLocked();
    messages_.push_back(std::move(message));
    return TextReply(200, "ok");
  }

  ServerResponse Response(const ServerRequest& request) {
    const std::string prefix = "/response/" + options_.team_id + "/";
    const std::string id =
        request.path.rfind(prefix, 0) == 0 ? request.path.substr(prefix.size()) : "";
    const json body = json::parse(request.body, nullptr, false);
    std::lock_guard<std::mutex> lock(mutex_);
    const auto target = response_urls_.find(id);
    if (target == response_urls_.end()) {
      return TextReply(404, "no_service");
    }
    if (target->second.uses >= kResponseUrlUses) {
      ServerResponse expired = ApiError("expired_url");
      expired.status = 404;
      return expired;
    }
    ++target->second.uses;
    if (body.is_discarded() || !body.is_object()) {
      return TextReply(400, "invalid_payload");
    }
    SlackSandboxMessage* original = FindLocked(target->second.channel, target->second.ts);
    if (body.value("delete_original", false)) {
      if (original != nullptr) {
        messages_.erase(messages_.begin() + (original - messages_.data()));
      }
      return ApiReply({{"ok", true}});
    }
    SlackSandboxMessage message;
    if (std::string error = CheckSlackMessageBody(body, message.text, message.blocks);
        !error.empty()) {
      return TextReply(400, error);
    }
    if (body.value("replace_original", false)) {
      if (original == nullptr) {
        ServerResponse missing = ApiError("message_not_found");
        missing.status = 404;
        return missing;
      }
      original->text = message.text;
      original->blocks = message.blocks;
      ++original->updates;
      return ApiReply({{"ok", true}});
    }
    message.channel = target->second.channel;
    message.source = "response_url";
    message.ts = NextTsLocked();
    messages_.push_back(std::move(message));
    return ApiReply({{"ok", true}});
  }

  ServerResponse Press(const ServerRequest& request) {
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return JsonError(400, "the body must be a JSON object");
    }
    SlackInteractionSpec spec;
    spec.channel = body.value("channel", "");
    spec.message_ts = body.value("ts", "");
    spec.user_id = body.value("user_id", spec.user_id);
    spec.action_id = body.value("action_id", spec.action_id);
    spec.value = body.value("value", "");
    Result<int> status = PressButton(spec);
    if (!status.ok()) {
      return JsonError(502, status.status().message());
    }
    return ApiReply({{"status", *status}});
  }

  SlackSandboxOptions options_;
  const std::string webhook_id_;
  const int64_t clock_base_;
  std::unique_ptr<HttpServer> server_;
  mutable std::mutex mutex_;
  int64_t sequence_ = 0;
  std::vector<SlackSandboxMessage> messages_;  // oldest first
  std::map<std::string, ResponseTarget> response_urls_;
};

}  // namespace

Result<std::unique_ptr<SlackSandbox>> SlackSandbox::Start(const SlackSandboxOptions& options) {
  auto sandbox = std::make_unique<SlackSandboxImpl>(options);
  AUTOTRIAGE_RETURN_IF_ERROR(sandbox->Start());
  return std::unique_ptr<SlackSandbox>(std::move(sandbox));
}

}  // namespace autotriage
