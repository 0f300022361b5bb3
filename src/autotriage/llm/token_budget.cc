// Token budgets: reservations against per-ticket and per-UTC-day limits.
#include "autotriage/llm/token_budget.h"

#include <utility>

namespace autotriage {
namespace {

constexpr int64_t kCharsPerToken = 4;
constexpr int64_t kDefaultAnswerTokens = 1024;
constexpr int64_t kSecondsPerDay = 86400;

int64_t ValueOr0(const std::map<std::string, int64_t>& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

std::string Refusal(const std::string& which, int64_t limit, int64_t used, int64_t estimate) {
  return which + " budget of " + std::to_string(limit) + " tokens: " + std::to_string(used) +
         " used or reserved, the request needs about " + std::to_string(estimate);
}

}  // namespace

int64_t EstimateTokens(const ChatRequest& request) {
  int64_t chars = 0;
  for (const ChatMessage& message : request.messages) {
    chars += static_cast<int64_t>(message.content.size() + message.tool_call_id.size()) + 8;
    for (const ToolCall& call : message.tool_calls) {
      chars += static_cast<int64_t>(call.id.size() + call.name.size() + call.arguments.size());
    }
  }
  for (const ToolSpec& tool : request.tools) {
    chars += static_cast<int64_t>(tool.name.size() + tool.description.size() +
                                  tool.parameters_schema.size());
  }
  if (request.response_format.has_value()) {
    chars += static_cast<int64_t>(request.response_format->schema.size());
  }
  const int64_t answer = request.max_tokens > 0 ? request.max_tokens : kDefaultAnswerTokens;
  return (chars + kCharsPerToken - 1) / kCharsPerToken + answer;
}

TokenBudget::TokenBudget(TokenBudgetOptions options) : options_(std::move(options)) {
  day_ = Today();
}

int64_t TokenBudget::Today() const {
  const auto now = options_.now ? options_.now() : std::chrono::system_clock::now();
  const int64_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  // Floor division so instants before 1970 still land on the right day.
  return seconds >= 0 ? seconds / kSecondsPerDay : (seconds - kSecondsPerDay + 1) / kSecondsPerDay;
}

void TokenBudget::RollOverLocked(int64_t today) {
  if (today == day_) {
    return;
  }
  day_ = today;
  used_today_ = 0;
  used_by_ticket_.clear();
  // Open reservations keep counting against the new day: their requests are still running.
  reserved_today_ = 0;
  reserved_by_ticket_.clear();
  for (auto& [id, reservation] : reservations_) {
    reservation.day = today;
    reserved_today_ += reservation.tokens;
    reserved_by_ticket_[reservation.ticket] += reservation.tokens;
  }
}

Result<int64_t> TokenBudget::Reserve(const std::string& ticket, int64_t estimate) {
  if (estimate < 0) {
    return InvalidArgument("token estimate must not be negative");
  }
  const int64_t today = Today();
  std::lock_guard<std::mutex> lock(mutex_);
  RollOverLocked(today);
  const int64_t ticket_used =
      ValueOr0(used_by_ticket_, ticket) + ValueOr0(reserved_by_ticket_, ticket);
  if (options_.tokens_per_ticket > 0 && ticket_used + estimate > options_.tokens_per_ticket) {
    return ResourceExhausted(
        Refusal("per-ticket", options_.tokens_per_ticket, ticket_used, estimate));
  }
  const int64_t day_used = used_today_ + reserved_today_;
  if (options_.tokens_per_day > 0 && day_used + estimate > options_.tokens_per_day) {
    return ResourceExhausted(Refusal("per-day", options_.tokens_per_day, day_used, estimate));
  }
  const int64_t id = next_id_++;
  reservations_[id] = Reservation{ticket, estimate, today};
  reserved_today_ += estimate;
  reserved_by_ticket_[ticket] += estimate;
  return id;
}

void TokenBudget::Settle(int64_t reservation, int64_t actual_tokens) {
  const int64_t today = Today();
  std::lock_guard<std::mutex> lock(mutex_);
  RollOverLocked(today);
  auto it = reservations_.find(reservation);
  if (it == reservations_.end()) {
    return;
  }
  const Reservation held = std::move(it->second);
  reservations_.erase(it);
  reserved_today_ -= held.tokens;
  int64_t& ticket_reserved = reserved_by_ticket_[held.ticket];
  ticket_reserved -= held.tokens;
  if (ticket_reserved <= 0) {
    reserved_by_ticket_.erase(held.ticket);
  }
  const int64_t charged = actual_tokens > 0 ? actual_tokens : 0;
  used_today_ += charged;
  used_by_ticket_[held.ticket] += charged;
}

int64_t TokenBudget::UsedToday() const {
  const int64_t today = Today();
  std::lock_guard<std::mutex> lock(mutex_);
  return today == day_ ? used_today_ : 0;
}

int64_t TokenBudget::UsedByTicket(const std::string& ticket) const {
  const int64_t today = Today();
  std::lock_guard<std::mutex> lock(mutex_);
  if (today != day_) {
    return 0;
  }
  return ValueOr0(used_by_ticket_, ticket);
}

}  // namespace autotriage
