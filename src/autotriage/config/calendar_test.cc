// The routing calendar strings: shift windows and absence ranges, and their config errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/config/config.h"
#include "autotriage/config/loader.h"
#include "autotriage/config/test_util.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(WeeklyWindowTest, ParsesDayRangesListsAndHours) {
  auto window = ParseWeeklyWindow("Mon-Fri 08:00-16:30");
  ASSERT_TRUE(window.ok()) << window.status().ToString();
  EXPECT_THAT(window->weekdays, ElementsAre(1, 2, 3, 4, 5));
  EXPECT_EQ(window->start_minute, 8 * 60);
  EXPECT_EQ(window->end_minute, 16 * 60 + 30);

  auto mixed = ParseWeeklyWindow("sat,Sun,Wednesday 22:00-06:00");
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_THAT(mixed->weekdays, ElementsAre(6, 0, 3));
  EXPECT_GT(mixed->start_minute, mixed->end_minute);  // crosses midnight

  auto wrapping = ParseWeeklyWindow("Fri-Mon 00:00-24:00");
  ASSERT_TRUE(wrapping.ok());
  EXPECT_THAT(wrapping->weekdays, ElementsAre(5, 6, 0, 1));
}

TEST(WeeklyWindowTest, NamesWhatIsWrong) {
  auto bad_day = ParseWeeklyWindow("Mon-Fry 08:00-16:00");
  ASSERT_FALSE(bad_day.ok());
  EXPECT_EQ(bad_day.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_day.status().message(), HasSubstr("unknown day 'Fry'"));
  EXPECT_THAT(ParseWeeklyWindow("Mon 8-16").status().message(), HasSubstr("08:00-16:00"));
  EXPECT_FALSE(ParseWeeklyWindow("Mon 08:00-08:00").ok());
  EXPECT_FALSE(ParseWeeklyWindow("Mon 25:00-26:00").ok());
  EXPECT_FALSE(ParseWeeklyWindow("08:00-16:00").ok());
}

TEST(DateRangeTest, InclusiveDatesInUtc) {
  auto one = ParseDateRange("2026-11-21");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->first, 1795219200);  // 2026-11-21T00:00:00Z
  EXPECT_EQ(one->second, 1795219200 + 86400);

  auto range = ParseDateRange("2024-02-28..2024-03-01");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->second - range->first, 3 * 86400);  // 2024 is a leap year
}

TEST(DateRangeTest, RejectsMalformedAndBackwardRanges) {
  EXPECT_THAT(ParseDateRange("2026-02-30").status().message(), HasSubstr("not a valid date"));
  EXPECT_THAT(ParseDateRange("21.11.2026").status().message(), HasSubstr("2026-12-20"));
  EXPECT_THAT(ParseDateRange("2026-12-24..2026-12-20").status().message(),
              HasSubstr("ends before it starts"));
}

TEST(RoutingConfigTest, BadShiftIsReportedWithItsPosition) {
  ConfigCheck check = CheckConfigString(
      "routing:\n  agents:\n    - agent: alice@example.com\n      shifts: [\"Mon-Fry "
      "08:00-16:00\"]\n",
      "a.yaml", FakeEnv());
  ASSERT_EQ(check.problems.size(), 1u) << testing::PrintToString(ProblemStrings(check));
  EXPECT_THAT(ProblemStrings(check)[0], HasSubstr("a.yaml:4"));
  EXPECT_THAT(ProblemStrings(check)[0], HasSubstr("routing.agents[0].shifts[0]"));
}

TEST(RoutingConfigTest, AgentCellIsAllowedWhileRoutingIsEnabled) {
  const std::string cell =
      "policy:\n  cells:\n    - queue: \"*\"\n      field: agent\n      mode: suggest\n";
  EXPECT_TRUE(CheckConfigString(cell, "a.yaml", FakeEnv()).problems.empty());
  ConfigCheck off = CheckConfigString(cell + "routing:\n  enabled: false\n", "a.yaml", FakeEnv());
  ASSERT_EQ(off.problems.size(), 1u);
  EXPECT_THAT(ProblemStrings(off)[0], HasSubstr("not a head"));
}

}  // namespace
}  // namespace autotriage
