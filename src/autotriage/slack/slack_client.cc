// SlackClient over the project's HttpClient: chat.postMessage / chat.update with the bot token,
// or the incoming webhook, and replies through an interaction's response_url.
// The bot token travels only in the Authorization header (which HttpClient redacts); the webhook
// URL and a response_url are themselves credentials, so messages say "the webhook" or "the
// response_url" and never quote them.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "autotriage/connectors/http_client.h"
#include "autotriage/slack/slack.h"

namespace autotriage {
namespace {

using nlohmann::json;

constexpr size_t kMaxErrorChars = 64;  // Slack error codes are short snake_case words

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Slack's error codes ("invalid_auth", "channel_not_found") are safe to show; anything else in a
// reply body (an HTML error page, text echoing the request) is not quoted.
std::string ErrorCode(const std::string& text) {
  if (text.empty() || text.size() > kMaxErrorChars) {
    return "";
  }
  for (const char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return "";
    }
  }
  return text;
}

void ReplaceAll(std::string& text, const std::string& secret, const std::string& label) {
  if (secret.empty()) {
    return;
  }
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + label.size())) {
    text.replace(at, secret.size(), label);
  }
}

// A transport failure, re-worded under `what` with the secret URL and token taken out (the
// HttpClient quotes the URL it was given, and a webhook URL is a credential).
Status TransportFailure(const Status& status, const std::string& what, const std::string& url,
                        const std::string& url_label, const std::string& token) {
  std::string message = status.message();
  ReplaceAll(message, url, url_label);
  ReplaceAll(message, RedactUrl(url), url_label);
  ReplaceAll(message, token, "REDACTED");
  return Status(status.code(), what + ": " + message);
}

// The card message as a JSON object, to add the method's own fields to.
json CardJson(const ApprovalCard& card) {
  return json::parse(BuildCardMessage(card));
}

std::string Dump(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

class SlackClientImpl : public SlackClient {
 public:
  SlackClientImpl(SlackOptions options, HttpClient* http)
      : options_(std::move(options)), http_(http) {
    while (!options_.api_base_url.empty() && options_.api_base_url.back() == '/') {
      options_.api_base_url.pop_back();
    }
  }

  Result<SlackMessageRecord> Post(const ApprovalCard& card, bool escalation) override {
    SlackMessageRecord record;
    record.ticket_id = card.ticket_id;
    record.ticket_version = card.ticket_version;
    if (options_.bot_token.empty()) {
      if (options_.webhook_url.empty()) {
        return FailedPrecondition(
            "slack: neither slack.bot_token nor slack.webhook_url is configured");
      }
      AUTOTRIAGE_RETURN_IF_ERROR(
          PostPlain("slack webhook", options_.webhook_url, "the webhook", CardJson(card), false));
      record.created_ms = NowMs();
      return record;
    }
    std::string channel = options_.channel;
    if (escalation && !options_.escalation_channel.empty()) {
      channel = options_.escalation_channel;
    }
    if (channel.empty()) {
      return FailedPrecondition("slack: no channel is configured (slack.channel)");
    }
    json body = CardJson(card);
    body["channel"] = channel;
    Result<json> reply = CallApi("chat.postMessage", body, /*idempotent=*/false);
    if (!reply.ok()) {
      return reply.status();
    }
    const json& answer = *reply;
    if (!answer.contains("channel") || !answer["channel"].is_string() || !answer.contains("ts") ||
        !answer["ts"].is_string()) {
      return Unavailable("slack chat.postMessage: the reply has no channel or ts");
    }
    record.channel = answer["channel"].get<std::string>();
    record.ts = answer["ts"].get<std::string>();
    record.created_ms = NowMs();
    return record;
  }

  Status Update(const SlackMessageRecord& where, const ApprovalCard& card) override {
    if (options_.bot_token.empty() || where.ts.empty()) {
      return Unimplemented(
          "slack: a card posted through the webhook cannot be updated with chat.update; it is "
          "replaced through the response_url of a button press");
    }
    if (where.channel.empty()) {
      return InvalidArgument("slack chat.update: the message record has no channel");
    }
    json body = CardJson(card);
    body["channel"] = where.channel;
    body["ts"] = where.ts;
    // Replacing a message with the same content twice is harmless: safe to retry.
    Result<json> reply = CallApi("chat.update", body, /*idempotent=*/true);
    return reply.ok() ? Status::Ok() : reply.status();
  }

  Status Respond(const std::string& response_url, const ApprovalCard& card) override {
    if (response_url.empty()) {
      return InvalidArgument("slack response_url: the interaction has no response_url");
    }
    json body = CardJson(card);
    body["replace_original"] = true;
    return PostPlain("slack response_url", response_url, "the response_url", body, true);
  }

  Status PostMessage(const std::string& message_json) override {
    json body = json::parse(message_json, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object() || !body.contains("text") ||
        !body["text"].is_string()) {
      return InvalidArgument("slack message: expected a JSON object with a \"text\" string");
    }
    if (options_.bot_token.empty()) {
      if (options_.webhook_url.empty()) {
        return FailedPrecondition(
            "slack: neither slack.bot_token nor slack.webhook_url is configured");
      }
      return PostPlain("slack webhook", options_.webhook_url, "the webhook", body, false);
    }
    if (options_.channel.empty()) {
      return FailedPrecondition("slack: no channel is configured (slack.channel)");
    }
    body["channel"] = options_.channel;
    Result<json> reply = CallApi("chat.postMessage", body, /*idempotent=*/false);
    return reply.ok() ? Status::Ok() : reply.status();
  }

 private:
  // A Web API call: HTTP 200 with {"ok": true, ...} or {"ok": false, "error": "..."}.
  Result<json> CallApi(const std::string& method, const json& body, bool idempotent) {
    const std::string what = "slack " + method;
    HttpRequest request;
    request.method = "POST";
    request.url = options_.api_base_url + "/" + method;
    request.headers = {{"Authorization", "Bearer " + options_.bot_token},
                       {"Content-Type", "application/json; charset=utf-8"}};
    request.body = Dump(body);
    request.idempotent = idempotent;
    Result<HttpResponse> response = http_->Send(request);
    if (!response.ok()) {
      return TransportFailure(response.status(), what, "", "", options_.bot_token);
    }
    if (response->status == 429) {
      return ResourceExhausted(what + ": rate limited by Slack (HTTP 429); try again later");
    }
    if (response->status != 200) {
      return Unavailable(what + ": HTTP " + std::to_string(response->status));
    }
    json reply = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (reply.is_discarded() || !reply.is_object() || !reply.contains("ok") ||
        !reply["ok"].is_boolean()) {
      return Unavailable(what + ": the reply is not a Slack API answer");
    }
    if (!reply["ok"].get<bool>()) {
      std::string error;
      if (reply.contains("error") && reply["error"].is_string()) {
        error = ErrorCode(reply["error"].get<std::string>());
      }
      return Unavailable(what + ": " + (error.empty() ? "unknown error" : error));
    }
    return reply;
  }

  // A POST to a URL that is itself the credential (incoming webhook, response_url). Webhooks
  // answer 200 "ok", or an HTTP error whose body is an error code such as "no_text".
  Status PostPlain(const std::string& what, const std::string& url, const std::string& url_label,
                   const json& body, bool idempotent) {
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    request.body = Dump(body);
    request.idempotent = idempotent;
    Result<HttpResponse> response = http_->Send(request);
    if (!response.ok()) {
      return TransportFailure(response.status(), what, url, url_label, options_.bot_token);
    }
    std::string error = ErrorCode(response->body);
    const json reply = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    const bool json_error = reply.is_object() && reply.contains("ok") && reply["ok"].is_boolean() &&
                            !reply["ok"].get<bool>();
    if (reply.is_object() && reply.contains("error") && reply["error"].is_string()) {
      error = ErrorCode(reply["error"].get<std::string>());
    }
    if (response->status == 429) {
      return ResourceExhausted(what + ": rate limited by Slack (HTTP 429); try again later");
    }
    if (response->status != 200 || json_error) {
      std::string message = what + ": HTTP " + std::to_string(response->status);
      if (!error.empty()) {
        message += " " + error;
      }
      return Unavailable(message);
    }
    return Status::Ok();
  }

  SlackOptions options_;
  HttpClient* http_;
};

}  // namespace

std::unique_ptr<SlackClient> SlackClient::Create(const SlackOptions& options, HttpClient* http) {
  return std::make_unique<SlackClientImpl>(options, http);
}

}  // namespace autotriage
