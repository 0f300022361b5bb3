// Wire helpers of the Slack emulator (internal to the sandbox module): Block Kit validation
// against Slack's documented limits, message bodies, the block_actions payload Slack sends on a
// press, and sending it.
// Thread-safety: thread-safe functions. Errors: ValidateSlackBlocks returns a reason ("" when
// valid), CheckSlackMessageBody Slack's error code, PostSignedRequest a Status.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "autotriage/sandbox/slack_sandbox.h"

namespace autotriage {

// "" when `blocks` is a Block Kit array Slack would accept; else what is wrong (for logs and
// tests; Slack itself answers just "invalid_blocks").
std::string ValidateSlackBlocks(const nlohmann::json& blocks);

// Characters as Slack counts them (UTF-8 code points).
size_t SlackCharCount(const std::string& text);

struct InteractionContext {
  std::string team_id;
  std::string response_url;
  std::string action_ts;
  const SlackSandboxMessage* message = nullptr;  // the stored card, when there is one
};

// The block_actions payload for a press of `spec.action_id` (the button of that action_id in the
// stored card, or a synthesised one).
nlohmann::json BuildBlockActionsPayload(const SlackInteractionSpec& spec,
                                        const InteractionContext& context);

// The message as /_sandbox/messages lists it.
nlohmann::json SlackMessageJson(const SlackSandboxMessage& message);

// Checks the {text, blocks} of a post or update body and fills `text` and `blocks` (JSON array
// text); "" when valid, else Slack's error code (invalid_blocks, no_text, msg_too_long).
std::string CheckSlackMessageBody(const nlohmann::json& body, std::string& text,
                                  std::string& blocks);

// POSTs a signed callback to `url` as Slack does; the HTTP status, or kUnavailable.
Result<int> PostSignedRequest(const std::string& url, const SlackSignedRequest& request);

}  // namespace autotriage
