// The digest's two SVG charts (digest_internal.h): daily volumes as vertical bars and the top
// recurring issues as horizontal stacked bars. Styled by CSS classes only.
#include <algorithm>
#include <cmath>

#include "autotriage/digest/digest_internal.h"
#include "autotriage/text/html_escape.h"

namespace autotriage::digest_internal {
namespace {

constexpr double kWidth = 720;
constexpr double kHeight = 200;
constexpr double kLeft = 44;    // y-axis labels
constexpr double kBottom = 22;  // x-axis labels
constexpr double kTop = 8;
constexpr double kRow = 22;         // one horizontal bar
constexpr double kRowLabel = 250;   // room for a cluster name
constexpr size_t kLabelChars = 40;  // longer names are cut in the chart (the table has them)

std::string Num(double value) {
  return Fixed(value, 1);
}

std::string Count(double value) {
  return Fixed(value, std::fabs(value - std::round(value)) < 1e-9 ? 0 : 1);
}

// Cuts at a UTF-8 character boundary.
std::string Cut(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end) + "…";
}

double Value(const BarSeries& series, size_t i) {
  return i < series.values.size() ? std::max(0.0, series.values[i]) : 0.0;
}

double StackMax(size_t count, const std::vector<BarSeries>& series) {
  double max_value = 1.0;
  for (size_t i = 0; i < count; ++i) {
    double total = 0;
    for (const BarSeries& s : series) {
      total += Value(s, i);
    }
    max_value = std::max(max_value, total);
  }
  return max_value;
}

std::string Figure(const std::string& id, const std::string& title, const std::string& svg,
                   const std::vector<BarSeries>& series) {
  std::string legend = "<ul class=\"legend\">";
  for (const BarSeries& s : series) {
    legend += "<li><span class=\"swatch " + EscapeHtml(s.css_class) + "\"></span>" +
              EscapeHtml(s.name) + "</li>";
  }
  return "<figure class=\"chart\" id=\"" + EscapeHtml(id) + "\"><figcaption>" + EscapeHtml(title) +
         "</figcaption>" + svg + legend + "</ul></figure>";
}

std::string SvgOpen(double height, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(kWidth) + " " +
         Num(height) + "\" role=\"img\" aria-label=\"" + EscapeHtml(title) + "\">";
}

std::string Bar(const std::string& css_class, double x, double y, double w, double h,
                const std::string& tooltip) {
  return "<rect class=\"" + EscapeHtml(css_class) + "\" x=\"" + Num(x) + "\" y=\"" + Num(y) +
         "\" width=\"" + Num(w) + "\" height=\"" + Num(h) + "\"><title>" + EscapeHtml(tooltip) +
         "</title></rect>";
}

}  // namespace

std::string VerticalBars(const std::string& id, const std::string& title,
                         const std::vector<std::string>& labels,
                         const std::vector<BarSeries>& series) {
  const double max_value = StackMax(labels.size(), series);
  const double bottom = kHeight - kBottom;
  const double plot = bottom - kTop;
  const double step = labels.empty() ? 0 : (kWidth - kLeft) / static_cast<double>(labels.size());
  const double bar = std::max(1.0, step * 0.75);
  std::string svg = SvgOpen(kHeight, title);
  svg += "<g class=\"axis\"><line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(bottom) + "\" x2=\"" +
         Num(kWidth) + "\" y2=\"" + Num(bottom) + "\"/><text x=\"" + Num(kLeft - 4) + "\" y=\"" +
         Num(bottom) + "\" text-anchor=\"end\">0</text><text x=\"" + Num(kLeft - 4) + "\" y=\"" +
         Num(kTop + 10) + "\" text-anchor=\"end\">" + Count(max_value) + "</text></g>";
  for (size_t i = 0; i < labels.size(); ++i) {
    double base = bottom;
    const double x = kLeft + step * static_cast<double>(i) + (step - bar) / 2;
    for (const BarSeries& s : series) {
      const double value = Value(s, i);
      if (value <= 0) {
        continue;
      }
      const double h = value / max_value * plot;
      base -= h;
      svg += Bar(s.css_class, x, base, bar, h, labels[i] + ": " + Count(value) + " " + s.name);
    }
  }
  if (!labels.empty()) {
    svg += "<g class=\"axis\">";
    for (size_t i : {size_t{0}, labels.size() - 1}) {
      const double x = kLeft + step * (static_cast<double>(i) + 0.5);
      svg += "<text x=\"" + Num(x) + "\" y=\"" + Num(kHeight - 5) + "\" text-anchor=\"" +
             (i == 0 ? "start" : "end") + "\">" + EscapeHtml(labels[i]) + "</text>";
      if (labels.size() == 1) {
        break;
      }
    }
    svg += "</g>";
  }
  return Figure(id, title, svg + "</svg>", series);
}

std::string HorizontalBars(const std::string& id, const std::string& title,
                           const std::vector<std::string>& labels,
                           const std::vector<BarSeries>& series) {
  const double max_value = StackMax(labels.size(), series);
  const double height = kTop * 2 + kRow * static_cast<double>(std::max<size_t>(1, labels.size()));
  const double plot = kWidth - kRowLabel - 50;
  std::string svg = SvgOpen(height, title);
  for (size_t i = 0; i < labels.size(); ++i) {
    const double y = kTop + kRow * static_cast<double>(i);
    svg += "<text class=\"axis\" x=\"" + Num(kRowLabel - 6) + "\" y=\"" + Num(y + kRow * 0.7) +
           "\" text-anchor=\"end\">" + EscapeHtml(Cut(labels[i], kLabelChars)) + "</text>";
    double x = kRowLabel;
    double total = 0;
    for (const BarSeries& s : series) {
      const double value = Value(s, i);
      if (value <= 0) {
        continue;
      }
      const double w = value / max_value * plot;
      svg +=
          Bar(s.css_class, x, y + 3, w, kRow - 6, labels[i] + ": " + Count(value) + " " + s.name);
      x += w;
      total += value;
    }
    svg += "<text class=\"axis\" x=\"" + Num(x + 4) + "\" y=\"" + Num(y + kRow * 0.7) + "\">" +
           Count(total) + "</text>";
  }
  return Figure(id, title, svg + "</svg>", series);
}

}  // namespace autotriage::digest_internal
