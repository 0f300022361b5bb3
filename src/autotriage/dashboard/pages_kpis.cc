// GET /kpis?days=N: the KPI charts (inline SVG, rendered here) and their figures as tables.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/kpis.h"
#include "autotriage/dashboard/layout.h"
#include "autotriage/dashboard/registrations.h"
#include "autotriage/dashboard/svg_chart.h"

namespace autotriage::dashboard {
namespace {

constexpr int kDefaultDays = 30;

int DaysParameter(const ServerRequest& request) {
  auto it = request.query.find("days");
  if (it == request.query.end()) {
    return kDefaultDays;
  }
  char* end = nullptr;
  const long value = std::strtol(it->second.c_str(), &end, 10);
  return end != nullptr && *end == '\0' && value > 0 ? static_cast<int>(std::min(value, 365L))
                                                     : kDefaultDays;
}

std::vector<ChartSeries> ReviewSeries() {
  return {
      {"accepted", "s-accepted", {}}, {"replaced", "s-replaced", {}}, {"skipped", "s-skipped", {}}};
}

void AddReview(std::vector<ChartSeries>& series, const KpiCounts& counts) {
  series[0].values.push_back(static_cast<double>(counts.accepted));
  series[1].values.push_back(static_cast<double>(counts.replaced));
  series[2].values.push_back(static_cast<double>(counts.skipped));
}

std::string Rate(const KpiCounts& c) {
  const int64_t total = c.accepted + c.replaced + c.skipped;
  return total == 0 ? "-" : FormatNumber(100.0 * static_cast<double>(c.accepted) / total, 0) + " %";
}

std::string GroupTable(const std::string& id, const std::string& what,
                       const std::vector<KpiGroup>& groups) {
  std::string html = "<table id=\"" + id + "\" class=\"kpi\"><thead><tr><th>" + what +
                     "</th><th>Accepted</th><th>Replaced</th><th>Skipped</th>"
                     "<th>Superseded</th><th>Accepted share</th></tr></thead><tbody>";
  for (const KpiGroup& g : groups) {
    html += "<tr><th scope=\"row\">" + Escape(g.key.empty() ? "(none)" : g.key) + "</th><td>" +
            std::to_string(g.review.accepted) + "</td><td>" + std::to_string(g.review.replaced) +
            "</td><td>" + std::to_string(g.review.skipped) + "</td><td>" +
            std::to_string(g.review.superseded) + "</td><td>" + Rate(g.review) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string GroupChart(const std::string& id, const std::string& title,
                       const std::vector<KpiGroup>& groups) {
  std::vector<std::string> labels;
  std::vector<ChartSeries> series = ReviewSeries();
  for (const KpiGroup& g : groups) {
    labels.push_back(g.key.empty() ? "(none)" : g.key);
    AddReview(series, g.review);
  }
  return HorizontalBarChart(id, title, labels, series);
}

std::string DaysForm(int days) {
  std::string html =
      "<form class=\"days\" method=\"get\" action=\"/kpis\"><label>Period "
      "<select name=\"days\">";
  for (int option : {7, 30, 90, 365}) {
    html += "<option value=\"" + std::to_string(option) + "\"" +
            (option == days ? " selected" : "") + ">last " + std::to_string(option) +
            " days</option>";
  }
  return html + "</select></label><button type=\"submit\">Show</button></form>";
}

ServerResponse KpiPage(Context& context, const ServerRequest& request, const Principal& principal) {
  const int days = DaysParameter(request);
  Result<KpiData> data =
      context.kpis.Get(*context.deps.store, context.Now(), days, context.deps.kpi_cache_ms);
  if (!data.ok()) {
    context.Log("reading KPIs failed: " + data.status().ToString());
    return ErrorPage(HttpStatusFor(data.status()), "the KPIs cannot be read now");
  }
  std::vector<std::string> labels;
  std::vector<ChartSeries> review = ReviewSeries();
  std::vector<ChartSeries> written = {{"automatic", "s-auto", {}},
                                      {"approved by people", "s-human", {}}};
  std::vector<ChartSeries> minutes = {{"minutes to a decision", "s-time", {}}};
  for (const KpiDay& day : data->by_day) {
    labels.push_back(day.day);
    AddReview(review, day.review);
    written[0].values.push_back(static_cast<double>(day.auto_written));
    written[1].values.push_back(static_cast<double>(day.written - day.auto_written));
    minutes[0].values.push_back(day.mean_decide_minutes);
  }
  const KpiCounts& t = data->total;
  std::string html =
      RenderDemotionNotices(data->outcomes) + DaysForm(data->days) + "<p class=\"as-of\">Counted " +
      Escape(FormatTime(data->computed_ms)) + " (refreshed at most every " +
      std::to_string(std::max<int64_t>(1, context.deps.kpi_cache_ms / 1000)) + " s).</p>";
  html +=
      "<dl class=\"totals\"><div><dt>Decisions</dt><dd id=\"kpi-decisions\">" +
      std::to_string(data->decisions) + "</dd></div><div><dt>Written</dt><dd id=\"kpi-written\">" +
      std::to_string(data->written) + "</dd></div><div><dt>Automatic</dt><dd id=\"kpi-auto\">" +
      std::to_string(data->auto_written) +
      "</dd></div><div><dt>Accepted / replaced / skipped</dt><dd id=\"kpi-review\">" +
      std::to_string(t.accepted) + " / " + std::to_string(t.replaced) + " / " +
      std::to_string(t.skipped) + "</dd></div><div><dt>Time to triage</dt><dd id=\"kpi-time\">" +
      (data->mean_decide_minutes < 0 ? std::string("-")
                                     : FormatNumber(data->mean_decide_minutes, 1) + " min") +
      "</dd></div></dl>";
  html += StackedBarChart("chart-review", "Proposals decided by people, per day", labels, review);
  html +=
      StackedBarChart("chart-written", "Changes written to the helpdesk, per day", labels, written);
  html +=
      LineChart("chart-time", "Time from proposal to a person's decision", labels, minutes, "min");
  html += GroupChart("chart-fields", "By field", data->by_field);
  html += GroupTable("kpi-fields", "Field", data->by_field);
  html += GroupChart("chart-queues", "By queue", data->by_queue);
  html += GroupTable("kpi-queues", "Queue", data->by_queue);
  html += RenderOutcomeSection(data->outcomes);
  return RenderPage(request, &principal, {"KPIs", "kpis", 200}, html);
}

}  // namespace

void RegisterKpiPage(Routes& routes) {
  routes.Page("GET", "/kpis", false, Role::kViewer, KpiPage);
}

}  // namespace autotriage::dashboard
