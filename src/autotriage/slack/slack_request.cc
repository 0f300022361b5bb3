// Slack's interactive callbacks: signature check (v0 HMAC-SHA256) and the block_actions payload.
// Messages name what is wrong but never contain the signing secret, the expected signature or
// the signature that was sent.
#include <sodium.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "autotriage/slack/slack.h"

namespace autotriage {
namespace {

using nlohmann::json;

constexpr int64_t kMaxClockSkewSeconds = 300;  // Slack's recommended replay window
constexpr size_t kMaxTimestampDigits = 15;     // far beyond any real Unix time, no overflow
constexpr std::string_view kSignaturePrefix = "v0=";
constexpr size_t kMaxEchoedChars = 40;  // bounds peer text quoted in messages

void EnsureSodium() {
  static const bool initialised = [] { return sodium_init() >= 0; }();
  if (!initialised) {
    AbortWithMessage("libsodium could not be initialised");
  }
}

std::string HexHmacSha256(const std::string& key, const std::string& message) {
  EnsureSodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> digest{};
  crypto_auth_hmacsha256_final(&state, digest.data());
  sodium_memzero(&state, sizeof(state));
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

std::optional<int64_t> ParseUnixSeconds(const std::string& text) {
  if (text.empty() || text.size() > kMaxTimestampDigits) {
    return std::nullopt;
  }
  int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

const std::string* FindHeader(const std::map<std::string, std::string>& headers,
                              const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? nullptr : &it->second;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
std::optional<std::string> FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// The raw (still encoded) value of form field `name`, if present.
std::optional<std::string_view> FormField(std::string_view body, std::string_view name) {
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) {
      end = body.size();
    }
    const std::string_view pair = body.substr(start, end - start);
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return pair.substr(equals + 1);
    }
    start = end + 1;
  }
  return std::nullopt;
}

// A member of an object; null when missing or when `object` is not an object.
const json& Member(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) {
    return kNull;
  }
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// A string member of an object, "" when missing or not a string.
std::string StringAt(const json& object, const char* key) {
  const json& member = Member(object, key);
  return member.is_string() ? member.get<std::string>() : "";
}

std::string Quoted(const std::string& text) {
  std::string shown = text.substr(0, kMaxEchoedChars);
  for (char& c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F) {
      c = '?';
    }
  }
  return "'" + shown + (text.size() > kMaxEchoedChars ? "...'" : "'");
}

Status Bad(const std::string& what) {
  return InvalidArgument("slack interaction: " + what);
}

}  // namespace

Status VerifySlackRequest(const std::string& signing_secret,
                          const std::map<std::string, std::string>& headers,
                          const std::string& body, int64_t now_seconds) {
  if (signing_secret.empty()) {
    return FailedPrecondition(
        "slack request: no signing secret is configured (slack.signing_secret)");
  }
  const std::string* timestamp = FindHeader(headers, "x-slack-request-timestamp");
  if (timestamp == nullptr) {
    return Unauthenticated("slack request: missing header X-Slack-Request-Timestamp");
  }
  const std::string* signature = FindHeader(headers, "x-slack-signature");
  if (signature == nullptr) {
    return Unauthenticated("slack request: missing header X-Slack-Signature");
  }
  const std::optional<int64_t> seconds = ParseUnixSeconds(*timestamp);
  if (!seconds) {
    return Unauthenticated(
        "slack request: X-Slack-Request-Timestamp is not a Unix time in seconds");
  }
  const int64_t skew = *seconds > now_seconds ? *seconds - now_seconds : now_seconds - *seconds;
  if (skew > kMaxClockSkewSeconds) {
    return Unauthenticated("slack request: stale timestamp (" + std::to_string(skew) +
                           " s from this server's clock; at most " +
                           std::to_string(kMaxClockSkewSeconds) + " s are accepted)");
  }
  if (signature->compare(0, kSignaturePrefix.size(), kSignaturePrefix) != 0) {
    return Unauthenticated("slack request: X-Slack-Signature is not a v0 signature");
  }
  const std::string expected = std::string(kSignaturePrefix) +
                               HexHmacSha256(signing_secret, "v0:" + *timestamp + ":" + body);
  // The length of a valid signature is public; only equal lengths are compared, in constant time.
  if (signature->size() != expected.size() ||
      sodium_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Unauthenticated("slack request: bad signature (check slack.signing_secret)");
  }
  return Status::Ok();
}

Result<SlackInteraction> ParseSlackInteraction(const std::string& form_body) {
  const std::optional<std::string_view> encoded = FormField(form_body, "payload");
  if (!encoded) {
    return Bad("the body has no payload field");
  }
  const std::optional<std::string> text = FormDecode(*encoded);
  if (!text) {
    return Bad("the payload field is not valid form encoding");
  }
  const json payload = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded() || !payload.is_object()) {
    return Bad("the payload is not a JSON object");
  }
  const std::string type = StringAt(payload, "type");
  if (type != "block_actions") {
    return Bad("type " + Quoted(type) + " is not block_actions");
  }
  SlackInteraction out;
  out.slack_user_id = StringAt(Member(payload, "user"), "id");
  if (out.slack_user_id.empty()) {
    return Bad("user.id is missing");
  }
  const json& actions = Member(payload, "actions");
  if (!actions.is_array() || actions.empty() || !actions[0].is_object()) {
    return Bad("actions is missing or empty");
  }
  out.action = StringAt(actions[0], "action_id");
  if (out.action != "approve" && out.action != "reject") {
    return Bad("action_id " + Quoted(out.action) + " is neither approve nor reject");
  }
  // Ticket ids come from helpdesks; versions are ours (digits), so the last '|' separates them.
  const std::string value = StringAt(actions[0], "value");
  const size_t bar = value.rfind('|');
  if (bar == std::string::npos || bar == 0 || bar + 1 == value.size()) {
    return Bad("the button value is not <ticket_id>|<ticket_version>");
  }
  out.ticket_id = value.substr(0, bar);
  out.ticket_version = value.substr(bar + 1);
  const json& container = Member(payload, "container");
  out.channel = StringAt(Member(payload, "channel"), "id");
  if (out.channel.empty()) {
    out.channel = StringAt(container, "channel_id");
  }
  out.message_ts = StringAt(container, "message_ts");
  if (out.message_ts.empty()) {
    out.message_ts = StringAt(Member(payload, "message"), "ts");
  }
  out.response_url = StringAt(payload, "response_url");
  if (out.response_url.empty() && out.message_ts.empty()) {
    return Bad("neither response_url nor the message ts is present");
  }
  return out;
}

}  // namespace autotriage
