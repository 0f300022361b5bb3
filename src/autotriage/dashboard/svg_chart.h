// Small server-rendered SVG charts for the KPI page: stacked vertical bars over days, stacked
// horizontal bars per category and a line over days. No script; colours come from CSS classes
// (app.css), every label is escaped, each bar or point carries a <title> tooltip.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace autotriage::dashboard {

struct ChartSeries {
  std::string name;            // legend text
  std::string css_class;       // e.g. "s-accepted"
  std::vector<double> values;  // one per label
};

// Bars over `labels` (days), the series stacked. `id` becomes the <figure> id.
std::string StackedBarChart(const std::string& id, const std::string& title,
                            const std::vector<std::string>& labels,
                            const std::vector<ChartSeries>& series);

// One horizontal stacked bar per label (a field or a queue).
std::string HorizontalBarChart(const std::string& id, const std::string& title,
                               const std::vector<std::string>& labels,
                               const std::vector<ChartSeries>& series);

// Lines over `labels`; `unit` follows the values in tooltips ("min").
std::string LineChart(const std::string& id, const std::string& title,
                      const std::vector<std::string>& labels,
                      const std::vector<ChartSeries>& series, const std::string& unit);

}  // namespace autotriage::dashboard
