// Block Kit limits as documented at https://api.slack.com/reference/block-kit (blocks, block
// elements, composition objects), the interaction payload of
// https://api.slack.com/reference/interaction-payloads/block-actions, and the v0 signature.
#include "autotriage/sandbox/slack_wire.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <exception>
#include <set>
#include <string>

namespace autotriage {
namespace {

using nlohmann::json;

constexpr size_t kMaxBlocks = 50;
constexpr size_t kMaxBlockId = 255;
constexpr size_t kMaxHeaderText = 150;
constexpr size_t kMaxSectionText = 3000;
constexpr size_t kMaxFields = 10;
constexpr size_t kMaxFieldText = 2000;
constexpr size_t kMaxContextElements = 10;
constexpr size_t kMaxActionsElements = 25;
constexpr size_t kMaxButtonText = 75;
constexpr size_t kMaxActionId = 255;
constexpr size_t kMaxButtonValue = 2000;
constexpr size_t kMaxUrl = 3000;
constexpr size_t kMaxMessageText = 40000;  // Slack truncates longer texts; we refuse them
constexpr time_t kPressTimeoutSeconds = 10;

// A text composition object of an allowed type with 1..max characters; "" when valid.
std::string CheckText(const json& text, size_t max, bool plain_only, const std::string& where) {
  if (!text.is_object() || !text.contains("type") || !text.contains("text") ||
      !text["text"].is_string()) {
    return where + ": not a text object";
  }
  const std::string type = text["type"].is_string() ? text["type"].get<std::string>() : "";
  if (type != "plain_text" && (plain_only || type != "mrkdwn")) {
    return where + ": text type '" + type + "' is not allowed here";
  }
  const size_t length = SlackCharCount(text["text"].get<std::string>());
  if (length == 0 || length > max) {
    return where + ": text must have 1 to " + std::to_string(max) + " characters, has " +
           std::to_string(length);
  }
  return "";
}

std::string CheckButton(const json& button, const std::string& where,
                        std::set<std::string>& action_ids) {
  if (std::string problem = CheckText(button.value("text", json()), kMaxButtonText, true, where);
      !problem.empty()) {
    return problem;
  }
  if (button.contains("action_id")) {
    const json& id = button["action_id"];
    if (!id.is_string() || id.get<std::string>().empty() ||
        id.get<std::string>().size() > kMaxActionId) {
      return where + ": bad action_id";
    }
    if (!action_ids.insert(id.get<std::string>()).second) {
      return where + ": duplicate action_id '" + id.get<std::string>() + "'";
    }
  }
  if (button.contains("value") &&
      (!button["value"].is_string() ||
       SlackCharCount(button["value"].get<std::string>()) > kMaxButtonValue)) {
    return where + ": bad value";
  }
  if (button.contains("url") &&
      (!button["url"].is_string() || SlackCharCount(button["url"].get<std::string>()) > kMaxUrl)) {
    return where + ": bad url";
  }
  if (button.contains("style")) {
    const std::string style = button["style"].is_string() ? button["style"].get<std::string>() : "";
    if (style != "primary" && style != "danger") {
      return where + ": style must be primary or danger";
    }
  }
  return "";
}

std::string CheckSection(const json& block, const std::string& where) {
  if (!block.contains("text") && !block.contains("fields")) {
    return where + ": a section needs text or fields";
  }
  if (block.contains("text")) {
    if (std::string problem = CheckText(block["text"], kMaxSectionText, false, where + ".text");
        !problem.empty()) {
      return problem;
    }
  }
  if (block.contains("fields")) {
    const json& fields = block["fields"];
    if (!fields.is_array() || fields.empty() || fields.size() > kMaxFields) {
      return where + ": fields must be an array of 1 to 10 text objects";
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string field_where = where + ".fields[" + std::to_string(i) + "]";
      if (std::string problem = CheckText(fields[i], kMaxFieldText, false, field_where);
          !problem.empty()) {
        return problem;
      }
    }
  }
  return "";
}

std::string CheckElements(const json& block, size_t max, const std::string& where) {
  if (!block.contains("elements") || !block["elements"].is_array() || block["elements"].empty() ||
      block["elements"].size() > max) {
    return where + ": elements must be an array of 1 to " + std::to_string(max) + " items";
  }
  return "";
}

std::string CheckBlock(const json& block, const std::string& where,
                       std::set<std::string>& block_ids, std::set<std::string>& action_ids) {
  if (!block.is_object() || !block.contains("type") || !block["type"].is_string()) {
    return where + ": not a block object with a type";
  }
  if (block.contains("block_id")) {
    const json& id = block["block_id"];
    if (!id.is_string() || id.get<std::string>().empty() ||
        id.get<std::string>().size() > kMaxBlockId ||
        !block_ids.insert(id.get<std::string>()).second) {
      return where + ": bad or duplicate block_id";
    }
  }
  const std::string type = block["type"].get<std::string>();
  if (type == "header") {
    return CheckText(block.value("text", json()), kMaxHeaderText, true, where + ".text");
  }
  if (type == "section") {
    return CheckSection(block, where);
  }
  if (type == "divider") {
    return "";
  }
  if (type == "context") {
    if (std::string problem = CheckElements(block, kMaxContextElements, where); !problem.empty()) {
      return problem;
    }
    for (const json& element : block["elements"]) {
      if (element.value("type", "") != "image") {
        if (std::string problem = CheckText(element, kMaxSectionText, false, where + ".elements");
            !problem.empty()) {
          return problem;
        }
      }
    }
    return "";
  }
  if (type == "actions") {
    if (std::string problem = CheckElements(block, kMaxActionsElements, where); !problem.empty()) {
      return problem;
    }
    for (const json& element : block["elements"]) {
      if (!element.is_object() || element.value("type", "") != "button") {
        continue;  // menus and pickers are not emulated; Slack would check them too
      }
      if (std::string problem = CheckButton(element, where + ".elements", action_ids);
          !problem.empty()) {
        return problem;
      }
    }
    return "";
  }
  static const std::set<std::string> kOtherTypes = {"image", "input", "rich_text", "file", "video"};
  return kOtherTypes.count(type) > 0 ? "" : where + ": unknown block type '" + type + "'";
}

}  // namespace

size_t SlackCharCount(const std::string& text) {
  size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

std::string ValidateSlackBlocks(const json& blocks) {
  if (!blocks.is_array()) {
    return "blocks is not an array";
  }
  if (blocks.size() > kMaxBlocks) {
    return "more than 50 blocks";
  }
  std::set<std::string> block_ids;
  std::set<std::string> action_ids;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const std::string where = "blocks[" + std::to_string(i) + "]";
    if (std::string problem = CheckBlock(blocks[i], where, block_ids, action_ids);
        !problem.empty()) {
      return problem;
    }
  }
  return "";
}

json BuildBlockActionsPayload(const SlackInteractionSpec& spec, const InteractionContext& context) {
  json button = {{"type", "button"},
                 {"action_id", spec.action_id},
                 {"block_id", "approval"},
                 {"text", {{"type", "plain_text"}, {"text", spec.action_id}, {"emoji", true}}},
                 {"value", spec.value},
                 {"action_ts", context.action_ts}};
  json message = {{"type", "message"}, {"ts", spec.message_ts}, {"bot_id", "B0SANDBOX"}};
  if (context.message != nullptr) {
    message["text"] = context.message->text;
    json blocks = json::parse(context.message->blocks, nullptr, false);
    message["blocks"] = blocks.is_discarded() ? json::array() : blocks;
    // Slack sends the pressed element as it is in the message, with its block_id and value.
    for (const json& block : message["blocks"]) {
      if (!block.is_object() || block.value("type", "") != "actions" ||
          !block.contains("elements") || !block["elements"].is_array()) {
        continue;
      }
      for (const json& element : block["elements"]) {
        if (element.is_object() && element.value("action_id", "") == spec.action_id) {
          button["block_id"] = block.value("block_id", "");
          if (spec.value.empty()) {
            button["value"] = element.value("value", "");
          }
          if (element.contains("text")) {
            button["text"] = element["text"];
          }
          if (element.contains("style")) {
            button["style"] = element["style"];
          }
        }
      }
    }
  }
  return {
      {"type", "block_actions"},
      {"user",
       {{"id", spec.user_id},
        {"username", "user"},
        {"name", "user"},
        {"team_id", context.team_id}}},
      {"api_app_id", "A0SANDBOX"},
      {"token", "legacy-verification-token"},
      {"container",
       {{"type", "message"},
        {"message_ts", spec.message_ts},
        {"channel_id", spec.channel},
        {"is_ephemeral", false}}},
      {"trigger_id", context.action_ts + ".sandbox"},
      {"team", {{"id", context.team_id}, {"domain", "sandbox"}}},
      {"channel", {{"id", spec.channel}, {"name", "approvals"}}},
      {"message", std::move(message)},
      {"response_url", context.response_url},
      {"actions", json::array({std::move(button)})},
  };
}

std::string SlackSignature(const std::string& signing_secret, const std::string& timestamp,
                           const std::string& body) {
  const std::string base = "v0:" + timestamp + ":" + body;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), signing_secret.data(), static_cast<int>(signing_secret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "v0=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

std::string SlackFormEncode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '*') {
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

json SlackMessageJson(const SlackSandboxMessage& message) {
  json blocks = json::parse(message.blocks, nullptr, false);
  return {{"type", "message"},
          {"channel", message.channel},
          {"ts", message.ts},
          {"text", message.text},
          {"blocks", blocks.is_discarded() ? json::array() : blocks},
          {"source", message.source},
          {"updates", message.updates}};
}

// The message part of a body ({text, blocks}); "" when valid, else Slack's error code.
std::string CheckSlackMessageBody(const json& body, std::string& text, std::string& blocks) {
  text = body.contains("text") && body["text"].is_string() ? body["text"].get<std::string>() : "";
  json block_list = body.contains("blocks") ? body["blocks"] : json::array();
  if (block_list.is_string()) {  // Slack also takes blocks as a JSON-encoded string
    block_list = json::parse(block_list.get<std::string>(), nullptr, false);
  }
  if (!ValidateSlackBlocks(block_list).empty()) {
    return "invalid_blocks";
  }
  if (text.empty() && block_list.empty()) {
    return "no_text";
  }
  if (SlackCharCount(text) > kMaxMessageText) {
    return "msg_too_long";
  }
  blocks = block_list.dump();
  return "";
}

Result<int> PostSignedRequest(const std::string& url, const SlackSignedRequest& request) {
  const size_t scheme_end = url.find("://");
  const size_t path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string origin = path_start == std::string::npos ? url : url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  try {
    httplib::Client client(origin);
    client.set_connection_timeout(kPressTimeoutSeconds, 0);
    client.set_read_timeout(kPressTimeoutSeconds, 0);
    httplib::Headers headers = {{"User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)"}};
    for (const auto& [name, value] : request.headers) {
      if (name != "content-type") {
        headers.emplace(name, value);
      }
    }
    httplib::Result result =
        client.Post(path, headers, request.body, "application/x-www-form-urlencoded");
    if (!result) {
      return Unavailable("slack sandbox: could not reach the interaction URL (" +
                         httplib::to_string(result.error()) + ")");
    }
    return result->status;
  } catch (const std::exception& e) {
    return Unavailable(std::string("slack sandbox: the interaction URL is not usable: ") +
                       e.what());
  }
}

}  // namespace autotriage
