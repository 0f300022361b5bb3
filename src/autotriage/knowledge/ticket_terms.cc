#include "autotriage/knowledge/ticket_terms.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/knowledge/stemmer.h"
#include "autotriage/text/normalize.h"

namespace autotriage::knowledge_internal {
namespace {

// Frequent function words that occur in one language and rarely in the other; enough to pick a
// stemmer for a ticket of a few words.
constexpr std::array<std::string_view, 24> kEnglishMarkers = {
    "the",  "and",  "is",   "are", "to",   "of",    "not", "my",  "we",   "you",  "with", "for",
    "this", "that", "have", "can", "from", "there", "it",  "was", "what", "when", "on",   "please"};
constexpr std::array<std::string_view, 28> kGermanMarkers = {
    "der",  "die", "das", "und",  "ist",   "nicht", "ich",  "wir",   "sie", "mit",
    "für",  "auf", "ein", "eine", "einen", "bitte", "kann", "von",   "zu",  "wird",
    "habe", "dem", "den", "es",   "keine", "noch",  "auch", "werden"};

constexpr size_t kLongestMarker = 6;  // "please", "werden"

// Function words and courtesy words of both languages, sorted for binary search. Folded forms
// (FoldCase turns "ß" into "ss").
constexpr std::array<std::string_view, 128> kStopWords = {
    "a",     "aber",  "about", "all",    "also",  "am",    "an",    "and",    "any",     "are",
    "as",    "at",    "auch",  "auf",    "aus",   "be",    "been",  "bei",    "bis",     "bitte",
    "but",   "by",    "can",   "could",  "da",    "dank",  "danke", "das",    "dass",    "dear",
    "dem",   "den",   "der",   "des",    "die",   "do",    "doch",  "du",     "ein",     "eine",
    "einem", "einen", "einer", "es",     "for",   "from",  "für",   "gibt",   "habe",    "haben",
    "hallo", "has",   "hat",   "have",   "he",    "hello", "hi",    "i",      "ich",     "if",
    "ihr",   "im",    "in",    "is",     "ist",   "it",    "its",   "ja",     "just",    "kann",
    "kind",  "man",   "me",    "mein",   "meine", "mir",   "mit",   "my",     "nach",    "nicht",
    "noch",  "nur",   "oder",  "of",     "on",    "or",    "our",   "please", "regards", "schon",
    "sehr",  "sich",  "sie",   "sind",   "so",    "some",  "team",  "thank",  "thanks",  "that",
    "the",   "there", "this",  "to",     "und",   "uns",   "us",    "vielen", "vom",     "von",
    "was",   "we",    "wenn",  "werden", "what",  "when",  "which", "wie",    "wir",     "wird",
    "with",  "would", "you",   "your",   "zu",    "zum",   "zur",   "über"};
static_assert(std::is_sorted(kStopWords.begin(), kStopWords.end()), "binary search needs order");

size_t Utf8BoundaryAtOrBefore(std::string_view text, size_t pos) {
  pos = std::min(pos, text.size());
  while (pos > 0 && pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) {
    --pos;
  }
  return pos;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string GuessLanguage(const std::vector<std::string>& tokens) {
  int english = 0;
  int german = 0;
  for (const std::string& token : tokens) {
    if (token.size() > kLongestMarker) {
      continue;
    }
    if (std::find(kEnglishMarkers.begin(), kEnglishMarkers.end(), token) != kEnglishMarkers.end()) {
      ++english;
    } else if (std::find(kGermanMarkers.begin(), kGermanMarkers.end(), token) !=
               kGermanMarkers.end()) {
      ++german;
    }
  }
  return german > english ? "de" : "en";
}

std::vector<std::string> StemmedTerms(std::string_view text, std::string_view language) {
  std::string plain;
  if (text.find_first_of("<&") != std::string_view::npos) {
    plain = HtmlToText(text);
    text = plain;
  }
  if (!language.empty()) {
    return StemText(text, language);
  }
  // Tokenising twice is cheaper than a wrong stemmer: the joined tokens re-tokenise to the same
  // tokens, so the second pass costs only the stemming.
  std::vector<std::string> tokens = Tokenize(FoldCase(text));
  const std::string guessed = GuessLanguage(tokens);
  std::string joined;
  for (const std::string& token : tokens) {
    if (!joined.empty()) {
      joined += ' ';
    }
    joined += token;
  }
  return StemText(joined, guessed);
}

bool IsStopWord(std::string_view folded_token) {
  return std::binary_search(kStopWords.begin(), kStopWords.end(), folded_token);
}

std::string ShortenText(std::string_view text, size_t max_chars) {
  std::string collapsed;
  collapsed.reserve(std::min(text.size(), max_chars + 16));
  bool pending_space = false;
  for (const char c : text) {
    if (IsAsciiSpace(c)) {
      pending_space = !collapsed.empty();
      continue;
    }
    if (pending_space) {
      collapsed += ' ';
      pending_space = false;
    }
    collapsed += c;
    if (collapsed.size() > max_chars + 8) {
      break;  // enough to know it must be cut
    }
  }
  if (collapsed.size() <= max_chars) {
    return collapsed;
  }
  static constexpr std::string_view kEllipsis = "…";
  if (max_chars <= kEllipsis.size()) {
    return std::string(collapsed, 0, Utf8BoundaryAtOrBefore(collapsed, max_chars));
  }
  const size_t budget = max_chars - kEllipsis.size();
  const std::string_view head(collapsed.data(), budget);
  // Prefer a sentence end in the last 40%, then a word boundary in the last half.
  size_t cut = std::string_view::npos;
  for (size_t i = budget; i-- > budget * 6 / 10;) {
    if ((head[i] == '.' || head[i] == '!' || head[i] == '?') && i + 1 < collapsed.size() &&
        collapsed[i + 1] == ' ') {
      return std::string(head.substr(0, i + 1));
    }
  }
  const size_t space = head.rfind(' ');
  if (space != std::string_view::npos && space >= budget / 2) {
    cut = space;
  } else {
    cut = Utf8BoundaryAtOrBefore(collapsed, budget);
  }
  std::string out(head.substr(0, cut));
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ';')) {
    out.pop_back();
  }
  out += kEllipsis;
  return out;
}

}  // namespace autotriage::knowledge_internal
