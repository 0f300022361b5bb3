// Private to the knowledge module: Bm25fPostings, the in-memory inverted index KbIndex ranks with
// (for every stem, the documents holding it and its count per field), and BM25F scoring over it.
//
// BM25F ("simple BM25F", Robertson, Zaragoza & Taylor 2004), per document and query term:
//   tf~   = sum over fields f of weight_f * tf_f / (1 - b_f + b_f * len_f / avglen_f)
//   score += idf * tf~ / (k1 + tf~),   idf = ln(1 + (N - df + 0.5) / (df + 0.5))
// N: documents in the index; df: documents holding the term in any field; len_f: terms in the
// field; avglen_f: the mean over all documents. Only documents that hold a query term are scored
// (term at a time into a dense array), then the best are picked by a partial sort.
//
// Relevance: how much of the query a document answers, comparable across queries and indexes:
// its evidence divided by the query's weight, clamped to [0, 1]. Evidence is BM25-shaped but fixed
// and without length normalisation (a word an article holds is evidence however long the article
// is): the sum over matched terms of idf * c / (kEvidenceSaturation + c), c = sum of
// weight_f * tf_f. The query's weight is the idf sum of its kRelevanceTerms most informative
// terms; a term no document holds weighs as a term one document holds, so a query of unknown
// words is relevant to nothing, and the cap keeps a long ticket (several issues, signature,
// ticket numbers, names) from diluting a good match: with 10 terms the payslip article fell
// below the floor for a sandbox ticket about a missing payslip; 6 and 10 separate StackFAQ from
// unrelated queries equally well. kEvidenceSaturation = 3 keeps "every query word once in the
// body" at 0.25 while a title match (weight 15) counts 0.83; docs/knowledge.md has the numbers.
//
// Errors: none; invalid parameters are caught by ValidateBm25fParams before scoring.
// Thread-safety: const methods may run concurrently; the others need exclusive access (KbIndex
// holds its state lock).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage::kb_internal {

enum KbField : int { kTitleField = 0, kBodyField = 1, kLinkedField = 2 };
inline constexpr int kFieldCount = 3;
inline constexpr size_t kRelevanceTerms = 6;
inline constexpr double kEvidenceSaturation = 3.0;

struct Bm25fParams {
  double k1 = 1.2;
  std::array<double, kFieldCount> weight = {1, 1, 1};
  std::array<double, kFieldCount> b = {0.75, 0.75, 0.75};
};

// kInvalidArgument naming the parameter when k1 <= 0, a weight < 0, all weights 0, or b outside
// [0, 1].
Status ValidateBm25fParams(const Bm25fParams& params);

struct ScoredDocument {
  int64_t rowid = 0;
  double score = 0;     // raw BM25F, > 0
  double evidence = 0;  // see Relevance above; divide by QueryWeight
};

class Bm25fPostings {
 public:
  // Sets a document's title and body terms (stems, duplicates counted); its linked terms stay.
  void SetDocument(int64_t rowid, const std::vector<std::string>& title,
                   const std::vector<std::string>& body);
  // Adds terms to the linked field of a document that is in the index (else does nothing).
  void AddLinked(int64_t rowid, const std::vector<std::string>& terms);
  void ClearLinked();
  void RemoveDocument(int64_t rowid);

  size_t documents() const { return live_; }
  // How many documents hold the term in any field.
  size_t DocumentFrequency(std::string_view term) const;
  double Idf(std::string_view term) const;
  // The idf sum of the query's kRelevanceTerms highest-idf terms (unknown terms as df 1).
  double QueryWeight(const std::vector<std::string>& unique_terms) const;

  // The best `limit` documents holding at least one of `unique_terms`, best first (ties: lower
  // rowid first). Params must be valid.
  std::vector<ScoredDocument> Top(const std::vector<std::string>& unique_terms,
                                  const Bm25fParams& params, size_t limit) const;

 private:
  struct Posting {
    uint32_t slot;
    std::array<uint16_t, kFieldCount> tf;  // saturates at 65535
  };
  struct Document {
    int64_t rowid = 0;
    bool live = false;
    std::array<uint32_t, kFieldCount> length = {0, 0, 0};
    std::vector<uint32_t> terms;  // term ids with a posting for this document, sorted
  };

  uint32_t TermId(const std::string& term);
  Posting* FindPosting(uint32_t term, uint32_t slot);
  void DropPosting(uint32_t term, uint32_t slot);
  // Adds `count` occurrences per term to the document's field, creating postings as needed.
  void AddToField(uint32_t slot, int field, const std::vector<std::string>& terms);
  double IdfOf(size_t df) const;

  std::unordered_map<std::string, uint32_t> term_ids_;
  std::vector<std::vector<Posting>> postings_;  // by term id
  std::vector<Document> docs_;                  // by slot
  std::vector<uint32_t> free_slots_;
  std::unordered_map<int64_t, uint32_t> slot_of_;  // rowid -> slot
  std::array<double, kFieldCount> total_length_ = {0, 0, 0};
  size_t live_ = 0;
};

}  // namespace autotriage::kb_internal
