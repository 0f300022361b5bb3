// Bindings of the `llm:` section (issue 8): the optional OpenAI-compatible LLM backend.
#include <algorithm>
#include <optional>
#include <regex>
#include <string>

#include "autotriage/config/internal/fields.h"
#include "autotriage/config/internal/schema.h"

namespace autotriage {
namespace {

constexpr Interval kTemperature{0, 2, false, false};
constexpr std::int64_t kMaxTokensPerTicket = 10'000'000;
constexpr std::int64_t kMaxTokensPerDay = 10'000'000'000;

// The host of an http(s) URL, lower-cased, without port or brackets.
std::string UrlHost(const std::string& url) {
  const size_t start = url.find("://") + 3;
  std::string authority = url.substr(start, url.find_first_of("/?#", start) - start);
  authority = authority.substr(authority.find('@') + 1);  // npos + 1 == 0: no userinfo
  std::string host;
  if (!authority.empty() && authority[0] == '[') {
    host = authority.substr(1, authority.find(']') - 1);
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Ticket text goes to this URL: it must be encrypted unless it never leaves the machine.
std::optional<std::string> LlmBaseUrl(const std::string& value) {
  if (value.empty()) {
    return std::nullopt;  // checked with `enabled`
  }
  if (value.rfind("https://", 0) == 0 && value.size() > 8) {
    return std::nullopt;
  }
  if (value.rfind("http://", 0) == 0 && value.size() > 7) {
    if (IsLoopbackHost(UrlHost(value))) {
      return std::nullopt;
    }
    return "must use https:// (plain http:// is allowed only to 127.0.0.1, ::1 or localhost, "
           "because ticket text is sent there)";
  }
  return "must be an https:// URL such as https://api.openai.com/v1, or http://127.0.0.1:PORT/v1 "
         "for a local server";
}

std::optional<std::string> PatternType(const std::string& value) {
  static const std::regex kTypeName("[A-Z][A-Z0-9_]{0,31}");
  if (!std::regex_match(value, kTypeName)) {
    return "must be upper-case letters, digits and '_' starting with a letter, e.g. CUSTOMER_ID";
  }
  for (const char* builtin : {"EMAIL", "PHONE", "IP", "IBAN", "CARD", "NAME"}) {
    if (value == builtin) {
      return "is a built-in type; give the pattern its own name";
    }
  }
  return std::nullopt;
}

std::optional<std::string> PatternRegex(const std::string& value) {
  try {
    const std::regex regex(value, std::regex::ECMAScript);
    if (std::regex_match(std::string(), regex)) {
      return "matches the empty string";
    }
  } catch (const std::regex_error& error) {
    return std::string("is not a valid regular expression (") + error.what() + ")";
  }
  return std::nullopt;
}

void CheckPattern(ConfigBinder& binder, const std::string& path,
                  const LlmRedactPatternOptions& pattern) {
  if (pattern.type.empty()) {
    binder.Error(binder.PosOf(path), "'" + path + ".type' is required");
  }
  if (pattern.regex.empty()) {
    binder.Error(binder.PosOf(path), "'" + path + ".regex' is required");
  }
}

const SectionSpec<LlmRedactPatternOptions>& RedactPatternSpec() {
  using S = LlmRedactPatternOptions;
  static const SectionSpec<S> spec{{
                                       StringField("type", &S::type, PatternType),
                                       StringField("regex", &S::regex, PatternRegex),
                                   },
                                   CheckPattern};
  return spec;
}

void CheckLlm(ConfigBinder& binder, const std::string& path, const LlmOptions& llm) {
  if (!llm.enabled) {
    return;
  }
  if (llm.base_url.empty()) {
    binder.Error(binder.PosOf(path + ".base_url"),
                 "'" + path + ".base_url' is required when llm.enabled is true");
  }
  if (llm.model.empty()) {
    binder.Error(binder.WasWritten(path + ".model") ? binder.PosOf(path + ".model")
                                                    : binder.PosOf(path + ".enabled"),
                 "'" + path +
                     ".model' is required when llm.enabled is true (for example "
                     "model: llama3.1:8b)");
  }
}

}  // namespace

const SectionSpec<LlmOptions>& LlmSpec() {
  using S = LlmOptions;
  static const SectionSpec<S> spec{
      {
          BoolField("enabled", &S::enabled),
          StringField("base_url", &S::base_url, LlmBaseUrl),
          SecretField("api_key", &S::api_key),
          StringField("model", &S::model),
          IntField("timeout_ms", &S::timeout_ms, 100, 600'000),
          IntField("max_retries", &S::max_retries, 0, 10),
          IntField("max_turns", &S::max_turns, 1, 50),
          IntField("max_tokens", &S::max_tokens, 16, 100'000),
          IntField("tokens_per_ticket", &S::tokens_per_ticket, 0, kMaxTokensPerTicket),
          IntField("tokens_per_day", &S::tokens_per_day, 0, kMaxTokensPerDay),
          DoubleField("temperature", &S::temperature, kTemperature),
          BoolField("structured_outputs", &S::structured_outputs),
          BoolField("cascade_only_on_abstain", &S::cascade_only_on_abstain),
          BoolField("drafts", &S::drafts),
          ListField("redact_patterns", &S::redact_patterns, RedactPatternSpec()),
      },
      CheckLlm};
  return spec;
}

}  // namespace autotriage
