// Shifts and absences in local time, computed with integer civil-date arithmetic so the result
// does not depend on the process time zone or on gmtime's static buffer.
#include "autotriage/routing/availability.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace autotriage::routing_internal {
namespace {

constexpr int64_t kDaySeconds = 86400;
constexpr int kDayMinutes = 24 * 60;
const char* const kWeekdayNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct LocalTime {
  int64_t day = 0;  // days since 1970-01-01, local
  int weekday = 0;  // 0 = Sunday
  int minute = 0;   // minutes after local midnight
};

LocalTime ToLocal(int64_t unix_seconds, int utc_offset_minutes) {
  const int64_t local = unix_seconds + int64_t{utc_offset_minutes} * 60;
  LocalTime t;
  t.day = FloorDiv(local, kDaySeconds);
  t.minute = static_cast<int>((local - t.day * kDaySeconds) / 60);
  // 1970-01-01 was a Thursday (4).
  t.weekday = static_cast<int>(((t.day % 7) + 7 + 4) % 7);
  return t;
}

bool HasDay(const ShiftWindow& window, int weekday) {
  return std::find(window.weekdays.begin(), window.weekdays.end(), weekday) !=
         window.weekdays.end();
}

bool InWindow(const ShiftWindow& window, const LocalTime& t) {
  const int start = std::clamp(window.start_minute, 0, kDayMinutes);
  const int end = std::clamp(window.end_minute, 0, kDayMinutes);
  if (start <= end) {
    return HasDay(window, t.weekday) && t.minute >= start && t.minute < end;
  }
  // Crosses midnight: the evening part on a listed day, the morning part on the day after.
  const int yesterday = (t.weekday + 6) % 7;
  return (HasDay(window, t.weekday) && t.minute >= start) ||
         (HasDay(window, yesterday) && t.minute < end);
}

std::string Clock(int minute) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d", (minute / 60) % 100, minute % 60);
  return buffer;
}

// "Mon–Fri", "Mon, Wed, Fri", "Sat–Sun": runs of consecutive days, Monday first.
std::string DescribeDays(std::vector<int> days) {
  std::vector<int> order;  // Mon..Sun as 1..7 so that weekends read naturally
  for (int d : days) {
    if (d >= 0 && d <= 6) {
      order.push_back(d == 0 ? 7 : d);
    }
  }
  std::sort(order.begin(), order.end());
  order.erase(std::unique(order.begin(), order.end()), order.end());
  if (order.size() == 7) {
    return "daily";
  }
  std::string out;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && order[j + 1] == order[j] + 1) {
      ++j;
    }
    if (!out.empty()) {
      out += ", ";
    }
    out += kWeekdayNames[order[i] % 7];
    if (j > i) {
      out += j == i + 1 ? ", " : "\u2013";
      out += kWeekdayNames[order[j] % 7];
    }
    i = j + 1;
  }
  return out;
}

}  // namespace

bool OnShift(const std::vector<ShiftWindow>& shifts, int utc_offset_minutes, int64_t now) {
  if (shifts.empty()) {
    return true;
  }
  const LocalTime t = ToLocal(now, utc_offset_minutes);
  return std::any_of(shifts.begin(), shifts.end(),
                     [&](const ShiftWindow& window) { return InWindow(window, t); });
}

std::string DescribeShifts(const std::vector<ShiftWindow>& shifts) {
  std::string out;
  for (const ShiftWindow& window : shifts) {
    if (!out.empty()) {
      out += "; ";
    }
    out += DescribeDays(window.weekdays) + " " +
           Clock(std::clamp(window.start_minute, 0, kDayMinutes)) + "\u2013" +
           Clock(std::clamp(window.end_minute, 0, kDayMinutes));
  }
  return out;
}

std::optional<int64_t> AwayUntil(const std::vector<std::pair<int64_t, int64_t>>& away,
                                 int64_t now) {
  std::optional<int64_t> until;
  for (const auto& [from, to] : away) {
    if (now >= from && now < to) {
      until = std::max(until.value_or(to), to);
    }
  }
  return until;
}

std::string FormatDate(int64_t unix_seconds, int utc_offset_minutes) {
  // Days since the epoch to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
  int64_t z = ToLocal(unix_seconds, utc_offset_minutes).day + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  auto two_digits = [](int64_t value) {
    return std::string(value < 10 ? "0" : "") + std::to_string(value);
  };
  return std::to_string(year) + "-" + two_digits(month) + "-" + two_digits(day);
}

std::string FormatDuration(int64_t seconds) {
  seconds = std::max<int64_t>(0, seconds);
  if (seconds < 3600) {
    return std::to_string(std::max<int64_t>(1, (seconds + 30) / 60)) + " min";
  }
  if (seconds < 48 * 3600) {
    return std::to_string((seconds + 1800) / 3600) + " h";
  }
  return std::to_string((seconds + 43200) / 86400) + " d";
}

}  // namespace autotriage::routing_internal
