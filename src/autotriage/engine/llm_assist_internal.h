// Internal to the engine's LLM step (llm_assist.cc): turning an LLM label into a decision, the
// audit entries and the advice JSON it updates. JSON travels as text so this header needs no
// third-party include. Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "autotriage/engine/llm_assist.h"
#include "autotriage/engine/llm_tools.h"
#include "autotriage/llm/agent.h"

namespace autotriage::llm_engine {

// The local classifier abstained: outcome "abstain", or a monitor cell's "recorded" that would
// have stopped at the abstain gate.
bool LocallyAbstained(const DecisionRecord& decision);
// The server's fault (timeout, unreachable, 5xx, 429): what the circuit breaker counts.
bool IsServerFailure(AgentOutcome outcome);
// Whether the server answered at all (a bad answer still proves it is up).
bool ServerAnswered(AgentOutcome outcome);

// Puts `label` (an allowed value) through the policy as a prediction with the model's
// confidence, capped at suggest: autofill becomes pending. Rewrites `decision` (value, outcome,
// mode, reason, explanation, model_version).
void DecideWithLlmLabel(const LlmAssistInput& input, const std::string& label, double confidence,
                        const std::string& reason, const std::string& model_version,
                        DecisionRecord* decision);

// One exchange with the server, as recorded.
struct Exchange {
  std::string purpose;  // "classify" or "agent"
  std::string field;    // classify only
  AgentOutcome outcome = AgentOutcome::kAnswered;
  std::string detail;                 // why it ended that way; no personal data
  std::vector<ChatMessage> messages;  // as sent (redacted) plus the answers
  TokenUsage usage;
  std::vector<RedactionCount> redactions;
  std::vector<std::string> unknown_placeholders;
  int turns = 0;
  int tool_calls = 0;
  std::string extra_json = "{}";  // more keys for the detail (an object)
};

// The transcript as a JSON object (text): purpose, field, model, outcome, detail, messages
// [{role, content, tool_calls [{id, name, arguments}], tool_call_id}], usage, redactions
// [{type, values, occurrences}], unknown_placeholders, turns, plus extra_json's keys.
std::string TranscriptJson(const Exchange& exchange, const std::string& model);

AuditEntry LlmAudit(const std::string& kind, const LlmAssistInput& input,
                    const std::string& model_version, const std::string& detail_json);

// Stores drafts and transcripts in the commit's advice (created when triage made none) and, when
// LLM labels became proposals, rebuilds the card's draft note from the pending decisions.
void UpdateAdvice(const LlmAssistInput& input, const LlmDrafts& drafts,
                  const std::vector<std::string>& transcripts, bool labels_changed,
                  TriageCommit* commit);

}  // namespace autotriage::llm_engine
