// Budgeted requests and JSON-aware placeholder restoring.
#include "autotriage/llm/llm_call.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace autotriage::llm_internal {
namespace {

using nlohmann::json;

void RestoreStrings(const Redactor& redactor, json* value, RestoreResult* summary) {
  if (value->is_string()) {
    RestoreResult one = redactor.Restore(value->get<std::string>());
    summary->restored += one.restored;
    MergeUnknown(one.unknown_placeholders, &summary->unknown_placeholders);
    *value = std::move(one.text);
  } else if (value->is_array() || value->is_object()) {
    for (json& child : *value) {
      RestoreStrings(redactor, &child, summary);
    }
  }
}

}  // namespace

void MergeUnknown(const std::vector<std::string>& found, std::vector<std::string>* all) {
  for (const std::string& placeholder : found) {
    if (std::find(all->begin(), all->end(), placeholder) == all->end()) {
      all->push_back(placeholder);
    }
  }
}

void AddUsage(const TokenUsage& usage, TokenUsage* total) {
  total->prompt_tokens += usage.prompt_tokens;
  total->completion_tokens += usage.completion_tokens;
  total->total_tokens += usage.total_tokens;
}

CallResult CompleteWithinBudget(ChatClient& client, TokenBudget* budget, const std::string& ticket,
                                const ChatRequest& request) {
  CallResult result;
  const int64_t estimate = EstimateTokens(request);
  std::optional<int64_t> reservation;
  if (budget != nullptr) {
    Result<int64_t> reserved = budget->Reserve(ticket, estimate);
    if (!reserved.ok()) {
      result.failure = AgentOutcome::kBudgetExhausted;
      result.detail = "not sent: " + reserved.status().message();
      return result;
    }
    reservation = *reserved;
  }
  Result<ChatResponse> response = client.Complete(request);
  if (reservation.has_value()) {
    int64_t charged = 0;
    if (response.ok()) {
      charged = response->usage_reported ? response->usage.total_tokens : estimate;
    }
    budget->Settle(*reservation, charged);
  }
  if (!response.ok()) {
    result.failure = OutcomeForChatStatus(response.status());
    result.detail = response.status().ToString();
    return result;
  }
  result.response = std::move(response).value();
  return result;
}

RestoreResult RestoreJson(const Redactor& redactor, const std::string& json_text) {
  json parsed = json::parse(json_text, nullptr, false);
  if (parsed.is_discarded()) {
    return redactor.Restore(json_text);
  }
  RestoreResult result;
  RestoreStrings(redactor, &parsed, &result);
  result.text = parsed.dump(-1, ' ', false, json::error_handler_t::replace);
  return result;
}

}  // namespace autotriage::llm_internal
