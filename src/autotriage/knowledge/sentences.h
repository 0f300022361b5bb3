// Internal to the knowledge module: sentence splitting and greeting removal for extractive
// summaries, in English and German.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace autotriage::knowledge_internal {

// Sentences of plain text, trimmed, in order. Splits after '.', '!', '?' (and runs of them)
// followed by white space, at blank lines, at bullet lines, and at single line breaks unless
// the line looks hard-wrapped (a long line without final punctuation followed by a lower-case
// continuation). A '.' does not split before a lower-case word ("e.g. the"), after known
// abbreviations ("z.B. Outlook", "Dr. Weber"), after a day number or initial ("am 3. März",
// "J. Smith"), or inside a token ("2.4.1", "example.com"). Pieces without a letter or digit are
// dropped.
std::vector<std::string> SplitSentences(std::string_view text);

// The sentence without a leading salutation ("Hi team, the VPN drops" -> "the VPN drops"), or ""
// when it is nothing but courtesy: greetings, thanks and closings ("Thanks in advance!",
// "Hallo Frau Meier,", "Vielen Dank und viele Grüße", "Best regards").
std::string StripCourtesy(std::string_view sentence);

}  // namespace autotriage::knowledge_internal
