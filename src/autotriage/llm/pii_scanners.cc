// Hand-written PII scanners: linear in the text, no regex back-tracking on ticket bodies.
#include "autotriage/llm/pii_scanners.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>

namespace autotriage::llm_internal {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Non-ASCII bytes belong to letters of other scripts: treat them as word characters.
bool IsWordByte(char c) {
  return IsDigit(c) || IsAsciiAlpha(c) || static_cast<unsigned char>(c) >= 0x80;
}
bool WordBefore(std::string_view text, size_t pos) {
  return pos > 0 && IsWordByte(text[pos - 1]);
}
bool WordAt(std::string_view text, size_t pos) {
  return pos < text.size() && IsWordByte(text[pos]);
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (IsUpper(c)) {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

bool IsEmailLocalChar(char c) {
  return IsDigit(c) || IsAsciiAlpha(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsDomainChar(char c) {
  return IsDigit(c) || IsAsciiAlpha(c) || c == '.' || c == '-';
}

// "2024-05-01", "01.05.2024", "1/5/2024": a date is not a phone number.
bool StartsLikeDate(const std::vector<std::string>& groups) {
  if (groups.size() < 3) {
    return false;
  }
  const size_t a = groups[0].size(), b = groups[1].size(), c = groups[2].size();
  const bool year_first = a == 4 && b <= 2 && c <= 2;
  const bool year_last = a <= 2 && b <= 2 && (c == 4 || c == 2);
  return year_first || year_last;
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

std::string LowerForMatch(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(out[i]);
    if (IsUpper(out[i])) {
      out[i] = static_cast<char>(c - 'A' + 'a');
    } else if (c == 0xC3 && i + 1 < out.size()) {
      // U+00C0..U+00DE (except U+00D7, the multiplication sign) lower to +0x20.
      const unsigned char next = static_cast<unsigned char>(out[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) {
        out[i + 1] = static_cast<char>(next + 0x20);
      }
      ++i;
    }
  }
  return out;
}

void ScanEmails(std::string_view text, std::vector<PiiSpan>* out) {
  for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    size_t begin = at;
    while (begin > 0 && IsEmailLocalChar(text[begin - 1])) {
      --begin;
    }
    while (begin < at && text[begin] == '.') {
      ++begin;
    }
    size_t end = at + 1;
    while (end < text.size() && IsDomainChar(text[end])) {
      ++end;
    }
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) {
      --end;
    }
    const std::string_view domain = text.substr(at + 1, end - at - 1);
    const size_t dot = domain.rfind('.');
    if (begin == at || dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2) {
      continue;
    }
    const std::string_view tld = domain.substr(dot + 1);
    if (!std::all_of(tld.begin(), tld.end(), IsAsciiAlpha)) {
      continue;
    }
    out->push_back({begin, end, "EMAIL", AsciiLower(text.substr(begin, end - begin)), 0});
  }
}

void ScanIpAddresses(std::string_view text, std::vector<PiiSpan>* out) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool starts_run = (IsHex(c) || c == ':') && !WordBefore(text, i);
    if (!starts_run) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && (IsHex(text[end]) || text[end] == ':' || text[end] == '.')) {
      ++end;
    }
    size_t trimmed = end;
    while (trimmed > i &&
           (text[trimmed - 1] == '.' ||
            (text[trimmed - 1] == ':' && !(trimmed - i >= 2 && text[trimmed - 2] == ':')))) {
      --trimmed;
    }
    const std::string candidate(text.substr(i, trimmed - i));
    const bool boundary_after = !WordAt(text, end) && trimmed > i;
    if (boundary_after) {
      unsigned char buffer[16];
      const size_t colons = std::count(candidate.begin(), candidate.end(), ':');
      const bool has_digit = std::any_of(candidate.begin(), candidate.end(), IsDigit);
      const std::string before_port = candidate.substr(0, candidate.find(':'));
      if (colons <= 1 && inet_pton(AF_INET, before_port.c_str(), buffer) == 1) {
        // "10.0.0.1" or "10.0.0.1:8080": the port is not personal, the address is.
        out->push_back({i, i + before_port.size(), "IP", before_port, 0});
      } else if (colons >= 2 && has_digit && inet_pton(AF_INET6, candidate.c_str(), buffer) == 1) {
        char canonical[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, buffer, canonical, sizeof(canonical));
        out->push_back({i, trimmed, "IP", canonical, 0});
      }
    }
    i = end > i ? end : i + 1;
  }
}

void ScanCardsAndPhones(std::string_view text, std::vector<PiiSpan>* out) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool starts =
        (IsDigit(c) || ((c == '+' || c == '(') && i + 1 < text.size() && IsDigit(text[i + 1]))) &&
        !WordBefore(text, i) && (i == 0 || text[i - 1] != '.');
    if (!starts) {
      ++i;
      continue;
    }
    // Digits with single separators (" ", "-", ".", "/", "(", ")") between them.
    std::string digits;
    std::vector<std::string> groups(1);
    bool card_separators_only = true;
    size_t j = c == '+' || c == '(' ? i + 1 : i;
    size_t last_digit_end = j;
    while (j < text.size()) {
      if (IsDigit(text[j])) {
        digits.push_back(text[j]);
        groups.back().push_back(text[j]);
        last_digit_end = ++j;
        continue;
      }
      size_t k = j;
      while (k < text.size() && k - j < 2 &&
             (text[k] == ' ' || text[k] == '-' || text[k] == '.' || text[k] == '/' ||
              text[k] == '(' || text[k] == ')')) {
        if (text[k] != ' ' && text[k] != '-') {
          card_separators_only = false;
        }
        ++k;
      }
      if (k == j || k >= text.size() || !IsDigit(text[k])) {
        break;
      }
      groups.emplace_back();
      j = k;
    }
    const size_t end = last_digit_end;
    if (WordAt(text, end) || (end < text.size() && text[end] == '.' && end + 1 < text.size() &&
                              IsDigit(text[end + 1]))) {
      i = end;  // glued to a word or part of a longer dotted number: not PII-shaped
      continue;
    }
    const size_t n = digits.size();
    const bool plus = c == '+';
    const bool has_separator = groups.size() > 1;
    if (!plus && c != '(' && card_separators_only && n >= 13 && n <= 19 && LuhnValid(digits)) {
      out->push_back({i, end, "CARD", digits, 1});
    } else if (!StartsLikeDate(groups) && n <= 15 &&
               ((plus && n >= 7) || ((c == '(' || c == '0') && n >= 9) ||
                (n >= 10 && has_separator))) {
      out->push_back({i, end, "PHONE", digits, 3});
    }
    i = end > i ? end : i + 1;
  }
}

void ScanIbans(std::string_view text, std::vector<PiiSpan>* out) {
  constexpr size_t kMinLength = 15, kMaxLength = 34, kMinBbanDigits = 8;
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    if (!IsUpper(text[i]) || !IsUpper(text[i + 1]) || !IsDigit(text[i + 2]) ||
        !IsDigit(text[i + 3]) || WordBefore(text, i)) {
      continue;
    }
    std::string compact(text.substr(i, 4));
    size_t j = i + 4;
    size_t end = j;
    while (j < text.size() && compact.size() < kMaxLength) {
      if (IsDigit(text[j]) || IsUpper(text[j])) {
        compact.push_back(text[j]);
        end = ++j;
      } else if (text[j] == ' ' && j + 1 < text.size() &&
                 (IsDigit(text[j + 1]) || IsUpper(text[j + 1]))) {
        ++j;
      } else {
        break;
      }
    }
    const size_t bban_digits = std::count_if(compact.begin() + 4, compact.end(), IsDigit);
    if (compact.size() >= kMinLength && !WordAt(text, end) && bban_digits >= kMinBbanDigits) {
      out->push_back({i, end, "IBAN", compact, 1});
      i = end - 1;
    }
  }
}

void ScanNames(std::string_view text, const std::vector<std::string>& names,
               std::vector<PiiSpan>* out) {
  constexpr size_t kMinPartChars = 3;
  const std::string lowered = LowerForMatch(text);
  for (size_t person = 0; person < names.size(); ++person) {
    // The full name with single spaces, then each part of at least 3 characters.
    std::vector<std::string> forms;
    std::string full;
    std::vector<std::string> parts(1);
    for (char ch : LowerForMatch(names[person])) {
      if (ch == ' ' || ch == '\t' || ch == '\n' || ch == ',') {
        if (!parts.back().empty()) {
          parts.emplace_back();
        }
        continue;
      }
      parts.back().push_back(ch);
    }
    if (parts.back().empty()) {
      parts.pop_back();
    }
    for (const std::string& part : parts) {
      full += (full.empty() ? "" : " ") + part;
    }
    if (full.empty()) {
      continue;
    }
    forms.push_back(full);
    for (const std::string& part : parts) {
      const size_t chars = std::count_if(part.begin(), part.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;  // UTF-8 lead bytes
      });
      if (chars >= kMinPartChars && part != full) {
        forms.push_back(part);
      }
    }
    const std::string key = "person:" + std::to_string(person);
    for (const std::string& form : forms) {
      for (size_t at = lowered.find(form); at != std::string::npos;
           at = lowered.find(form, at + 1)) {
        if (!WordBefore(lowered, at) && !WordAt(lowered, at + form.size())) {
          out->push_back({at, at + form.size(), "NAME", key, 4});
        }
      }
    }
  }
}

}  // namespace autotriage::llm_internal
