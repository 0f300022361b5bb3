// The bounded tool loop.
#include "autotriage/llm/agent.h"

#include <nlohmann/json.hpp>

#include <utility>

#include "autotriage/llm/llm_call.h"

namespace autotriage {
namespace {

using llm_internal::MergeUnknown;
using nlohmann::json;

std::string ToolError(const std::string& message) {
  return json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ToolNames(const ToolRegistry& tools) {
  std::string names;
  for (const ToolSpec& spec : tools.Specs()) {
    names += (names.empty() ? "" : ", ") + spec.name;
  }
  return names.empty() ? "(none)" : names;
}

}  // namespace

std::string_view AgentOutcomeName(AgentOutcome outcome) {
  switch (outcome) {
    case AgentOutcome::kAnswered:
      return "answered";
    case AgentOutcome::kMaxTurns:
      return "max_turns";
    case AgentOutcome::kTextInsteadOfToolCall:
      return "text_instead_of_tool_call";
    case AgentOutcome::kInvalidJson:
      return "invalid_json";
    case AgentOutcome::kLabelOutsideTaxonomy:
      return "label_outside_taxonomy";
    case AgentOutcome::kTooManyToolErrors:
      return "too_many_tool_errors";
    case AgentOutcome::kServerError:
      return "server_error";
    case AgentOutcome::kRateLimited:
      return "rate_limited";
    case AgentOutcome::kTimeout:
      return "timeout";
    case AgentOutcome::kUnavailable:
      return "unavailable";
    case AgentOutcome::kBudgetExhausted:
      return "budget_exhausted";
    case AgentOutcome::kRedactionFailed:
      return "redaction_failed";
  }
  return "server_error";
}

AgentOutcome OutcomeForChatStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return AgentOutcome::kInvalidJson;
    case StatusCode::kDeadlineExceeded:
      return AgentOutcome::kTimeout;
    case StatusCode::kResourceExhausted:
      return AgentOutcome::kRateLimited;
    case StatusCode::kUnavailable:
      // 5xx after retries says "answered HTTP"; a refused connection does not.
      return status.message().find("answered HTTP") != std::string::npos
                 ? AgentOutcome::kServerError
                 : AgentOutcome::kUnavailable;
    default:
      return AgentOutcome::kServerError;
  }
}

LlmAgent::LlmAgent(ChatClient& client, const ToolRegistry& tools, Redactor& redactor,
                   TokenBudget* budget, AgentOptions options)
    : client_(client),
      tools_(tools),
      redactor_(redactor),
      budget_(budget),
      options_(std::move(options)) {}

AgentResult LlmAgent::Run(const std::vector<ChatMessage>& messages) {
  AgentResult result;
  auto finish = [&](AgentOutcome outcome, std::string detail) {
    result.outcome = outcome;
    result.detail = std::move(detail);
    result.redactions = redactor_.Report();
    return result;
  };
  for (const ChatMessage& message : messages) {
    Result<std::string> redacted = redactor_.Redact(message.content);
    if (!redacted.ok()) {
      return finish(AgentOutcome::kRedactionFailed, redacted.status().ToString());
    }
    ChatMessage sent = message;
    sent.content = std::move(redacted).value();
    result.transcript.push_back(std::move(sent));
  }
  const std::vector<ToolSpec> specs = tools_.Specs();
  const int max_turns = options_.max_turns > 0 ? options_.max_turns : 1;
  while (result.turns < max_turns) {
    ChatRequest request;
    request.messages = result.transcript;
    request.tools = specs;
    if (!specs.empty()) {
      request.tool_choice =
          options_.require_tool_call && result.tool_calls == 0 ? "required" : "auto";
    }
    request.temperature = options_.temperature;
    request.max_tokens = options_.max_tokens;
    ++result.turns;
    llm_internal::CallResult call =
        llm_internal::CompleteWithinBudget(client_, budget_, options_.ticket_key, request);
    if (!call.response.has_value()) {
      if (call.failure == AgentOutcome::kBudgetExhausted) {
        --result.turns;  // refused before sending
      }
      return finish(call.failure, call.detail);
    }
    ChatResponse& response = *call.response;
    llm_internal::AddUsage(response.usage, &result.usage);
    result.transcript.push_back(
        ChatMessage{ChatRole::kAssistant, response.content, response.tool_calls, ""});
    if (response.tool_calls.empty()) {
      RestoreResult restored = redactor_.Restore(response.content);
      result.final_text = std::move(restored.text);
      MergeUnknown(restored.unknown_placeholders, &result.unknown_placeholders);
      if (options_.require_tool_call && result.tool_calls == 0) {
        return finish(AgentOutcome::kTextInsteadOfToolCall,
                      "the model answered with text although a tool call was required");
      }
      return finish(AgentOutcome::kAnswered,
                    "answered after " + std::to_string(result.turns) + " request(s) and " +
                        std::to_string(result.tool_calls) + " tool call(s)");
    }
    for (const ToolCall& tool_call : response.tool_calls) {
      ++result.tool_calls;
      RestoreResult arguments = llm_internal::RestoreJson(redactor_, tool_call.arguments);
      MergeUnknown(arguments.unknown_placeholders, &result.unknown_placeholders);
      std::string content;
      const Tool* tool = tools_.Find(tool_call.name);
      if (tool == nullptr) {
        ++result.unknown_tool_calls;
        ++result.tool_errors;
        content = ToolError("there is no tool named '" + tool_call.name +
                            "'; the tools are: " + ToolNames(tools_));
      } else {
        Result<std::string> output = tools_.Call(tool_call.name, arguments.text);
        if (output.ok()) {
          content = *output;
          if (tool->proposal) {
            result.proposals.push_back({tool_call.name, arguments.text, *output});
          }
        } else {
          ++result.tool_errors;
          content = ToolError(tool_call.name + ": " + output.status().message());
        }
      }
      Result<std::string> redacted = redactor_.Redact(content);
      if (!redacted.ok()) {
        return finish(AgentOutcome::kRedactionFailed, redacted.status().ToString());
      }
      result.transcript.push_back(
          ChatMessage{ChatRole::kTool, std::move(redacted).value(), {}, tool_call.id});
    }
    if (result.tool_errors > options_.max_tool_errors) {
      return finish(AgentOutcome::kTooManyToolErrors,
                    std::to_string(result.tool_errors) + " tool errors (" +
                        std::to_string(result.unknown_tool_calls) +
                        " unknown tools); the limit is " +
                        std::to_string(options_.max_tool_errors));
    }
  }
  return finish(AgentOutcome::kMaxTurns, "still calling tools after " + std::to_string(max_turns) +
                                             " requests (" + std::to_string(result.tool_calls) +
                                             " tool calls); stopped at max_turns");
}

}  // namespace autotriage
