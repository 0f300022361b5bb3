#include "autotriage/dashboard/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "autotriage/dashboard/html.h"

namespace autotriage::dashboard {
namespace {

constexpr double kWidth = 720;
constexpr double kHeight = 220;
constexpr double kLeft = 48;    // room for the y-axis labels
constexpr double kBottom = 24;  // room for the x-axis labels
constexpr double kTop = 8;
constexpr double kBarRow = 22;  // height of one horizontal bar row
constexpr double kBarLabel = 160;

std::string Num(double value) {
  return FormatNumber(value, 1);
}

std::string Count(double value) {
  return std::fabs(value - std::round(value)) < 1e-9 ? FormatNumber(value, 0)
                                                     : FormatNumber(value, 1);
}

std::string Legend(const std::vector<ChartSeries>& series) {
  std::string html = "<ul class=\"legend\">";
  for (const ChartSeries& s : series) {
    html +=
        "<li><span class=\"swatch " + Escape(s.css_class) + "\"></span>" + Escape(s.name) + "</li>";
  }
  return html + "</ul>";
}

std::string Figure(const std::string& id, const std::string& title, const std::string& svg,
                   const std::vector<ChartSeries>& series) {
  return "<figure class=\"chart\" id=\"" + Escape(id) + "\"><figcaption>" + Escape(title) +
         "</figcaption>" + svg + Legend(series) + "</figure>";
}

std::string SvgOpen(double height, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(kWidth) + " " +
         Num(height) + "\" role=\"img\" aria-label=\"" + Escape(title) + "\">";
}

// Y axis: zero, the maximum and the line under the bars.
std::string YAxis(double max_value, const std::string& unit) {
  const double plot_bottom = kHeight - kBottom;
  return "<g class=\"axis\"><line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(plot_bottom) + "\" x2=\"" +
         Num(kWidth) + "\" y2=\"" + Num(plot_bottom) + "\"/><text x=\"" + Num(kLeft - 4) +
         "\" y=\"" + Num(plot_bottom) + "\" text-anchor=\"end\">0</text><text x=\"" +
         Num(kLeft - 4) + "\" y=\"" + Num(kTop + 10) + "\" text-anchor=\"end\">" +
         Escape(Count(max_value) + unit) + "</text></g>";
}

// Labels under the first, middle and last position.
std::string XLabels(const std::vector<std::string>& labels, double step) {
  std::string svg = "<g class=\"axis\">";
  if (labels.empty()) {
    return svg + "</g>";
  }
  std::vector<size_t> shown = {0, labels.size() / 2, labels.size() - 1};
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  for (size_t i : shown) {
    const double x = kLeft + step * (static_cast<double>(i) + 0.5);
    const char* anchor = i == 0 ? "start" : i + 1 == labels.size() ? "end" : "middle";
    svg += "<text x=\"" + Num(x) + "\" y=\"" + Num(kHeight - 6) + "\" text-anchor=\"" + anchor +
           "\">" + Escape(labels[i]) + "</text>";
  }
  return svg + "</g>";
}

double StackMax(const std::vector<std::string>& labels, const std::vector<ChartSeries>& series) {
  double max_value = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    double total = 0;
    for (const ChartSeries& s : series) {
      total += i < s.values.size() ? std::max(0.0, s.values[i]) : 0.0;
    }
    max_value = std::max(max_value, total);
  }
  return max_value;
}

}  // namespace

std::string StackedBarChart(const std::string& id, const std::string& title,
                            const std::vector<std::string>& labels,
                            const std::vector<ChartSeries>& series) {
  const double max_value = std::max(1.0, StackMax(labels, series));
  const double plot_height = kHeight - kBottom - kTop;
  const double step = labels.empty() ? 0 : (kWidth - kLeft) / static_cast<double>(labels.size());
  const double bar = std::max(1.0, step * 0.8);
  std::string svg = SvgOpen(kHeight, title) + YAxis(max_value, "");
  for (size_t i = 0; i < labels.size(); ++i) {
    double base = kHeight - kBottom;
    const double x = kLeft + step * static_cast<double>(i) + (step - bar) / 2;
    for (const ChartSeries& s : series) {
      const double value = i < s.values.size() ? std::max(0.0, s.values[i]) : 0.0;
      if (value <= 0) {
        continue;
      }
      const double h = value / max_value * plot_height;
      base -= h;
      svg += "<rect class=\"" + Escape(s.css_class) + "\" x=\"" + Num(x) + "\" y=\"" + Num(base) +
             "\" width=\"" + Num(bar) + "\" height=\"" + Num(h) + "\"><title>" +
             Escape(labels[i] + ": " + Count(value) + " " + s.name) + "</title></rect>";
    }
  }
  svg += XLabels(labels, step) + "</svg>";
  return Figure(id, title, svg, series);
}

std::string HorizontalBarChart(const std::string& id, const std::string& title,
                               const std::vector<std::string>& labels,
                               const std::vector<ChartSeries>& series) {
  const double max_value = std::max(1.0, StackMax(labels, series));
  const double height =
      kTop * 2 + kBarRow * static_cast<double>(std::max<size_t>(1, labels.size()));
  const double plot_width = kWidth - kBarLabel - 60;
  std::string svg = SvgOpen(height, title);
  for (size_t i = 0; i < labels.size(); ++i) {
    const double y = kTop + kBarRow * static_cast<double>(i);
    svg += "<text class=\"axis\" x=\"" + Num(kBarLabel - 6) + "\" y=\"" + Num(y + kBarRow * 0.7) +
           "\" text-anchor=\"end\">" + Escape(labels[i]) + "</text>";
    double x = kBarLabel;
    double total = 0;
    for (const ChartSeries& s : series) {
      const double value = i < s.values.size() ? std::max(0.0, s.values[i]) : 0.0;
      if (value <= 0) {
        continue;
      }
      total += value;
      const double w = value / max_value * plot_width;
      svg += "<rect class=\"" + Escape(s.css_class) + "\" x=\"" + Num(x) + "\" y=\"" + Num(y + 3) +
             "\" width=\"" + Num(w) + "\" height=\"" + Num(kBarRow - 6) + "\"><title>" +
             Escape(labels[i] + ": " + Count(value) + " " + s.name) + "</title></rect>";
      x += w;
    }
    svg += "<text class=\"axis\" x=\"" + Num(x + 4) + "\" y=\"" + Num(y + kBarRow * 0.7) + "\">" +
           Count(total) + "</text>";
  }
  svg += "</svg>";
  return Figure(id, title, svg, series);
}

std::string LineChart(const std::string& id, const std::string& title,
                      const std::vector<std::string>& labels,
                      const std::vector<ChartSeries>& series, const std::string& unit) {
  double max_value = 1.0;
  for (const ChartSeries& s : series) {
    for (double v : s.values) {
      max_value = std::max(max_value, v);
    }
  }
  const double plot_height = kHeight - kBottom - kTop;
  const double step = labels.empty() ? 0 : (kWidth - kLeft) / static_cast<double>(labels.size());
  std::string svg = SvgOpen(kHeight, title) + YAxis(max_value, " " + unit);
  for (const ChartSeries& s : series) {
    std::string points;
    std::string dots;
    for (size_t i = 0; i < labels.size() && i < s.values.size(); ++i) {
      if (s.values[i] < 0) {
        continue;  // no value that day
      }
      const double x = kLeft + step * (static_cast<double>(i) + 0.5);
      const double y = kHeight - kBottom - s.values[i] / max_value * plot_height;
      points += Num(x) + "," + Num(y) + " ";
      dots += "<circle class=\"" + Escape(s.css_class) + "\" cx=\"" + Num(x) + "\" cy=\"" + Num(y) +
              "\" r=\"3\"><title>" +
              Escape(labels[i] + ": " + FormatNumber(s.values[i], 1) + " " + unit) +
              "</title></circle>";
    }
    svg += "<polyline class=\"line " + Escape(s.css_class) + "\" fill=\"none\" points=\"" + points +
           "\"/>" + dots;
  }
  svg += XLabels(labels, step) + "</svg>";
  return Figure(id, title, svg, series);
}

}  // namespace autotriage::dashboard
