// Outcome tracking: classification of decisions against a later ticket version, the corrections
// they yield, resolution facts, and recording all of it (outcomes.h).
#include "autotriage/engine/outcomes.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "autotriage/engine/engine_internal.h"
#include "autotriage/engine/triage.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr char kEngineNoteMarker[] = "[autotriage:";

std::string FieldOf(const Ticket& ticket, const std::string& field) {
  auto it = ticket.fields.find(field);
  return it == ticket.fields.end() ? std::string() : it->second;
}

// A reply or note by someone other than the requester and the engine since `since_ms`.
bool HumanActivitySince(const Ticket& ticket, int64_t since_ms) {
  for (const Conversation& c : ticket.conversations) {
    if (!c.from_requester && c.created_at * 1000 >= since_ms / 1000 * 1000 &&
        c.body_html.find(kEngineNoteMarker) == std::string::npos) {
      return true;
    }
  }
  return false;
}

// The label text as the store keeps it: well-formed UTF-8 without NUL bytes (invalid bytes
// become U+FFFD), so an odd ticket body never makes a correction unstorable.
std::string StorableText(const std::string& text) {
  std::string clean = Json::parse(Json(text).dump(-1, ' ', false, Json::error_handler_t::replace))
                          .get<std::string>();
  clean.erase(std::remove(clean.begin(), clean.end(), '\0'), clean.end());
  return clean;
}

const ApprovalActionRecord* LastActionOf(const std::vector<ApprovalActionRecord>& actions,
                                         int64_t decision_id) {
  const ApprovalActionRecord* last = nullptr;
  for (const ApprovalActionRecord& a : actions) {
    if (a.decision_id == decision_id && (last == nullptr || a.id > last->id)) {
      last = &a;
    }
  }
  return last;
}

}  // namespace

bool IsResolvedStatus(const std::string& status) {
  std::string lower = status;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "resolved" || lower == "closed";
}

std::vector<ClassifiedOutcome> ClassifyOutcomes(const Ticket& ticket,
                                                const std::vector<DecisionRecord>& decisions,
                                                const std::vector<ApprovalActionRecord>& actions,
                                                const std::set<int64_t>& known, int64_t now_ms) {
  std::vector<ClassifiedOutcome> out;
  const bool resolved = IsResolvedStatus(ticket.status);
  std::string text;  // built once, when a correction needs it
  for (const DecisionRecord& d : decisions) {
    const bool proposed = d.mode == "suggest" || d.mode == "autofill";
    if (!proposed || d.new_value.empty() || known.count(d.id) > 0) {
      continue;
    }
    const std::string current = FieldOf(ticket, d.field);
    std::string kind;
    std::string human_value;
    std::string source;  // correction source; "" = no correction
    std::string label;
    const ApprovalActionRecord* action = LastActionOf(actions, d.id);
    const std::string action_name = action != nullptr ? action->action : "";
    if (action_name == approval_action::kApproved) {
      kind = outcome_kind::kAccepted;
      human_value = label = d.new_value;
      source = correction_source::kApproved;
    } else if (action_name == approval_action::kEdited) {
      kind = outcome_kind::kReplaced;
      human_value = label = action->human_value;
      source = correction_source::kEdited;
    } else if (d.mode == "autofill") {
      if (d.outcome != outcome::kApplied) {
        continue;  // never written: nothing a human could agree or disagree with
      }
      if (current == d.new_value) {
        if (!resolved && !HumanActivitySince(ticket, d.updated_ms)) {
          continue;  // nobody has looked yet: the engine's own write is no verdict
        }
        kind = outcome_kind::kAccepted;
        human_value = current;
        if (resolved) {
          source = correction_source::kHumanSet;
          label = current;
        }
      } else if (current == d.old_value) {
        kind = outcome_kind::kReverted;
        human_value = label = current;
        source = correction_source::kReverted;
      } else {
        kind = outcome_kind::kReplaced;
        human_value = label = current;
        source = correction_source::kReplaced;
      }
    } else {  // a suggestion no human approved (pending, superseded, rejected, expired)
      if (current != d.old_value) {
        const bool same = current == d.new_value;
        kind = same ? outcome_kind::kAccepted : outcome_kind::kReplaced;
        human_value = label = current;
        source = same ? correction_source::kHumanSet : correction_source::kReplaced;
      } else if (resolved && (d.outcome == outcome::kRejected || d.outcome == "expired" ||
                              d.outcome == outcome::kSuperseded ||
                              // Resolved while the suggestion still waited: the team closed the
                              // ticket without it, and no later version may come to count it.
                              d.outcome == outcome::kPending)) {
        kind = outcome_kind::kSkipped;
      } else {
        continue;  // still open, or still waiting for a human
      }
    }
    ClassifiedOutcome classified;
    classified.outcome = {d.id, d.ticket_id, d.queue,     d.field, d.mode,
                          kind, d.new_value, human_value, now_ms};
    if (!source.empty() && !label.empty()) {
      if (text.empty()) {
        text = StorableText(TicketModelText(ticket));
      }
      classified.correction =
          CorrectionRecord{0, d.ticket_id, d.queue, d.field, label, source, text, now_ms};
    }
    out.push_back(std::move(classified));
  }
  return out;
}

std::optional<ResolutionRecord> ResolutionOf(const Ticket& ticket, const std::string& queue,
                                             int64_t now_ms) {
  if (!IsResolvedStatus(ticket.status)) {
    return std::nullopt;
  }
  int agent_replies = 0;
  bool requester_after_reply = false;
  std::vector<const Conversation*> ordered;
  for (const Conversation& c : ticket.conversations) {
    ordered.push_back(&c);
  }
  std::stable_sort(
      ordered.begin(), ordered.end(),
      [](const Conversation* a, const Conversation* b) { return a->created_at < b->created_at; });
  for (const Conversation* c : ordered) {
    if (c->from_requester) {
      requester_after_reply = requester_after_reply || agent_replies > 0;
    } else if (!c->is_private) {
      ++agent_replies;
    }
  }
  ResolutionRecord r;
  r.ticket_id = ticket.id;
  const std::string group = FieldOf(ticket, "group");
  r.queue = group.empty() ? queue : group;
  r.created_ms = ticket.created_at * 1000;
  r.resolved_ms = ticket.updated_at * 1000;
  r.conversations = static_cast<int>(ticket.conversations.size());
  r.first_contact = agent_replies <= 1 && !requester_after_reply;
  r.observed_ms = now_ms;
  return r;
}

Status RecordTicketOutcomes(EngineContext* context, const Job& job, const Ticket& ticket,
                            const std::vector<DecisionRecord>& decisions) {
  Store& store = *context->store;
  Result<std::vector<OutcomeRecord>> recorded = store.OutcomesForTicket(ticket.id);
  if (!recorded.ok()) {
    return recorded.status();
  }
  std::set<int64_t> known;
  for (const OutcomeRecord& o : *recorded) {
    known.insert(o.decision_id);
  }
  std::vector<ApprovalActionRecord> actions;
  if (std::any_of(decisions.begin(), decisions.end(), [&](const DecisionRecord& d) {
        return d.mode == "suggest" && known.count(d.id) == 0;
      })) {
    Result<std::vector<ApprovalActionRecord>> listed = store.ListApprovalActions(ticket.id, 1000);
    if (!listed.ok()) {
      return listed.status();
    }
    actions = std::move(*listed);
  }
  const int64_t now_ms = NowMs();
  for (const ClassifiedOutcome& c : ClassifyOutcomes(ticket, decisions, actions, known, now_ms)) {
    // The correction first: it is idempotent, so a crash before the outcome loses nothing.
    if (c.correction.has_value()) {
      AUTOTRIAGE_RETURN_IF_ERROR(store.AppendCorrection(*c.correction));
    }
    const OutcomeRecord& o = c.outcome;
    AuditEntry audit;
    audit.time_ms = now_ms;
    audit.kind = "outcome";
    audit.trace_id = job.trace_id;
    audit.ticket_id = ticket.id;
    audit.detail = Json{{"decision_id", o.decision_id},
                        {"field", o.field},
                        {"queue", o.queue},
                        {"mode", o.mode},
                        {"kind", o.kind},
                        {"engine_value", o.engine_value},
                        {"human_value", o.human_value},
                        {"version", std::to_string(ticket.updated_at)}}
                       .dump(-1, ' ', false, Json::error_handler_t::replace);
    Result<bool> inserted = store.RecordOutcome(o, audit);
    if (!inserted.ok()) {
      return inserted.status();
    }
    if (!*inserted) {
      continue;
    }
    context->metrics->registry
        ->LabeledCounter("autotriage_outcomes_total",
                         "What became of suggestions and autofills, by field and kind",
                         {"field", "kind"}, {o.field, o.kind})
        ->Increment();
    context->log->Write(LogLevel::kInfo, "decision outcome", job.trace_id, ticket.id,
                        {{"field", o.field}, {"mode", o.mode}, {"kind", o.kind}});
  }
  const std::string queue = decisions.empty() ? std::string() : decisions.front().queue;
  if (std::optional<ResolutionRecord> r = ResolutionOf(ticket, queue, now_ms)) {
    AuditEntry audit;
    audit.time_ms = now_ms;
    audit.kind = "ticket_resolved";
    audit.trace_id = job.trace_id;
    audit.ticket_id = ticket.id;
    audit.detail = Json{{"queue", r->queue},
                        {"first_contact", r->first_contact},
                        {"conversations", r->conversations},
                        {"resolve_seconds", (r->resolved_ms - r->created_ms) / 1000}}
                       .dump(-1, ' ', false, Json::error_handler_t::replace);
    Result<bool> inserted = store.RecordResolution(*r, audit);
    if (!inserted.ok()) {
      return inserted.status();
    }
  }
  return Status::Ok();
}

}  // namespace autotriage
