// Private to the insights module: the terms a ticket is clustered on.
//
// A ticket's text is case-folded and tokenised (text module), stop words (English and German),
// one-letter words and bare numbers are dropped, and each remaining word is stemmed with
// libstemmer (knowledge module's StemText) in the language guessed from its stop words. Every
// stem keeps the surface word it came from, so cluster names can be shown as real words.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace autotriage::insights_internal {

struct Term {
  std::string stem;     // what vectors are built on
  std::string surface;  // the folded word as written, for names
};

// Terms of `text` in order (duplicates kept). Empty when nothing topical is left.
std::vector<Term> ExtractTerms(std::string_view text);

// Whether a folded word is an English or German function or courtesy word.
bool IsStopWord(std::string_view folded_word);

}  // namespace autotriage::insights_internal
