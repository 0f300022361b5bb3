#include "autotriage/engine/triage.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "autotriage/core/ids.h"
#include "autotriage/engine/note.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

// Words shown per change in a note: enough to say why, short enough to read at a glance.
constexpr size_t kNoteWords = 3;

bool IsBlank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

std::string FieldValue(const Ticket& ticket, const std::string& field) {
  auto it = ticket.fields.find(field);
  return it == ticket.fields.end() ? std::string() : it->second;
}

// The words that argued for the chosen label (positive contributions), best first.
std::vector<std::string> SupportingWords(const Prediction& prediction, size_t max_words) {
  std::vector<std::string> words;
  for (const Contribution& c : prediction.explanation) {
    if (c.weight > 0 && words.size() < max_words) {
      words.push_back(c.feature);
    }
  }
  return words;
}

std::string ExplanationJson(const Prediction& prediction) {
  Json array = Json::array();
  for (const Contribution& c : prediction.explanation) {
    array.push_back({{"feature", c.feature}, {"weight", c.weight}});
  }
  return array.dump(-1, ' ', false, Json::error_handler_t::replace);
}

AuditEntry MakeAudit(const std::string& kind, const TriageInput& input,
                     const std::string& model_version, const std::string& input_hash,
                     const Json& detail) {
  AuditEntry entry;
  entry.time_ms = input.now_ms;
  entry.kind = kind;
  entry.trace_id = input.trace_id;
  entry.ticket_id = input.ticket->id;
  entry.model_version = model_version;
  entry.input_hash = input_hash;
  entry.detail = detail.dump(-1, ' ', false, Json::error_handler_t::replace);
  return entry;
}

}  // namespace

std::string TicketModelText(const Ticket& ticket) {
  std::string text;
  for (const std::string* part : {&ticket.subject, &ticket.description_html}) {
    if (IsBlank(*part)) {
      continue;
    }
    if (!text.empty()) {
      text += '\n';
    }
    text += *part;
  }
  return text;
}

std::string NoteMarker(const std::string& idempotency_key) {
  return "[autotriage:" + idempotency_key + "]";
}

std::string WriteIdempotencyKey(const std::string& ticket_id, const std::string& version,
                                const std::vector<NoteChange>& changes) {
  std::string key_text = ticket_id + '\n' + version;
  for (const NoteChange& c : changes) {
    key_text += '\n' + c.field + '=' + c.value;
  }
  return ToHex64(Fnv1a64(key_text));
}

std::string WriteUpdatesJson(const std::vector<NoteChange>& changes) {
  Json updates = Json::array();
  for (const NoteChange& c : changes) {
    updates.push_back({{"field", c.field}, {"value", c.value}, {"old", c.old_value}});
  }
  return updates.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Triage::Triage(const ModelBundle* bundle, const Policy* policy, TriageOptions options,
               const Advisor* advisor)
    : bundle_(bundle), policy_(policy), options_(std::move(options)), advisor_(advisor) {
  model_version_ = ModelVersionId(*bundle_);
}

TriageResult Triage::Run(const TriageInput& input) const {
  const auto start = std::chrono::steady_clock::now();
  const Ticket& ticket = *input.ticket;
  const Policy& policy = input.policy != nullptr ? *input.policy : *policy_;
  TriageResult result;
  result.commit.job_id = input.job_id;
  const std::string text = TicketModelText(ticket);
  const std::string input_hash = ToHex64(Fnv1a64(text));

  if (std::optional<std::string> skip = policy.SkipReason(ticket)) {
    result.skipped = true;
    result.skip_reason = *skip;
    result.commit.audit.push_back(
        MakeAudit("skipped", input, model_version_, input_hash, {{"reason", *skip}}));
    result.engine_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
  }

  const std::string queue = FieldValue(ticket, "group");
  const std::string version = std::to_string(ticket.updated_at);
  Json predictions = Json::object();
  Json outcomes = Json::object();
  Json diff = Json::object();
  std::vector<NoteChange> changes;   // autofill: written now
  std::vector<NoteChange> proposed;  // pending: written when approved (the card's draft note)
  AdviceQuery advice_query;
  advice_query.now = input.now_ms / 1000;
  thread_local PredictionScratch scratch;  // reused across tickets: no allocation per ticket
  scratch.Reset();
  for (const std::string& field : options_.fields) {
    const Head* head = bundle_->head(field);
    if (head == nullptr) {
      continue;
    }
    DecisionRecord record;
    record.trace_id = input.trace_id;
    record.ticket_id = ticket.id;
    record.ticket_version = version;
    record.queue = queue;
    record.field = field;
    record.model_version = model_version_;
    record.created_ms = input.now_ms;
    record.updated_ms = input.now_ms;
    if (policy.ModeFor(queue, field) == AutonomyMode::kOff) {
      // Not predicted at all: the cheapest path, and the trail still says why.
      record.old_value = FieldValue(ticket, field);
      record.mode = std::string(ToString(AutonomyMode::kOff));
      record.outcome = outcome::kOff;
      record.reason = "mode off for this queue and field";
      record.explanation = "[]";
      outcomes[field] = {{"mode", record.mode}, {"outcome", record.outcome}};
      result.commit.decisions.push_back(std::move(record));
      continue;
    }
    // One pass gives the labels and the exact explanation (Head::Predict attributes features to
    // words while it builds them), so every decision, shadow ones included, is explained.
    // The heads of a bundle trained together share their features: the scratch computes the
    // normalised text and the features once for all fields of this ticket.
    const Prediction prediction = head->Predict(text, 2, options_.explain_features, &scratch);
    const FieldDecision decision =
        policy.Decide(ticket, {field, &prediction, &head->info()}, *input.schema, input.overrides);
    Triage::NoteAdviceQuery(field, prediction, &advice_query);
    // The diff lists what would change on the ticket: written (autofill) or proposed (pending).
    const bool shown =
        decision.outcome == outcome::kAutofill || decision.outcome == outcome::kPending;
    record.old_value = decision.old_value;
    record.new_value = decision.new_value;
    record.confidence = decision.confidence;
    record.margin = decision.margin;
    record.mode = std::string(ToString(decision.mode));
    record.outcome = decision.outcome;
    record.reason = decision.reason;
    record.explanation = ExplanationJson(prediction);

    Json top = Json::array();
    for (const LabelProbability& p : prediction.top) {
      top.push_back({{"label", p.label}, {"p", p.probability}});
    }
    predictions[field] = {{"top", top}, {"abstain", prediction.abstain}};
    outcomes[field] = {{"mode", record.mode},
                       {"outcome", record.outcome},
                       {"reason", record.reason},
                       {"confidence", record.confidence},
                       {"threshold", decision.threshold}};
    if (shown) {
      diff[field] = {{"old", decision.old_value}, {"new", decision.new_value}};
    }
    if (shown) {
      (decision.outcome == outcome::kAutofill ? changes : proposed)
          .push_back({field, decision.new_value, decision.old_value, decision.confidence,
                      SupportingWords(prediction, kNoteWords)});
    }
    result.commit.decisions.push_back(std::move(record));
  }

  // Knowledge and routing: articles, similar tickets, assignees and a summary for the proposal,
  // asked with the classifier's view of the ticket (its predicted group ranks the precedents).
  std::optional<TicketAdvice> advice;
  if (advisor_ != nullptr) {
    if (advice_query.group.empty() && !queue.empty()) {
      advice_query.group = queue;
      advice_query.group_confidence = 1.0;
    }
    if (advice_query.category.empty()) {
      advice_query.category = FieldValue(ticket, "category");
    }
    advice = advisor_->Advise(ticket, advice_query);
    if (std::optional<DecisionRecord> agent =
            DecideAssignee(policy, ticket, input, *advice, queue, version, &changes, &proposed)) {
      const DecisionRecord& record = *agent;
      outcomes["agent"] = {{"mode", record.mode},
                           {"outcome", record.outcome},
                           {"reason", record.reason},
                           {"confidence", record.confidence}};
      if (record.outcome == outcome::kAutofill || record.outcome == outcome::kPending) {
        diff["agent"] = {{"old", record.old_value}, {"new", record.new_value}};
      }
      result.commit.decisions.push_back(std::move(*agent));
    }
  }

  result.commit.audit.push_back(MakeAudit("prediction", input, model_version_, input_hash,
                                          {{"version", version}, {"fields", predictions}}));
  Json decision_detail = {{"version", version}, {"fields", outcomes}, {"diff", diff}};

  auto by_field = [](const NoteChange& a, const NoteChange& b) { return a.field < b.field; };
  std::sort(proposed.begin(), proposed.end(), by_field);
  if (!changes.empty()) {
    std::sort(changes.begin(), changes.end(), by_field);
    WriteRecord write;
    write.idempotency_key = WriteIdempotencyKey(ticket.id, version, changes);
    write.trace_id = input.trace_id;
    write.ticket_id = ticket.id;
    write.ticket_version = version;
    write.updates_json = WriteUpdatesJson(changes);
    if (options_.post_notes) {
      NoteInput note;
      note.changes = changes;
      note.advice = advice ? &*advice : nullptr;
      note.idempotency_key = write.idempotency_key;
      note.ticket_id = ticket.id;
      note.dashboard_url = options_.dashboard_url;
      note.html = options_.html_notes;
      write.note = BuildNote(note);
    }
    write.state = WriteState::kPlanned;
    write.created_ms = input.now_ms;
    write.updated_ms = input.now_ms;
    decision_detail["write"] = write.idempotency_key;
    result.commit.write = std::move(write);
  }
  result.commit.audit.push_back(
      MakeAudit("decision", input, model_version_, input_hash, decision_detail));
  if (advice) {
    result.commit.advice =
        MakeAdviceRecord(ticket, input, version, *advice, proposed.empty() ? changes : proposed);
  }
  result.engine_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace autotriage
