// Private to the knowledge module: the terms KbIndex puts into FTS5 and looks up, and the
// snippet picked from an article's original text.
//
// Terms are libstemmer stems (stemmer.h) without stop words. Stop words are a short a-priori
// list per language (English, German; other languages keep every word): they carry no topic and,
// in an OR query, would make bm25 score nearly every document, which is what costs time on a
// large index.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace autotriage::kb_internal {

// Stems of `text` without stop words and one-letter words, in order (duplicates kept).
std::vector<std::string> Terms(std::string_view text, std::string_view language);

// The terms joined with single spaces: what an FTS5 column holds.
std::string JoinTerms(const std::vector<std::string>& terms);

// `text` cut to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view text, size_t max_bytes);

// Up to ~max_chars of `text` around the window with the most words that start with one of
// `stems` (a stem is a prefix of the words it came from in nearly all cases, which avoids
// stemming the article again per query). Starts at a word boundary; "…" marks cut ends. Only the
// first kSnippetScanBytes of the text are looked at, so huge articles cost the same.
std::string Snippet(std::string_view text, const std::vector<std::string>& stems, size_t max_chars);

inline constexpr size_t kSnippetScanBytes = 16 * 1024;

}  // namespace autotriage::kb_internal
