// Parsing of the routing calendar strings: weekly shift windows and absence date ranges.
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include "autotriage/config/config.h"

namespace autotriage {
namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat"};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

// "Mon", "monday" → 1; -1 when unknown.
int DayIndex(std::string_view word) {
  const std::string lower = Lower(word);
  if (lower.size() < 3) {
    return -1;
  }
  for (size_t i = 0; i < kDayNames.size(); ++i) {
    if (lower.compare(0, 3, kDayNames[i]) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// "08:00" → 480; "24:00" allowed as the end of a day; -1 when malformed.
int MinuteOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':' ||
      std::isdigit(static_cast<unsigned char>(text[0])) == 0 ||
      std::isdigit(static_cast<unsigned char>(text[1])) == 0 ||
      std::isdigit(static_cast<unsigned char>(text[3])) == 0 ||
      std::isdigit(static_cast<unsigned char>(text[4])) == 0) {
    return -1;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) {
    return -1;
  }
  return hours * 60 + minutes;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

bool IsLeap(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// "2026-12-20" → Unix seconds of its midnight UTC.
Result<int64_t> ParseDate(std::string_view text, const std::string& whole) {
  text = Trim(text);
  auto digits = [&](size_t from, size_t count) {
    for (size_t i = from; i < from + count; ++i) {
      if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) {
        return false;
      }
    }
    return true;
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(0, 4) || !digits(5, 2) ||
      !digits(8, 2)) {
    return InvalidArgument("'" + whole + "': '" + std::string(text) +
                           "' is not a date like 2026-12-20");
  }
  const int64_t year = std::stoll(std::string(text.substr(0, 4)));
  const int64_t month = std::stoll(std::string(text.substr(5, 2)));
  const int64_t day = std::stoll(std::string(text.substr(8, 2)));
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int64_t month_days =
      month >= 1 && month <= 12 ? kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0) : 0;
  if (month_days == 0 || day < 1 || day > month_days) {
    return InvalidArgument("'" + whole + "': '" + std::string(text) + "' is not a valid date");
  }
  return DaysFromCivil(year, month, day) * 86400;
}

}  // namespace

Result<WeeklyWindow> ParseWeeklyWindow(const std::string& text) {
  const std::string_view trimmed = Trim(text);
  const size_t space = trimmed.find(' ');
  if (space == std::string_view::npos) {
    return InvalidArgument("'" + text + "': expected days and hours like 'Mon-Fri 08:00-16:00'");
  }
  const std::string_view days = trimmed.substr(0, space);
  const std::string_view hours = Trim(trimmed.substr(space + 1));
  WeeklyWindow window;
  // Days: "Mon-Fri", "Sat", "Mon,Wed,Fri" or a mix such as "Mon-Wed,Fri".
  size_t pos = 0;
  while (pos <= days.size()) {
    const size_t comma = std::min(days.find(',', pos), days.size());
    const std::string_view part = days.substr(pos, comma - pos);
    const size_t dash = part.find('-');
    const std::string_view first = part.substr(0, dash);
    const std::string_view last = dash == std::string_view::npos ? first : part.substr(dash + 1);
    const int from = DayIndex(first);
    const int to = DayIndex(last);
    if (from < 0 || to < 0) {
      return InvalidArgument("'" + text + "': unknown day '" +
                             std::string(from < 0 ? first : last) + "' (use Mon, Tue, ...)");
    }
    for (int d = from;; d = (d + 1) % 7) {
      window.weekdays.push_back(d);
      if (d == to) {
        break;
      }
    }
    pos = comma + 1;
  }
  const size_t dash = hours.find('-');
  const int start = dash == std::string_view::npos ? -1 : MinuteOfDay(Trim(hours.substr(0, dash)));
  const int end = dash == std::string_view::npos ? -1 : MinuteOfDay(Trim(hours.substr(dash + 1)));
  if (start < 0 || end < 0 || start == end) {
    return InvalidArgument("'" + text + "': hours must look like 08:00-16:00");
  }
  window.start_minute = start;
  window.end_minute = end;
  return window;
}

Result<std::pair<int64_t, int64_t>> ParseDateRange(const std::string& text) {
  const size_t dots = text.find("..");
  auto first = ParseDate(text.substr(0, dots), text);
  if (!first.ok()) {
    return first.status();
  }
  auto last = dots == std::string::npos ? first : ParseDate(text.substr(dots + 2), text);
  if (!last.ok()) {
    return last.status();
  }
  if (*last < *first) {
    return InvalidArgument("'" + text + "': the range ends before it starts");
  }
  return std::make_pair(*first, *last + 86400);
}

}  // namespace autotriage
