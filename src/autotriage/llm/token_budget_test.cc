// Token budgets: refusal before sending, charging actual usage, UTC day roll-over, threads.
#include "autotriage/llm/token_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace autotriage {
namespace {

using std::chrono::hours;
using std::chrono::system_clock;

struct FakeClock {
  system_clock::time_point now = system_clock::time_point(hours(24 * 20000 + 23));  // 23:00 UTC
};

TokenBudget MakeBudget(FakeClock& clock, int64_t per_ticket, int64_t per_day) {
  return TokenBudget({per_ticket, per_day, [&clock] { return clock.now; }});
}

TEST(TokenBudgetTest, EstimateIsCharsOverFourPlusMaxTokens) {
  ChatRequest request;
  request.messages = {{ChatRole::kUser, std::string(392, 'x'), {}, ""}};  // + 8 per message
  request.max_tokens = 100;
  EXPECT_EQ(EstimateTokens(request), 100 + 100);
  request.max_tokens = 0;
  EXPECT_EQ(EstimateTokens(request), 100 + 1024);
}

TEST(TokenBudgetTest, RefusesPerTicketBeforeSendingAndChargesActualUsage) {
  FakeClock clock;
  TokenBudget budget = MakeBudget(clock, 1000, 0);
  Result<int64_t> first = budget.Reserve("t1", 600);
  ASSERT_TRUE(first.ok());
  Result<int64_t> refused = budget.Reserve("t1", 500);  // 600 reserved + 500 > 1000
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("per-ticket budget of 1000"), std::string::npos);
  budget.Settle(*first, 200);  // the server reported 200 tokens
  EXPECT_EQ(budget.UsedByTicket("t1"), 200);
  EXPECT_TRUE(budget.Reserve("t1", 800).ok());
  EXPECT_TRUE(budget.Reserve("t2", 1000).ok()) << "another ticket has its own allowance";
}

TEST(TokenBudgetTest, PerDayLimitSpansTicketsAndResetsAtUtcMidnight) {
  FakeClock clock;
  TokenBudget budget = MakeBudget(clock, 0, 1000);
  Result<int64_t> a = budget.Reserve("a", 700);
  ASSERT_TRUE(a.ok());
  budget.Settle(*a, 700);
  Result<int64_t> refused = budget.Reserve("b", 400);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("per-day budget"), std::string::npos);
  clock.now += hours(1);  // 00:00 UTC the next day
  EXPECT_EQ(budget.UsedToday(), 0);
  EXPECT_TRUE(budget.Reserve("b", 1000).ok());
}

TEST(TokenBudgetTest, SettleOfUnknownIdIsIgnored) {
  FakeClock clock;
  TokenBudget budget = MakeBudget(clock, 10, 10);
  budget.Settle(12345, 99);
  EXPECT_EQ(budget.UsedToday(), 0);
  EXPECT_FALSE(budget.Reserve("t", -1).ok());
}

TEST(TokenBudgetTest, ConcurrentReservationsNeverOvershoot) {
  FakeClock clock;
  TokenBudget budget = MakeBudget(clock, 0, 10000);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        Result<int64_t> id = budget.Reserve("t" + std::to_string(i), 50);
        if (id.ok()) {
          ++granted;
          budget.Settle(*id, 50);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(granted.load(), 200);
  EXPECT_EQ(budget.UsedToday(), 10000);
}

}  // namespace
}  // namespace autotriage
