#include "autotriage/knowledge/sentences.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/text/normalize.h"

namespace autotriage::knowledge_internal {
namespace {

// A line at least this long that ends without punctuation and is followed by a lower-case line
// was most likely wrapped by the mail client, so the two lines are one sentence.
constexpr size_t kWrappedLineChars = 50;
// Salutations are short: "Sehr geehrte Damen und Herren," has five words.
constexpr size_t kMaxSalutationWords = 6;
constexpr size_t kMaxCourtesyWords = 6;

// Words after which '.' does not end a sentence even before a capital letter (lower case,
// without the final dot). "etc." and "usw." are missing on purpose: they usually end one.
constexpr std::string_view kAbbreviations[] = {
    "abs",  "approx", "bzw", "ca", "d.h", "dept", "dr",   "e.g", "evtl", "fr",  "ggf", "hr", "i.e",
    "inkl", "mr",     "mrs", "ms", "no",  "nr",   "prof", "str", "tel",  "u.a", "vgl", "vs", "z.b"};

// Words that open a salutation ("Hi team,", "Sehr geehrte Damen und Herren,").
constexpr std::string_view kSalutationOpeners[] = {"dear",   "gruezi", "grüezi", "guten", "hallo",
                                                   "hello",  "hey",    "hi",     "hiya",  "liebe",
                                                   "lieber", "moin",   "sehr",   "servus"};

// Folded words of greetings, thanks and closings (FoldCase turns "ß" into "ss").
constexpr std::string_view kCourtesyWords[] = {
    "a",         "abend",       "advance",    "again",       "all",           "an",
    "and",       "any",         "appreciate", "appreciated", "assistance",    "bei",
    "best",      "beste",       "besten",     "bg",          "bitte",         "br",
    "cheers",    "colleagues",  "damen",      "dank",        "danke",         "day",
    "dear",      "der",         "die",        "euch",        "evening",       "everyone",
    "feedback",  "finds",       "folks",      "for",         "frau",          "freundlichen",
    "für",       "geehrte",     "geehrten",   "geehrter",    "good",          "great",
    "greetings", "grüezi",      "grüsse",     "gruss",       "grüss",         "guten",
    "guys",      "hallo",       "have",       "hello",       "help",          "herr",
    "herren",    "hey",         "hi",         "hilfe",       "hiya",          "hope",
    "ihnen",     "ihre",        "im",         "in",          "info",          "it",
    "kind",      "kr",          "lg",         "liebe",       "lieber",        "lot",
    "many",      "mfg",         "mit",        "moin",        "morgen",        "morning",
    "much",      "nice",        "ok",         "okay",        "please",        "regards",
    "rgds",      "rückmeldung", "schöne",     "schönen",     "servus",        "so",
    "support",   "tag",         "team",       "thank",       "thanks",        "there",
    "this",      "thx",         "ty",         "und",         "unterstützung", "very",
    "vg",        "viele",       "vielen",     "voraus",      "warm",          "weekend",
    "well",      "wochenende",  "you",        "your",        "zusammen"};

template <size_t N>
bool Contains(const std::string_view (&list)[N], std::string_view word) {
  return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsAsciiLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsAsciiUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsWordByte(char c) {
  return IsAsciiLower(c) || IsAsciiUpper(c) || IsAsciiDigit(c) ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool HasWordByte(std::string_view s) {
  return std::any_of(s.begin(), s.end(), IsWordByte);
}

// Strips "- ", "* " and "• " bullet markers; returns whether there was one.
bool StripBullet(std::string_view* line) {
  for (const std::string_view marker : {"- ", "* ", "• ", "· "}) {
    if (line->substr(0, marker.size()) == marker) {
      *line = Trim(line->substr(marker.size()));
      return true;
    }
  }
  return false;
}

bool StartsNumberedItem(std::string_view line) {
  size_t digits = 0;
  while (digits < line.size() && IsAsciiDigit(line[digits])) {
    ++digits;
  }
  return digits > 0 && digits <= 2 && digits + 1 < line.size() &&
         (line[digits] == '.' || line[digits] == ')') && line[digits + 1] == ' ';
}

// Whether the run of dots starting at `dot` right after a word keeps the sentence going;
// `next` is the first character after the white space that follows.
bool DotContinues(std::string_view unit, size_t dot, size_t next) {
  if (IsAsciiLower(unit[next])) {
    return true;  // "e.g. the", "approx. ten"
  }
  size_t begin = dot;
  while (begin > 0 && !IsSpace(unit[begin - 1]) && unit[begin - 1] != '(') {
    --begin;
  }
  const std::string_view word = unit.substr(begin, dot - begin);
  if (word.empty()) {
    return false;
  }
  if (word.size() <= 2 && std::all_of(word.begin(), word.end(), IsAsciiDigit)) {
    return true;  // "am 3. März", "1. Open Outlook"
  }
  if (word.size() == 1 && IsAsciiUpper(word[0])) {
    return true;  // initial: "J. Smith"
  }
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return IsAsciiUpper(c) ? static_cast<char>(c + 32) : c; });
  return Contains(kAbbreviations, lower);
}

void SplitUnit(std::string_view unit, std::vector<std::string>* out) {
  auto emit = [out](std::string_view piece) {
    piece = Trim(piece);
    if (HasWordByte(piece)) {
      out->emplace_back(piece);
    }
  };
  size_t start = 0;
  for (size_t i = 0; i < unit.size(); ++i) {
    const char c = unit[i];
    if (c != '.' && c != '!' && c != '?') {
      continue;
    }
    const size_t run_begin = i;
    size_t end = i;
    bool strong = false;  // '!' or '?' in the run
    while (end < unit.size() && (unit[end] == '.' || unit[end] == '!' || unit[end] == '?')) {
      strong = strong || unit[end] != '.';
      ++end;
    }
    while (end < unit.size() &&
           std::string_view(")\"'").find(unit[end]) != std::string_view::npos) {
      ++end;
    }
    i = end - 1;
    if (end < unit.size() && !IsSpace(unit[end])) {
      continue;  // inside a token: "2.4.1", "example.com", "what?!x"
    }
    size_t next = end;
    while (next < unit.size() && IsSpace(unit[next])) {
      ++next;
    }
    if (next < unit.size() && !strong && DotContinues(unit, run_begin, next)) {
      continue;
    }
    emit(unit.substr(start, end - start));
    start = end;
  }
  emit(unit.substr(start));
}

// Words of a sentence as written (letters, digits, non-ASCII bytes; other bytes separate).
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !IsWordByte(s[i])) {
      ++i;
    }
    const size_t begin = i;
    while (i < s.size() && IsWordByte(s[i])) {
      ++i;
    }
    if (i > begin) {
      words.push_back(s.substr(begin, i - begin));
    }
  }
  return words;
}

bool IsCapitalised(std::string_view word) {
  return word.size() >= 2 && IsAsciiUpper(word[0]) && !IsAsciiUpper(word[1]);
}

}  // namespace

std::vector<std::string> SplitSentences(std::string_view text) {
  std::vector<std::string> sentences;
  std::string unit;
  std::string_view previous_line;
  auto flush = [&] {
    SplitUnit(unit, &sentences);
    unit.clear();
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t newline = text.find('\n', pos);
    if (newline == std::string_view::npos) {
      newline = text.size();
    }
    std::string_view line = Trim(text.substr(pos, newline - pos));
    pos = newline + 1;
    if (line.empty()) {
      flush();
      previous_line = {};
      continue;
    }
    const bool bullet = StripBullet(&line) || StartsNumberedItem(line);
    const bool wrapped =
        !unit.empty() && !bullet && previous_line.size() >= kWrappedLineChars &&
        std::string_view(".!?:;").find(previous_line.back()) == std::string_view::npos &&
        IsAsciiLower(line.front());
    if (wrapped) {
      unit += ' ';
    } else {
      flush();
    }
    unit.append(line);
    previous_line = line;
  }
  flush();
  return sentences;
}

std::string StripCourtesy(std::string_view sentence) {
  sentence = Trim(sentence);
  std::vector<std::string_view> words = Words(sentence);
  if (words.empty()) {
    return "";
  }
  // A leading salutation ends at the first ',', ':' or '!' within a few words.
  const std::string first = FoldCase(words[0]);
  const bool opener =
      Contains(kSalutationOpeners, first) ||
      (first == "good" && words.size() > 1 && Contains(kCourtesyWords, FoldCase(words[1])));
  if (opener) {
    const size_t stop = sentence.find_first_of(",:!");
    if (stop != std::string_view::npos &&
        Words(sentence.substr(0, stop)).size() <= kMaxSalutationWords) {
      sentence = Trim(sentence.substr(stop + 1));
      words = Words(sentence);
    }
  }
  if (words.empty()) {
    return "";
  }
  // Nothing but courtesy, perhaps with a name or two: "Thanks, Peter", "Hallo Frau Meier".
  size_t courtesy = 0;
  size_t names = 0;
  for (const std::string_view word : words) {
    if (Contains(kCourtesyWords, FoldCase(word))) {
      ++courtesy;
    } else if (IsCapitalised(word)) {
      ++names;
    }
  }
  const bool only_courtesy = courtesy == words.size();
  const bool courtesy_with_names = courtesy > 0 && names <= 2 && courtesy + names == words.size() &&
                                   words.size() <= kMaxCourtesyWords &&
                                   Contains(kCourtesyWords, FoldCase(words[0]));
  if (only_courtesy || courtesy_with_names) {
    return "";
  }
  std::string result(sentence);
  if (IsAsciiLower(result[0]) && opener) {
    result[0] = static_cast<char>(result[0] - 32);  // "Hi, the VPN..." -> "The VPN..."
  }
  return result;
}

}  // namespace autotriage::knowledge_internal
