// HTML building blocks of the dashboard: escaping for text and attribute values, URL encoding of
// path segments and query values, time formatting, and highlighting of words in escaped text.
//
// Every byte that comes from a ticket, a user, the store or a request goes through Escape (or
// a function documented to escape) before it is placed in a page; the page code never splices
// raw text. Escape replaces & < > " ' so the result is safe both as element text and inside a
// double- or single-quoted attribute value.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace autotriage::dashboard {

// & < > " ' as character references. Invalid UTF-8 is kept byte for byte (the page is served
// as UTF-8; a browser shows a replacement character).
std::string Escape(std::string_view text);

// Percent-encodes everything but unreserved characters (A-Z a-z 0-9 - . _ ~): for one path
// segment or one query value.
std::string UrlEncode(std::string_view text);
// Decodes %XX (no '+' rule: path segments); a malformed escape is kept as it is.
std::string UrlDecode(std::string_view text);

// Whether `url` may be used as a link target: http:// or https:// (any letter case) and no
// control characters. Anything else (javascript:, data:, relative tricks) is shown as text.
bool IsSafeLink(std::string_view url);

// "2026-03-01 14:05 UTC" for Unix milliseconds; "-" for 0.
std::string FormatTime(int64_t unix_ms);
// "YYYY-MM-DD" (UTC).
std::string FormatDay(int64_t unix_ms);
// "3 min", "2 h 5 min", "4 d" between two Unix millisecond times (never negative).
std::string FormatAge(int64_t since_ms, int64_t now_ms);
// A number with a fixed count of decimals, e.g. FormatNumber(0.8734, 2) == "0.87".
std::string FormatNumber(double value, int decimals);

// The escaped text with every whole-word, case-insensitive (ASCII) occurrence of one of `words`
// wrapped in <mark>. Words are matched as given; empty words are ignored.
std::string HighlightWords(std::string_view text, const std::vector<std::string>& words);

// The readable word of an explanation feature: "w:reset password" -> "reset password",
// "vpn" -> "vpn"; "" for a character n-gram ("c:...") or a feature that names no word.
std::string FeatureWord(std::string_view feature);

}  // namespace autotriage::dashboard
