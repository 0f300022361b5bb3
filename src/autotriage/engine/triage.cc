#include "autotriage/engine/triage.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "autotriage/core/ids.h"

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

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Percent(double probability) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%.0f%%", probability * 100.0);
  return buffer;
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

struct PlannedChange {
  std::string field;
  std::string value;
  std::string old_value;
  double confidence = 0;
  std::vector<std::string> words;
};

std::string BuildNote(const std::vector<PlannedChange>& changes, const std::string& key,
                      const TriageOptions& options, const std::string& ticket_id) {
  std::string note;
  if (options.html_notes) {
    note += "<p><b>autotriage</b> updated this ticket:</p><ul>";
    for (const PlannedChange& c : changes) {
      note += "<li><b>" + HtmlEscape(c.field) + "</b>: " + HtmlEscape(c.value);
      note += c.old_value.empty() ? " (was empty)" : " (was " + HtmlEscape(c.old_value) + ")";
      note += ", confidence " + Percent(c.confidence);
      if (!c.words.empty()) {
        std::string joined;
        for (const std::string& w : c.words) {
          joined += (joined.empty() ? "" : ", ") + HtmlEscape(w);
        }
        note += "; words: " + joined;
      }
      note += "</li>";
    }
    note += "</ul>";
    if (!options.dashboard_url.empty()) {
      const std::string url = options.dashboard_url + "/tickets/" + ticket_id;
      note += "<p><a href=\"" + HtmlEscape(url) + "\">Review in autotriage</a></p>";
    }
    note += "<p>" + NoteMarker(key) + "</p>";
    return note;
  }
  note += "autotriage updated this ticket:\n";
  for (const PlannedChange& c : changes) {
    note += "- " + c.field + ": " + c.value;
    note += c.old_value.empty() ? " (was empty)" : " (was " + c.old_value + ")";
    note += ", confidence " + Percent(c.confidence);
    if (!c.words.empty()) {
      std::string joined;
      for (const std::string& w : c.words) {
        joined += (joined.empty() ? "" : ", ") + w;
      }
      note += "; words: " + joined;
    }
    note += "\n";
  }
  if (!options.dashboard_url.empty()) {
    note += "Review: " + options.dashboard_url + "/tickets/" + ticket_id + "\n";
  }
  note += NoteMarker(key);
  return note;
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

Triage::Triage(const ModelBundle* bundle, const Policy* policy, TriageOptions options)
    : bundle_(bundle), policy_(policy), options_(std::move(options)) {
  model_version_ = "m-" + ToHex64(Fnv1a64(bundle_->DescribeJson())).substr(0, 12);
}

TriageResult Triage::Run(const TriageInput& input) const {
  const auto start = std::chrono::steady_clock::now();
  const Ticket& ticket = *input.ticket;
  TriageResult result;
  result.commit.job_id = input.job_id;
  const std::string text = TicketModelText(ticket);
  const std::string input_hash = ToHex64(Fnv1a64(text));

  if (std::optional<std::string> skip = policy_->SkipReason(ticket)) {
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
  std::vector<PlannedChange> changes;
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
    if (policy_->ModeFor(queue, field) == AutonomyMode::kOff) {
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
    const Prediction prediction = head->Predict(text, 2, options_.explain_features);
    const FieldDecision decision = policy_->Decide(ticket, {field, &prediction, &head->info()},
                                                   *input.schema, input.overrides);
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
    if (decision.outcome == outcome::kAutofill) {
      changes.push_back({field, decision.new_value, decision.old_value, decision.confidence,
                         SupportingWords(prediction, kNoteWords)});
    }
    result.commit.decisions.push_back(std::move(record));
  }

  result.commit.audit.push_back(MakeAudit("prediction", input, model_version_, input_hash,
                                          {{"version", version}, {"fields", predictions}}));
  Json decision_detail = {{"version", version}, {"fields", outcomes}, {"diff", diff}};

  if (!changes.empty()) {
    std::sort(changes.begin(), changes.end(),
              [](const PlannedChange& a, const PlannedChange& b) { return a.field < b.field; });
    Json updates = Json::array();
    std::string key_text = ticket.id + '\n' + version;
    for (const PlannedChange& c : changes) {
      updates.push_back({{"field", c.field}, {"value", c.value}, {"old", c.old_value}});
      key_text += '\n' + c.field + '=' + c.value;
    }
    WriteRecord write;
    write.idempotency_key = ToHex64(Fnv1a64(key_text));
    write.trace_id = input.trace_id;
    write.ticket_id = ticket.id;
    write.ticket_version = version;
    write.updates_json = updates.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (options_.post_notes) {
      write.note = BuildNote(changes, write.idempotency_key, options_, ticket.id);
    }
    write.state = WriteState::kPlanned;
    write.created_ms = input.now_ms;
    write.updated_ms = input.now_ms;
    decision_detail["write"] = write.idempotency_key;
    result.commit.write = std::move(write);
  }
  result.commit.audit.push_back(
      MakeAudit("decision", input, model_version_, input_hash, decision_detail));
  result.engine_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace autotriage
