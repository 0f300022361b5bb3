// TokenBudget: per-ticket and per-day limits on the tokens spent at the LLM server.
//
// Before a request is sent, Reserve() sets aside its estimate (EstimateTokens: the characters of
// everything sent / 4, plus max_tokens for the answer). If the reservation would take the
// ticket's or the day's total (used + reserved) over its limit, it is refused with
// kResourceExhausted and nothing is sent. After the answer, Settle() replaces the reservation by
// the tokens the server reported (or the estimate when it reported none; 0 when nothing came
// back). Reservations make the check and the charge one step, so concurrent workers cannot
// overshoot a limit together.
//
// Days are UTC calendar days of the injected clock. At the first call on a new day every counter
// (the day's and the tickets') starts again at zero, which also bounds the memory kept per
// ticket; a ticket triaged again on a later day gets a fresh allowance.
// A limit of 0 means unlimited.
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "autotriage/core/status.h"
#include "autotriage/llm/chat_client.h"

namespace autotriage {

struct TokenBudgetOptions {
  int64_t tokens_per_ticket = 0;  // 0 = unlimited
  int64_t tokens_per_day = 0;     // 0 = unlimited
  // The clock that decides the UTC day; empty = system_clock::now.
  std::function<std::chrono::system_clock::time_point()> now;
};

// Characters of the messages, tool calls, tool schemas and response schema, / 4, rounded up,
// plus max_tokens (or 1024 when max_tokens is 0). Pure.
int64_t EstimateTokens(const ChatRequest& request);

class TokenBudget {
 public:
  explicit TokenBudget(TokenBudgetOptions options);

  // Reserves `estimate` tokens for `ticket`; returns the reservation id.
  // kResourceExhausted names the limit ("per-ticket budget of 2000 tokens: 1800 used, request
  // needs about 500") when either limit would be exceeded. kInvalidArgument for estimate < 0.
  Result<int64_t> Reserve(const std::string& ticket, int64_t estimate);
  // Ends a reservation, charging `actual_tokens` (>= 0) to its ticket and to today. An unknown
  // or already settled id is ignored.
  void Settle(int64_t reservation, int64_t actual_tokens);

  int64_t UsedToday() const;                              // charged today, excluding reservations
  int64_t UsedByTicket(const std::string& ticket) const;  // charged today for `ticket`

 private:
  struct Reservation {
    std::string ticket;
    int64_t tokens = 0;
    int64_t day = 0;
  };
  int64_t Today() const;
  void RollOverLocked(int64_t today);

  TokenBudgetOptions options_;
  mutable std::mutex mutex_;
  int64_t day_ = 0;
  int64_t used_today_ = 0;
  int64_t reserved_today_ = 0;
  std::map<std::string, int64_t> used_by_ticket_;
  std::map<std::string, int64_t> reserved_by_ticket_;
  std::map<int64_t, Reservation> reservations_;
  int64_t next_id_ = 1;
};

}  // namespace autotriage
