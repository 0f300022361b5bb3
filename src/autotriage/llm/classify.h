// Taxonomy-constrained classification: ask the LLM for one field's value, which must be one of
// the live field's allowed values.
//
// The (redacted) ticket text goes out with the allowed values; the model answers
// {"label": ..., "confidence": 0..1, "reason": ...} as a JSON-schema structured output (when the
// server supports it) or as a forced call of the function `set_label`; a plain JSON object in
// the text is accepted from servers that ignore both. The label is accepted only when it is
// exactly one of the allowed values, or equal to exactly one of them ignoring case (then the
// canonical spelling is returned). Anything else abstains with a reason:
//   "label outside the taxonomy: ..." (kLabelOutsideTaxonomy), "text instead of a tool call"
//   (kTextInsteadOfToolCall), "the answer is not the JSON object asked for" (kInvalidJson),
//   "no confidence between 0 and 1" (kInvalidJson), or the request's failure (timeout,
//   server_error, budget_exhausted, ...).
// A confidence written as a percentage (1 < c <= 100) is divided by 100.
// The allowed values are sent as they are (they are the helpdesk's taxonomy, not personal data).
// Placeholders the model echoes in the reason are restored; unknown ones are listed.
// Thread-safety: as LlmAgent (one Redactor per ticket session).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "autotriage/llm/agent.h"

namespace autotriage {

struct TaxonomyQuestion {
  std::string field;                        // e.g. "group"
  std::vector<std::string> allowed_values;  // the live field's choices; not empty
  std::string ticket_text;                  // clear text; redacted before sending
  std::string ticket_key;                   // the budget's per-ticket account
};

struct TaxonomyOptions {
  bool structured_outputs = false;  // send response_format json_schema instead of a tool
  std::optional<double> temperature = 0.0;
  int max_tokens = 300;
};

struct TaxonomyAnswer {
  bool abstained = true;
  std::string label;  // a canonical allowed value when !abstained
  double confidence = 0;
  std::string reason;                              // the model's reason, placeholders restored
  std::string abstain_reason;                      // why it abstained (never personal data)
  AgentOutcome outcome = AgentOutcome::kAnswered;  // kAnswered when a label was accepted
  std::vector<std::string> unknown_placeholders;
  std::vector<ChatMessage> transcript;  // as sent (redacted) plus the answer
  TokenUsage usage;
  std::vector<RedactionCount> redactions;
};

// kInvalidArgument only for a question that cannot be asked (no field, no allowed values);
// every problem with the server or its answer is an abstaining TaxonomyAnswer.
Result<TaxonomyAnswer> ClassifyWithTaxonomy(ChatClient& client, Redactor& redactor,
                                            TokenBudget* budget, const TaxonomyQuestion& question,
                                            const TaxonomyOptions& options);

// The canonical allowed value `label` names (exact, else the only case-insensitive match after
// trimming spaces), or "" when there is none. Pure.
std::string MatchAllowedValue(const std::string& label,
                              const std::vector<std::string>& allowed_values);

}  // namespace autotriage
