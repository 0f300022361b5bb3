// LlmAgent: a bounded, tool-using conversation with an LLM about one ticket.
//
// Run() sends the conversation, executes the tool calls the model asks for through the
// ToolRegistry, appends their results and repeats until the model answers with text, until
// `max_turns` requests were sent (an endless tool loop ends there), or until the token budget,
// the server or the answer's format stops it. Every AgentResult carries an outcome saying which.
//
// Privacy: every message content and every tool result is passed through the session's Redactor
// before it is sent, so the transcript holds exactly what left the machine (redacted). The
// model's tool-call arguments are restored (placeholders → originals) before a handler sees
// them, and the final text is restored too; placeholders the session never handed out are kept
// as they are and listed in `unknown_placeholders`.
// Writes: the agent writes nothing itself. Calls to proposal tools (propose_*, draft_*) are
// collected in `proposals` (arguments restored) for the caller's policy and approval path; they
// are returned with every outcome, and the caller decides what to do with them on a failure.
// Tool errors (unknown tool, arguments that are not a JSON object or fail the schema, a handler
// error) go back to the model as the tool's result {"error": "..."} and are counted; more than
// `max_tool_errors` of them end the run.
//
// Errors are outcomes, never exceptions or crashes. Thread-safety: an LlmAgent is used by one
// thread at a time (its Redactor is a per-ticket session); the ChatClient and TokenBudget may be
// shared.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/llm/chat_client.h"
#include "autotriage/llm/redactor.h"
#include "autotriage/llm/token_budget.h"
#include "autotriage/llm/tools.h"

namespace autotriage {

enum class AgentOutcome {
  kAnswered,               // "answered": the model gave a final text answer
  kMaxTurns,               // "max_turns": still calling tools after max_turns requests
  kTextInsteadOfToolCall,  // "text_instead_of_tool_call": a tool call was required, text came
  kInvalidJson,            // "invalid_json": the answer was malformed (not JSON, no choices,
                           //   tool arguments not JSON, or not the JSON object asked for)
  kLabelOutsideTaxonomy,   // "label_outside_taxonomy": (classification) the label is not allowed
  kTooManyToolErrors,      // "too_many_tool_errors": unknown tools / bad arguments, repeatedly
  kServerError,            // "server_error": 5xx after retries, or a 4xx refusal
  kRateLimited,            // "rate_limited": 429 after retries
  kTimeout,                // "timeout": the request timed out (after retries)
  kUnavailable,            // "unavailable": the server could not be reached
  kBudgetExhausted,        // "budget_exhausted": the per-ticket or per-day budget refused
  kRedactionFailed,        // "redaction_failed": a text could not be redacted; nothing was sent
};

// The stable lower-case names above, for transcripts, audit records and metrics labels.
std::string_view AgentOutcomeName(AgentOutcome outcome);
// How a failed ChatClient::Complete maps to an outcome (see chat_client.h for the codes).
AgentOutcome OutcomeForChatStatus(const Status& status);

struct AgentOptions {
  std::string ticket_key;  // the budget's per-ticket account, e.g. "freshdesk:4711"
  int max_turns = 6;       // requests per run, >= 1
  std::optional<double> temperature = 0.2;
  int max_tokens = 1024;  // per answer
  // The run must call a tool: "required" tool_choice until the first call, and a text answer
  // before any call ends the run with kTextInsteadOfToolCall.
  bool require_tool_call = false;
  int max_tool_errors = 3;
};

// A call to a proposal tool, as the model made it.
struct AgentProposal {
  std::string tool;
  std::string arguments;  // JSON object, placeholders restored
  std::string result;     // what the handler returned
};

struct AgentResult {
  AgentOutcome outcome = AgentOutcome::kAnswered;
  std::string detail;      // one line for operators: why the run ended (no personal data)
  std::string final_text;  // the model's last text, placeholders restored
  std::vector<std::string> unknown_placeholders;
  std::vector<AgentProposal> proposals;
  // Every message as sent (redacted), including the model's answers and tool calls.
  std::vector<ChatMessage> transcript;
  int turns = 0;       // requests sent
  int tool_calls = 0;  // tool calls the model made
  int tool_errors = 0;
  int unknown_tool_calls = 0;
  TokenUsage usage;                        // summed over the run
  std::vector<RedactionCount> redactions;  // the session's redaction report at the end
};

class LlmAgent {
 public:
  // REQUIRES: client, tools and redactor outlive the LlmAgent; budget may be null (no limit).
  LlmAgent(ChatClient& client, const ToolRegistry& tools, Redactor& redactor, TokenBudget* budget,
           AgentOptions options);

  // `messages` are in clear text (system prompt, the ticket); they are redacted here.
  AgentResult Run(const std::vector<ChatMessage>& messages);

 private:
  ChatClient& client_;
  const ToolRegistry& tools_;
  Redactor& redactor_;
  TokenBudget* budget_;
  AgentOptions options_;
};

}  // namespace autotriage
