// Redaction of URLs, headers and free text for the HTTP client.
#include "autotriage/connectors/http/redact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "autotriage/connectors/http_client.h"

namespace autotriage {
namespace {

// Below this length a "secret" is too short to scrub safely (Freshworks sends the password "X").
constexpr size_t kMinSecretLength = 4;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Standard base64 without validation beyond skipping foreign characters: only used to find the
// user and password inside a Basic credential so they can be scrubbed as well.
std::string DecodeBase64(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+' || c == '-') {
      value = 62;
    } else if (c == '/' || c == '_') {
      value = 63;
    }
    if (value < 0) {
      continue;
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

void AddSecret(std::string_view secret, std::vector<std::string>* secrets) {
  secret = Trim(secret);
  if (secret.size() >= kMinSecretLength) {
    secrets->emplace_back(secret);
  }
}

// Adds "user:password" and both halves.
void AddCredentialPair(std::string_view pair, std::vector<std::string>* secrets) {
  AddSecret(pair, secrets);
  const size_t colon = pair.find(':');
  if (colon != std::string_view::npos) {
    AddSecret(pair.substr(0, colon), secrets);
    AddSecret(pair.substr(colon + 1), secrets);
  }
}

// Splits a URL into [0, authority_begin) scheme, authority, and the rest; returns the authority
// bounds. Without "://" the authority starts at 0.
std::pair<size_t, size_t> AuthorityBounds(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const size_t begin = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  size_t end = url.find_first_of("/?#", begin);
  if (end == std::string_view::npos) {
    end = url.size();
  }
  return {begin, end};
}

// Calls fn(name, value_begin, value_end) for each name=value query parameter of `url`.
template <typename Fn>
void ForEachQueryParameter(std::string_view url, Fn fn) {
  const size_t query_begin = url.find('?');
  if (query_begin == std::string_view::npos) {
    return;
  }
  size_t query_end = url.find('#', query_begin);
  if (query_end == std::string_view::npos) {
    query_end = url.size();
  }
  size_t pos = query_begin + 1;
  while (pos < query_end) {
    size_t amp = url.find('&', pos);
    if (amp == std::string_view::npos || amp > query_end) {
      amp = query_end;
    }
    const size_t eq = url.find('=', pos);
    if (eq != std::string_view::npos && eq < amp) {
      fn(url.substr(pos, eq - pos), eq + 1, amp);
    }
    pos = amp + 1;
  }
}

}  // namespace

bool IsSecretHeader(std::string_view name, const std::vector<std::string>& extra) {
  static constexpr std::array<std::string_view, 5> kSecretHeaders = {
      "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"};
  const std::string lower = Lower(Trim(name));
  if (std::find(kSecretHeaders.begin(), kSecretHeaders.end(), lower) != kSecretHeaders.end()) {
    return true;
  }
  return std::any_of(extra.begin(), extra.end(),
                     [&](const std::string& candidate) { return Lower(candidate) == lower; });
}

bool IsSecretQueryParameter(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kExact = {"key",  "auth",   "sig", "signature",
                                                             "pass", "passwd", "pwd", "code"};
  static constexpr std::array<std::string_view, 5> kSuffixes = {"token", "secret", "password",
                                                                "api_key", "apikey"};
  const std::string lower = Lower(name);
  if (std::find(kExact.begin(), kExact.end(), lower) != kExact.end()) {
    return true;
  }
  return std::any_of(kSuffixes.begin(), kSuffixes.end(),
                     [&](std::string_view suffix) { return EndsWith(lower, suffix); });
}

std::string RedactUrl(const std::string& url) {
  std::string out = url;
  // Query first: its offsets lie after the authority, so they stay valid while we edit from the
  // back, and the authority edit below happens last.
  std::vector<std::pair<size_t, size_t>> values;
  ForEachQueryParameter(url, [&](std::string_view name, size_t begin, size_t end) {
    if (IsSecretQueryParameter(name) && end > begin) {
      values.emplace_back(begin, end);
    }
  });
  for (auto it = values.rbegin(); it != values.rend(); ++it) {
    out.replace(it->first, it->second - it->first, kRedacted);
  }
  const auto [begin, end] = AuthorityBounds(url);
  const size_t at = url.rfind('@', end == 0 ? 0 : end - 1);
  const bool has_userinfo = at != std::string::npos && at >= begin && at < end;
  // Slack incoming webhooks and response_urls (hooks.slack.com/services/..., /actions/...)
  // carry their credential in the path itself: the whole path goes. Edited before the
  // authority, whose offsets lie in front of it.
  const size_t host_begin = has_userinfo ? at + 1 : begin;
  const std::string host = Lower(std::string_view(url).substr(host_begin, end - host_begin));
  if (EndsWith(host, "hooks.slack.com") && end < url.size() && url[end] == '/') {
    size_t path_end = url.find_first_of("?#", end);
    if (path_end == std::string::npos) {
      path_end = url.size();
    }
    out.replace(end, path_end - end, "/" + std::string(kRedacted));
  }
  if (has_userinfo) {
    out.replace(begin, at - begin, kRedacted);
  }
  return out;
}

std::vector<std::string> CollectSecrets(
    const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
    const std::vector<std::string>& extra_secret_headers) {
  std::vector<std::string> secrets;
  for (const auto& [name, value] : headers) {
    if (!IsSecretHeader(name, extra_secret_headers)) {
      continue;
    }
    AddSecret(value, &secrets);
    const std::string_view trimmed = Trim(value);
    const size_t space = trimmed.find(' ');
    if (space != std::string_view::npos) {
      const std::string_view credentials = Trim(trimmed.substr(space + 1));
      AddSecret(credentials, &secrets);
      if (Lower(trimmed.substr(0, space)) == "basic") {
        AddCredentialPair(DecodeBase64(credentials), &secrets);
      }
    }
  }
  const auto [begin, end] = AuthorityBounds(url);
  const size_t at = url.rfind('@', end == 0 ? 0 : end - 1);
  if (at != std::string::npos && at >= begin && at < end) {
    AddCredentialPair(std::string_view(url).substr(begin, at - begin), &secrets);
  }
  ForEachQueryParameter(url, [&](std::string_view name, size_t value_begin, size_t value_end) {
    if (IsSecretQueryParameter(name)) {
      AddSecret(std::string_view(url).substr(value_begin, value_end - value_begin), &secrets);
    }
  });
  return secrets;
}

std::string ScrubSecrets(std::string text, const std::vector<std::string>& secrets) {
  // Longest first, so that a secret containing another one is replaced whole.
  std::vector<std::string> sorted = secrets;
  std::sort(sorted.begin(), sorted.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& secret : sorted) {
    if (secret.empty()) {
      continue;
    }
    size_t pos = text.find(secret);
    while (pos != std::string::npos) {
      text.replace(pos, secret.size(), kRedacted);
      pos = text.find(secret, pos + kRedacted.size());
    }
  }
  return text;
}

}  // namespace autotriage
