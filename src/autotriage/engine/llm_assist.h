// LlmAssist: the optional LLM backend in the engine (issue 8; docs/llm.md "In the engine").
//
// Apply() runs on one ticket's TriageCommit after the local triage and before the commit, so
// everything it decides lands in the same transaction (decisions, audit entries, advice):
//   1. Cascade: for each field the local classifier abstained on (or, with
//      llm.cascade_only_on_abstain false, every field not "off") whose live schema has allowed
//      values, the LLM is asked for a label (llm/classify.h) on the ticket's text, redacted with
//      the names of the ticket's requester, agent, conversation authors and suggested assignees.
//      A label outside the allowed values leaves the field as it was. A valid label replaces a
//      locally abstained decision and goes through the policy like any prediction, but never
//      autofills: "pending" (suggest) in a suggest or autofill cell, "recorded" in a monitor cell;
//      model_version "llm:<model>", the explanation carries the model's reason. For a field the
//      local model did decide, the LLM's label is only recorded in the audit (a second opinion).
//   2. Drafts (llm.drafts): when the ticket has a proposal (a pending or autofill decision), the
//      tool-using agent (llm/agent.h, engine tools in llm_tools.h, llm.max_turns requests) drafts
//      a reply and a resolution summary. They are stored in the advice JSON ("reply_draft",
//      "summary" with "summary_source": "llm"; else the extractive summary stays, "extractive"),
//      shown on the approval card, never posted by the engine. Its propose_fields calls take
//      the cascade's path (abstained fields only, allowed values only, at most suggest).
//   3. Transcripts: every exchange (messages and tool calls as sent, i.e. redacted; outcome;
//      token usage; the redaction report as types and counts) becomes an audit entry
//      "llm_transcript" with the trace and ticket ids, and a copy goes into the advice JSON
//      ("llm_transcripts") for the ticket's history page. Each field asked gets an
//      "llm_cascade" entry (label, outcome, reason). No secret is ever in any of them.
// Never blocks triage: each request is bounded by the client's timeout and retries; any failure
// (server down, slow, 429, 5xx, invalid JSON, budget exhausted, a bad answer) keeps the local
// result and is audited. After `breaker_failures` consecutive server failures the circuit breaker
// (llm_breaker.h) skips the LLM for `breaker_cooldown_ms` (audit "llm_skipped"), and within one
// ticket the first server failure ends the LLM's part for that ticket.
// Errors: none returned; problems are audit entries and the report.
// Thread-safety: Apply may run from many workers at once (the client, budget and breaker are
// shared and thread-safe; each call has its own redaction session).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/core/status.h"
#include "autotriage/core/ticket.h"
#include "autotriage/engine/advice.h"
#include "autotriage/engine/llm_breaker.h"
#include "autotriage/llm/chat_client.h"
#include "autotriage/llm/token_budget.h"
#include "autotriage/policy/policy.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct LlmAssistOptions {
  LlmOptions llm;  // config.llm (enabled is not checked here: an LlmAssist is only built when on)
  int breaker_failures = 3;
  int64_t breaker_cooldown_ms = 60000;
  // The clock of the breaker; empty = wall clock (Unix milliseconds).
  std::function<int64_t()> now_ms;
};

struct LlmAssistInput {
  const Ticket* ticket = nullptr;                              // REQUIRES: non-null
  const Policy* policy = nullptr;                              // REQUIRES: non-null
  const LiveSchema* schema = nullptr;                          // REQUIRES: non-null
  std::vector<std::pair<std::string, std::string>> overrides;  // (field, rejected value)
  std::string trace_id;
  int64_t now_ms = 0;                // time stamp of the entries it adds
  const Advisor* advisor = nullptr;  // may be null
  bool html_notes = true;            // for the regenerated draft note
  std::string dashboard_url;
};

struct LlmAssistReport {
  int requests = 0;                   // exchanges attempted (classifications and agent runs)
  int labels_applied = 0;             // decisions that now carry an LLM label
  bool skipped = false;               // the breaker was open
  bool drafted = false;               // a reply or summary draft was stored
  std::vector<std::string> outcomes;  // AgentOutcomeName of each exchange, for metrics
};

class LlmAssist {
 public:
  // REQUIRES: client non-null; budget may be null (no limits).
  LlmAssist(LlmAssistOptions options, std::shared_ptr<ChatClient> client,
            std::shared_ptr<TokenBudget> budget);

  LlmAssistReport Apply(const LlmAssistInput& input, TriageCommit* commit);

  // "llm:<model>", the model_version of LLM decisions and audit entries.
  const std::string& model_version() const { return model_version_; }
  const LlmCircuitBreaker& breaker() const { return breaker_; }

 private:
  int64_t Now() const;

  LlmAssistOptions options_;
  std::shared_ptr<ChatClient> client_;
  std::shared_ptr<TokenBudget> budget_;
  LlmCircuitBreaker breaker_;
  std::string model_version_;
};

// The client and budgets config.llm describes (libcurl client). kInvalidArgument when the
// options cannot make a client (no model or base_url); never contains the API key.
Result<std::shared_ptr<LlmAssist>> NewLlmAssist(const LlmOptions& options);

}  // namespace autotriage
