// The outcome part of the KPI page (outcome_kpis.h).
#include <string>
#include <vector>

#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/outcome_kpis.h"
#include "autotriage/dashboard/svg_chart.h"

namespace autotriage::dashboard {
namespace {

std::string Percent(double ratio) {
  return ratio < 0 ? std::string("-") : FormatNumber(100.0 * ratio, 0) + " %";
}

}  // namespace

std::string RenderDemotionNotices(const OutcomeKpis& kpis) {
  std::string html;
  for (const MatrixCellRecord& cell : kpis.demoted) {
    html += "<p class=\"flash error demotion\" role=\"alert\">Automatic demotion: " +
            Escape(cell.field) + " in " + Escape(cell.queue) + " is now " + Escape(cell.mode) +
            " (since " + Escape(FormatTime(cell.updated_ms)) +
            ") because people disagreed with it too often. Only an admin promotes it again.</p>";
  }
  return html;
}

std::string RenderOutcomeSection(const OutcomeKpis& kpis) {
  std::vector<std::string> labels;
  std::vector<ChartSeries> kinds = {{"accepted", "s-accepted", {}},
                                    {"replaced", "s-replaced", {}},
                                    {"reverted", "s-human", {}},
                                    {"skipped", "s-skipped", {}}};
  std::vector<ChartSeries> acceptance = {{"acceptance", "s-time", {}}};
  for (const OutcomeDay& day : kpis.by_day) {
    labels.push_back(day.day);
    kinds[0].values.push_back(static_cast<double>(day.counts.accepted));
    kinds[1].values.push_back(static_cast<double>(day.counts.replaced));
    kinds[2].values.push_back(static_cast<double>(day.counts.reverted));
    kinds[3].values.push_back(static_cast<double>(day.counts.skipped));
    const double ratio = day.counts.acceptance();
    acceptance[0].values.push_back(ratio < 0 ? -1 : 100.0 * ratio);
  }
  const OutcomeTally& t = kpis.total;
  std::string html = "<h2 id=\"outcomes\">Outcomes of suggestions and autofills</h2>";
  html += "<dl class=\"totals\"><div><dt>Acceptance</dt><dd id=\"kpi-acceptance\">" +
          Percent(t.acceptance()) +
          "</dd></div><div><dt>Accepted / replaced / reverted / skipped</dt>"
          "<dd id=\"kpi-outcomes\">" +
          std::to_string(t.accepted) + " / " + std::to_string(t.replaced) + " / " +
          std::to_string(t.reverted) + " / " + std::to_string(t.skipped) +
          "</dd></div><div><dt>First-contact resolution</dt><dd id=\"kpi-fcr\">" +
          Percent(kpis.fcr) + " of " + std::to_string(kpis.resolved) +
          "</dd></div><div><dt>Mean time to resolve</dt><dd id=\"kpi-mttr\">" +
          (kpis.mean_resolve_hours < 0 ? std::string("-")
                                       : FormatNumber(kpis.mean_resolve_hours, 1) + " h") +
          "</dd></div></dl>";
  html += StackedBarChart("chart-outcomes", "Outcomes, per day", labels, kinds);
  html += LineChart("chart-acceptance", "Acceptance, per day", labels, acceptance, "%");
  html +=
      "<table id=\"kpi-cells\"><caption>Outcomes per queue and field</caption><thead><tr>"
      "<th scope=\"col\">Queue</th><th scope=\"col\">Field</th><th scope=\"col\">Accepted</th>"
      "<th scope=\"col\">Replaced</th><th scope=\"col\">Reverted</th><th scope=\"col\">Skipped"
      "</th><th scope=\"col\">Acceptance</th></tr></thead><tbody>";
  for (const OutcomeCell& cell : kpis.cells) {
    html += "<tr><td>" + Escape(cell.queue.empty() ? "(none)" : cell.queue) + "</td><td>" +
            Escape(cell.field) + "</td><td>" + std::to_string(cell.counts.accepted) + "</td><td>" +
            std::to_string(cell.counts.replaced) + "</td><td>" +
            std::to_string(cell.counts.reverted) + "</td><td>" +
            std::to_string(cell.counts.skipped) + "</td><td>" + Percent(cell.counts.acceptance()) +
            "</td></tr>";
  }
  html += "</tbody></table>";
  return html;
}

}  // namespace autotriage::dashboard
