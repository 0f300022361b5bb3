#include "autotriage/dashboard/html.h"

#include <cstdio>
#include <ctime>

#include "autotriage/text/html_escape.h"

namespace autotriage::dashboard {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;  // bytes of non-ASCII letters count as word bytes
}

char LowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoreCaseAt(std::string_view text, size_t at, std::string_view word) {
  if (at + word.size() > text.size()) {
    return false;
  }
  for (size_t i = 0; i < word.size(); ++i) {
    if (LowerAscii(text[at + i]) != LowerAscii(word[i])) {
      return false;
    }
  }
  return true;
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

std::string FormatUtc(int64_t unix_ms, const char* format) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[64];
  const size_t n = std::strftime(buffer, sizeof(buffer), format, &parts);
  return std::string(buffer, n);
}

}  // namespace

std::string Escape(std::string_view text) {
  return EscapeHtml(text);
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

bool IsSafeLink(std::string_view url) {
  std::string scheme;
  for (char c : url.substr(0, 8)) {
    scheme += LowerAscii(c);
  }
  if (scheme.rfind("http://", 0) != 0 && scheme.rfind("https://", 0) != 0) {
    return false;
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

std::string FormatTime(int64_t unix_ms) {
  if (unix_ms <= 0) {
    return "-";
  }
  return FormatUtc(unix_ms, "%Y-%m-%d %H:%M UTC");
}

std::string FormatDay(int64_t unix_ms) {
  return FormatUtc(unix_ms, "%Y-%m-%d");
}

std::string FormatAge(int64_t since_ms, int64_t now_ms) {
  const int64_t minutes = since_ms >= now_ms ? 0 : (now_ms - since_ms) / 60000;
  if (minutes < 60) {
    return std::to_string(minutes) + " min";
  }
  if (minutes < 48 * 60) {
    const int64_t rest = minutes % 60;
    return std::to_string(minutes / 60) + " h" +
           (rest > 0 ? " " + std::to_string(rest) + " min" : "");
  }
  return std::to_string(minutes / (24 * 60)) + " d";
}

std::string FormatNumber(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

std::string HighlightWords(std::string_view text, const std::vector<std::string>& words) {
  std::string out;
  size_t plain_start = 0;
  size_t i = 0;
  while (i < text.size()) {
    const bool at_word_start = i == 0 || !IsWordByte(static_cast<unsigned char>(text[i - 1]));
    size_t matched = 0;
    if (at_word_start) {
      for (const std::string& word : words) {
        if (word.empty() || word.size() <= matched || !EqualsIgnoreCaseAt(text, i, word)) {
          continue;
        }
        const size_t end = i + word.size();
        if (end == text.size() || !IsWordByte(static_cast<unsigned char>(text[end]))) {
          matched = word.size();  // the longest word matching here wins
        }
      }
    }
    if (matched == 0) {
      ++i;
      continue;
    }
    out += Escape(text.substr(plain_start, i - plain_start));
    out += "<mark>" + Escape(text.substr(i, matched)) + "</mark>";
    i += matched;
    plain_start = i;
  }
  out += Escape(text.substr(plain_start));
  return out;
}

std::string FeatureWord(std::string_view feature) {
  if (feature.rfind("c:", 0) == 0) {
    return "";
  }
  if (feature.rfind("w:", 0) == 0) {
    feature.remove_prefix(2);
  }
  while (!feature.empty() && feature.front() == ' ') {
    feature.remove_prefix(1);
  }
  while (!feature.empty() && feature.back() == ' ') {
    feature.remove_suffix(1);
  }
  return std::string(feature);
}

}  // namespace autotriage::dashboard
