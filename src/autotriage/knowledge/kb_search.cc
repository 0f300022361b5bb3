// KbIndex::Search: BM25F candidates from the in-memory postings, dense cosine candidates, the
// hybrid score, the relevance floor, snippets from the file.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "autotriage/knowledge/kb_index_impl.h"
#include "autotriage/knowledge/kb_terms.h"

namespace autotriage::kb_internal {
namespace {

struct Candidate {
  int64_t rowid = 0;
  double bm25 = 0;   // raw BM25F
  double dense = 0;  // cosine
  // Absolute (see KbHit). Lexical only: the cosines of unrelated queries are as high as those of
  // the right article (docs/knowledge.md), so a hit found by the vectors alone has relevance 0.
  double relevance = 0;
  double score = 0;
};

// Eight independent partial sums: without -ffast-math the compiler may not reorder a single
// float accumulator, and the separate lanes let it use SIMD (the dense scan is n x dim).
float Dot(const float* a, const float* b, int dim) {
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int d = 0;
  for (; d + 8 <= dim; d += 8) {
    for (int l = 0; l < 8; ++l) {
      lanes[l] += a[d + l] * b[d + l];
    }
  }
  float sum = 0;
  for (; d < dim; ++d) {
    sum += a[d] * b[d];
  }
  for (float lane : lanes) {
    sum += lane;
  }
  return sum;
}

// Sets the cosine of every candidate; with `add_candidates` (a dense weight is set) scans all
// documents and adds the kDenseCandidates nearest that BM25F did not find.
void AddDense(const DenseVectors& dense, const std::vector<float>& query_vector,
              bool add_candidates, std::vector<Candidate>* candidates) {
  auto cosine_of = [&](size_t slot) {
    return Dot(query_vector.data(), &dense.docs[slot * dense.dim], dense.dim);
  };
  if (!add_candidates) {
    for (Candidate& c : *candidates) {
      auto slot = dense.doc_slot.find(c.rowid);
      c.dense = slot == dense.doc_slot.end() ? 0 : cosine_of(slot->second);
    }
    return;
  }
  const size_t n = dense.doc_rowids.size();
  std::vector<float> cosine(n);
  for (size_t slot = 0; slot < n; ++slot) {
    cosine[slot] = cosine_of(slot);
  }
  std::unordered_set<int64_t> found;
  for (Candidate& c : *candidates) {
    auto slot = dense.doc_slot.find(c.rowid);
    c.dense = slot == dense.doc_slot.end() ? 0 : cosine[slot->second];
    found.insert(c.rowid);
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  const size_t top = std::min<size_t>(n, kDenseCandidates);
  std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(top), order.end(),
                    [&](uint32_t a, uint32_t b) { return cosine[a] > cosine[b]; });
  for (size_t i = 0; i < top; ++i) {
    const int64_t rowid = dense.doc_rowids[order[i]];
    if (cosine[order[i]] > 0 && found.insert(rowid).second) {
      Candidate c;
      c.rowid = rowid;
      c.dense = cosine[order[i]];
      candidates->push_back(c);
    }
  }
}

}  // namespace

QueryTerms MakeQueryTerms(std::string_view query, const std::set<std::string>& languages) {
  QueryTerms terms;
  std::unordered_set<std::string> seen;
  for (const std::string& language : languages) {
    std::vector<std::string> stems = Terms(query, language);
    std::unordered_set<std::string_view> seen_here;
    std::vector<std::string> unique;
    for (std::string& stem : stems) {
      if (unique.size() < kMaxQueryTerms && seen_here.insert(stem).second) {
        unique.push_back(stem);
      }
    }
    for (const std::string& stem : unique) {
      if (terms.all.size() < kMaxQueryTerms && seen.insert(stem).second) {
        terms.all.push_back(stem);
      }
    }
    terms.by_language.push_back(std::move(unique));
  }
  return terms;
}

Result<Bm25fParams> ToBm25fParams(const KbSearchOptions& options) {
  Bm25fParams params;
  params.k1 = options.k1;
  params.weight = {options.title_weight, options.body_weight, options.linked_weight};
  params.b = {options.title_b, options.body_b, options.linked_b};
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateBm25fParams(params));
  if (!(options.dense_weight >= 0) || !std::isfinite(options.dense_weight)) {
    return InvalidArgument("KB search: dense_weight must be a number >= 0 (got " +
                           std::to_string(options.dense_weight) + ")");
  }
  if (!(options.min_relevance >= 0) || !std::isfinite(options.min_relevance)) {
    return InvalidArgument("KB search: min_relevance must be a number >= 0 (got " +
                           std::to_string(options.min_relevance) + ")");
  }
  return params;
}

Result<std::vector<KbHit>> SqliteKbIndex::Search(std::string_view query, int k) const {
  return Search(query, k, options_);
}

Result<std::vector<KbHit>> SqliteKbIndex::Search(std::string_view query, int k,
                                                 const KbSearchOptions& options) const {
  Result<Bm25fParams> params = ToBm25fParams(options);
  if (!params.ok()) {
    return params.status();
  }
  std::vector<KbHit> hits;
  if (k <= 0) {
    return hits;
  }
  std::shared_lock<std::shared_mutex> lock(state_mutex_);
  const QueryTerms terms = MakeQueryTerms(query, languages_);
  if (terms.all.empty()) {
    return hits;
  }
  // The query's weight under the language its words belong to: the other languages' stems of
  // the same words are mostly unknown and would count as rare terms.
  double query_weight = 0;
  for (const std::vector<std::string>& language_terms : terms.by_language) {
    const double weight = postings_.QueryWeight(language_terms);
    if (weight > 0 && (query_weight == 0 || weight < query_weight)) {
      query_weight = weight;
    }
  }
  std::vector<Candidate> candidates;
  for (const ScoredDocument& scored :
       postings_.Top(terms.all, *params, static_cast<size_t>(std::max(kBm25Candidates, k)))) {
    Candidate c;
    c.rowid = scored.rowid;
    c.bm25 = scored.score;
    c.relevance = query_weight > 0 ? std::min(1.0, scored.evidence / query_weight) : 0;
    candidates.push_back(c);
  }
  const double best_bm25 = candidates.empty() ? 0 : candidates.front().bm25;

  std::vector<float> query_vector;
  if (!dense_.empty() && !dense_.doc_rowids.empty() && dense_.Embed(terms.all, &query_vector)) {
    AddDense(dense_, query_vector, options.dense_weight > 0, &candidates);
  }
  for (Candidate& c : candidates) {
    const double scaled = best_bm25 > 0 ? c.bm25 / best_bm25 : 0;
    c.score = scaled + options.dense_weight * c.dense;
    c.bm25 = scaled;
  }
  std::erase_if(candidates,
                [&](const Candidate& c) { return c.relevance < options.min_relevance; });
  const size_t top = std::min(candidates.size(), static_cast<size_t>(k));
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<ptrdiff_t>(top),
                    candidates.end(), [](const Candidate& a, const Candidate& b) {
                      return a.score != b.score ? a.score > b.score : a.rowid < b.rowid;
                    });
  if (top == 0) {
    return hits;
  }

  Result<PooledConnection> connection = AcquireReader();
  if (!connection.ok()) {
    return connection.status();
  }
  sqlite3_stmt* fetch = (*connection)->fetch;
  for (size_t i = 0; i < top; ++i) {
    sqlite3_reset(fetch);
    sqlite3_bind_int64(fetch, 1, candidates[i].rowid);
    sqlite3_bind_int64(fetch, 2, static_cast<int64_t>(kSnippetScanBytes));
    if (sqlite3_step(fetch) != SQLITE_ROW) {
      continue;
    }
    auto text = [&](int column) {
      const auto* value = reinterpret_cast<const char*>(sqlite3_column_text(fetch, column));
      return value == nullptr
                 ? std::string_view()
                 : std::string_view(value,
                                    static_cast<size_t>(sqlite3_column_bytes(fetch, column)));
    };
    KbHit hit;
    hit.id = std::string(text(0));
    hit.title = std::string(text(1));
    hit.url = std::string(text(2));
    hit.snippet = Snippet(text(3), terms.all, kSnippetChars);
    hit.score = candidates[i].score;
    hit.bm25_score = candidates[i].bm25;
    hit.dense_score = candidates[i].dense;
    hit.relevance = candidates[i].relevance;
    hits.push_back(std::move(hit));
  }
  sqlite3_reset(fetch);
  return hits;
}

}  // namespace autotriage::kb_internal
