// The knowledge part of Triage::Run: the query for the advisor, the "agent" decision from the
// assignee recommender and the stored advice record.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "autotriage/engine/triage.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

}  // namespace

void Triage::NoteAdviceQuery(const std::string& field, const Prediction& prediction,
                             AdviceQuery* query) {
  if (prediction.top.empty() || prediction.abstain) {
    return;  // an abstained prediction must not steer precedents or routing
  }
  if (field == "group") {
    query->group = prediction.top.front().label;
    query->group_confidence = prediction.top.front().probability;
  } else if (field == "category") {
    query->category = prediction.top.front().label;
  }
}

std::optional<DecisionRecord> Triage::DecideAssignee(
    const Policy& policy, const Ticket& ticket, const TriageInput& input,
    const TicketAdvice& advice, const std::string& queue, const std::string& version,
    std::vector<NoteChange>* changes, std::vector<NoteChange>* proposed) const {
  const std::string field = "agent";
  if (policy.ModeFor(queue, field) == AutonomyMode::kOff || advice.assignees.empty()) {
    return std::nullopt;
  }
  // The helpdesk knows agents by name (Freshworks) or login (RT); the schema's choices say which.
  auto label_of = [](const AssigneeSuggestion& s) { return s.name.empty() ? s.email : s.name; };
  double total = 0;
  for (const AssigneeSuggestion& s : advice.assignees) {
    total += std::max(0.0, s.score);
  }
  Prediction prediction;
  HeadInfo head;
  head.field = field;
  for (const AssigneeSuggestion& s : advice.assignees) {
    const double share = total > 0 ? std::max(0.0, s.score) / total : 1.0 / advice.assignees.size();
    prediction.top.push_back({label_of(s), share});
    head.labels.push_back(label_of(s));
    // A recommender has no calibration curve: any top agent may be decided on; the cell's
    // min_margin is the gate that matters (a target_precision cannot be met: no curve).
    ClassThreshold threshold;
    threshold.label = label_of(s);
    threshold.threshold = 0.0;
    threshold.reachable = true;
    head.thresholds.push_back(threshold);
  }
  prediction.explanation.push_back(
      {advice.assignees.front().reason, prediction.top.front().probability});
  const FieldDecision decision =
      policy.Decide(ticket, {field, &prediction, &head}, *input.schema, input.overrides);
  DecisionRecord record;
  record.trace_id = input.trace_id;
  record.ticket_id = ticket.id;
  record.ticket_version = version;
  record.queue = queue;
  record.field = field;
  record.model_version = model_version_;
  record.created_ms = input.now_ms;
  record.updated_ms = input.now_ms;
  record.old_value = decision.old_value;
  record.new_value = decision.new_value;
  record.confidence = decision.confidence;
  record.margin = decision.margin;
  record.mode = std::string(ToString(decision.mode));
  record.outcome = decision.outcome;
  record.reason = decision.reason;
  Json reasons = Json::array();
  for (const AssigneeSuggestion& s : advice.assignees) {
    reasons.push_back({{"feature", label_of(s) + ": " + s.reason}, {"weight", s.score}});
  }
  record.explanation = reasons.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (decision.outcome == outcome::kAutofill || decision.outcome == outcome::kPending) {
    (decision.outcome == outcome::kAutofill ? changes : proposed)
        ->push_back({field,
                     decision.new_value,
                     decision.old_value,
                     decision.confidence,
                     {advice.assignees.front().reason}});
  }
  return record;
}

AdviceRecord Triage::MakeAdviceRecord(const Ticket& ticket, const TriageInput& input,
                                      const std::string& version, const TicketAdvice& advice,
                                      const std::vector<NoteChange>& changes) const {
  AdviceRecord record;
  record.ticket_id = ticket.id;
  record.ticket_version = version;
  record.trace_id = input.trace_id;
  record.created_ms = input.now_ms;
  Json json = Json::parse(AdviceJson(advice));
  NoteInput draft;
  draft.changes = changes;
  draft.applied = false;
  draft.advice = &advice;
  draft.ticket_id = ticket.id;
  draft.dashboard_url = options_.dashboard_url;
  draft.html = options_.html_notes;
  json["note_draft"] = BuildNote(draft);
  record.advice_json = json.dump(-1, ' ', false, Json::error_handler_t::replace);
  return record;
}

}  // namespace autotriage
