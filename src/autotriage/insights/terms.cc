#include "autotriage/insights/terms.h"

#include <algorithm>
#include <array>
#include <string>

#include "autotriage/knowledge/stemmer.h"
#include "autotriage/text/normalize.h"

namespace autotriage::insights_internal {
namespace {

// Function words, courtesy words and ticket boilerplate of English and German, sorted for
// binary search, in folded form (FoldCase turns "ß" into "ss"). Boilerplate such as "please",
// "thanks", "regards" occurs in most tickets and would otherwise end up in cluster names.
constexpr std::array<std::string_view, 173> kStopWords = {
    "a",      "aber",         "about",   "after",  "again",  "all",    "also",    "am",
    "an",     "and",          "any",     "are",    "as",     "at",     "auch",    "auf",
    "aus",    "be",           "because", "been",   "before", "bei",    "best",    "bis",
    "bitte",  "but",          "by",      "can",    "could",  "da",     "dank",    "danke",
    "das",    "dass",         "dear",    "dem",    "den",    "der",    "des",     "did",
    "die",    "dies",         "diese",   "dieser", "do",     "doch",   "does",    "du",
    "durch",  "ein",          "eine",    "einem",  "einen",  "einer",  "es",      "etwas",
    "for",    "freundlichen", "from",    "für",    "gibt",   "good",   "grüssen", "habe",
    "haben",  "had",          "hallo",   "has",    "hat",    "have",   "he",      "hello",
    "her",    "hi",           "his",     "how",    "i",      "ich",    "if",      "ihnen",
    "ihr",    "ihre",         "im",      "in",     "into",   "is",     "ist",     "it",
    "its",    "ja",           "just",    "kann",   "kind",   "kindly", "können",  "liebe",
    "lieber", "man",          "me",      "mein",   "meine",  "mir",    "mit",     "more",
    "my",     "nach",         "nicht",   "no",     "noch",   "not",    "nur",     "oder",
    "of",     "on",           "or",      "our",    "out",    "please", "regards", "schon",
    "sehr",   "she",          "should",  "sich",   "sie",    "sind",   "so",      "some",
    "team",   "than",         "thank",   "thanks", "that",   "the",    "their",   "them",
    "then",   "there",        "these",   "they",   "this",   "to",     "um",      "und",
    "uns",    "unser",        "unsere",  "up",     "us",     "vielen", "vom",     "von",
    "vor",    "was",          "we",      "wenn",   "were",   "what",   "when",    "which",
    "who",    "wie",          "will",    "wir",    "wird",   "with",   "would",   "you",
    "your",   "zu",           "zum",     "zur",    "über"};
static_assert(std::is_sorted(kStopWords.begin(), kStopWords.end()), "binary search needs order");

constexpr std::array<std::string_view, 12> kGermanMarkers = {
    "der", "die", "das", "und", "ist", "nicht", "ich", "wir", "sie", "mit", "bitte", "für"};
constexpr std::array<std::string_view, 12> kEnglishMarkers = {
    "the", "and", "is", "are", "to", "of", "not", "my", "we", "you", "with", "please"};

bool IsBareNumber(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == ':' || c == '/' || c == '-';
  });
}

template <size_t N>
bool Contains(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

bool IsStopWord(std::string_view folded_word) {
  return std::binary_search(kStopWords.begin(), kStopWords.end(), folded_word);
}

std::vector<Term> ExtractTerms(std::string_view text) {
  const std::vector<std::string> words = Tokenize(FoldCase(text));
  int german = 0;
  int english = 0;
  std::vector<Term> terms;
  std::string kept;  // the kept words joined by spaces: stemmed in one call below
  for (const std::string& word : words) {
    german += Contains(kGermanMarkers, word) ? 1 : 0;
    english += Contains(kEnglishMarkers, word) ? 1 : 0;
    // One-letter words and bare numbers (dates, counts, times) carry no topic.
    if (word.size() < 2 || IsStopWord(word) || IsBareNumber(word)) {
      continue;
    }
    if (!kept.empty()) {
      kept += ' ';
    }
    kept += word;
    terms.push_back(Term{std::string(), word});
  }
  if (terms.empty()) {
    return terms;
  }
  // Kept words are already folded tokens, so StemText re-tokenises them to the same words and
  // returns one stem per word; if that ever did not hold, unstemmed words still cluster.
  std::vector<std::string> stems = StemText(kept, german > english ? "de" : "en");
  const bool aligned = stems.size() == terms.size();
  for (size_t i = 0; i < terms.size(); ++i) {
    terms[i].stem = aligned ? std::move(stems[i]) : terms[i].surface;
  }
  return terms;
}

}  // namespace autotriage::insights_internal
