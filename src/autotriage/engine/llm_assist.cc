// The engine's LLM step: cascade, drafts and transcripts (llm_assist.h).
#include "autotriage/engine/llm_assist.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "autotriage/engine/llm_assist_internal.h"
#include "autotriage/engine/llm_tools.h"
#include "autotriage/llm/agent.h"
#include "autotriage/llm/classify.h"
#include "autotriage/llm/redactor.h"
#include "autotriage/text/normalize.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;
using llm_engine::Exchange;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A person's name as a helpdesk field gives it: not an id, not an e-mail address (the e-mail
// detector finds those anyway).
bool LooksLikeName(const std::string& value) {
  if (value.size() < 3 || value.find('@') != std::string::npos) {
    return false;
  }
  return value.find_first_not_of("0123456789 ") != std::string::npos;
}

RedactorOptions RedactionFor(const Ticket& ticket, const TicketAdvice* advice,
                             const LlmOptions& options) {
  RedactorOptions redaction;
  auto add = [&](const std::string& name) {
    if (LooksLikeName(name)) {
      redaction.names.push_back(name);
    }
  };
  add(ticket.requester_name);
  for (const char* field : {"agent", "responder", "requester"}) {
    auto it = ticket.fields.find(field);
    if (it != ticket.fields.end()) {
      add(it->second);
    }
  }
  for (const Conversation& c : ticket.conversations) {
    add(c.author);
  }
  if (advice != nullptr) {  // the agent's tools may show them
    for (const AssigneeSuggestion& s : advice->assignees) {
      add(s.name);
    }
  }
  for (const LlmRedactPatternOptions& p : options.redact_patterns) {
    redaction.patterns.push_back({p.type, p.regex});
  }
  return redaction;
}

// What the model reads: the subject and the first message as plain text.
std::string TicketText(const Ticket& ticket) {
  return ticket.subject + "\n\n" + HtmlToText(ticket.description_html);
}

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    out += (out.empty() ? "" : ", ") + v;
  }
  return out;
}

const std::vector<std::string>* ChoicesOf(const LiveSchema& schema, const std::string& field) {
  auto it = schema.find(field);
  return it == schema.end() || it->second.empty() ? nullptr : &it->second;
}

bool HasProposal(const std::vector<DecisionRecord>& decisions) {
  for (const DecisionRecord& d : decisions) {
    if (d.outcome == outcome::kPending || d.outcome == outcome::kAutofill) {
      return true;
    }
  }
  return false;
}

constexpr char kAgentPrompt[] =
    "You are a tier-1 helpdesk assistant preparing a proposal that a human agent reviews. The "
    "ticket follows; get_ticket, search_kb, similar_tickets and suggest_assignee help you. Call "
    "draft_reply with a short, polite reply to the requester, and draft_note with a two or three "
    "sentence resolution summary for the agent. You may call propose_fields for a field that has "
    "no value yet, with one of its allowed values. Nothing is sent or changed without a human's "
    "approval. Personal data is replaced by placeholders such as <NAME_1> or <EMAIL_1>; use them "
    "as they are. When you are done, answer with one short sentence.";

}  // namespace

LlmAssist::LlmAssist(LlmAssistOptions options, std::shared_ptr<ChatClient> client,
                     std::shared_ptr<TokenBudget> budget)
    : options_(std::move(options)),
      client_(std::move(client)),
      budget_(std::move(budget)),
      breaker_(std::max(1, options_.breaker_failures), options_.breaker_cooldown_ms),
      model_version_("llm:" + options_.llm.model) {}

int64_t LlmAssist::Now() const {
  if (options_.now_ms) {
    return options_.now_ms();
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

LlmAssistReport LlmAssist::Apply(const LlmAssistInput& input, TriageCommit* commit) {
  LlmAssistReport report;
  const Ticket& ticket = *input.ticket;
  const LlmOptions& llm = options_.llm;
  std::vector<size_t> asked;
  for (size_t i = 0; i < commit->decisions.size(); ++i) {
    const DecisionRecord& d = commit->decisions[i];
    if (d.outcome != outcome::kOff && ChoicesOf(*input.schema, d.field) != nullptr &&
        (!llm.cascade_only_on_abstain || llm_engine::LocallyAbstained(d))) {
      asked.push_back(i);
    }
  }
  if (asked.empty() && !(llm.drafts && HasProposal(commit->decisions))) {
    return report;
  }
  auto audit = [&](const std::string& kind, const Json& detail) {
    commit->audit.push_back(llm_engine::LlmAudit(kind, input, model_version_, Dump(detail)));
  };
  if (!breaker_.Allow(Now())) {
    report.skipped = true;
    Json fields = Json::array();
    for (size_t i : asked) {
      fields.push_back(commit->decisions[i].field);
    }
    audit("llm_skipped", {{"reason", "circuit breaker open after repeated LLM server failures"},
                          {"open_until_ms", breaker_.open_until_ms()},
                          {"fields", fields}});
    return report;
  }
  std::optional<TicketAdvice> advice;
  if (commit->advice.has_value()) {
    if (Result<TicketAdvice> parsed = ParseAdviceJson(commit->advice->advice_json); parsed.ok()) {
      advice = std::move(*parsed);
    }
  }
  Result<Redactor> redactor =
      Redactor::Create(RedactionFor(ticket, advice ? &*advice : nullptr, llm));
  if (!redactor.ok()) {
    audit("llm_error", {{"error", redactor.status().ToString()}});
    return report;
  }
  const std::string text = TicketText(ticket);
  const std::string ticket_key = "ticket:" + ticket.id;
  std::vector<std::string> transcripts;
  std::set<std::string> labeled;  // fields that now carry an LLM label
  bool server_failed = false;
  // Counts one exchange for the breaker and the report.
  auto settle = [&](AgentOutcome result) {
    ++report.requests;
    report.outcomes.emplace_back(AgentOutcomeName(result));
    if (llm_engine::IsServerFailure(result)) {
      breaker_.RecordFailure(Now());
      server_failed = true;
    } else if (llm_engine::ServerAnswered(result)) {
      breaker_.RecordSuccess();
    }
  };

  // 1. The cascade.
  for (size_t i : asked) {
    DecisionRecord& d = commit->decisions[i];
    if (server_failed) {
      audit("llm_cascade", {{"field", d.field},
                            {"outcome", "not_asked"},
                            {"reason", "the LLM server failed earlier for this ticket"}});
      continue;
    }
    TaxonomyQuestion question{d.field, *ChoicesOf(*input.schema, d.field), text, ticket_key};
    TaxonomyOptions options;
    options.structured_outputs = llm.structured_outputs;
    Result<TaxonomyAnswer> answer =
        ClassifyWithTaxonomy(*client_, *redactor, budget_.get(), question, options);
    if (!answer.ok()) {  // cannot happen: the field has allowed values
      audit("llm_error", {{"field", d.field}, {"error", answer.status().ToString()}});
      continue;
    }
    settle(answer->outcome);
    Exchange exchange;
    exchange.purpose = "classify";
    exchange.field = d.field;
    exchange.outcome = answer->outcome;
    exchange.detail = answer->abstained ? answer->abstain_reason : "label accepted";
    exchange.messages = answer->transcript;
    exchange.usage = answer->usage;
    exchange.redactions = answer->redactions;
    exchange.unknown_placeholders = answer->unknown_placeholders;
    exchange.turns = 1;
    transcripts.push_back(llm_engine::TranscriptJson(exchange, llm.model));
    audit("llm_transcript", Json::parse(transcripts.back()));
    Json cascade = {{"field", d.field},
                    {"outcome", std::string(AgentOutcomeName(answer->outcome))},
                    {"local_outcome", d.outcome}};
    if (answer->abstained) {
      cascade["abstain_reason"] = answer->abstain_reason;
      cascade["decision"] = d.outcome;  // the local result stands
    } else if (llm_engine::LocallyAbstained(d)) {
      llm_engine::DecideWithLlmLabel(input, answer->label, answer->confidence, answer->reason,
                                     model_version_, &d);
      labeled.insert(d.field);
      ++report.labels_applied;
      cascade.update({{"label", answer->label},
                      {"confidence", answer->confidence},
                      {"decision", d.outcome},
                      {"reason", d.reason}});
    } else {
      // The local model decided: the LLM's label is a second opinion, recorded only.
      cascade.update({{"label", answer->label},
                      {"confidence", answer->confidence},
                      {"second_opinion", true},
                      {"agrees", answer->label == d.new_value},
                      {"decision", d.outcome}});
    }
    if (!answer->unknown_placeholders.empty()) {
      cascade["unknown_placeholders"] = answer->unknown_placeholders;
    }
    audit("llm_cascade", cascade);
  }

  // 2. Drafts by the tool-using agent, for tickets with a proposal.
  LlmDrafts drafts;
  if (llm.drafts && !server_failed && HasProposal(commit->decisions)) {
    std::vector<std::string> field_lines;
    for (const DecisionRecord& d : commit->decisions) {
      const std::vector<std::string>* choices = ChoicesOf(*input.schema, d.field);
      if (choices != nullptr && d.outcome != outcome::kOff && !labeled.count(d.field) &&
          llm_engine::LocallyAbstained(d)) {
        field_lines.push_back(d.field + ": " + Joined(*choices));
      }
    }
    ToolRegistry tools;
    LlmToolContext tool_context{&ticket, advice ? &*advice : nullptr, input.advisor, field_lines};
    if (Status s = RegisterEngineTools(tool_context, &tools); !s.ok()) {
      audit("llm_error", {{"error", s.ToString()}});
    } else {
      AgentOptions options;
      options.ticket_key = ticket_key;
      options.max_turns = std::max(1, llm.max_turns);
      options.temperature = llm.temperature;
      options.max_tokens = llm.max_tokens;
      options.require_tool_call = true;
      LlmAgent agent(*client_, tools, *redactor, budget_.get(), options);
      const AgentResult run =
          agent.Run({{ChatRole::kSystem, kAgentPrompt, {}, ""},
                     {ChatRole::kUser, "Ticket " + ticket.id + "\n" + text, {}, ""}});
      settle(run.outcome);
      drafts = CollectDrafts(run.proposals);
      Json proposals = Json::array();
      for (const LlmFieldProposal& p : drafts.fields) {
        Json entry = {{"field", p.field}, {"value", p.value}};
        DecisionRecord* target = nullptr;
        for (DecisionRecord& d : commit->decisions) {
          target = d.field == p.field ? &d : target;
        }
        const std::vector<std::string>* choices = ChoicesOf(*input.schema, p.field);
        const std::string label = choices != nullptr ? MatchAllowedValue(p.value, *choices) : "";
        if (target == nullptr || choices == nullptr || target->outcome == outcome::kOff ||
            labeled.count(p.field) || !llm_engine::LocallyAbstained(*target)) {
          entry["decision"] = "ignored: not a field the LLM may propose for";
        } else if (label.empty()) {
          entry["decision"] = std::string(outcome::kAbstain) + ": label outside the taxonomy";
        } else {
          llm_engine::DecideWithLlmLabel(input, label, p.confidence, p.reason, model_version_,
                                         target);
          labeled.insert(p.field);
          ++report.labels_applied;
          entry["decision"] = target->outcome;
          entry["reason"] = target->reason;
        }
        proposals.push_back(std::move(entry));
      }
      Exchange exchange;
      exchange.purpose = "agent";
      exchange.outcome = run.outcome;
      exchange.detail = run.detail;
      exchange.messages = run.transcript;
      exchange.usage = run.usage;
      exchange.redactions = run.redactions;
      exchange.unknown_placeholders = run.unknown_placeholders;
      exchange.turns = run.turns;
      exchange.tool_calls = run.tool_calls;
      exchange.extra_json = Dump({{"tool_errors", run.tool_errors},
                                  {"reply_drafted", !drafts.reply.empty()},
                                  {"summary_drafted", !drafts.summary.empty()},
                                  {"proposals", proposals}});
      transcripts.push_back(llm_engine::TranscriptJson(exchange, llm.model));
      audit("llm_transcript", Json::parse(transcripts.back()));
      report.drafted = !drafts.reply.empty() || !drafts.summary.empty();
    }
  }
  if (!transcripts.empty()) {
    llm_engine::UpdateAdvice(input, drafts, transcripts, !labeled.empty(), commit);
  }
  return report;
}

Result<std::shared_ptr<LlmAssist>> NewLlmAssist(const LlmOptions& options) {
  if (options.model.empty() || options.base_url.empty()) {
    return InvalidArgument("llm: base_url and model are required when llm.enabled is true");
  }
  ChatClientOptions client;
  client.base_url = options.base_url;
  client.api_key = options.api_key;
  client.model = options.model;
  client.timeout_ms = options.timeout_ms;
  client.max_retries = options.max_retries;
  client.structured_outputs = options.structured_outputs;
  TokenBudgetOptions budget;
  budget.tokens_per_ticket = options.tokens_per_ticket;
  budget.tokens_per_day = options.tokens_per_day;
  LlmAssistOptions assist;
  assist.llm = options;
  assist.llm.api_key.clear();  // the client keeps it; nothing else needs it
  return std::make_shared<LlmAssist>(assist, std::shared_ptr<ChatClient>(NewChatClient(client)),
                                     std::make_shared<TokenBudget>(budget));
}

}  // namespace autotriage
