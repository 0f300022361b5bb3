// Dashboard: the human side of the engine, served by the engine's own HttpServer.
//
//   HTML pages (server-rendered; CSS and JS embedded in the binary, no front-end build step):
//     /login /logout /setup     sign-in, sign-out, the one-time first-admin set-up link
//     /                         pending approvals (flash messages after a decision)
//     /approvals/{t}/{v}        the approval card; approvers approve, edit or reject it
//     /tickets/{id}             decision history of a ticket (decisions, approvals, writes)
//     /matrix                   the autonomy matrix; admins change cells
//     /kpis /audit /models      charts (inline SVG), the audit trail with its chain status,
//                               the model versions
//     /insights                 recurring issues (clusters) with their member tickets
//     /problems /problems/{id}  proposed Problems with their evidence; approvers approve or
//                               reject them
//     /digest                   the daily digest (digest/digest.h)
//     /static/app.css /static/app.js
//   JSON REST API under /api/v1/ (the same actions; session + CSRF or a Bearer token) and its
//   OpenAPI 3 document at /api/v1/openapi.json.
//   POST /slack/interactions    Slack's button callbacks (when a signing secret is configured).
//
// Roles (auth/auth.h): viewer reads everything except users; approver also decides approvals;
// admin also changes the matrix and lists users. A page GET without a session redirects (303)
// to /login; every other unauthenticated request gets 401, a role too low or a missing CSRF
// token 403. API errors: 400 bad input, 404 unknown, 409 already decided, 429 login rate limit.
// Every response carries a Content-Security-Policy (default-src 'self'; no inline script or
// style), X-Frame-Options DENY, Referrer-Policy same-origin (no-referrer would make Chromium send
// "Origin: null" on same-site form posts, which the origin check refuses) and Cache-Control
// no-store (except the static assets). Everything shown is HTML-escaped.
//
// Thread-safety: the handlers are thread-safe; RegisterDashboard is called before the server
// starts. The dependencies must outlive the server.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "autotriage/auth/auth.h"
#include "autotriage/config/config.h"
#include "autotriage/engine/approvals.h"
#include "autotriage/insights/clusterer.h"
#include "autotriage/knowledge/kb_index.h"
#include "autotriage/server/http_server.h"
#include "autotriage/store/store.h"

namespace autotriage {

class SlackNotifier;

// One field head of a model bundle as the models page shows it.
struct ModelFieldInfo {
  std::string field;
  int64_t labels = 0;
  int64_t training_examples = 0;
  std::map<std::string, double> metrics;  // e.g. "accuracy", "macro_f1", "coverage"
};

struct ModelInfo {
  std::string version;  // as DecisionRecord::model_version
  std::string created_at;
  std::string training_data;  // e.g. "tickets.csv (3000 examples)"
  bool active = false;        // the bundle the engine serves
  std::vector<ModelFieldInfo> fields;
};

struct DashboardDeps {
  Store* store = nullptr;                // required
  Authenticator* auth = nullptr;         // required
  ApprovalService* approvals = nullptr;  // required
  // The configuration's autonomy matrix (cells, default mode, kill switch, writable fields);
  // the matrix page overlays the run-time cells of Store::ListMatrixCells.
  PolicyOptions policy;
  // Fields the matrix shows as columns; empty: the policy's writable fields.
  std::vector<std::string> fields;
  // The model versions for /models; empty: the page says none is known.
  std::function<std::vector<ModelInfo>()> models;
  // Base URL users reach the dashboard under (links in Slack cards), e.g. "https://triage.lan".
  std::string public_url;
  // Secret. Slack signing secret; "" = POST /slack/interactions is not served.
  std::string slack_signing_secret;
  // Optional: updates Slack cards after a button press (needs a SlackClient).
  SlackNotifier* slack_notifier = nullptr;
  // nullptr: the system clock (Unix milliseconds).
  std::function<int64_t()> now_ms;
  // One line per failure the user is not shown in full (store errors); never a secret.
  std::function<void(const std::string&)> log;
  // The audit page verifies new entries on every view and the whole chain again when the last
  // full check is older than this.
  int64_t audit_full_check_interval_ms = 10LL * 60 * 1000;
  // KPI figures (a count over every decision of the period) are reused this long; 0 = counted
  // for every request.
  int64_t kpi_cache_ms = 60 * 1000;
  // Optional: the current recurring issues (InsightsService::Clusters at now, biggest first) for
  // /insights, /digest and GET /api/v1/clusters; empty: those say insights are off.
  std::function<std::vector<insights::ClusterSummary>()> clusters;
  // Optional: KB articles above the relevance floor for free text (Advisor::SearchKb), for the
  // digest's KB gaps; empty: the digest says the KB is not loaded.
  std::function<std::vector<KbHit>(const std::string& text)> kb_search;
  // Clusters smaller than this are not shown (insights.min_cluster_size).
  int min_cluster_size = 3;
};

// A route the dashboard registered, for documentation and tests.
struct DashboardRoute {
  std::string method;
  std::string path;  // with {placeholders}, e.g. "/api/v1/approvals/{ticket}/{version}"
  std::string kind;  // "page", "api", "public" (no auth), "slack"
  std::string role;  // least role: "viewer", "approver", "admin"; "" for public and slack
};

// Registers every page, API route, asset and (with a signing secret) the Slack endpoint.
// Returns the routes in registration order.
std::vector<DashboardRoute> RegisterDashboard(HttpServer& server, const DashboardDeps& deps);

// The OpenAPI 3.0 document served at /api/v1/openapi.json (JSON text).
std::string OpenApiDocument();

}  // namespace autotriage
