// Taxonomy-constrained classification: prompt, schema, answer validation.
#include "autotriage/llm/classify.h"

#include <nlohmann/json.hpp>

#include "autotriage/llm/llm_call.h"
#include "autotriage/llm/pii_scanners.h"

namespace autotriage {
namespace {

using nlohmann::json;

constexpr const char* kToolName = "set_label";

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return "";
  }
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

json AnswerSchema(const std::vector<std::string>& allowed) {
  return {{"type", "object"},
          {"properties",
           {{"label", {{"type", "string"}, {"enum", allowed}}},
            {"confidence", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
            {"reason", {{"type", "string"}}}}},
          {"required", {"label", "confidence", "reason"}},
          {"additionalProperties", false}};
}

std::string SystemPrompt(const TaxonomyQuestion& question, bool structured) {
  const std::string values =
      json(question.allowed_values).dump(-1, ' ', false, json::error_handler_t::replace);
  return "You classify helpdesk tickets. Choose the value of the field '" + question.field +
         "' for the ticket the user sends. The value must be exactly one of: " + values +
         ". Personal data in the ticket is replaced by placeholders such as <EMAIL_1> or "
         "<NAME_1>; keep them as they are. " +
         (structured ? std::string("Answer with the JSON object only.")
                     : "Answer by calling the function " + std::string(kToolName) +
                           "; if you cannot call functions, answer with only a JSON object") +
         " {\"label\": one of the values, \"confidence\": a number from 0 to 1, \"reason\": "
         "one short sentence}.";
}

// The first {...} object in a text answer ("```json {...} ```" and a sentence around it happen).
json JsonObjectIn(const std::string& text) {
  json whole = json::parse(text, nullptr, false);
  if (!whole.is_discarded()) {
    return whole;
  }
  const size_t open = text.find('{');
  const size_t close = text.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return json(json::value_t::discarded);
  }
  return json::parse(text.substr(open, close - open + 1), nullptr, false);
}

void Abstain(TaxonomyAnswer* answer, AgentOutcome outcome, std::string reason) {
  answer->abstained = true;
  answer->label.clear();
  answer->outcome = outcome;
  answer->abstain_reason = std::move(reason);
}

// Fills `answer` from the model's object; abstains on anything that does not fit.
void Judge(const json& object, const TaxonomyQuestion& question, const Redactor& redactor,
           TaxonomyAnswer* answer) {
  if (!object.is_object() || !object.contains("label") || !object["label"].is_string()) {
    Abstain(answer, AgentOutcome::kInvalidJson, "the answer is not the JSON object asked for");
    return;
  }
  if (object.contains("reason") && object["reason"].is_string()) {
    RestoreResult reason = redactor.Restore(object["reason"].get<std::string>());
    answer->reason = std::move(reason.text);
    llm_internal::MergeUnknown(reason.unknown_placeholders, &answer->unknown_placeholders);
  }
  const std::string label = object["label"].get<std::string>();
  const std::string canonical = MatchAllowedValue(label, question.allowed_values);
  if (canonical.empty()) {
    Abstain(answer, AgentOutcome::kLabelOutsideTaxonomy,
            "label outside the taxonomy: '" + label.substr(0, 80) +
                "' is not an allowed value of '" + question.field + "'");
    return;
  }
  double confidence = -1;
  if (object.contains("confidence") && object["confidence"].is_number()) {
    confidence = object["confidence"].get<double>();
    if (confidence > 1 && confidence <= 100) {
      confidence /= 100;  // "85" meant 85 %
    }
  }
  if (!(confidence >= 0 && confidence <= 1)) {
    Abstain(answer, AgentOutcome::kInvalidJson, "no confidence between 0 and 1");
    return;
  }
  answer->abstained = false;
  answer->label = canonical;
  answer->confidence = confidence;
  answer->outcome = AgentOutcome::kAnswered;
}

}  // namespace

std::string MatchAllowedValue(const std::string& label,
                              const std::vector<std::string>& allowed_values) {
  const std::string trimmed = Trim(label);
  for (const std::string& value : allowed_values) {
    if (value == trimmed) {
      return value;
    }
  }
  const std::string folded = llm_internal::LowerForMatch(trimmed);
  std::string match;
  for (const std::string& value : allowed_values) {
    if (llm_internal::LowerForMatch(value) == folded) {
      if (!match.empty()) {
        return "";  // two values differ only by case: the label does not say which
      }
      match = value;
    }
  }
  return match;
}

Result<TaxonomyAnswer> ClassifyWithTaxonomy(ChatClient& client, Redactor& redactor,
                                            TokenBudget* budget, const TaxonomyQuestion& question,
                                            const TaxonomyOptions& options) {
  if (question.field.empty()) {
    return InvalidArgument("taxonomy classification needs a field name");
  }
  if (question.allowed_values.empty()) {
    return InvalidArgument("field '" + question.field + "' has no allowed values to choose from");
  }
  TaxonomyAnswer answer;
  Result<std::string> ticket = redactor.Redact(question.ticket_text);
  if (!ticket.ok()) {
    Abstain(&answer, AgentOutcome::kRedactionFailed, ticket.status().ToString());
    answer.redactions = redactor.Report();
    return answer;
  }
  const std::string schema =
      AnswerSchema(question.allowed_values).dump(-1, ' ', false, json::error_handler_t::replace);
  ChatRequest request;
  request.messages = {
      {ChatRole::kSystem, SystemPrompt(question, options.structured_outputs), {}, ""},
      {ChatRole::kUser, std::move(ticket).value(), {}, ""}};
  if (options.structured_outputs) {
    request.response_format = ResponseSchema{"ticket_" + question.field, schema, true};
  } else {
    request.tools = {{kToolName, "Set the value of the field '" + question.field + "'.", schema}};
    request.tool_choice = kToolName;
  }
  request.temperature = options.temperature;
  request.max_tokens = options.max_tokens;
  answer.transcript = request.messages;
  answer.redactions = redactor.Report();

  llm_internal::CallResult call =
      llm_internal::CompleteWithinBudget(client, budget, question.ticket_key, request);
  if (!call.response.has_value()) {
    Abstain(&answer, call.failure,
            std::string(AgentOutcomeName(call.failure)) + ": " + call.detail);
    return answer;
  }
  const ChatResponse& response = *call.response;
  answer.usage = response.usage;
  answer.transcript.push_back({ChatRole::kAssistant, response.content, response.tool_calls, ""});
  for (const ToolCall& tool_call : response.tool_calls) {
    if (tool_call.name == kToolName) {
      Judge(json::parse(tool_call.arguments, nullptr, false), question, redactor, &answer);
      return answer;
    }
  }
  if (!response.tool_calls.empty()) {
    Abstain(&answer, AgentOutcome::kTooManyToolErrors,
            "the model called '" + response.tool_calls[0].name.substr(0, 64) + "' instead of " +
                kToolName);
    return answer;
  }
  const json object = JsonObjectIn(response.content);
  if (object.is_discarded()) {
    if (options.structured_outputs) {
      Abstain(&answer, AgentOutcome::kInvalidJson, "the answer is not the JSON object asked for");
    } else {
      Abstain(&answer, AgentOutcome::kTextInsteadOfToolCall, "text instead of a tool call");
    }
    RestoreResult echoed = redactor.Restore(response.content);
    llm_internal::MergeUnknown(echoed.unknown_placeholders, &answer.unknown_placeholders);
    return answer;
  }
  Judge(object, question, redactor, &answer);
  return answer;
}

}  // namespace autotriage
