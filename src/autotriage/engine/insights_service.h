// InsightsService: the engine's side of recurring issues and spikes (docs/insights.md).
//
// The workers hand it every newly triaged ticket (Observe); every insights.interval_seconds the
// engine's background loop runs a cycle: the observed tickets are clustered
// (insights::Clusterer), their memberships stored (Store::PutClusterMembers, so the clusters
// survive a restart), counted for spike detection (insights::SpikeDetector), and every spike
// becomes a proposed Problem (Store::ProposeProblem) with its evidence: member tickets, time
// window, representative text and the best KB article above the relevance floor or "no article".
// A proposal only ever waits for a human (dashboard or REST API); ProblemCreator (problems.h)
// creates the approved ones.
//
// Start-up (Bootstrap): the members of the last insights.window_days are restored from the store,
// then the tickets updated at the helpdesk since the newest of them was created are read
// (FindTickets) and clustered, so nothing that arrived while the engine was down is missed; when
// the store has none (first start), the whole window is read from the helpdesk. Either way the
// spike detector is fed the restored history, so it needs no warm-up after a restart. A spike is
// proposed once: the proposal's dedupe key is "cluster:<id>:<window end hour>", and a cluster with
// a pending proposal gets no second one.
//
// Errors: a failing store or helpdesk fails the cycle (logged by the caller) without losing the
// observed tickets, which are kept for the next cycle. Tickets with nothing to cluster on are
// skipped. Thread-safety: Observe and Clusters from any thread; Bootstrap and RunCycle from one
// thread (the background loop).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/connectors/helpdesk.h"
#include "autotriage/core/status.h"
#include "autotriage/core/ticket.h"
#include "autotriage/engine/advice.h"
#include "autotriage/insights/clusterer.h"
#include "autotriage/insights/spikes.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct InsightsCycleReport {
  int64_t clustered = 0;  // tickets added to clusters
  int64_t skipped = 0;    // tickets with nothing to cluster on (or already clustered)
  int64_t expired = 0;    // tickets that left the window
  int64_t spikes = 0;
  int64_t proposed = 0;  // proposals stored (spikes minus duplicates)
};

struct InsightsBootstrapReport {
  std::string source;  // "store", "helpdesk" or "none"
  int64_t tickets = 0;
};

class InsightsService {
 public:
  // `advisor` (may be null) finds the KB article for a spike's evidence. `announce` (may be
  // empty) receives a one-line notice (plain text, for Slack) for each proposed Problem;
  // `dashboard_url` ("" = none) is where the notice says to review it.
  InsightsService(InsightsOptions options, std::shared_ptr<Store> store,
                  std::shared_ptr<Helpdesk> helpdesk, std::shared_ptr<Advisor> advisor,
                  std::function<void(const std::string& text)> announce = {},
                  std::string dashboard_url = "");
  ~InsightsService();

  // Restores the clusters (see above); once it succeeded, later calls change nothing (source
  // "memory"). kUnavailable / kIoError from the store; a helpdesk that cannot be read is an
  // error too (the next call tries again).
  Result<InsightsBootstrapReport> Bootstrap(int64_t now_s);
  // Queues a ticket for the next cycle (its creation time and subject + body).
  void Observe(const Ticket& ticket);
  Result<InsightsCycleReport> RunCycle(int64_t now_s);
  // Clusters with at least insights.min_cluster_size tickets, biggest first.
  std::vector<insights::ClusterSummary> Clusters(int64_t now_s) const;
  size_t pending() const;  // observed tickets waiting for the next cycle

  // For tests: detection settings (the engine uses the defaults).
  void set_spike_options(const insights::SpikeOptions& options);

 private:
  // Clusters the tickets not clustered yet, stores their memberships and counts them for spike
  // detection. Tickets the store could not take are kept for the next cycle.
  Status AddToClusters(std::vector<insights::TicketText> tickets, InsightsCycleReport* report);
  Result<int64_t> ProposeSpikes(const std::vector<insights::Spike>& spikes, int64_t now_s);
  Status Restore(const std::vector<ClusterMemberRecord>& members, int64_t now_s);
  // Notes merges since the last call in aliases_ and saves them with next_id (cursor
  // "insights:state"), so memberships stored under a merged-away id restore correctly.
  Status SaveAliases(int64_t now_s);

  InsightsOptions options_;
  std::shared_ptr<Store> store_;
  std::shared_ptr<Helpdesk> helpdesk_;
  std::shared_ptr<Advisor> advisor_;
  std::function<void(const std::string&)> announce_;
  std::string dashboard_url_;

  mutable std::mutex queue_mutex_;  // guards observed_
  std::vector<insights::TicketText> observed_;

  mutable std::mutex mutex_;  // guards everything below
  insights::Clusterer clusterer_;
  insights::SpikeDetector detector_;
  std::set<insights::ClusterId> live_ids_;  // cluster ids stored members refer to
  // Merged-away id -> (surviving id, Unix seconds of the merge); kept for window_days.
  std::map<insights::ClusterId, std::pair<insights::ClusterId, int64_t>> aliases_;
  std::vector<ClusterMemberRecord> unsaved_;  // clustered, not yet stored
  std::vector<insights::Spike> unproposed_;   // spikes the store did not take yet
  bool bootstrapped_ = false;                 // a later Bootstrap keeps the state in memory
};

// Turns ticket fields into the clusterer's input: subject + plain-text body. Empty text when
// the ticket has nothing.
insights::TicketText ClusterInput(const Ticket& ticket);

}  // namespace autotriage
