// Slack: approval cards as Block Kit messages with Approve and Reject buttons, and the
// verification and parsing of Slack's interactive callbacks.
//
// Posting: with a bot token, chat.postMessage to the configured channel (the reply's channel
// and ts are kept so the card can be updated with chat.update after a decision, wherever it was
// made); with only an incoming webhook, the card is posted there and updated through the
// response_url of a button press.
// Callbacks: Slack POSTs application/x-www-form-urlencoded `payload=<JSON>` with the headers
// X-Slack-Request-Timestamp and X-Slack-Signature ("v0=" + hex HMAC-SHA256 of
// "v0:<timestamp>:<raw body>" keyed with the signing secret). A request is accepted only when
// the signature matches (constant-time compare) and the timestamp is within 5 minutes of now.
// Escaping: everything from a ticket is escaped for Slack mrkdwn (&, <, >), so ticket text can
// neither mention (<!channel>), link nor format.
// Thread-safety: the functions are pure; a SlackClient is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/core/status.h"
#include "autotriage/store/people.h"

namespace autotriage {

class HttpClient;

struct CardChange {
  std::string field;
  std::string old_value;
  std::string new_value;
  double confidence = 0;
  std::vector<std::string> words;  // deciding words, best first
};

struct CardLink {
  std::string id;
  std::string title;
  std::string url;  // "" = no link
};

struct ApprovalCard {
  std::string ticket_id;
  std::string ticket_version;
  std::string subject;
  std::string queue;
  std::string summary;
  std::vector<CardChange> changes;
  std::vector<CardLink> articles;      // KB top 3
  std::vector<CardLink> similar;       // similar resolved tickets
  std::vector<std::string> assignees;  // "name: reason"
  std::string review_url;              // the dashboard card
  // "" while pending (buttons shown); else the outcome line shown instead of the buttons,
  // e.g. "Approved by user:alice".
  std::string decided;
  bool escalated = false;
};

// {"text": fallback, "blocks": [...]} as JSON text. Button values carry
// "<ticket_id>|<ticket_version>"; action ids are "approve" and "reject".
std::string BuildCardMessage(const ApprovalCard& card);

// Escapes &, < and > for mrkdwn and plain_text fields.
std::string SlackEscape(const std::string& text);

// {"text": text, "blocks": [one mrkdwn section]} as JSON text, `text` escaped: a plain notice.
std::string BuildNoticeMessage(const std::string& text);

// kUnauthenticated naming what is wrong (missing header, stale timestamp, bad signature);
// kFailedPrecondition when `signing_secret` is empty (nothing can be verified, so nothing is
// accepted). `headers` names are lower-case (as ServerRequest has them).
Status VerifySlackRequest(const std::string& signing_secret,
                          const std::map<std::string, std::string>& headers,
                          const std::string& body, int64_t now_seconds);

struct SlackInteraction {
  std::string slack_user_id;
  std::string action;  // "approve" or "reject"
  std::string ticket_id;
  std::string ticket_version;
  std::string channel;
  std::string message_ts;
  std::string response_url;
};

// Parses a verified block_actions callback. kInvalidArgument naming what is missing.
Result<SlackInteraction> ParseSlackInteraction(const std::string& form_body);

class SlackClient {
 public:
  // `http` must outlive the client. Options should have a bot_token (preferred when both are
  // set) or a webhook_url; without either, Post returns kFailedPrecondition. Never null.
  // The webhook URL and response_urls are credentials in their path, which RedactUrl does not
  // hide: give the client an HttpClient whose `log` hook is empty or not shown to users.
  static std::unique_ptr<SlackClient> Create(const SlackOptions& options, HttpClient* http);
  virtual ~SlackClient() = default;
  // Posts a card; returns where (channel + ts; both "" for a webhook, which has no ts).
  // `escalation` posts to the escalation channel. kUnavailable with Slack's error string.
  virtual Result<SlackMessageRecord> Post(const ApprovalCard& card, bool escalation) = 0;
  // Replaces a posted card (chat.update); a webhook card cannot be updated this way
  // (kUnimplemented): use Respond.
  virtual Status Update(const SlackMessageRecord& where, const ApprovalCard& card) = 0;
  // Replaces the card a button was pressed on, through the interaction's response_url.
  virtual Status Respond(const std::string& response_url, const ApprovalCard& card) = 0;
  // Posts a message that is not an approval card (a demotion notice, a proposed Problem, the
  // daily digest) to slack.channel, or through the webhook. `message_json` is a JSON object with
  // at least "text" (the fallback) and optionally "blocks"; the caller escapes what it put in
  // (SlackEscape). kInvalidArgument for anything else; errors as Post.
  virtual Status PostMessage(const std::string& message_json) = 0;
};

}  // namespace autotriage
