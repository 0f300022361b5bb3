// ApprovalService::Approve and the write it plans: the same updates, idempotency key and note as
// triage.cc gives an autofill write, so the dispatcher applies it exactly once like any other.
#include <nlohmann/json.hpp>

#include "autotriage/engine/approvals_internal.h"
#include "autotriage/engine/note.h"
#include "autotriage/engine/triage.h"
#include "autotriage/policy/policy.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr size_t kNoteWords = 3;  // as in triage.cc
constexpr size_t kMaxNoteBytes = 20000;
constexpr size_t kMaxValueBytes = 1000;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The words that drove a decision, from its stored explanation [{feature, weight}]. The "agent"
// field's explanation lists "<agent>: <reason>" per suggested agent; its words are the chosen
// agent's reason, as triage puts them in the note.
std::vector<std::string> WordsOf(const DecisionRecord& d) {
  std::vector<std::string> words;
  const Json explanation = Json::parse(d.explanation, nullptr, false);
  if (!explanation.is_array()) {
    return words;
  }
  for (const Json& item : explanation) {
    if (!item.is_object() || !item.contains("feature") || !item["feature"].is_string()) {
      continue;
    }
    const std::string feature = item["feature"].get<std::string>();
    if (d.field == "agent") {
      const std::string prefix = d.new_value + ": ";
      if (feature.rfind(prefix, 0) == 0) {
        return {feature.substr(prefix.size())};
      }
      continue;
    }
    const double weight =
        item.contains("weight") && item["weight"].is_number() ? item["weight"].get<double>() : 0.0;
    if (weight > 0 && words.size() < kNoteWords) {
      words.push_back(feature);
    }
  }
  return words;
}

}  // namespace

Status ApprovalServiceImpl::Approve(const ApproveRequest& request) {
  AUTOTRIAGE_RETURN_IF_ERROR(
      CheckApprovalTarget(request.ticket_id, request.ticket_version, request.actor));
  // The policy first, so that an edit of a field the engine never writes is named as such.
  std::vector<std::pair<std::string, std::string>> edits(request.edits.begin(),
                                                         request.edits.end());
  for (const auto& [field, value] : edits) {
    if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
      return InvalidArgument("the edit of '" + field + "' has no value");
    }
    if (value.size() > kMaxValueBytes) {
      return InvalidArgument("the edit of '" + field + "' is longer than " +
                             std::to_string(kMaxValueBytes) + " bytes");
    }
  }
  if (Status allowed = policy_->current()->CheckWrite(edits); !allowed.ok()) {
    return InvalidArgument(allowed.message());
  }
  if (request.note.has_value() && request.note->size() > kMaxNoteBytes) {
    return InvalidArgument("the note is longer than " + std::to_string(kMaxNoteBytes) + " bytes");
  }
  Result<std::vector<DecisionRecord>> pending =
      PendingOf(request.ticket_id, request.ticket_version);
  if (!pending.ok()) {
    return pending.status();
  }
  std::map<std::string, std::string> values;
  std::string pending_fields;
  for (const DecisionRecord& d : *pending) {
    values[d.field] = d.new_value;
    pending_fields += (pending_fields.empty() ? "" : ", ") + d.field;
  }
  for (const auto& [field, value] : request.edits) {
    if (values.count(field) == 0) {
      return InvalidArgument("ticket " + request.ticket_id + " has no pending proposal for '" +
                             field + "' (pending: " + pending_fields + ")");
    }
    values[field] = value;
  }
  const std::string queue = pending->front().queue;
  if (request.always_for_queue && queue.empty()) {
    return InvalidArgument(
        "ticket " + request.ticket_id +
        " has no queue (group), so there is no queue cell to set to autofill; approve it "
        "without 'always', and change the autonomy matrix instead");
  }
  Result<WriteRecord> write = PlanWrite(request, *pending, values);
  if (!write.ok()) {
    return write.status();
  }

  const int64_t now = Now();
  ApprovalDecision decision;
  decision.ticket_id = request.ticket_id;
  decision.ticket_version = request.ticket_version;
  decision.actor = request.actor;
  decision.now_ms = now;
  Json fields = Json::object();
  for (const DecisionRecord& d : *pending) {
    decision.decision_ids.push_back(d.id);
    const std::string& value = values[d.field];
    if (value != d.new_value) {
      decision.human_values[d.id] = value;
    }
    fields[d.field] = {{"old", d.old_value}, {"proposed", d.new_value}, {"value", value}};
  }
  decision.action =
      decision.human_values.empty() ? approval_action::kApproved : approval_action::kEdited;
  decision.write = std::move(*write);
  const std::string note_kind =
      request.note.has_value() ? "edited" : (decision.write->note.empty() ? "none" : "engine");
  decision.audit.push_back(MakeApprovalAudit(
      "approval", request.ticket_id, pending->front().trace_id, pending->front().model_version,
      Dump({{"action", decision.action},
            {"actor", request.actor},
            {"version", request.ticket_version},
            {"fields", fields},
            {"write", decision.write->idempotency_key},
            {"note", note_kind},
            {"always_for_queue", request.always_for_queue}}),
      now));
  AUTOTRIAGE_RETURN_IF_ERROR(store_->DecideApproval(decision));
  Status promoted = Status::Ok();
  if (request.always_for_queue) {
    for (const DecisionRecord& d : *pending) {
      promoted = SetCell(queue, d.field, "autofill", request.actor);
      if (!promoted.ok()) {
        promoted = promoted.WithContext("approved, but setting the cell (" + queue + ", " +
                                        d.field + ") to autofill failed");
        break;
      }
    }
  }
  Announce({request.ticket_id, request.ticket_version, decision.action, request.actor, ""});
  return promoted;
}

Result<WriteRecord> ApprovalServiceImpl::PlanWrite(
    const ApproveRequest& request, const std::vector<DecisionRecord>& pending,
    const std::map<std::string, std::string>& values) {
  // `pending` is sorted by field, as triage sorts the changes of a write.
  std::vector<NoteChange> changes;
  std::vector<std::string> chosen_fields;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const DecisionRecord& d : pending) {
    NoteChange change;
    change.field = d.field;
    change.value = values.at(d.field);
    change.old_value = d.old_value;
    change.confidence = d.confidence;
    if (change.value != d.new_value) {
      chosen_fields.push_back(d.field);
    } else {
      change.words = WordsOf(d);
    }
    pairs.emplace_back(change.field, change.value);
    changes.push_back(std::move(change));
  }
  // Also the values nobody edited: the allow-list may have shrunk since the proposal.
  if (Status allowed = policy_->current()->CheckWrite(pairs); !allowed.ok()) {
    return InvalidArgument(allowed.message());
  }
  const int64_t now = Now();
  WriteRecord write;
  write.idempotency_key = WriteIdempotencyKey(request.ticket_id, request.ticket_version, changes);
  write.trace_id = pending.front().trace_id;
  write.ticket_id = request.ticket_id;
  write.ticket_version = request.ticket_version;
  write.updates_json = WriteUpdatesJson(changes);
  for (const DecisionRecord& d : pending) {
    write.decision_ids.push_back(d.id);
  }
  if (request.note.has_value()) {
    // The human's words are posted even with engine.post_notes off: they asked for them.
    write.note = BuildHumanNote(*request.note, html_notes_, write.idempotency_key);
  } else if (post_notes_) {
    Result<std::optional<AdviceRecord>> stored = store_->LatestAdvice(request.ticket_id);
    if (!stored.ok()) {
      return stored.status();
    }
    std::optional<TicketAdvice> advice;
    if (stored->has_value()) {
      Result<TicketAdvice> parsed = ParseAdviceJson((*stored)->advice_json);
      if (parsed.ok()) {
        advice = std::move(*parsed);
      }  // unreadable advice: the note lists the changes only
    }
    NoteInput note;
    note.changes = changes;
    note.advice = advice ? &*advice : nullptr;
    note.idempotency_key = write.idempotency_key;
    note.ticket_id = request.ticket_id;
    note.dashboard_url = dashboard_url_;
    note.html = html_notes_;
    note.approved_by = request.actor;
    note.chosen_fields = chosen_fields;
    write.note = BuildNote(note);
  }
  write.state = WriteState::kPlanned;
  write.created_ms = now;
  write.updated_ms = now;
  return write;
}

}  // namespace autotriage
