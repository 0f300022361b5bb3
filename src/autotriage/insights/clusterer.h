// Clusterer: incremental clustering of recent tickets into recurring issues.
//
// Each ticket becomes a TF-IDF vector over stemmed words (stop words and numbers dropped; idf from
// the tickets currently in the window) and joins the cluster whose centroid is nearest by cosine
// when that cosine reaches `assign_threshold`; otherwise it starts a new cluster. Candidate
// clusters are found through an inverted index over each centroid's strongest terms, so adding a
// ticket costs about the same with 10 or 10,000 clusters. Every `merge_every` additions (and at the
// end of AddBatch) near-duplicate clusters are merged; Expire(now) drops tickets older than the
// window and clusters left empty.
//
// Cluster ids are stable: a cluster keeps its id while it has members; when two clusters merge
// the bigger (on a tie the older) keeps its id and Resolve(old id) returns the survivor. Ids are
// never reused. A cluster's name is its 3–4 strongest terms as the words the tickets used.
//
// Results are deterministic: the same calls with the same tickets give the same clusters, ids and
// names. A batch is processed in (created_at, ticket_id) order, so the order tickets arrive in
// within one batch does not matter; across batches late tickets are accepted while inside the
// window.
//
// The engine's use: AddBatch(last 30 days) at start, then every few minutes AddBatch(new
// tickets), Expire(now) and Clusters(now). State can be saved with Snapshot() and rebuilt with
// Restore(), which keeps ids and memberships.
//
// Thread-safety: not synchronised. Const methods may run concurrently with each other; anything
// else needs external locking.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage::insights {

using ClusterId = int64_t;

struct TicketText {
  std::string ticket_id;   // non-empty, unique among clustered tickets
  int64_t created_at = 0;  // Unix seconds, > 0
  std::string text;        // subject + body as plain text
};

struct ClustererOptions {
  // Cosine between a ticket and a centroid needed to join the cluster (measured on
  // it-service-tickets, see docs/insights.md).
  double assign_threshold = 0.30;
  // Cosine between two centroids at which they merge.
  double merge_threshold = 0.60;
  int64_t window_seconds = 30 * 86400;
  size_t index_terms_per_cluster = 16;  // centroid terms kept in the inverted index
  size_t query_terms = 12;              // a ticket's strongest terms used to find candidates
  size_t candidates = 8;                // candidate clusters scored exactly per ticket
  int64_t merge_every = 5000;           // additions between merge passes
  size_t max_member_ids = 50;           // member ids listed per cluster (newest first)
  size_t max_text_bytes = 600;          // text kept per ticket for representative texts
};

struct ClusterSummary {
  ClusterId id = 0;
  std::string name;                    // e.g. "vpn connection timeout"
  std::vector<std::string> top_terms;  // surface words, strongest first (up to 8)
  int64_t size = 0;
  std::vector<std::string> member_ids;  // newest first, at most max_member_ids
  std::string representative_ticket_id;
  std::string representative_text;  // the member nearest the centroid (cut to max_text_bytes)
  int64_t first_seen = 0;           // oldest member's created_at
  int64_t last_seen = 0;            // newest member's created_at
  // Trend: members created in (now-24h, now] and in (now-48h, now-24h]; ratio is
  // (last_24h + 1) / (previous_24h + 1), so > 1 means growing.
  int64_t last_24h = 0;
  int64_t previous_24h = 0;
  double trend_ratio = 1.0;
};

// A member of the same cluster whose vector is close to a given ticket's (see NearDuplicates).
struct NearDuplicate {
  std::string ticket_id;
  int64_t created_at = 0;
  double cosine = 0.0;
};

// What AddBatch did with each ticket.
struct AddReport {
  int64_t added = 0;
  int64_t rejected = 0;
  std::vector<std::string> errors;  // the first 10 rejection messages
};

// Plain state for persistence: which ticket is in which cluster, plus the id counter.
struct ClustererSnapshot {
  struct Member {
    TicketText ticket;  // text already cut to max_text_bytes
    ClusterId cluster_id = 0;
  };
  std::vector<Member> members;
  std::vector<std::pair<ClusterId, ClusterId>> merged;  // (old id, surviving id)
  ClusterId next_id = 1;
  int64_t window_start = 0;
};

class Clusterer {
 public:
  explicit Clusterer(ClustererOptions options = {});
  ~Clusterer();
  Clusterer(Clusterer&&) noexcept;
  Clusterer& operator=(Clusterer&&) noexcept;

  // Adds one ticket; returns the cluster it joined.
  // Errors: kInvalidArgument for an empty ticket_id, created_at <= 0, a ticket older than the
  // window of the last Expire(now), or text with no words to cluster on; kAlreadyExists when
  // the ticket id is already clustered (updates are not re-clustered).
  Result<ClusterId> Add(const TicketText& ticket);

  // Adds many tickets: document frequencies are updated for the whole batch first, then tickets
  // are assigned in (created_at, ticket_id) order. Rejected tickets (same reasons as Add) are
  // counted and skipped; they never stop the batch. Runs a merge pass at the end.
  AddReport AddBatch(std::vector<TicketText> tickets);

  // Drops tickets created before now - window_seconds; returns how many. Empty clusters go away.
  int64_t Expire(int64_t now);

  // Merges near-duplicate clusters now; returns the number of merges.
  int64_t MergeSimilar();

  // The live id for `id` after merges; nullopt when the cluster expired or never existed.
  std::optional<ClusterId> Resolve(ClusterId id) const;
  std::optional<ClusterId> ClusterOf(std::string_view ticket_id) const;

  // The other members of `ticket_id`'s cluster whose TF-IDF vector (as built when each was
  // added) has cosine >= min_cosine with its own, oldest first. Costs one sparse dot product per
  // member of that cluster. Used by the spike detector to count near-identical tickets.
  // Errors: kNotFound when the ticket is not clustered (never added, or expired).
  Result<std::vector<NearDuplicate>> NearDuplicates(std::string_view ticket_id,
                                                    double min_cosine) const;

  // Clusters with at least `min_size` members, biggest first (ties: lower id first).
  std::vector<ClusterSummary> Clusters(int64_t now, int64_t min_size = 2) const;
  // Errors: kNotFound when `id` does not resolve to a live cluster.
  Result<ClusterSummary> Summary(ClusterId id, int64_t now) const;

  size_t ticket_count() const;
  size_t cluster_count() const;

  ClustererSnapshot Snapshot() const;
  // Rebuilds a clusterer with the snapshot's memberships and ids (no re-assignment).
  // Errors: kInvalidArgument when a member is invalid (same rules as Add) or listed twice.
  static Result<Clusterer> Restore(const ClustererSnapshot& snapshot,
                                   ClustererOptions options = {});

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace autotriage::insights
