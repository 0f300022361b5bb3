// Private to the insights module: the Clusterer's state (vocabulary with document frequencies,
// ticket vectors, sparse centroids, the inverted index over centroid terms) and the operations
// the public methods are built from. clusterer.cc holds the public API; cluster_index.cc the
// centroid, index and merge work.
// Thread-safety: as Clusterer (none of its own).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autotriage/insights/clusterer.h"

namespace autotriage::insights {

using TermId = int32_t;
using SparseVector = std::vector<std::pair<TermId, float>>;  // unit length, sorted by term

struct TermInfo {
  std::string stem;
  int64_t document_frequency = 0;  // tickets in the window containing the term
  std::vector<std::pair<std::string, int64_t>> surfaces;  // word as written, times seen
};

struct TicketRecord {
  std::string id;
  int64_t created_at = 0;
  std::string text;
  std::vector<TermId> terms;  // distinct terms, for document frequencies
  SparseVector vector;
  ClusterId cluster = 0;
  size_t position = 0;  // index in the cluster's member list
  bool alive = false;
};

struct ClusterRecord {
  ClusterId id = 0;
  std::unordered_map<TermId, double> sum;  // sum of member vectors
  double norm2 = 0.0;                      // |sum|^2, kept in step with `sum`
  std::vector<uint32_t> members;           // ticket slots
  std::vector<TermId> indexed_terms;       // entries of this cluster in the inverted index
  size_t size_when_indexed = 0;
  bool dirty = true;  // changed since the last merge pass
};

struct Posting {
  ClusterId cluster;
  float weight;  // the term's share of the centroid when indexed: sum[t] / |sum|
};

struct Clusterer::Impl {
  ClustererOptions options;
  std::vector<TermInfo> terms;
  std::unordered_map<std::string, TermId> term_ids;
  std::vector<TicketRecord> tickets;  // slots; dead ones are reused
  std::vector<uint32_t> free_slots;
  std::unordered_map<std::string, uint32_t> slot_of;  // live ticket id -> slot
  std::multimap<int64_t, uint32_t> by_time;           // created_at -> slot
  std::map<ClusterId, ClusterRecord> clusters;
  std::unordered_map<TermId, std::vector<Posting>> index;
  std::unordered_map<ClusterId, ClusterId> merged_into;
  ClusterId next_id = 1;
  int64_t live_tickets = 0;
  int64_t window_start = 0;  // tickets created before this are refused
  int64_t adds_since_merge = 0;
  // Candidate scores by cluster id and the ids touched, reused between searches (cleared after
  // each). Grows with the highest id handed out: 8 bytes per cluster ever made.
  mutable std::vector<double> scratch_scores;
  mutable std::vector<ClusterId> scratch_touched;

  explicit Impl(ClustererOptions o) : options(std::move(o)) {}

  // Checks a ticket as Add does; OK when it may be added.
  Status Validate(const TicketText& ticket) const;
  // Turns text into distinct term ids (new terms are added to the vocabulary) with counts.
  std::vector<std::pair<TermId, int>> Count(std::string_view text);
  // TF-IDF unit vector from term counts at the current document frequencies.
  SparseVector Vectorize(const std::vector<std::pair<TermId, int>>& counts) const;
  // Stores a validated ticket whose terms already count in document frequencies and puts it in
  // `cluster` (0 = choose the nearest or start a new one). Returns the cluster id.
  ClusterId Place(const TicketText& ticket, std::vector<std::pair<TermId, int>> counts,
                  ClusterId cluster);
  void RemoveTicket(uint32_t slot);

  // cluster_index.cc
  ClusterId NearestCluster(const SparseVector& vector) const;
  void AddToCluster(ClusterRecord& cluster, uint32_t slot);
  void RemoveFromCluster(ClusterRecord& cluster, uint32_t slot);
  void Reindex(ClusterRecord& cluster);
  void Unindex(ClusterRecord& cluster);
  double Cosine(const ClusterRecord& a, const ClusterRecord& b) const;
  void MergeInto(ClusterRecord& from, ClusterRecord& into);
  int64_t MergePass();   // merge rounds until one merges nothing
  int64_t MergeRound();  // each changed cluster merges with at most one other
  // Terms of a centroid by weight, strongest first (ties: lower term id).
  std::vector<std::pair<TermId, double>> TopTerms(const ClusterRecord& cluster, size_t n) const;
  const std::string& Surface(TermId term) const;
  ClusterSummary Summarize(const ClusterRecord& cluster, int64_t now) const;
};

}  // namespace autotriage::insights
