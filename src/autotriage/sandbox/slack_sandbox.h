// SlackSandbox: an in-process emulation of the parts of Slack the approval cards use, served over
// real HTTP on loopback, for tests and the demo.
//
// Endpoints (as Slack documents them):
//   POST /api/chat.postMessage   Web API; JSON body, "Authorization: Bearer <bot token>". Always
//   POST /api/chat.update        HTTP 200 with {"ok":true,...} or {"ok":false,"error":"..."}:
//                                not_authed, invalid_auth, invalid_post_type (not JSON),
//                                invalid_json, json_not_object, channel_not_found, no_text,
//                                invalid_blocks (Block Kit limits broken), msg_too_long,
//                                message_not_found (chat.update of an unknown ts).
//   POST /webhook/<id>           incoming webhook; 200 "ok", 400 invalid_payload / no_text /
//                                invalid_blocks, 404 no_service (unknown id) as text/plain.
//   POST /response/<id>          an interaction's response_url: replace_original replaces the
//                                message, delete_original deletes it, otherwise a new message
//                                is posted; 200 {"ok":true}. Usable 5 times (as on Slack; 30
//                                minutes are not enforced), then 404 {"ok":false,
//                                "error":"expired_url"}; unknown ids 404 "no_service".
// Outside the API (no auth), for the demo and scripts:
//   GET  /_sandbox/messages      every message, oldest first, as JSON
//   POST /_sandbox/press         {"channel","ts","user_id","action_id"}: presses a button of a
//                                stored card, POSTing a signed callback to
//                                options.interaction_url; answers {"status": <its HTTP status>}.
// Where Slack's behaviour is undocumented the emulator chooses: response_url replies are JSON
// {"ok":true}; webhook messages get a ts (Slack does not return it) so response_urls can refer
// to them; form-encoded Web API calls are not supported (invalid_post_type).
// Thread-safety: every public method may be called from any thread while the server runs.
// Ownership: Start returns the only owner; destroying it stops the server.
// Errors: Start returns kUnavailable when the address cannot be bound.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

struct SlackSandboxOptions {
  std::string bot_token = "xoxb-sandbox-bot-token";
  std::string signing_secret = "sandbox-signing-secret";
  std::vector<std::string> channels = {"C0APPROVALS", "C0ESCALATED"};  // known channel ids
  std::string webhook_channel = "C0APPROVALS";  // where incoming-webhook posts land
  std::string team_id = "T0SANDBOX";
  std::string listen_address = "127.0.0.1";
  int port = 0;  // 0 = an ephemeral port
  // Our interactivity Request URL (e.g. http://127.0.0.1:8080/slack/interactions), for PressButton
  // and /_sandbox/press; "" = pressing is not available.
  std::string interaction_url;
};

struct SlackSandboxMessage {
  std::string channel;
  std::string ts;
  std::string text;
  std::string blocks;  // the JSON array as posted (or last replaced)
  std::string source;  // "chat.postMessage", "webhook" or "response_url"
  int updates = 0;     // chat.update and response_url replacements so far
};

// A button press as Slack would deliver it to our Request URL.
struct SlackInteractionSpec {
  std::string user_id = "U0ALICE";
  std::string action_id = "approve";
  std::string value;  // the button's value; "" = taken from the stored card's button
  std::string channel;
  std::string message_ts;
};

struct SlackSignedRequest {
  std::string body;                            // payload=<form-encoded JSON>
  std::map<std::string, std::string> headers;  // lower-case names, as ServerRequest has them
  std::string response_url;                    // the one minted for this interaction
};

class SlackSandbox {
 public:
  static Result<std::unique_ptr<SlackSandbox>> Start(const SlackSandboxOptions& options);
  virtual ~SlackSandbox() = default;

  virtual int port() const = 0;
  // http://127.0.0.1:<port>/api, for SlackOptions::api_base_url.
  virtual std::string api_base_url() const = 0;
  // The incoming-webhook URL, for SlackOptions::webhook_url.
  virtual std::string webhook_url() const = 0;

  // Stored messages, oldest first; `channel` "" = all channels.
  virtual std::vector<SlackSandboxMessage> Messages(const std::string& channel = "") const = 0;
  // kNotFound when no message has this channel and ts.
  virtual Result<SlackSandboxMessage> Message(const std::string& channel,
                                              const std::string& ts) const = 0;

  // Builds the block_actions callback for a press (user, channel, container, message, actions,
  // a freshly minted response_url) signed at `now_seconds` with the signing secret. When the
  // message is stored, its blocks are included and an empty spec.value is taken from the button.
  virtual SlackSignedRequest SignedInteraction(const SlackInteractionSpec& spec,
                                               int64_t now_seconds) = 0;
  // Sends SignedInteraction(spec, now) to options.interaction_url; returns the HTTP status.
  // kFailedPrecondition without an interaction_url; kUnavailable when it cannot be reached.
  virtual Result<int> PressButton(const SlackInteractionSpec& spec) = 0;

  virtual void Stop() = 0;
};

// "v0=" + hex HMAC-SHA256 of "v0:<timestamp>:<body>" keyed with `signing_secret` (OpenSSL; an
// implementation independent of the slack module's, so tests cross-check the two).
std::string SlackSignature(const std::string& signing_secret, const std::string& timestamp,
                           const std::string& body);

// application/x-www-form-urlencoded encoding of one value (space as '+').
std::string SlackFormEncode(const std::string& value);

}  // namespace autotriage
