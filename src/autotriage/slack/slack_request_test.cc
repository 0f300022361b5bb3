// Slack callbacks: signature verification (Slack's published example, forged, stale, missing)
// and parsing of block_actions payloads, including malformed ones.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "autotriage/slack/slack.h"

namespace autotriage {
namespace {

using nlohmann::json;

constexpr char kSecret[] = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr int64_t kNow = 1531420618;

// The example request of Slack's "Verifying requests from Slack" guide.
constexpr char kSlackExampleBody[] =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%"
    "2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
constexpr char kSlackExampleSignature[] =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

// Signs with OpenSSL, independently of the libsodium code under test.
std::string Sign(const std::string& secret, const std::string& timestamp, const std::string& body) {
  const std::string base = "v0:" + timestamp + ":" + body;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "v0=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

std::map<std::string, std::string> Headers(const std::string& timestamp,
                                           const std::string& signature) {
  return {{"x-slack-request-timestamp", timestamp}, {"x-slack-signature", signature}};
}

// Asserts kUnauthenticated mentioning `reason` and no secret material.
void ExpectRefused(const Status& status, const std::string& reason, const std::string& secret,
                   const std::string& expected_signature) {
  EXPECT_EQ(status.code(), StatusCode::kUnauthenticated) << status.ToString();
  EXPECT_NE(status.message().find(reason), std::string::npos) << status.ToString();
  EXPECT_EQ(status.message().find(secret), std::string::npos);
  EXPECT_EQ(status.message().find(expected_signature.substr(3)), std::string::npos);
}

TEST(SlackVerifyTest, AcceptsSlacksPublishedExample) {
  const Status status = VerifySlackRequest(kSecret, Headers("1531420618", kSlackExampleSignature),
                                           kSlackExampleBody, kNow);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(SlackVerifyTest, AcceptsAnIndependentlySignedBodyWithinFiveMinutes) {
  const std::string body = "payload=%7B%22type%22%3A%22block_actions%22%7D";
  const std::string ts = std::to_string(kNow - 299);
  EXPECT_TRUE(VerifySlackRequest("a-much-longer-secret-than-sixty-four-bytes-"
                                 "because-hmac-hashes-long-keys-first-0123456789",
                                 Headers(ts, Sign("a-much-longer-secret-than-sixty-four-bytes-"
                                                  "because-hmac-hashes-long-keys-first-0123456789",
                                                  ts, body)),
                                 body, kNow)
                  .ok());
  const std::string future = std::to_string(kNow + 300);
  EXPECT_TRUE(
      VerifySlackRequest(kSecret, Headers(future, Sign(kSecret, future, body)), body, kNow).ok());
}

TEST(SlackVerifyTest, RefusesForgedSignatures) {
  const std::string ts = "1531420618";
  // Another body under the right signature.
  ExpectRefused(VerifySlackRequest(kSecret, Headers(ts, kSlackExampleSignature),
                                   std::string(kSlackExampleBody) + "&x=1", kNow),
                "bad signature", kSecret, kSlackExampleSignature);
  // Signed with another secret.
  ExpectRefused(VerifySlackRequest(kSecret, Headers(ts, Sign("guess", ts, kSlackExampleBody)),
                                   kSlackExampleBody, kNow),
                "bad signature", kSecret, kSlackExampleSignature);
  // One changed hex digit, upper-case hex, truncated, not v0.
  std::string flipped = kSlackExampleSignature;
  flipped.back() = flipped.back() == '3' ? '4' : '3';
  for (const std::string& signature :
       {flipped, std::string("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503"),
        std::string(kSlackExampleSignature).substr(0, 40), std::string("")}) {
    ExpectRefused(VerifySlackRequest(kSecret, Headers(ts, signature), kSlackExampleBody, kNow),
                  "signature", kSecret, kSlackExampleSignature);
  }
  ExpectRefused(
      VerifySlackRequest(kSecret, Headers(ts, std::string("v1=") + (kSlackExampleSignature + 3)),
                         kSlackExampleBody, kNow),
      "not a v0 signature", kSecret, kSlackExampleSignature);
}

TEST(SlackVerifyTest, RefusesStaleAndFutureTimestampsEvenWhenSigned) {
  for (const int64_t skew : {301, -301, 86400}) {
    const std::string ts = std::to_string(kNow - skew);
    ExpectRefused(VerifySlackRequest(kSecret, Headers(ts, Sign(kSecret, ts, kSlackExampleBody)),
                                     kSlackExampleBody, kNow),
                  "stale timestamp", kSecret, Sign(kSecret, ts, kSlackExampleBody));
  }
}

TEST(SlackVerifyTest, RefusesMissingHeadersAndBadTimestamps) {
  ExpectRefused(VerifySlackRequest(kSecret, {{"x-slack-signature", kSlackExampleSignature}},
                                   kSlackExampleBody, kNow),
                "X-Slack-Request-Timestamp", kSecret, kSlackExampleSignature);
  ExpectRefused(VerifySlackRequest(kSecret, {{"x-slack-request-timestamp", "1531420618"}},
                                   kSlackExampleBody, kNow),
                "missing header X-Slack-Signature", kSecret, kSlackExampleSignature);
  for (const std::string ts :
       {"", "abc", "-1531420618", "1531420618.5", " 1531420618", "99999999999999999999999"}) {
    ExpectRefused(
        VerifySlackRequest(kSecret, Headers(ts, kSlackExampleSignature), kSlackExampleBody, kNow),
        "not a Unix time", kSecret, kSlackExampleSignature);
  }
}

TEST(SlackVerifyTest, AnEmptySecretAcceptsNothing) {
  const Status status =
      VerifySlackRequest("", Headers("1531420618", Sign("", "1531420618", "b")), "b", kNow);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
}

std::string FormEncode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

json SamplePayload() {
  return json::parse(R"({
    "type": "block_actions",
    "user": {"id": "U0ALICE", "username": "alice", "team_id": "T0"},
    "container": {"type": "message", "message_ts": "1717000000.000100", "channel_id": "C0APPROVALS"},
    "channel": {"id": "C0APPROVALS", "name": "approvals"},
    "message": {"ts": "1717000000.000100", "text": "Ticket 4711 needs approval"},
    "response_url": "https://hooks.slack.com/actions/T0/1/secretpart",
    "actions": [{"action_id": "approve", "block_id": "approval", "type": "button",
                 "value": "4711|1717171717", "text": {"type": "plain_text", "text": "Approve"}}]
  })");
}

TEST(SlackParseTest, ParsesABlockActionsPayload) {
  const Result<SlackInteraction> parsed =
      ParseSlackInteraction("payload=" + FormEncode(SamplePayload().dump()));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->slack_user_id, "U0ALICE");
  EXPECT_EQ(parsed->action, "approve");
  EXPECT_EQ(parsed->ticket_id, "4711");
  EXPECT_EQ(parsed->ticket_version, "1717171717");
  EXPECT_EQ(parsed->channel, "C0APPROVALS");
  EXPECT_EQ(parsed->message_ts, "1717000000.000100");
  EXPECT_EQ(parsed->response_url, "https://hooks.slack.com/actions/T0/1/secretpart");
}

TEST(SlackParseTest, FallsBackToMessageTsAndContainerChannelAndSplitsAtTheLastBar) {
  json payload = SamplePayload();
  payload["container"].erase("message_ts");
  payload.erase("channel");
  payload["message"]["ts"] = "1717000000.000200";
  payload["actions"][0]["action_id"] = "reject";
  payload["actions"][0]["value"] = "rt|4711|99";
  const Result<SlackInteraction> parsed =
      ParseSlackInteraction("other=1&payload=" + FormEncode(payload.dump()) + "&x=");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->action, "reject");
  EXPECT_EQ(parsed->message_ts, "1717000000.000200");
  EXPECT_EQ(parsed->channel, "C0APPROVALS");
  EXPECT_EQ(parsed->ticket_id, "rt|4711");
  EXPECT_EQ(parsed->ticket_version, "99");
}

TEST(SlackParseTest, DecodesPlusAsSpaceAndPercentEscapes) {
  json payload = SamplePayload();
  payload["user"]["id"] = "U with space+plus";
  std::string body = "payload=" + FormEncode(payload.dump());
  const Result<SlackInteraction> parsed = ParseSlackInteraction(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->slack_user_id, "U with space+plus");
}

void ExpectInvalid(const std::string& body, const std::string& reason) {
  const Result<SlackInteraction> parsed = ParseSlackInteraction(body);
  ASSERT_FALSE(parsed.ok()) << body;
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find(reason), std::string::npos)
      << parsed.status().ToString();
}

void ExpectInvalidPayload(const json& payload, const std::string& reason) {
  ExpectInvalid("payload=" + FormEncode(payload.dump()), reason);
}

TEST(SlackParseTest, RefusesMalformedBodiesNamingWhatIsWrong) {
  ExpectInvalid("", "no payload field");
  ExpectInvalid("token=abc", "no payload field");
  ExpectInvalid("payload=%7", "form encoding");
  ExpectInvalid("payload=%zz", "form encoding");
  ExpectInvalid("payload=not+json", "not a JSON object");
  ExpectInvalid("payload=%5B1%2C2%5D", "not a JSON object");
  ExpectInvalid("payload=", "not a JSON object");

  json payload = SamplePayload();
  payload["type"] = "view_submission";
  ExpectInvalidPayload(payload, "'view_submission' is not block_actions");
  payload = SamplePayload();
  payload.erase("user");
  ExpectInvalidPayload(payload, "user.id is missing");
  payload = SamplePayload();
  payload["user"]["id"] = 42;
  ExpectInvalidPayload(payload, "user.id is missing");
  payload = SamplePayload();
  payload["actions"] = json::array();
  ExpectInvalidPayload(payload, "actions is missing or empty");
  payload = SamplePayload();
  payload["actions"] = "approve";
  ExpectInvalidPayload(payload, "actions is missing or empty");
  payload = SamplePayload();
  payload["actions"][0]["action_id"] = "delete_everything";
  ExpectInvalidPayload(payload, "neither approve nor reject");
  for (const char* value : {"4711", "|1", "4711|", ""}) {
    payload = SamplePayload();
    payload["actions"][0]["value"] = value;
    ExpectInvalidPayload(payload, "<ticket_id>|<ticket_version>");
  }
  payload = SamplePayload();
  payload.erase("response_url");
  payload["container"].erase("message_ts");
  payload["message"].erase("ts");
  ExpectInvalidPayload(payload, "neither response_url nor the message ts");
}

TEST(SlackParseTest, QuotedPeerTextIsBoundedAndPrintable) {
  json payload = SamplePayload();
  payload["type"] = std::string(500, 'x') + "\n\x01";
  const Result<SlackInteraction> parsed =
      ParseSlackInteraction("payload=" + FormEncode(payload.dump()));
  ASSERT_FALSE(parsed.ok());
  EXPECT_LT(parsed.status().message().size(), 150u);
  EXPECT_EQ(parsed.status().message().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace autotriage
