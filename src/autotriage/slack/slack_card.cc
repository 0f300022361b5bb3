// The approval card as a Block Kit message. Every string that comes from a ticket goes through
// SlackEscape before it is placed in a text field, and only our own markup (bold, bullets, links
// to http(s) URLs) is added around it, so ticket text can never mention, link or format.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "autotriage/slack/slack.h"
#include "autotriage/slack/slack_text.h"

namespace autotriage {
namespace {

using nlohmann::json;

// Block Kit limits (https://api.slack.com/reference/block-kit/blocks), in characters.
constexpr size_t kHeaderTextMax = 150;
constexpr size_t kSectionTextMax = 3000;
constexpr size_t kFieldTextMax = 2000;
constexpr size_t kFieldsPerSection = 10;
constexpr size_t kContextTextMax = 2000;
constexpr size_t kMaxBlocks = 50;
// Our own caps, well inside the limits above, so the card stays readable.
constexpr size_t kSubjectMax = 300;
constexpr size_t kSummaryMax = 2500;
constexpr size_t kMaxChangesShown = 30;  // three sections of ten fields
constexpr size_t kMaxArticles = 3;
constexpr size_t kMaxSimilar = 5;
constexpr size_t kMaxAssignees = 5;
constexpr size_t kMaxWords = 8;
constexpr size_t kListItemMax = 400;
constexpr size_t kFallbackMax = 400;

json PlainText(const std::string& escaped) {
  return {{"type", "plain_text"}, {"text", escaped}, {"emoji", false}};
}

json Mrkdwn(const std::string& escaped) {
  return {{"type", "mrkdwn"}, {"text", escaped}};
}

json Section(const std::string& escaped_mrkdwn) {
  return {{"type", "section"}, {"text", Mrkdwn(ClipSlackText(escaped_mrkdwn, kSectionTextMax))}};
}

json Context(const std::string& escaped_mrkdwn) {
  return {{"type", "context"},
          {"elements", json::array({Mrkdwn(ClipSlackText(escaped_mrkdwn, kContextTextMax))})}};
}

std::string ConfidencePercent(double confidence) {
  if (!std::isfinite(confidence)) {
    confidence = 0;
  }
  const long percent = std::lround(std::clamp(confidence, 0.0, 1.0) * 100);
  return std::to_string(percent) + "%";
}

std::string ValueOrEmpty(const std::string& value) {
  return value.empty() ? "_(empty)_" : SlackEscape(value);
}

// "*field*: old → new (confidence 87%)" and the deciding words on a second line.
std::string ChangeText(const CardChange& change) {
  std::string text = "*" + SlackEscape(change.field) + "*: " + ValueOrEmpty(change.old_value) +
                     " → " + ValueOrEmpty(change.new_value) + " (confidence " +
                     ConfidencePercent(change.confidence) + ")";
  if (!change.words.empty()) {
    std::string words;
    const size_t shown = std::min(change.words.size(), kMaxWords);
    for (size_t i = 0; i < shown; ++i) {
      words += (i == 0 ? "" : ", ") + SlackEscape(change.words[i]);
    }
    text += "\nDeciding words: " + words;
  }
  return ClipSlackText(text, kFieldTextMax);
}

// A link only for http(s) URLs; anything else (javascript:, a URL with characters that would
// end the link markup) is shown as plain escaped text.
std::string LinkOrText(const std::string& url, const std::string& label) {
  const std::string escaped_label = ClipSlackText(SlackEscape(label), kListItemMax);
  if (!IsSafeLinkUrl(url)) {
    return escaped_label;
  }
  return "<" + SlackEscape(url) + "|" + escaped_label + ">";
}

std::string ArticleLine(const CardLink& link) {
  std::string label = link.title.empty() ? link.id : link.title;
  if (label.empty()) {
    label = "(untitled)";
  }
  return "• " + LinkOrText(link.url, label);
}

std::string SimilarLine(const CardLink& link) {
  std::string label = link.id.empty() ? "" : "#" + link.id;
  if (!link.title.empty()) {
    label += (label.empty() ? "" : " ") + link.title;
  }
  if (label.empty()) {
    label = "(untitled)";
  }
  return "• " + LinkOrText(link.url, label);
}

// A titled bullet list whose lines are added while they fit the section limit.
std::string BulletList(const std::string& title, const std::vector<std::string>& lines) {
  std::string text = "*" + title + "*";
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string more = "\n…";
    if (CountSlackChars(text) + 1 + CountSlackChars(lines[i]) + CountSlackChars(more) >
        kSectionTextMax) {
      return text + more;
    }
    text += "\n" + lines[i];
  }
  return text;
}

json Button(const std::string& action_id, const std::string& label, const std::string& style,
            const std::string& value) {
  return {{"type", "button"},
          {"action_id", action_id},
          {"text", PlainText(label)},
          {"style", style},
          {"value", value}};
}

void AddChangeSections(const ApprovalCard& card, json& blocks) {
  const size_t shown = std::min(card.changes.size(), kMaxChangesShown);
  for (size_t start = 0; start < shown; start += kFieldsPerSection) {
    json fields = json::array();
    for (size_t i = start; i < std::min(shown, start + kFieldsPerSection); ++i) {
      fields.push_back(Mrkdwn(ChangeText(card.changes[i])));
    }
    blocks.push_back({{"type", "section"}, {"fields", std::move(fields)}});
  }
  if (card.changes.size() > shown) {
    blocks.push_back(Context("… and " + std::to_string(card.changes.size() - shown) +
                             " more proposed changes: see the dashboard"));
  }
}

void AddAdviceSections(const ApprovalCard& card, json& blocks) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < std::min(card.articles.size(), kMaxArticles); ++i) {
    lines.push_back(ArticleLine(card.articles[i]));
  }
  if (!lines.empty()) {
    blocks.push_back(Section(BulletList("Knowledge base", lines)));
  }
  lines.clear();
  for (size_t i = 0; i < std::min(card.similar.size(), kMaxSimilar); ++i) {
    lines.push_back(SimilarLine(card.similar[i]));
  }
  if (!lines.empty()) {
    blocks.push_back(Section(BulletList("Similar resolved tickets", lines)));
  }
  lines.clear();
  for (size_t i = 0; i < std::min(card.assignees.size(), kMaxAssignees); ++i) {
    lines.push_back("• " + ClipSlackText(SlackEscape(card.assignees[i]), kListItemMax));
  }
  if (!lines.empty()) {
    blocks.push_back(Section(BulletList("Suggested assignees", lines)));
  }
}

std::string ContextLine(const ApprovalCard& card) {
  std::string line = "Queue: " + (card.queue.empty() ? "_(none)_" : SlackEscape(card.queue));
  if (IsSafeLinkUrl(card.review_url)) {
    line += "  ·  <" + SlackEscape(card.review_url) + "|Open in dashboard>";
  }
  return line;
}

}  // namespace

std::string BuildCardMessage(const ApprovalCard& card) {
  const std::string id = SlackEscape(card.ticket_id);
  json blocks = json::array();
  blocks.push_back(
      {{"type", "header"},
       {"text", PlainText(ClipSlackText("Approval needed: ticket " + id, kHeaderTextMax))}});
  if (card.escalated) {
    blocks.push_back(
        Context(":warning: *Escalated*: this proposal has waited longer than the "
                "approval deadline."));
  }
  std::string intro =
      "*Ticket " + id + "*: " + ClipSlackText(SlackEscape(card.subject), kSubjectMax);
  if (!card.summary.empty()) {
    intro += "\n" + ClipSlackText(SlackEscape(card.summary), kSummaryMax);
  }
  blocks.push_back(Section(intro));
  AddChangeSections(card, blocks);
  AddAdviceSections(card, blocks);
  blocks.push_back(Context(ContextLine(card)));
  if (card.decided.empty()) {
    const std::string value = card.ticket_id + "|" + card.ticket_version;
    blocks.push_back({{"type", "actions"},
                      {"block_id", "approval"},
                      {"elements", json::array({Button("approve", "Approve", "primary", value),
                                                Button("reject", "Reject", "danger", value)})}});
  } else {
    blocks.push_back(Section(SlackEscape(card.decided)));
  }
  // The caps above keep a card far below the limit; this only guards future additions.
  if (blocks.size() > kMaxBlocks) {
    blocks.erase(blocks.begin() + (kMaxBlocks - 1), blocks.end() - 1);
  }

  std::string fallback = "Ticket " + id + ": " + SlackEscape(card.subject);
  fallback += card.decided.empty() ? " (approval needed)" : " (" + SlackEscape(card.decided) + ")";
  json message = {{"text", ClipSlackText(fallback, kFallbackMax)}, {"blocks", std::move(blocks)}};
  // Ticket text may hold invalid UTF-8; replace it rather than throw.
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string BuildNoticeMessage(const std::string& text) {
  const std::string escaped = SlackEscape(text);
  json message = {{"text", ClipSlackText(escaped, kSectionTextMax)},
                  {"blocks", json::array({Section(escaped)})}};
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace autotriage
