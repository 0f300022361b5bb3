// Parsing of what browsers send besides JSON: application/x-www-form-urlencoded bodies (the
// dashboard's forms, the CSRF field) and the Cookie header.
//
// Lenient by design, as browsers are the only writers: a '%' not followed by two hex digits is
// kept as it is, a pair without '=' has an empty value, empty pairs are skipped. Decoded bytes
// are not checked for UTF-8 (callers that need text validate it).
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace autotriage {

// Percent-decoding with '+' as a space (the form encoding, not the URI one).
std::string FormDecode(std::string_view text);

// "a=1&b=x+y&a=2" -> {a: 1, b: "x y", a: 2}: every pair, in order, repeated names kept (a
// group of check boxes sends one name several times).
std::vector<std::pair<std::string, std::string>> ParseFormPairs(std::string_view body);

// The same as a map; for a repeated name the first value is kept.
std::map<std::string, std::string> ParseFormBody(std::string_view body);

// Whether a Content-Type header value is application/x-www-form-urlencoded (any parameters,
// any letter case).
bool IsFormContentType(std::string_view content_type);

// The value of cookie `name` in a Cookie header ("a=1; b=2"); nullopt when absent. Values are
// returned as sent (cookies are not percent-decoded); surrounding double quotes are removed.
std::optional<std::string> FindCookie(std::string_view cookie_header, std::string_view name);

}  // namespace autotriage
