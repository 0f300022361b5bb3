#include "autotriage/knowledge/stemmer.h"

#include <libstemmer.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>

#include "autotriage/text/normalize.h"

namespace autotriage {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};
using StemmerPtr = std::unique_ptr<sb_stemmer, StemmerDeleter>;

// libstemmer wants lower-case algorithm names and keeps per-call state in the stemmer object, so
// every thread keeps its own stemmers, one per language asked for. A language without a stemmer
// is remembered as nullptr so it is not looked up again.
sb_stemmer* ThreadStemmer(std::string_view language) {
  thread_local std::map<std::string, StemmerPtr, std::less<>> stemmers;
  auto it = stemmers.find(language);
  if (it == stemmers.end()) {
    std::string name(language);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    StemmerPtr stemmer(name.empty() ? nullptr : sb_stemmer_new(name.c_str(), "UTF_8"));
    it = stemmers.emplace(std::string(language), std::move(stemmer)).first;
  }
  return it->second.get();
}

bool HasDigit(std::string_view token) {
  return std::any_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<std::string> StemText(std::string_view text, std::string_view language) {
  std::vector<std::string> tokens = Tokenize(FoldCase(text));
  sb_stemmer* stemmer = ThreadStemmer(language);
  if (stemmer == nullptr) {
    return tokens;
  }
  for (std::string& token : tokens) {
    if (HasDigit(token)) {
      continue;  // error codes, versions, addresses: stemming would only damage them
    }
    const sb_symbol* stem = sb_stemmer_stem(
        stemmer, reinterpret_cast<const sb_symbol*>(token.data()), static_cast<int>(token.size()));
    if (stem == nullptr) {
      continue;  // out of memory inside libstemmer: the unstemmed token still matches itself
    }
    token.assign(reinterpret_cast<const char*>(stem),
                 static_cast<size_t>(sb_stemmer_length(stemmer)));
  }
  return tokens;
}

bool HasStemmer(std::string_view language) {
  return ThreadStemmer(language) != nullptr;
}

}  // namespace autotriage
