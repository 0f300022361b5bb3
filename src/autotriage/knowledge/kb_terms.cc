#include "autotriage/knowledge/kb_terms.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "autotriage/knowledge/stemmer.h"

namespace autotriage::kb_internal {
namespace {

// Function words only; domain words ("error", "problem") stay, bm25's IDF weighs those.
constexpr const char* kEnglishStopwords[] = {
    "a",       "about",  "above",  "after",  "again", "all",     "also",   "am",       "an",
    "and",     "any",    "are",    "as",     "at",    "be",      "been",   "before",   "being",
    "both",    "but",    "by",     "can",    "could", "did",     "do",     "does",     "doing",
    "down",    "during", "each",   "either", "for",   "from",    "had",    "has",      "have",
    "having",  "he",     "her",    "here",   "hers",  "him",     "his",    "how",      "i",
    "if",      "in",     "into",   "is",     "it",    "its",     "itself", "just",     "me",
    "might",   "more",   "most",   "must",   "my",    "myself",  "of",     "off",      "on",
    "once",    "only",   "or",     "other",  "our",   "ours",    "out",    "over",     "own",
    "same",    "she",    "should", "so",     "some",  "such",    "than",   "that",     "the",
    "their",   "theirs", "them",   "then",   "there", "these",   "they",   "this",     "those",
    "through", "to",     "too",    "under",  "until", "up",      "us",     "very",     "was",
    "we",      "were",   "what",   "when",   "where", "which",   "while",  "who",      "whom",
    "why",     "will",   "with",   "would",  "you",   "your",    "yours",  "yourself", "yourselves",
    "hi",      "hello",  "please", "thanks", "thank", "regards", "dear"};

constexpr const char* kGermanStopwords[] = {
    "aber",   "alle",   "allem",  "allen", "aller", "alles", "als",   "also",  "am",    "an",
    "auch",   "auf",    "aus",    "bei",   "bin",   "bis",   "bist",  "da",    "damit", "dann",
    "das",    "dass",   "dem",    "den",   "der",   "des",   "die",   "dies",  "diese", "diesem",
    "diesen", "dieser", "dieses", "doch",  "dort",  "du",    "durch", "ein",   "eine",  "einem",
    "einen",  "einer",  "eines",  "er",    "es",    "euch",  "euer",  "für",   "hab",   "habe",
    "haben",  "hat",    "hatte",  "ich",   "ihm",   "ihn",   "ihnen", "ihr",   "ihre",  "im",
    "in",     "ist",    "ja",     "jede",  "jeder", "jetzt", "kann",  "kein",  "keine", "man",
    "mein",   "meine",  "mich",   "mir",   "mit",   "muss",  "nach",  "nicht", "noch",  "nun",
    "nur",    "ob",     "oder",   "ohne",  "sich",  "sie",   "sind",  "so",    "soll",  "über",
    "um",     "und",    "uns",    "unser", "unter", "vom",   "von",   "vor",   "war",   "waren",
    "was",    "weil",   "wenn",   "wer",   "wie",   "wir",   "wird",  "wo",    "zu",    "zum",
    "zur",    "hallo",  "bitte",  "danke", "grüße", "gruß"};

// Stop words in stem form, so they can be dropped after StemText.
const std::set<std::string, std::less<>>& StemmedStopwords(std::string_view language) {
  static std::mutex mutex;
  static std::map<std::string, std::set<std::string, std::less<>>, std::less<>> by_language;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = by_language.find(language);
  if (it != by_language.end()) {
    return it->second;
  }
  std::set<std::string, std::less<>> stems;
  auto add_all = [&](const auto& words) {
    for (const char* word : words) {
      for (std::string& stem : StemText(word, language)) {
        stems.insert(std::move(stem));
      }
    }
  };
  if (language == "en") {
    add_all(kEnglishStopwords);
  } else if (language == "de") {
    add_all(kGermanStopwords);
  }
  return by_language.emplace(std::string(language), std::move(stems)).first->second;
}

bool IsWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// The first two bytes of a string of at least two bytes, as one key.
uint16_t PrefixKey(std::string_view text) {
  return static_cast<uint16_t>(static_cast<unsigned char>(text[0]) << 8 |
                               static_cast<unsigned char>(text[1]));
}

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

}  // namespace

std::vector<std::string> Terms(std::string_view text, std::string_view language) {
  const auto& stopwords = StemmedStopwords(language);
  std::vector<std::string> stems = StemText(text, language);
  std::erase_if(stems, [&](const std::string& stem) {
    const bool one_letter = stem.size() == 1 && !(stem[0] >= '0' && stem[0] <= '9');
    return one_letter || stopwords.count(stem) > 0;
  });
  return stems;
}

std::string JoinTerms(const std::vector<std::string>& terms) {
  std::string joined;
  for (const std::string& term : terms) {
    if (!joined.empty()) {
      joined.push_back(' ');
    }
    joined.append(term);
  }
  return joined;
}

std::string_view TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

std::string Snippet(std::string_view text, const std::vector<std::string>& stems,
                    size_t max_chars) {
  const std::string_view scan = TruncateUtf8(text, kSnippetScanBytes);
  // Offsets of words that match a stem, and which stem.
  std::vector<std::pair<size_t, size_t>> matches;
  // Stems by their first two bytes: a word is compared only with the stems it could start with
  // (a long ticket has up to 64 stems, a scan up to ~2,500 words).
  std::unordered_map<uint16_t, std::vector<size_t>> by_prefix;
  for (size_t s = 0; s < stems.size(); ++s) {
    if (stems[s].size() >= 2) {
      by_prefix[PrefixKey(stems[s])].push_back(s);
    }
  }
  std::string word;
  size_t i = 0;
  while (i < scan.size()) {
    if (!IsWordByte(static_cast<unsigned char>(scan[i]))) {
      ++i;
      continue;
    }
    const size_t start = i;
    word.clear();
    while (i < scan.size() && IsWordByte(static_cast<unsigned char>(scan[i]))) {
      const char c = scan[i];
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      ++i;
    }
    if (word.size() < 2) {
      continue;
    }
    auto candidates = by_prefix.find(PrefixKey(word));
    if (candidates == by_prefix.end()) {
      continue;
    }
    for (size_t s : candidates->second) {  // in stem order: the first match wins
      if (word.compare(0, stems[s].size(), stems[s]) == 0) {
        matches.emplace_back(start, s);
        break;
      }
    }
  }
  // The window of max_chars bytes holding the most distinct stems (then the most matches).
  size_t best_start = 0;
  if (!matches.empty()) {
    std::vector<int> counts(stems.size(), 0);
    int distinct = 0;
    int best_distinct = -1;
    int best_total = -1;
    size_t left = 0;
    for (size_t right = 0; right < matches.size(); ++right) {
      if (counts[matches[right].second]++ == 0) {
        ++distinct;
      }
      while (matches[right].first - matches[left].first > max_chars * 3 / 4) {
        if (--counts[matches[left].second] == 0) {
          --distinct;
        }
        ++left;
      }
      const int total = static_cast<int>(right - left + 1);
      if (distinct > best_distinct || (distinct == best_distinct && total > best_total)) {
        best_distinct = distinct;
        best_total = total;
        best_start = matches[left].first;
      }
    }
    // A little context before the first match, starting at a word.
    size_t context = std::min<size_t>(best_start, max_chars / 8);
    best_start -= context;
    while (best_start > 0 && !IsSpace(text[best_start - 1])) {
      --best_start;
    }
  }
  size_t end = std::min(text.size(), best_start + max_chars);
  if (end < text.size()) {
    size_t cut = end;
    while (cut > best_start && !IsSpace(text[cut])) {
      --cut;
    }
    end = cut > best_start ? cut : std::string_view::npos;
    if (end == std::string_view::npos) {  // one very long word: cut on a character boundary
      end = best_start + TruncateUtf8(text.substr(best_start), max_chars).size();
    }
  }
  std::string snippet;
  if (best_start > 0) {
    snippet = "… ";
  }
  bool last_space = true;
  for (size_t p = best_start; p < end; ++p) {
    if (IsSpace(text[p])) {
      if (!last_space) {
        snippet.push_back(' ');
      }
      last_space = true;
    } else {
      snippet.push_back(text[p]);
      last_space = false;
    }
  }
  while (!snippet.empty() && snippet.back() == ' ') {
    snippet.pop_back();
  }
  if (end < text.size()) {
    snippet += " …";
  }
  return snippet;
}

}  // namespace autotriage::kb_internal
