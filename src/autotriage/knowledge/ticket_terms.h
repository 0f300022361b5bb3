// Internal to the knowledge module: the terms similar-ticket search and summaries compute on,
// a cheap English/German guess for tickets whose language is unknown, and shortening text for
// display. Not part of the module's public API.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace autotriage::knowledge_internal {

// "de" when German function words outnumber English ones in `tokens` (folded), else "en".
// Cheap on purpose: it only has to choose a stemmer.
std::string GuessLanguage(const std::vector<std::string>& tokens);

// Stemmed terms of plain text in order. `language` "" = guess. HTML-looking text ('<' or '&')
// is converted to plain text first.
std::vector<std::string> StemmedTerms(std::string_view text, std::string_view language);

// Whether a folded (unstemmed) token is an English or German stop word.
bool IsStopWord(std::string_view folded_token);

// Whitespace runs collapsed to one space, trimmed, and cut to at most `max_chars` bytes at a
// sentence end or word boundary (never inside a UTF-8 sequence) with "…" appended when cut.
std::string ShortenText(std::string_view text, size_t max_chars);

}  // namespace autotriage::knowledge_internal
