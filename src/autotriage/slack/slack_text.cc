#include "autotriage/slack/slack_text.h"

#include <string_view>

#include "autotriage/slack/slack.h"

namespace autotriage {
namespace {

constexpr size_t kMaxLinkUrl = 3000;  // Slack's limit for a button or link URL
constexpr std::string_view kEllipsis = "…";

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool StartsWithNoCase(const std::string& text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != prefix[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string SlackEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

size_t CountSlackChars(const std::string& text) {
  size_t count = 0;
  for (const char c : text) {
    if (!IsContinuationByte(c)) {
      ++count;
    }
  }
  return count;
}

std::string ClipSlackText(const std::string& text, size_t max_chars) {
  if (CountSlackChars(text) <= max_chars) {
    return text;
  }
  // Byte offset just past the first (max_chars - 1) characters.
  size_t keep_chars = max_chars - 1;
  size_t end = 0;
  while (end < text.size()) {
    if (!IsContinuationByte(text[end])) {
      if (keep_chars == 0) {
        break;
      }
      --keep_chars;
    }
    ++end;
  }
  std::string_view kept(text.data(), end);
  // An entity or a link cut in half would show as garbage (or as a broken link).
  const size_t amp = kept.rfind('&');
  if (amp != std::string_view::npos && kept.find(';', amp) == std::string_view::npos) {
    kept = kept.substr(0, amp);
  }
  const size_t open = kept.rfind('<');
  if (open != std::string_view::npos && kept.find('>', open) == std::string_view::npos) {
    kept = kept.substr(0, open);
  }
  return std::string(kept) + std::string(kEllipsis);
}

bool IsSafeLinkUrl(const std::string& url) {
  size_t host_start = 0;
  if (StartsWithNoCase(url, "https://")) {
    host_start = 8;
  } else if (StartsWithNoCase(url, "http://")) {
    host_start = 7;
  } else {
    return false;
  }
  if (url.size() <= host_start || url.size() > kMaxLinkUrl || url[host_start] == '/') {
    return false;
  }
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F || c == '<' || c == '>' || c == '|') {
      return false;
    }
  }
  return true;
}

}  // namespace autotriage
