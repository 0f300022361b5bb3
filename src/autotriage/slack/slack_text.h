// Text helpers of the Slack module (internal): Slack's length limits count characters, so
// clipping works on UTF-8 code points and never cuts an escape entity (&amp;) or a link (<...>)
// in half; links are made only from URLs that cannot break out of the link markup.
// Thread-safety: pure functions. Errors: none.
#pragma once

#include <cstddef>
#include <string>

namespace autotriage {

// Number of UTF-8 code points (continuation bytes are not counted).
size_t CountSlackChars(const std::string& text);

// `text` if it has at most `max_chars` characters; else its first characters (backed off to
// before a partial &entity; or <link>) followed by "…", max_chars characters in all.
// REQUIRES: max_chars >= 1.
std::string ClipSlackText(const std::string& text, size_t max_chars);

// True for an http:// or https:// URL with a host and none of the characters that end or split
// Slack's link markup (<, >, |), whitespace or control characters, and at most 3000 characters.
bool IsSafeLinkUrl(const std::string& url);

}  // namespace autotriage
