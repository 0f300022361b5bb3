// SpikeDetector: per-cluster rate anomalies against each cluster's own baseline.
//
// Record() every clustered ticket; call Detect(now, &clusterer) every minute (the engine does;
// one call costs well under a millisecond with ~2,500 clusters, see docs/insights.md). Detect
// runs two tests per cluster and reports a spike when either passes:
//
// 1. Cluster test. The tickets in the trailing window (default 60 min; optionally shorter
//    windows too, Bonferroni-corrected) against the count expected from the cluster's history:
//
//      expected = rate × exposure(window),  rate = tickets before the window / exposure(history)
//
//    where exposure is hours weighted by a seasonal factor, estimated from all clusters pooled
//    (one cluster alone has too few tickets per hour cell to estimate a shape): an hour-of-day
//    factor once `daily_min_history_seconds` (3 days) of traffic were seen, times a weekday
//    factor once `weekly_min_history_seconds` (2 weeks) were seen; before that 1 (a flat rate).
//    The history a rate is computed over is at least `young_cluster_seconds`, and the rate at
//    least `floor_rate_per_hour`, so a brand-new cluster is judged against a small floor. It
//    needs at least `min_count` tickets in the window.
// 2. Near-duplicate test (only when Detect is given the clusterer). Each ticket new since the
//    last Detect is compared with the other members of its cluster: if the window holds at
//    least `near_duplicate_min_count` (3) tickets with cosine >= `near_duplicate_cosine` (0.8)
//    to it, itself included, that group is tested against how often such near-duplicates arrived
//    before the window (plus `near_duplicate_prior` = 1 ticket, so a never-seen text has a small
//    rate, not zero), with the same seasonal exposure. This is what catches a burst inside a
//    busy cluster, and a new issue, on its 3rd ticket; a routine text that recurs (a
//    notification, a template) has its own history and does not fire.
//
// Both use the Poisson upper tail P(X >= observed | expected) <= `significance`. A cluster that
// spiked reports no new spike until it calms down: its 60-minute probability rises above
// `calm_significance` and no near-duplicate group of it passed the test within the window.
// No spike is reported before `warmup_seconds` of traffic have been recorded (by default as long
// as the hour-of-day profile needs, so daytime peaks never meet a flat rate); the engine avoids
// the wait by recording its stored recent tickets at start.
//
// Clusters that merge (Clusterer::Resolve) have their histories merged at the next Detect that
// is given the clusterer. Histories older than `history_seconds` are dropped; the clusterer's
// window should be at least as long, since the near-duplicate history is read from it.
//
// Thread-safety: not synchronised; one caller at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/insights/clusterer.h"

namespace autotriage::insights {

struct SpikeOptions {
  int64_t window_seconds = 3600;  // longest trailing window tested at each Detect
  // Shorter trailing windows tested too (each <= window_seconds); a window's p-value is
  // multiplied by the number of windows tested (Bonferroni) before it is compared.
  std::vector<int64_t> extra_windows_seconds = {};
  int64_t history_seconds = 28 * 86400;             // baseline history kept per cluster
  int64_t daily_min_history_seconds = 3 * 86400;    // hour-of-day profile from then on
  int64_t weekly_min_history_seconds = 14 * 86400;  // weekday profile from then on
  int64_t young_cluster_seconds = 24 * 3600;        // least history a rate is computed over
  int64_t warmup_seconds = 3 * 86400;               // no spikes before this much traffic
  double floor_rate_per_hour = 0.05;                // least rate assumed for any cluster
  int64_t min_count = 4;                            // tickets needed in the window
  double significance = 1e-6;                       // Poisson upper-tail probability to fire
  double calm_significance = 0.01;                  // a spiking cluster calms above this
  // Near-duplicate test (needs the clusterer at Detect; near_duplicate_min_count 0 turns it off):
  // a new ticket with near_duplicate_min_count - 1 or more near-duplicates (cosine >=
  // near_duplicate_cosine, same cluster) in the window is tested against how often
  // near-duplicates of it arrived before the window, plus near_duplicate_prior tickets.
  int64_t near_duplicate_min_count = 3;
  double near_duplicate_cosine = 0.8;
  double near_duplicate_prior = 1.0;
  size_t max_member_ids = 50;
};

struct Spike {
  ClusterId cluster_id = 0;
  int64_t window_start = 0;  // Unix seconds; the window is (window_start, window_end]
  int64_t window_end = 0;
  int64_t observed = 0;  // tickets in the window (near-duplicates only, when near_duplicates)
  double expected = 0.0;
  double p_value = 1.0;
  double score = 0.0;          // -log10(p_value)
  int64_t windows_tested = 1;  // p_value is already multiplied by this
  // True when the spike is a group of near-identical tickets inside the cluster, judged against
  // how often such tickets arrived before; false for the whole cluster against its own rate.
  bool near_duplicates = false;
  std::vector<std::string> member_ticket_ids;  // tickets in the window, oldest first
  // From the clusterer when Detect was given one:
  std::string cluster_name;
  std::string representative_text;
  std::vector<std::string> top_terms;
};

// P(X >= k) for X ~ Poisson(lambda); exact in log space for tiny tails. k <= 0 gives 1.
double PoissonUpperTail(int64_t k, double lambda);

class SpikeDetector {
 public:
  explicit SpikeDetector(SpikeOptions options = {});
  ~SpikeDetector();
  SpikeDetector(SpikeDetector&&) noexcept;
  SpikeDetector& operator=(SpikeDetector&&) noexcept;

  // Counts one ticket for `cluster`. Tickets may arrive out of order.
  // Errors: kInvalidArgument for cluster <= 0, an empty ticket id, created_at <= 0, or
  // created_at older than the kept history (before the newest Detect's now - history_seconds).
  Status Record(ClusterId cluster, std::string_view ticket_id, int64_t created_at);

  // Spikes that start at `now`. With `clusters`, merged clusters are combined first and each
  // spike carries the cluster's name, top terms and representative text.
  std::vector<Spike> Detect(int64_t now, const Clusterer* clusters = nullptr);

  // Clusters currently in a spike (reported and not yet calm).
  std::vector<ClusterId> Spiking() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace autotriage::insights
