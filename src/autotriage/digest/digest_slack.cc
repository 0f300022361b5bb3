// RenderDigestSlack (digest.h): the digest as a Block Kit message.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autotriage/digest/digest.h"
#include "autotriage/digest/digest_internal.h"
#include "autotriage/slack/slack.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;
using digest_internal::CountChange;
using digest_internal::Fixed;
using digest_internal::Percent;
using digest_internal::PointChange;
using digest_internal::TrendText;

constexpr size_t kSectionMaxBytes = 2900;  // Slack refuses section text over 3,000 characters
constexpr size_t kNameMaxBytes = 120;

// Cut at a UTF-8 boundary, then escaped for mrkdwn (so an escape is never cut in half).
std::string Safe(const std::string& text, size_t max_bytes = kNameMaxBytes) {
  std::string cut = text;
  if (cut.size() > max_bytes) {
    size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(cut[end]) & 0xC0) == 0x80) {
      --end;
    }
    cut = cut.substr(0, end) + "…";
  }
  return SlackEscape(cut);
}

Json Section(std::string text) {
  if (text.size() > kSectionMaxBytes) {
    size_t end = kSectionMaxBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    text = text.substr(0, end) + "…";
  }
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", text}}}};
}

std::string ClusterLine(const DigestCluster& c, bool kb_loaded) {
  std::string line = "• *" + Safe(c.name) + "*: " + std::to_string(c.size) + " tickets, " +
                     std::to_string(c.last_24h) + " in 24 h (" + TrendText(c.trend_ratio) + ")";
  if (kb_loaded && c.kb_checked) {
    line +=
        c.kb_article_id.empty()
            ? " · no KB article"
            : " · KB: " + Safe(c.kb_article_title.empty() ? c.kb_article_id : c.kb_article_title);
  }
  return line + "\n";
}

std::string Trimmed(std::string text) {
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

}  // namespace

std::string RenderDigestSlack(const DigestData& data, const std::string& dashboard_url) {
  std::string base = dashboard_url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  Json blocks = Json::array();
  blocks.push_back({{"type", "header"},
                    {"text", {{"type", "plain_text"}, {"text", "autotriage digest " + data.day}}}});

  const std::string volumes = "*Volumes*: " + std::to_string(data.last_24h) +
                              " tickets in the last 24 h, " + std::to_string(data.previous_24h) +
                              " the 24 h before (" + CountChange(data.last_24h, data.previous_24h) +
                              "); " + std::to_string(data.clusters) + " recurring issues.";
  blocks.push_back(Section(volumes));

  std::string clusters = "*Biggest recurring issues*\n";
  for (const DigestCluster& c : data.top_by_size) {
    clusters += ClusterLine(c, data.kb_loaded);
  }
  if (data.top_by_size.empty()) {
    clusters += "none\n";
  }
  if (!data.top_by_trend.empty()) {
    clusters += "*Growing fastest*\n";
    for (const DigestCluster& c : data.top_by_trend) {
      clusters += ClusterLine(c, data.kb_loaded);
    }
  }
  blocks.push_back(Section(Trimmed(clusters)));

  std::string problems = "*Spikes and proposed Problems*\n";
  for (const DigestProblem& p : data.problems) {
    const std::string subject = Safe(p.subject, 200);
    const std::string link =
        base.empty() ? subject
                     : "<" + base + "/problems/" + std::to_string(p.id) + "|" + subject + ">";
    problems += "• " + link + ": " + Safe(p.state) +
                (p.decided_by.empty() ? "" : " by " + Safe(p.decided_by)) + " (" +
                std::to_string(p.observed) + " tickets, about " + Fixed(p.expected, 1) +
                " expected)\n";
  }
  if (data.problems.empty()) {
    problems += "No spike in the last 24 hours.";
  }
  blocks.push_back(Section(Trimmed(problems)));

  std::string gaps = "*KB gaps*\n";
  if (!data.kb_loaded) {
    gaps += "KB not loaded: gaps were not checked.";
  } else if (data.kb_gaps.empty()) {
    gaps += "Every recurring issue checked has a KB article.";
  } else {
    for (const DigestCluster& c : data.kb_gaps) {
      gaps += "• *" + Safe(c.name) + "* (" + std::to_string(c.size) + " tickets) has no article\n";
    }
  }
  blocks.push_back(Section(Trimmed(gaps)));

  std::string kpis = "*KPI changes* (since " + data.kpi_from_day + " against the 7 days before)\n";
  for (const DigestFieldAcceptance& f : data.acceptance) {
    const std::string change = PointChange(f.acceptance, f.previous_acceptance);
    kpis += "• " + Safe(f.field) + ": acceptance " + Percent(f.acceptance) + " (before " +
            Percent(f.previous_acceptance) + (change.empty() ? "" : ", " + change) + ")\n";
  }
  std::string decisions;
  for (const DigestOutcomeCount& d : data.decisions) {
    decisions += (decisions.empty() ? "" : ", ") + Safe(d.outcome) + " " + std::to_string(d.count) +
                 " (" + CountChange(d.count, d.previous) + ")";
  }
  if (!decisions.empty()) {
    kpis += "• decisions: " + decisions + "\n";
  }
  if (data.acceptance.empty() && data.decisions.empty()) {
    kpis += "No outcomes or decisions in these periods.";
  }
  blocks.push_back(Section(Trimmed(kpis)));

  if (!base.empty()) {
    blocks.push_back(
        {{"type", "context"},
         {"elements",
          Json::array({{{"type", "mrkdwn"},
                        {"text", "<" + base + "/digest|Open the digest in the dashboard>"}}})}});
  }
  const std::string fallback = "autotriage digest " + data.day + ": " +
                               std::to_string(data.last_24h) + " tickets in 24 h, " +
                               std::to_string(data.problems.size()) + " proposed Problems, " +
                               std::to_string(data.kb_gaps.size()) + " KB gaps";
  return Json{{"text", fallback}, {"blocks", blocks}}.dump(-1, ' ', false,
                                                           Json::error_handler_t::replace);
}

}  // namespace autotriage
