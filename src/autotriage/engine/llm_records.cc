// The records of the engine's LLM step: LLM labels as decisions, transcripts, audit entries and
// the advice JSON (llm_assist_internal.h).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "autotriage/engine/llm_assist_internal.h"
#include "autotriage/engine/note.h"

namespace autotriage::llm_engine {
namespace {

using Json = nlohmann::json;

constexpr size_t kNoteReasonChars = 200;
constexpr size_t kNoteWords = 3;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json Parse(const std::string& text) {
  Json json = Json::parse(text, nullptr, false);
  return json.is_discarded() ? Json::object() : json;
}

std::string MonitorAbstainPrefix() {
  return std::string("monitor only; would stop at ") + outcome::kAbstain;
}

// The words a note shows for a decision: the model's reason for an LLM label, else the words
// of the explanation that argued for the value.
std::vector<std::string> NoteWords(const DecisionRecord& d) {
  std::vector<std::string> words;
  const Json explanation = Json::parse(d.explanation, nullptr, false);
  if (!explanation.is_array()) {
    return words;
  }
  for (const Json& item : explanation) {
    if (words.size() >= kNoteWords || !item.is_object()) {
      break;
    }
    const double weight = item.value("weight", 0.0);
    if (weight > 0 && item.contains("feature") && item["feature"].is_string()) {
      words.push_back(item["feature"].get<std::string>());
    }
  }
  return words;
}

}  // namespace

bool LocallyAbstained(const DecisionRecord& decision) {
  return decision.outcome == outcome::kAbstain ||
         (decision.outcome == outcome::kRecorded &&
          decision.reason.rfind(MonitorAbstainPrefix(), 0) == 0);
}

bool IsServerFailure(AgentOutcome outcome) {
  return outcome == AgentOutcome::kTimeout || outcome == AgentOutcome::kUnavailable ||
         outcome == AgentOutcome::kServerError || outcome == AgentOutcome::kRateLimited;
}

bool ServerAnswered(AgentOutcome outcome) {
  return !IsServerFailure(outcome) && outcome != AgentOutcome::kBudgetExhausted &&
         outcome != AgentOutcome::kRedactionFailed;
}

void DecideWithLlmLabel(const LlmAssistInput& input, const std::string& label, double confidence,
                        const std::string& reason, const std::string& model_version,
                        DecisionRecord* decision) {
  // The model's confidence is not calibrated: no threshold of its own (a cell's min_margin
  // still applies), and the cap below makes a human approve every LLM label that would act.
  Prediction prediction;
  prediction.top.push_back({label, confidence});
  HeadInfo head;
  head.field = decision->field;
  head.labels = {label};
  ClassThreshold threshold;
  threshold.label = label;
  threshold.threshold = 0.0;
  threshold.precision = 1.0;
  threshold.reachable = true;
  head.thresholds.push_back(threshold);
  const FieldDecision d = input.policy->Decide(*input.ticket, {decision->field, &prediction, &head},
                                               *input.schema, input.overrides);
  decision->old_value = d.old_value;
  decision->new_value = d.new_value;
  decision->confidence = d.confidence;
  decision->margin = d.margin;
  decision->mode = std::string(ToString(d.mode));
  decision->outcome = d.outcome;
  decision->reason = "LLM label: " + d.reason;
  if (d.outcome == outcome::kAutofill) {
    decision->mode = std::string(ToString(AutonomyMode::kSuggest));
    decision->outcome = outcome::kPending;
    decision->reason += "; capped at suggest: an LLM label always waits for approval";
  }
  decision->model_version = model_version;
  decision->explanation =
      Dump(Json::array({{{"feature", "LLM: " + reason}, {"weight", confidence}}}));
}

std::string TranscriptJson(const Exchange& exchange, const std::string& model) {
  Json messages = Json::array();
  for (const ChatMessage& m : exchange.messages) {
    Json message = {{"role", std::string(ChatRoleName(m.role))}, {"content", m.content}};
    if (!m.tool_calls.empty()) {
      Json calls = Json::array();
      for (const ToolCall& call : m.tool_calls) {
        calls.push_back({{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}});
      }
      message["tool_calls"] = calls;
    }
    if (!m.tool_call_id.empty()) {
      message["tool_call_id"] = m.tool_call_id;
    }
    messages.push_back(std::move(message));
  }
  Json redactions = Json::array();
  for (const RedactionCount& r : exchange.redactions) {
    redactions.push_back({{"type", r.type}, {"values", r.values}, {"occurrences", r.occurrences}});
  }
  Json json = {{"purpose", exchange.purpose},
               {"model", model},
               {"outcome", std::string(AgentOutcomeName(exchange.outcome))},
               {"detail", exchange.detail},
               {"messages", messages},
               {"usage",
                {{"prompt_tokens", exchange.usage.prompt_tokens},
                 {"completion_tokens", exchange.usage.completion_tokens},
                 {"total_tokens", exchange.usage.total_tokens}}},
               {"redactions", redactions},
               {"unknown_placeholders", exchange.unknown_placeholders},
               {"turns", exchange.turns},
               {"tool_calls", exchange.tool_calls}};
  if (!exchange.field.empty()) {
    json["field"] = exchange.field;
  }
  const Json extra = Parse(exchange.extra_json);
  if (extra.is_object()) {
    json.update(extra);
  }
  return Dump(json);
}

AuditEntry LlmAudit(const std::string& kind, const LlmAssistInput& input,
                    const std::string& model_version, const std::string& detail_json) {
  AuditEntry entry;
  entry.time_ms = input.now_ms;
  entry.kind = kind;
  entry.trace_id = input.trace_id;
  entry.ticket_id = input.ticket->id;
  entry.model_version = model_version;
  entry.detail = detail_json;
  return entry;
}

void UpdateAdvice(const LlmAssistInput& input, const LlmDrafts& drafts,
                  const std::vector<std::string>& transcripts, bool labels_changed,
                  TriageCommit* commit) {
  if (!commit->advice.has_value()) {
    AdviceRecord record;
    record.ticket_id = input.ticket->id;
    record.ticket_version = std::to_string(input.ticket->updated_at);
    record.trace_id = input.trace_id;
    record.created_ms = input.now_ms;
    record.advice_json = "{}";
    commit->advice = std::move(record);
  }
  Json json = Parse(commit->advice->advice_json);
  if (!json.is_object()) {
    json = Json::object();
  }
  if (!drafts.reply.empty()) {
    json["reply_draft"] = drafts.reply;
  }
  if (!drafts.summary.empty()) {
    json["summary"] = drafts.summary;
    json["summary_source"] = "llm";
  } else {
    json["summary_source"] = "extractive";
  }
  Json stored = Json::array();
  for (const std::string& t : transcripts) {
    stored.push_back(Parse(t));
  }
  json["llm_transcripts"] = stored;
  if (labels_changed) {
    // The card's draft note shows the proposals as if approved (triage.cc does the same).
    std::vector<NoteChange> pending;
    std::vector<NoteChange> autofill;
    for (const DecisionRecord& d : commit->decisions) {
      const bool llm = d.model_version.rfind("llm:", 0) == 0;
      NoteChange change{d.field, d.new_value, d.old_value, d.confidence, NoteWords(d)};
      if (llm && !change.words.empty() && change.words[0].size() > kNoteReasonChars) {
        change.words[0] = change.words[0].substr(0, kNoteReasonChars) + "...";
      }
      if (d.outcome == outcome::kPending) {
        pending.push_back(std::move(change));
      } else if (d.outcome == outcome::kAutofill) {
        autofill.push_back(std::move(change));
      }
    }
    auto by_field = [](const NoteChange& a, const NoteChange& b) { return a.field < b.field; };
    std::sort(pending.begin(), pending.end(), by_field);
    std::sort(autofill.begin(), autofill.end(), by_field);
    std::optional<TicketAdvice> advice;
    if (Result<TicketAdvice> parsed = ParseAdviceJson(Dump(json)); parsed.ok()) {
      advice = std::move(*parsed);
    }
    NoteInput draft;
    draft.changes = pending.empty() ? autofill : pending;
    draft.applied = false;
    draft.advice = advice ? &*advice : nullptr;
    draft.ticket_id = input.ticket->id;
    draft.dashboard_url = input.dashboard_url;
    draft.html = input.html_notes;
    json["note_draft"] = BuildNote(draft);
  }
  commit->advice->advice_json = Dump(json);
}

}  // namespace autotriage::llm_engine
