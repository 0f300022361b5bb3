// RenderDigestHtml (digest.h): the digest as a dashboard fragment or one self-contained file.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "autotriage/digest/digest.h"
#include "autotriage/digest/digest_internal.h"
#include "autotriage/store/insight_records.h"
#include "autotriage/text/html_escape.h"

namespace autotriage {
namespace {

using digest_internal::BarSeries;
using digest_internal::CountChange;
using digest_internal::Fixed;
using digest_internal::Percent;
using digest_internal::PointChange;
using digest_internal::TrendText;
using digest_internal::UtcTime;

// The standalone file's stylesheet: the rules of the dashboard's app.css the digest uses, so
// the file looks the same when opened from a mail or a disk, with nothing fetched.
constexpr char kStandaloneCss[] = R"css(
:root { --fg: #1d2430; --muted: #5b6575; --line: #d8dde5; --bg: #f6f7f9; --card: #fff;
  --accent: #1f5fbf; --ok: #2e7d32; --bad: #b3261e; --c-auto: #1f5fbf; --c-human: #7e57c2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1000px; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
a { color: var(--accent); }
h1 { font-size: 1.5rem; margin: .6rem 0 .3rem; }
h2 { font-size: 1.15rem; margin: 1.3rem 0 .5rem; }
.meta, .none, .hint { color: var(--muted); }
.none { font-style: italic; }
table { border-collapse: collapse; width: 100%; background: var(--card); margin: .4rem 0 1rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: #eef1f5; font-weight: 600; }
td.num, th.num { text-align: right; }
dl.totals { display: flex; flex-wrap: wrap; gap: 1rem; }
dl.totals div { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; }
dl.totals dt { color: var(--muted); font-size: 12px; }
dl.totals dd { margin: 0; font-size: 1.2rem; font-weight: 600; }
figure.chart { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin: 0 0 .8rem; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart figcaption { font-weight: 600; margin-bottom: .3rem; }
.axis text, text.axis { font-size: 11px; fill: var(--muted); }
.axis line { stroke: var(--line); }
ul.legend { list-style: none; padding: 0; display: flex; gap: 1rem; font-size: 13px; }
.swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; border-radius: 2px; }
.s-auto { fill: var(--c-auto); } .s-human { fill: var(--c-human); }
.swatch.s-auto { background: var(--c-auto); } .swatch.s-human { background: var(--c-human); }
.up { color: var(--bad); } .down { color: var(--ok); }
.state { font-size: 12px; padding: .05rem .45rem; border-radius: 1rem; background: #eef1f5; }
)css";

// Absolute links in the standalone file (when the dashboard's URL is known), relative in the
// dashboard; "" when the standalone file cannot link.
struct Links {
  bool standalone = false;
  std::string base;  // dashboard URL without a trailing '/'

  std::string To(const std::string& path) const {
    if (!standalone) {
      return path;
    }
    return base.empty() ? "" : base + path;
  }
};

bool IsHttpUrl(const std::string& url) {
  const auto starts = [&url](const char* prefix) {
    return url.size() >= std::char_traits<char>::length(prefix) &&
           std::equal(
               prefix, prefix + std::char_traits<char>::length(prefix), url.begin(),
               [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
  };
  if (!starts("http://") && !starts("https://")) {
    return false;
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

std::string Link(const std::string& href, const std::string& text) {
  if (href.empty()) {
    return EscapeHtml(text);
  }
  return "<a href=\"" + EscapeHtml(href) + "\">" + EscapeHtml(text) + "</a>";
}

std::string ChangeClass(int64_t now, int64_t before) {
  return now > before ? "up" : now < before ? "down" : "";
}

std::string Totals(const DigestData& data) {
  const std::string change = CountChange(data.last_24h, data.previous_24h);
  return "<dl class=\"totals\"><div><dt>Tickets, last 24 h</dt><dd>" +
         std::to_string(data.last_24h) + "</dd></div><div><dt>The 24 h before</dt><dd>" +
         std::to_string(data.previous_24h) + "</dd></div><div><dt>Change</dt><dd class=\"" +
         ChangeClass(data.last_24h, data.previous_24h) + "\">" + EscapeHtml(change) +
         "</dd></div><div><dt>Recurring issues (" + std::to_string(data.min_cluster_size) +
         "+ tickets)</dt><dd>" + std::to_string(data.clusters) +
         "</dd></div><div><dt>Problems proposed</dt><dd>" + std::to_string(data.problems.size()) +
         "</dd></div></dl>";
}

std::string VolumeSection(const DigestData& data) {
  std::vector<std::string> labels;
  BarSeries tickets{"tickets created", "s-auto", {}};
  for (const DigestDayVolume& day : data.volumes) {
    labels.push_back(day.day);
    tickets.values.push_back(static_cast<double>(day.tickets));
  }
  return "<section id=\"digest-volumes\"><h2>Volumes</h2>" + Totals(data) +
         digest_internal::VerticalBars(
             "digest-volume-chart",
             "Tickets per day (last " + std::to_string(data.volumes.size()) + " days, UTC)", labels,
             {tickets}) +
         "</section>";
}

std::string ArticleCell(const DigestCluster& cluster, bool kb_loaded) {
  if (!kb_loaded || !cluster.kb_checked) {
    return "<span class=\"none\">KB not searched</span>";
  }
  if (cluster.kb_article_id.empty()) {
    return "<span class=\"none\">no article</span>";
  }
  const std::string title =
      cluster.kb_article_title.empty() ? cluster.kb_article_id : cluster.kb_article_title;
  return IsHttpUrl(cluster.kb_article_url) ? Link(cluster.kb_article_url, title)
                                           : EscapeHtml(title);
}

std::string ClusterTable(const std::string& id, const std::vector<DigestCluster>& clusters,
                         bool kb_loaded, const std::string& empty) {
  if (clusters.empty()) {
    return "<p class=\"none\">" + EscapeHtml(empty) + "</p>";
  }
  std::string html = "<table id=\"" + id +
                     "\"><thead><tr><th>Recurring issue</th><th class=\"num\">Tickets</th>"
                     "<th class=\"num\">Last 24 h</th><th class=\"num\">24 h before</th>"
                     "<th class=\"num\">Trend</th><th>KB article</th></tr></thead><tbody>";
  for (const DigestCluster& c : clusters) {
    html += "<tr><td>" + EscapeHtml(c.name) + "</td><td class=\"num\">" + std::to_string(c.size) +
            "</td><td class=\"num\">" + std::to_string(c.last_24h) + "</td><td class=\"num\">" +
            std::to_string(c.previous_24h) + "</td><td class=\"num\">" +
            EscapeHtml(TrendText(c.trend_ratio)) + "</td><td>" + ArticleCell(c, kb_loaded) +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string ClusterSection(const DigestData& data) {
  std::string html = "<section id=\"digest-clusters\"><h2>Recurring issues</h2>";
  if (!data.top_by_size.empty()) {
    std::vector<std::string> labels;
    BarSeries recent{"last 24 h", "s-human", {}};
    BarSeries older{"earlier", "s-auto", {}};
    for (const DigestCluster& c : data.top_by_size) {
      labels.push_back(c.name);
      recent.values.push_back(static_cast<double>(c.last_24h));
      older.values.push_back(static_cast<double>(std::max<int64_t>(0, c.size - c.last_24h)));
    }
    html += digest_internal::HorizontalBars("digest-cluster-chart", "Biggest recurring issues",
                                            labels, {recent, older});
  }
  html += "<h3>Biggest</h3>" +
          ClusterTable("digest-top-size", data.top_by_size, data.kb_loaded,
                       "No recurring issue has " + std::to_string(data.min_cluster_size) +
                           " or more tickets.") +
          "<h3>Growing fastest</h3>" +
          ClusterTable("digest-top-trend", data.top_by_trend, data.kb_loaded,
                       "No recurring issue grew in the last 24 hours.");
  return html + "</section>";
}

std::string ProblemSection(const DigestData& data, const Links& links) {
  std::string html = "<section id=\"digest-problems\"><h2>Spikes and proposed Problems</h2>";
  if (data.problems.empty()) {
    return html + "<p class=\"none\">No spike in the last 24 hours.</p></section>";
  }
  html +=
      "<table><thead><tr><th>Proposed Problem</th><th>State</th><th class=\"num\">Tickets</th>"
      "<th class=\"num\">Expected</th><th>Window</th></tr></thead><tbody>";
  for (const DigestProblem& p : data.problems) {
    std::string state = p.state;
    if (!p.decided_by.empty()) {
      state += " by " + p.decided_by;
    }
    html += "<tr><td>" + Link(links.To("/problems/" + std::to_string(p.id)), p.subject) +
            "</td><td><span class=\"state\">" + EscapeHtml(state) +
            "</span></td><td class=\"num\">" + std::to_string(p.observed) +
            "</td><td class=\"num\">" + Fixed(p.expected, 1) + "</td><td>" +
            EscapeHtml(UtcTime(p.window_start_ms)) + " – " + EscapeHtml(UtcTime(p.window_end_ms)) +
            "</td></tr>";
  }
  return html + "</tbody></table></section>";
}

std::string KbGapSection(const DigestData& data) {
  std::string html = "<section id=\"digest-kb-gaps\"><h2>KB gaps</h2>";
  if (!data.kb_loaded) {
    return html + "<p class=\"none\">KB not loaded: gaps were not checked.</p></section>";
  }
  if (data.kb_gaps.empty()) {
    return html + "<p class=\"none\">Every recurring issue checked has a KB article.</p></section>";
  }
  html +=
      "<p class=\"hint\">Recurring issues without a KB article above the relevance threshold: "
      "candidates for a new article.</p><table><thead><tr><th>Recurring issue</th>"
      "<th class=\"num\">Tickets</th><th>A typical ticket</th></tr></thead><tbody>";
  for (const DigestCluster& c : data.kb_gaps) {
    std::string text = c.representative_text;
    if (text.size() > 300) {
      size_t end = 300;
      while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
      }
      text = text.substr(0, end) + "…";
    }
    html += "<tr><td>" + EscapeHtml(c.name) + "</td><td class=\"num\">" + std::to_string(c.size) +
            "</td><td>" + EscapeHtml(text) + "</td></tr>";
  }
  return html + "</tbody></table></section>";
}

std::string KpiSection(const DigestData& data) {
  std::string html = "<section id=\"digest-kpis\"><h2>KPI changes</h2><p class=\"meta\">Since " +
                     EscapeHtml(data.kpi_from_day) + " against the days from " +
                     EscapeHtml(data.kpi_previous_from_day) + ".</p>";
  if (data.acceptance.empty()) {
    html += "<p class=\"none\">No outcomes observed in these periods.</p>";
  } else {
    html +=
        "<table id=\"digest-acceptance\"><thead><tr><th>Field</th><th class=\"num\">Acceptance"
        "</th><th class=\"num\">Before</th><th class=\"num\">Change</th><th class=\"num\">Judged"
        "</th><th class=\"num\">Skipped</th></tr></thead><tbody>";
    for (const DigestFieldAcceptance& f : data.acceptance) {
      html += "<tr><td>" + EscapeHtml(f.field) + "</td><td class=\"num\">" + Percent(f.acceptance) +
              "</td><td class=\"num\">" + Percent(f.previous_acceptance) +
              "</td><td class=\"num\">" +
              EscapeHtml(PointChange(f.acceptance, f.previous_acceptance)) +
              "</td><td class=\"num\">" + std::to_string(f.judged) + "</td><td class=\"num\">" +
              std::to_string(f.skipped) + "</td></tr>";
    }
    html += "</tbody></table>";
  }
  if (data.decisions.empty()) {
    return html + "<p class=\"none\">No decisions in these periods.</p></section>";
  }
  html +=
      "<table id=\"digest-decisions\"><thead><tr><th>Decisions</th><th class=\"num\">These days"
      "</th><th class=\"num\">Before</th><th class=\"num\">Change</th></tr></thead><tbody>";
  for (const DigestOutcomeCount& d : data.decisions) {
    html += "<tr><td>" + EscapeHtml(d.outcome) + "</td><td class=\"num\">" +
            std::to_string(d.count) + "</td><td class=\"num\">" + std::to_string(d.previous) +
            "</td><td class=\"num\">" + EscapeHtml(CountChange(d.count, d.previous)) + "</td></tr>";
  }
  return html + "</tbody></table></section>";
}

}  // namespace

std::string RenderDigestHtml(const DigestData& data, bool standalone,
                             const std::string& dashboard_url) {
  Links links;
  links.standalone = standalone;
  links.base = dashboard_url;
  while (!links.base.empty() && links.base.back() == '/') {
    links.base.pop_back();
  }
  if (!IsHttpUrl(links.base)) {
    links.base.clear();
  }
  std::string body = "<p class=\"meta\">Generated " + EscapeHtml(UtcTime(data.generated_ms)) +
                     "; the period is the 24 hours before.</p>" + VolumeSection(data) +
                     ClusterSection(data) + ProblemSection(data, links) + KbGapSection(data) +
                     KpiSection(data);
  if (!standalone) {
    return "<div class=\"digest\">" + body + "</div>";
  }
  const std::string title = "autotriage digest " + data.day;
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
      EscapeHtml(title) + "</title><style>" + kStandaloneCss + "</style></head><body><main><h1>" +
      EscapeHtml(title) + "</h1>" + body;
  const std::string digest_link = links.To("/digest");
  if (!digest_link.empty()) {
    html += "<p class=\"meta\">" + Link(digest_link, "Open the digest in the dashboard") + "</p>";
  }
  return html + "</main></body></html>\n";
}

}  // namespace autotriage
