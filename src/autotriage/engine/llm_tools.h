// The engine's tools for the LLM agent (llm/agent.h), bound to the one ticket being triaged.
//
// Read tools: get_ticket (this ticket only: subject, text, tags, language and current field
// values; the agent redacts the result before it is sent), search_kb {"query"} (the advisor's
// KB search, top 3 above the relevance floor), similar_tickets and suggest_assignee (the
// advice triage already computed for this ticket, else the advisor's, else empty lists).
// Proposal tools, which only record what the model proposed (the agent collects the calls in
// AgentResult::proposals; the engine puts field proposals through the policy, at most
// "suggest", and stores drafts in the advice for the approval card; nothing is ever written to
// the helpdesk from here): propose_fields {"field", "value", "confidence", "reason"},
// draft_note {"summary"} (a resolution summary for the agent) and draft_reply {"body"} (a reply
// to the requester, posted only by a human).
// Errors: Register fails only on a programming error (kInvalidArgument / kAlreadyExists).
// Thread-safety: the registry reads `ticket`, `advice` and `advisor`, which must outlive it and
// not change while the agent runs; one registry per ticket run.
#pragma once

#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/core/ticket.h"
#include "autotriage/engine/advice.h"
#include "autotriage/llm/agent.h"
#include "autotriage/llm/tools.h"

namespace autotriage {

struct LlmToolContext {
  const Ticket* ticket = nullptr;          // REQUIRES: non-null
  const TicketAdvice* advice = nullptr;    // triage's advice for this ticket; may be null
  const Advisor* advisor = nullptr;        // may be null (no knowledge configured)
  std::vector<std::string> field_choices;  // "field: a, b, c" lines for propose_fields' help
};

Status RegisterEngineTools(const LlmToolContext& context, ToolRegistry* registry);

// What the proposal tools recorded, read from AgentResult::proposals (arguments restored).
struct LlmFieldProposal {
  std::string field;
  std::string value;
  double confidence = 0;
  std::string reason;
};

struct LlmDrafts {
  std::string reply;    // last draft_reply body ("" = none)
  std::string summary;  // last draft_note summary ("" = none)
  std::vector<LlmFieldProposal> fields;
};

// Reads the collected proposal calls; calls whose arguments are not what the schema asked for
// were already rejected by the registry and are not among them.
LlmDrafts CollectDrafts(const std::vector<AgentProposal>& proposals);

}  // namespace autotriage
