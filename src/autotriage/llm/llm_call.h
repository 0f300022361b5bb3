// One budgeted request, and restoring placeholders inside JSON: shared by the agent loop and
// the taxonomy classifier.
//
// Internal to the llm module. Thread-safety: as the ChatClient and TokenBudget passed in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "autotriage/llm/agent.h"

namespace autotriage::llm_internal {

struct CallResult {
  std::optional<ChatResponse> response;            // set when the server answered well-formed
  AgentOutcome failure = AgentOutcome::kAnswered;  // meaningful when !response
  std::string detail;                              // why it failed, no personal data
};

// Reserves EstimateTokens(request) on `budget` (may be null), sends, and settles the reservation
// with the reported usage (the estimate when none was reported, 0 when nothing came back).
CallResult CompleteWithinBudget(ChatClient& client, TokenBudget* budget, const std::string& ticket,
                                const ChatRequest& request);

// Restores placeholders in every string (keys untouched) of a JSON text, so an original that
// needs escaping stays valid JSON. A text that is not JSON is restored as plain text.
RestoreResult RestoreJson(const Redactor& redactor, const std::string& json_text);

// Appends `found` to `all`, keeping each placeholder once.
void MergeUnknown(const std::vector<std::string>& found, std::vector<std::string>* all);

void AddUsage(const TokenUsage& usage, TokenUsage* total);

}  // namespace autotriage::llm_internal
