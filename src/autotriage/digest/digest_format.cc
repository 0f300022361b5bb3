// Time and number formatting of the digest (digest_internal.h).
#include <cmath>
#include <cstdio>
#include <ctime>

#include "autotriage/digest/digest_internal.h"

namespace autotriage::digest_internal {
namespace {

std::string FormatUtc(int64_t unix_ms, const char* format) {
  const time_t seconds = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof(text), format, &tm);
  return text;
}

}  // namespace

std::string UtcDay(int64_t unix_ms) {
  return FormatUtc(unix_ms, "%Y-%m-%d");
}

std::string UtcTime(int64_t unix_ms) {
  return unix_ms == 0 ? "-" : FormatUtc(unix_ms, "%Y-%m-%d %H:%M UTC");
}

int64_t DayStartMs(int64_t unix_ms) {
  const int64_t remainder = unix_ms % kDayMs;
  return unix_ms - (remainder < 0 ? remainder + kDayMs : remainder);
}

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string Percent(double fraction) {
  return fraction < 0 ? "-" : Fixed(fraction * 100.0, 0) + "%";
}

std::string PointChange(double now, double before) {
  if (now < 0 || before < 0) {
    return "";
  }
  const long points = std::lround((now - before) * 100.0);
  return (points > 0 ? "+" : points == 0 ? "±" : "") + std::to_string(points) + " pp";
}

std::string CountChange(int64_t now, int64_t before) {
  if (before == 0) {
    return now == 0 ? "±0%" : "new";
  }
  const long change = std::lround((static_cast<double>(now) - static_cast<double>(before)) * 100.0 /
                                  static_cast<double>(before));
  return (change > 0 ? "+" : change == 0 ? "±" : "") + std::to_string(change) + "%";
}

std::string TrendText(double ratio) {
  return "x" + Fixed(ratio, ratio >= 10 ? 0 : 1);
}

}  // namespace autotriage::digest_internal
