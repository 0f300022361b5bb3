// KbIndex::Search: FTS5 bm25 candidates, dense cosine candidates, the hybrid score, snippets.
#include <sqlite3.h>

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "autotriage/knowledge/kb_index_impl.h"
#include "autotriage/knowledge/kb_terms.h"

namespace autotriage::kb_internal {
namespace {

struct Candidate {
  int64_t rowid = 0;
  double bm25 = 0;   // positive, larger is better (FTS5's value negated)
  double dense = 0;  // cosine
  double score = 0;
};

// An FTS5 query that matches any of the terms; each term is a quoted string so the joiners a
// term may contain ('.', '-', ':' ...) are not read as query syntax.
std::string MatchExpression(const std::vector<std::string>& terms) {
  std::string expression;
  for (const std::string& term : terms) {
    if (!expression.empty()) {
      expression += " OR ";
    }
    expression.push_back('"');
    for (char c : term) {
      if (c == '"') {
        expression.push_back('"');
      }
      expression.push_back(c);
    }
    expression.push_back('"');
  }
  return expression;
}

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

}  // namespace

std::vector<std::string> QueryTerms(std::string_view query,
                                    const std::set<std::string>& languages) {
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (const std::string& language : languages) {
    for (std::string& term : Terms(query, language)) {
      if (unique.size() >= kMaxQueryTerms) {
        return unique;
      }
      if (seen.insert(term).second) {
        unique.push_back(std::move(term));
      }
    }
  }
  return unique;
}

Result<std::vector<KbHit>> SqliteKbIndex::Search(std::string_view query, int k) const {
  std::vector<KbHit> hits;
  if (k <= 0) {
    return hits;
  }
  std::shared_lock<std::shared_mutex> lock(state_mutex_);
  const std::vector<std::string> terms = QueryTerms(query, languages_);
  if (terms.empty()) {
    return hits;
  }
  Result<PooledConnection> connection = AcquireReader();
  if (!connection.ok()) {
    return connection.status();
  }
  sqlite3_stmt* match = (*connection)->match;
  const std::string expression = MatchExpression(terms);
  sqlite3_bind_text(match, 1, expression.data(), static_cast<int>(expression.size()),
                    SQLITE_STATIC);
  sqlite3_bind_double(match, 2, options_.title_weight);
  sqlite3_bind_double(match, 3, options_.body_weight);
  sqlite3_bind_double(match, 4, options_.linked_weight);
  sqlite3_bind_int(match, 5, std::max(kBm25Candidates, k));
  std::vector<Candidate> candidates;
  std::unordered_map<int64_t, size_t> by_rowid;
  int rc;
  while ((rc = sqlite3_step(match)) == SQLITE_ROW) {
    Candidate c;
    c.rowid = sqlite3_column_int64(match, 0);
    c.bm25 = -sqlite3_column_double(match, 1);
    by_rowid.emplace(c.rowid, candidates.size());
    candidates.push_back(c);
  }
  sqlite3_reset(match);
  if (rc != SQLITE_DONE) {
    return IoError("KB search in " + path_ + " failed: " + sqlite3_errmsg((*connection)->db));
  }
  double best_bm25 = 0;
  for (const Candidate& c : candidates) {
    best_bm25 = std::max(best_bm25, c.bm25);
  }
  for (Candidate& c : candidates) {
    c.bm25 = best_bm25 > 0 ? std::max(0.0, c.bm25 / best_bm25) : 0;
  }

  std::vector<float> query_vector;
  if (options_.dense_weight > 0 && !dense_.empty() && !dense_.doc_rowids.empty() &&
      dense_.Embed(terms, &query_vector)) {
    const size_t n = dense_.doc_rowids.size();
    std::vector<float> cosine(n);
    for (size_t slot = 0; slot < n; ++slot) {
      cosine[slot] = Dot(query_vector.data(), &dense_.docs[slot * dense_.dim], dense_.dim);
    }
    for (Candidate& c : candidates) {
      auto slot = dense_.doc_slot.find(c.rowid);
      c.dense = slot == dense_.doc_slot.end() ? 0 : cosine[slot->second];
    }
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    const size_t top = std::min<size_t>(n, kDenseCandidates);
    std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(top), order.end(),
                      [&](uint32_t a, uint32_t b) { return cosine[a] > cosine[b]; });
    for (size_t i = 0; i < top; ++i) {
      const int64_t rowid = dense_.doc_rowids[order[i]];
      if (cosine[order[i]] > 0 && by_rowid.find(rowid) == by_rowid.end()) {
        Candidate c;
        c.rowid = rowid;
        c.dense = cosine[order[i]];
        by_rowid.emplace(rowid, candidates.size());
        candidates.push_back(c);
      }
    }
  }
  for (Candidate& c : candidates) {
    c.score = c.bm25 + options_.dense_weight * c.dense;
  }
  const size_t top = std::min(candidates.size(), static_cast<size_t>(k));
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<ptrdiff_t>(top),
                    candidates.end(), [](const Candidate& a, const Candidate& b) {
                      return a.score != b.score ? a.score > b.score : a.rowid < b.rowid;
                    });

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
    hit.snippet = Snippet(text(3), terms, kSnippetChars);
    hit.score = candidates[i].score;
    hit.bm25_score = candidates[i].bm25;
    hit.dense_score = candidates[i].dense;
    hits.push_back(std::move(hit));
  }
  sqlite3_reset(fetch);
  return hits;
}

}  // namespace autotriage::kb_internal
