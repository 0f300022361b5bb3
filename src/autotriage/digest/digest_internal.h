// Helpers shared by the digest's source files (internal to the module): UTC time formatting,
// number formatting and the two small SVG charts the HTML digest draws.
//
// The charts take their colours from CSS classes (figure.chart, .axis, ul.legend, .swatch and
// the series classes s-auto / s-human), which both the dashboard's app.css and the standalone
// digest's inline stylesheet define; they carry no inline style and no script. Every label is
// escaped. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace autotriage::digest_internal {

inline constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// "YYYY-MM-DD" (UTC) of Unix milliseconds.
std::string UtcDay(int64_t unix_ms);
// "YYYY-MM-DD HH:MM UTC"; "-" for 0.
std::string UtcTime(int64_t unix_ms);
// The start (00:00 UTC) of the day holding unix_ms.
int64_t DayStartMs(int64_t unix_ms);
// A number with `decimals` decimals ("12.5").
std::string Fixed(double value, int decimals);
// "73%" for 0.734; "-" for a negative value (nothing measured).
std::string Percent(double fraction);
// "+12 pp", "-3 pp", "±0 pp" between two fractions; "" when either is negative.
std::string PointChange(double now, double before);
// "+25%" / "-10%" / "±0%" from before to now; "new" when before is 0 and now is not.
std::string CountChange(int64_t now, int64_t before);
// "x2.5" style trend of a ratio.
std::string TrendText(double ratio);

struct BarSeries {
  std::string name;       // legend text
  std::string css_class;  // "s-auto", "s-human"
  std::vector<double> values;
};

// Vertical bars over `labels`, the series stacked. `id` becomes the <figure> id.
std::string VerticalBars(const std::string& id, const std::string& title,
                         const std::vector<std::string>& labels,
                         const std::vector<BarSeries>& series);
// One horizontal stacked bar per label.
std::string HorizontalBars(const std::string& id, const std::string& title,
                           const std::vector<std::string>& labels,
                           const std::vector<BarSeries>& series);

}  // namespace autotriage::digest_internal
