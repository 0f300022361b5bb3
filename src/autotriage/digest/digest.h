// The daily digest (issue 7): what happened on the helpdesk in the last day, for people who do
// not watch the dashboard. One DigestData, three renderings: a dashboard page fragment, one
// self-contained HTML file (`autotriage digest --out F`) and a Slack Block Kit message (the
// engine posts it once a day).
//
// What it holds:
//   volumes      tickets created per UTC day for the last 14 days and in the last 24 h against
//                the 24 h before, counted from the clustered tickets (Store::ListClusterMembers:
//                every observed ticket with its creation time);
//   clusters     the recurring issues (insights::ClusterSummary) of at least min_cluster_size
//                tickets, the top ones by size and by trend (growing: trend_ratio > 1), each
//                with the best KB article above the relevance floor or none;
//   problems     the Problems proposed in the period (a spike each) with their current state;
//   KB gaps      clusters of at least min_cluster_size tickets whose representative text finds no
//                KB article above the relevance floor (the kb_search passed in, e.g.
//                Advisor::SearchKb); without a search, kb_loaded is false and no gap is listed;
//   KPI changes  acceptance (accepted / (accepted + replaced + reverted)) per field in the last
//                7 UTC days against the 7 before (Store::CountOutcomes), and decisions by outcome
//                in the same two periods (Store::CountDecisions).
//
// Errors: CollectDigest passes on the store's status (kUnavailable, kIoError, ...) with context;
// kInvalidArgument for now_ms <= 0. Rendering never fails.
// Escaping: every string that comes from a ticket, the KB or the store is escaped for where it
// goes (HTML: EscapeHtml; Slack: SlackEscape); links only to http(s) URLs.
// Thread-safety: pure functions of their arguments except CollectDigest, which reads the store
// and calls kb_search (both thread-safe); safe to call concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/insights/clusterer.h"
#include "autotriage/knowledge/kb_index.h"
#include "autotriage/store/store.h"

namespace autotriage {

// Free text -> the KB articles above the relevance floor, best first (empty: none answers it).
using KbSearchFunction = std::function<std::vector<KbHit>(const std::string& text)>;

struct DigestOptions {
  int min_cluster_size = 3;  // smaller clusters are neither listed nor KB gaps
  int top_clusters = 5;      // per list (by size, by trend)
  int volume_days = 14;      // UTC days in the volume chart, today included
  int kpi_days = 7;          // length of each compared KPI period
  // The biggest clusters searched in the KB for gaps (a search each); the rest is not checked.
  int kb_gap_candidates = 50;
  int max_kb_gaps = 10;
};

struct DigestDayVolume {
  std::string day;  // "YYYY-MM-DD" (UTC)
  int64_t tickets = 0;
};

struct DigestCluster {
  int64_t id = 0;
  std::string name;
  int64_t size = 0;
  int64_t last_24h = 0;
  int64_t previous_24h = 0;
  double trend_ratio = 1.0;
  int64_t first_seen = 0;  // Unix seconds
  int64_t last_seen = 0;
  std::string representative_text;
  bool kb_checked = false;    // searched (false without a KB search, or beyond the candidates)
  std::string kb_article_id;  // "" = no article above the relevance floor
  std::string kb_article_title;
  std::string kb_article_url;
};

struct DigestProblem {
  int64_t id = 0;
  int64_t cluster_id = 0;
  std::string cluster_name;
  std::string subject;
  std::string state;       // problem_state::*
  std::string decided_by;  // "" while pending
  std::string problem_id;  // the helpdesk's id once created
  int64_t observed = 0;
  double expected = 0;
  int64_t window_start_ms = 0;
  int64_t window_end_ms = 0;
  int64_t created_ms = 0;
};

struct DigestFieldAcceptance {
  std::string field;
  int64_t accepted = 0;  // this period
  int64_t judged = 0;    // accepted + replaced + reverted, this period
  int64_t skipped = 0;
  double acceptance = -1;  // -1: nothing judged
  int64_t previous_accepted = 0;
  int64_t previous_judged = 0;
  double previous_acceptance = -1;
};

struct DigestOutcomeCount {
  std::string outcome;  // a decision's outcome ("applied", "pending", "rejected", ...)
  int64_t count = 0;    // this period
  int64_t previous = 0;
};

struct DigestData {
  std::string day;  // "YYYY-MM-DD" (UTC) of generated_ms
  int64_t generated_ms = 0;
  int64_t period_start_ms = 0;  // the digest's period: (generated - 24 h, generated]
  int64_t period_end_ms = 0;
  int min_cluster_size = 0;

  std::vector<DigestDayVolume> volumes;  // oldest first, today last
  int64_t last_24h = 0;
  int64_t previous_24h = 0;

  int64_t clusters = 0;  // clusters of at least min_cluster_size tickets
  std::vector<DigestCluster> top_by_size;
  std::vector<DigestCluster> top_by_trend;  // growing only, fastest first

  std::vector<DigestProblem> problems;  // proposed in the period, newest first

  bool kb_loaded = false;              // false: no KB search was given, KB gaps unknown
  std::vector<DigestCluster> kb_gaps;  // biggest first

  // KPI periods: the last kpi_days UTC days (today included) and the kpi_days before.
  std::string kpi_from_day;
  std::string kpi_previous_from_day;
  std::vector<DigestFieldAcceptance> acceptance;  // by field
  std::vector<DigestOutcomeCount> decisions;      // by outcome
};

// Collects the digest at now_ms from the store and the current clusters (InsightsService::
// Clusters). `kb_search` may be empty.
Result<DigestData> CollectDigest(Store& store,
                                 const std::vector<insights::ClusterSummary>& clusters,
                                 const KbSearchFunction& kb_search, int64_t now_ms,
                                 const DigestOptions& options = {});

// The digest as HTML. standalone: a whole document with its CSS inline and inline SVG charts, no
// script and no external resource (links to tickets and articles are plain <a href>);
// otherwise the fragment the dashboard's /digest page embeds (its CSS classes are in the
// dashboard's app.css; no inline style, so it passes the dashboard's CSP). `dashboard_url`
// ("" = none) makes ticket and Problem links absolute in the standalone file; the fragment links
// relative to the dashboard.
std::string RenderDigestHtml(const DigestData& data, bool standalone,
                             const std::string& dashboard_url = "");

// {"text": fallback, "blocks": [...]} as JSON text for SlackClient::PostMessage: header, volumes,
// top clusters, proposed Problems, KB gaps, KPI changes, and a link to `dashboard_url`/digest
// when the URL is given. Every ticket- or KB-derived string is SlackEscape'd.
std::string RenderDigestSlack(const DigestData& data, const std::string& dashboard_url);

// DigestData as a JSON object (text), for GET /api/v1/digest and `autotriage digest --json`.
std::string DigestToJson(const DigestData& data);

}  // namespace autotriage
