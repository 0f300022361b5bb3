// Pure helpers of the RT connector: URL and TicketSQL text, times, error mapping and the
// update-message check. The JSON parsers live in rt_json.cc.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "autotriage/connectors/rt/rt_internal.h"

namespace autotriage {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  return Lower(haystack).find(Lower(needle)) != std::string::npos;
}

// Neutral status -> TicketSQL condition; anything else is taken as RT's own status name.
std::string StatusCondition(const std::string& status) {
  if (status == "open") {
    return "(Status = 'new' OR Status = 'open')";
  }
  if (status == "pending") {
    return "Status = 'stalled'";
  }
  if (status == "closed") {
    return "Status = '__Inactive__'";
  }
  return "Status = " + QuoteTicketSql(status);
}

std::string Describe(std::string_view what, const std::string& rt_message) {
  std::string out(what);
  if (!rt_message.empty()) {
    out += ": " + rt_message;
  }
  return out;
}

}  // namespace

std::string RtUrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::optional<int64_t> ParseRtTime(std::string_view iso) {
  if (iso.empty()) {
    return 0;
  }
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  const std::string text(iso);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%*[T ]%2d:%2d:%2d", &year, &month, &day, &hour, &minute,
                  &second) != 6) {
    return std::nullopt;
  }
  if (year <= 1970 && month == 1 && day == 1 && hour == 0 && minute == 0 && second == 0) {
    return 0;  // RT's "not set"
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm));
}

std::string FormatRtSqlTime(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &tm);
  return buffer;
}

std::string QuoteTicketSql(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string BuildTicketSql(const TicketQuery& query, std::string_view since_literal,
                           std::string_view after_id) {
  // RT returns nothing for an empty query, so "every ticket" needs a condition of its own.
  std::vector<std::string> conditions = {"id > 0"};
  if (!since_literal.empty()) {
    const std::string bound = QuoteTicketSql(since_literal);
    conditions.push_back("LastUpdated >= " + bound);
    if (!after_id.empty()) {
      // RT's '=' on a date means "that whole day", so the tie on the bound is written as
      // ">= bound AND (> bound OR id > N)" rather than "> bound OR (= bound AND id > N)".
      conditions.push_back("(LastUpdated > " + bound + " OR id > " + std::string(after_id) + ")");
    }
  }
  if (!query.group.empty()) {
    conditions.push_back("Queue = " + QuoteTicketSql(query.group));
  }
  if (!query.status.empty()) {
    conditions.push_back(StatusCondition(query.status));
  }
  std::string sql;
  for (const std::string& condition : conditions) {
    if (!sql.empty()) {
      sql += " AND ";
    }
    sql += condition;
  }
  return sql;
}

std::string RtPriorityLabel(int64_t value, const std::vector<std::pair<std::string, int>>& labels) {
  const std::pair<std::string, int>* best = nullptr;
  for (const auto& label : labels) {
    if (label.second <= value && (best == nullptr || label.second > best->second)) {
      best = &label;
    }
  }
  return best != nullptr ? best->first : std::to_string(value);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && Lower(a) == Lower(b);
}

Status RtHttpError(const HttpResponse& response, std::string_view what, std::string_view base_url) {
  const std::string rt_message = RtErrorMessage(response.body);
  const std::string where = "RT " + std::string(what);
  const int code = response.status;
  if (code == 401) {
    return Unauthenticated(where + ": RT refused the credentials (401 Unauthorized); check the " +
                           "RT auth token and the RT base URL (" + std::string(base_url) + ")");
  }
  if (code == 403) {
    return PermissionDenied(Describe(where + ": permission denied (403)", rt_message));
  }
  if (code == 404) {
    return NotFound(Describe(where + ": not found (404)", rt_message));
  }
  if (code == 400 || code == 415 || code == 422) {
    return InvalidArgument(
        Describe(where + ": RT rejected the request (" + std::to_string(code) + ")", rt_message));
  }
  if (code == 409) {
    return AlreadyExists(Describe(where + ": conflict (409)", rt_message));
  }
  if (code == 412) {
    return FailedPrecondition(Describe(where + ": the ticket changed meanwhile (412)", rt_message));
  }
  if (code == 429) {
    return ResourceExhausted(where + ": rate limited (429)");
  }
  if (code >= 500) {
    return Unavailable(
        Describe(where + ": RT server error (" + std::to_string(code) + ")", rt_message));
  }
  if (code >= 300 && code < 400) {
    auto location = response.headers.find("location");
    return FailedPrecondition(
        where + ": RT redirected (" + std::to_string(code) + ")" +
        (location != response.headers.end() ? " to " + location->second : std::string()) +
        "; check the RT base URL (" + std::string(base_url) +
        "): it must be RT's WebBaseURL with its WebPath, REST2 lives under /REST/2.0");
  }
  return FailedPrecondition(
      Describe(where + ": unexpected HTTP status " + std::to_string(code), rt_message));
}

RtUpdateMessages ClassifyRtUpdateMessages(const std::vector<std::string>& messages) {
  // Failure phrases RT uses for a field it did not change (reference C.6, RT::Record and
  // RT::Ticket sources). "That is already the current value" is a successful no-op.
  static const char* const kRefusals[] = {
      "does not exist",    "isn't a valid", "is not a valid", "invalid",  "illegal", "not allowed",
      "permission denied", "no permission", "could not",      "couldn't", "can't",   "cannot",
      "unable to",         "failed",        "must be",        "immutable"};
  RtUpdateMessages out;
  for (const std::string& message : messages) {
    bool refused = false;
    for (const char* phrase : kRefusals) {
      if (ContainsIgnoreCase(message, phrase)) {
        refused = true;
        break;
      }
    }
    if (refused) {
      out.refused.push_back(message);
      if (ContainsIgnoreCase(message, "permission denied") ||
          ContainsIgnoreCase(message, "no permission")) {
        out.permission_denied = true;
      }
    } else {
      out.applied.push_back(message);
    }
  }
  return out;
}

}  // namespace autotriage
