// GET /insights (the recurring issues: name, size, trend, first and last seen, the typical
// ticket and links to member tickets) and GET /digest (the daily digest's fragment, collected
// for every request from the store and the current clusters).
#include <algorithm>
#include <string>
#include <vector>

#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"
#include "autotriage/dashboard/registrations.h"
#include "autotriage/digest/digest.h"

namespace autotriage::dashboard {
namespace {

constexpr size_t kMembersShown = 12;
constexpr size_t kClustersShown = 200;

std::string Trend(const insights::ClusterSummary& c) {
  const char* arrow = c.trend_ratio > 1.0 ? "up" : c.trend_ratio < 1.0 ? "down" : "flat";
  return "<span class=\"trend trend-" + std::string(arrow) + "\">" + std::to_string(c.last_24h) +
         " / " + std::to_string(c.previous_24h) + " (x" + FormatNumber(c.trend_ratio, 1) +
         ")</span>";
}

std::string Members(const insights::ClusterSummary& c) {
  std::string html;
  for (size_t i = 0; i < c.member_ids.size() && i < kMembersShown; ++i) {
    html += (html.empty() ? "" : " ") + std::string("<a href=\"/tickets/") +
            UrlEncode(c.member_ids[i]) + "\">#" + Escape(c.member_ids[i]) + "</a>";
  }
  if (c.size > static_cast<int64_t>(std::min(c.member_ids.size(), kMembersShown))) {
    html += " <small>(newest " + std::to_string(std::min(c.member_ids.size(), kMembersShown)) +
            " of " + std::to_string(c.size) + ")</small>";
  }
  return html;
}

std::string ClustersTable(const std::vector<insights::ClusterSummary>& clusters, int min_size) {
  std::string html =
      "<table id=\"clusters\"><thead><tr><th>Recurring issue</th><th>Tickets</th>"
      "<th>Last 24 h / before</th><th>First seen</th><th>Last seen</th><th>A typical ticket</th>"
      "<th>Member tickets</th></tr></thead><tbody>";
  size_t shown = 0;
  for (const insights::ClusterSummary& c : clusters) {
    if (c.size < min_size || shown >= kClustersShown) {
      continue;
    }
    ++shown;
    html += "<tr id=\"cluster-" + std::to_string(c.id) + "\"><td class=\"name\">" + Escape(c.name) +
            "</td><td>" + std::to_string(c.size) + "</td><td>" + Trend(c) + "</td><td>" +
            Escape(FormatTime(c.first_seen * 1000)) + "</td><td>" +
            Escape(FormatTime(c.last_seen * 1000)) + "</td><td class=\"summary\">" +
            Escape(c.representative_text) + "</td><td>" + Members(c) + "</td></tr>";
  }
  html += "</tbody></table>";
  if (shown == 0) {
    return "<p class=\"empty\">No recurring issue has " + std::to_string(min_size) +
           " or more tickets yet.</p>";
  }
  return html;
}

ServerResponse Insights(Context& context, const ServerRequest& request,
                        const Principal& principal) {
  std::string html;
  if (!context.deps.clusters) {
    html = "<p class=\"empty\">Recurring issues are off (insights.enabled is false).</p>";
  } else {
    html =
        "<p class=\"hint\">Tickets of the clustering window grouped by what they are about, "
        "biggest first; clusters of " +
        std::to_string(context.deps.min_cluster_size) +
        " or more tickets. A spike in one proposes a <a href=\"/problems\">Problem</a>.</p>" +
        ClustersTable(context.deps.clusters(), context.deps.min_cluster_size);
  }
  return RenderPage(request, &principal, {"Recurring issues", "insights", 200}, html);
}

ServerResponse Digest(Context& context, const ServerRequest& request, const Principal& principal) {
  std::vector<insights::ClusterSummary> clusters;
  if (context.deps.clusters) {
    clusters = context.deps.clusters();
  }
  DigestOptions options;
  options.min_cluster_size = context.deps.min_cluster_size;
  Result<DigestData> data =
      CollectDigest(*context.deps.store, clusters, context.deps.kb_search, context.Now(), options);
  if (!data.ok()) {
    context.Log("collecting the digest failed: " + data.status().ToString());
    return ErrorPage(HttpStatusFor(data.status()), "the digest cannot be collected now");
  }
  std::string html;
  if (!context.deps.clusters) {
    html += "<p class=\"empty\">Recurring issues are off (insights.enabled is false).</p>";
  }
  html += RenderDigestHtml(*data, false);
  return RenderPage(request, &principal, {"Daily digest " + data->day, "digest", 200}, html);
}

}  // namespace

void RegisterInsightsPages(Routes& routes) {
  routes.Page("GET", "/insights", false, Role::kViewer, Insights);
  routes.Page("GET", "/digest", false, Role::kViewer, Digest);
}

}  // namespace autotriage::dashboard
