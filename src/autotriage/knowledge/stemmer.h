// Stemmer: word stems for search, per language, from libstemmer (Snowball).
//
// StemText folds case (text module), tokenises like the classifier and stems each token; tokens
// that are numbers or codes (contain a digit) are kept as they are. Unknown languages fall back to
// no stemming (tokens only), never an error.
// Thread-safety: StemText is safe from many threads (each thread gets its own sb_stemmer).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace autotriage {

// Stems of `text`'s tokens in order. language: ISO 639-1 ("en", "de", "fr", ...).
std::vector<std::string> StemText(std::string_view text, std::string_view language);
// Whether libstemmer has a stemmer for the language.
bool HasStemmer(std::string_view language);

}  // namespace autotriage
