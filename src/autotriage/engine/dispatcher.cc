// WriteDispatcher: applies one planned write exactly once.
//
// The invariants: never two notes, never a second PUT of an applied write, never a write to a
// ticket a human changed after the prediction. The helpdesk itself is the record of what an
// earlier, interrupted attempt did, so each attempt starts by reading the ticket:
//   1. The note marker is on the ticket (notes are posted after the fields), or every planned
//      value is there and no note is planned: an earlier attempt completed -> applied, nothing
//      sent.
//   2. The ticket's updated_at differs from the version the decisions were made on:
//      - an earlier attempt of this write may have sent the PUT (attempts > 1), every planned
//        value is there, the note is not and no other autotriage note is: our own PUT moved
//        updated_at -> post the note only, then applied;
//      - a write a human approved (its decisions are "approved" / "edited") whose fields all
//        still hold the value they had when proposed (or already the approved one) -> go on
//        with step 3: the proposal waited for a human, and meanwhile the engine's own autofill
//        write of other fields (or a reply) moved updated_at without touching what was approved;
//      - otherwise someone else changed the ticket -> superseded, nothing sent.
//   3. Unchanged ticket: allow-list check, PUT of the fields not yet equal, then the note.
// Failures: retryable errors put the write back (planned, retry at now + backoff) until
// engine.max_attempts, then failed; other errors fail it at once. A note is never re-sent by the
// HTTP client once it may have arrived, so an ambiguous note failure is resolved by step 1 on the
// next attempt.
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "autotriage/engine/engine_internal.h"
#include "autotriage/engine/note.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

struct PlannedUpdate {
  std::string field;
  std::string value;
  std::string old_value;
};

Result<std::vector<PlannedUpdate>> ParseUpdates(const std::string& updates_json) {
  Json parsed = Json::parse(updates_json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    return Corruption("planned write has malformed updates_json");
  }
  std::vector<PlannedUpdate> updates;
  for (const Json& item : parsed) {
    if (!item.is_object() || !item.contains("field") || !item["field"].is_string() ||
        !item.contains("value") || !item["value"].is_string()) {
      return Corruption("planned write has an update without field/value");
    }
    updates.push_back({item["field"].get<std::string>(), item["value"].get<std::string>(),
                       item.value("old", std::string())});
  }
  return updates;
}

std::string FieldValue(const Ticket& ticket, const std::string& field) {
  auto it = ticket.fields.find(field);
  return it == ticket.fields.end() ? std::string() : it->second;
}

bool HasText(const Ticket& ticket, const std::string& needle) {
  for (const Conversation& c : ticket.conversations) {
    if (c.body_html.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Every planned field still holds the value it had when proposed, or already the planned one:
// nobody changed what the write is about.
bool FieldsAsProposed(const Ticket& ticket, const std::vector<PlannedUpdate>& updates) {
  for (const PlannedUpdate& u : updates) {
    const std::string current = FieldValue(ticket, u.field);
    if (current != u.old_value && current != u.value) {
      return false;
    }
  }
  return true;
}

// An autotriage note other than this write's (another write of this ticket got there first).
bool HasOtherMarker(const Ticket& ticket, const std::string& own_marker) {
  const std::string prefix = NoteMarker("");
  const std::string open = prefix.substr(0, prefix.size() - 1);  // "[autotriage:"
  for (const Conversation& c : ticket.conversations) {
    for (size_t at = c.body_html.find(open); at != std::string::npos;
         at = c.body_html.find(open, at + 1)) {
      if (c.body_html.compare(at, own_marker.size(), own_marker) != 0) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

WorkOutcome WriteDispatcher::Process(const WriteRecord& write, int64_t lease_deadline_ms) {
  const auto start = std::chrono::steady_clock::now();
  struct ObserveOnExit {
    EngineContext* context;
    std::chrono::steady_clock::time_point start;
    ~ObserveOnExit() {
      context->metrics->write_seconds->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  } observe{context_, start};

  auto updates = ParseUpdates(write.updates_json);
  if (!updates.ok()) {
    return Finish(write, WriteState::kFailed, updates.status().ToString(), "{}");
  }
  auto ticket = context_->helpdesk->GetTicket(write.ticket_id);
  if (!ticket.ok()) {
    if (ticket.status().code() == StatusCode::kNotFound) {
      ++context_->helpdesk_errors;
      context_->metrics->HelpdeskError(StatusCode::kNotFound);
      return Finish(write, WriteState::kSuperseded, "ticket not found (deleted?)",
                    Json{{"reason", "ticket not found"}}.dump());
    }
    return Fail(write, ticket.status().WithContext("fetching ticket " + write.ticket_id));
  }
  const std::string marker = NoteMarker(write.idempotency_key);
  const bool note_planned = !write.note.empty();
  const bool marker_present = note_planned && HasText(*ticket, marker);
  bool all_values = true;
  Json current = Json::object();
  for (const PlannedUpdate& u : *updates) {
    const std::string value = FieldValue(*ticket, u.field);
    current[u.field] = value;
    all_values = all_values && value == u.value;
  }
  if (marker_present || (all_values && !note_planned)) {
    return Finish(write, WriteState::kApplied, "",
                  Json{{"recovered", true}, {"sent", Json::array()}}.dump());
  }

  const std::string version = std::to_string(ticket->updated_at);
  if (version != write.ticket_version) {
    const bool own_partial_write =
        all_values && write.attempts > 1 && !HasOtherMarker(*ticket, marker);
    bool approved_fields_untouched = false;
    if (!own_partial_write) {
      auto approved = CarriesApprovedDecisions(write);
      if (!approved.ok()) {
        return Fail(write, approved.status());
      }
      approved_fields_untouched = *approved && FieldsAsProposed(*ticket, *updates);
    }
    if (!own_partial_write && !approved_fields_untouched) {
      Json detail = {{"reason", "the ticket changed after the prediction"},
                     {"planned_version", write.ticket_version},
                     {"current_version", version},
                     {"current", current}};
      return Finish(write, WriteState::kSuperseded, "", detail.dump());
    }
    if (own_partial_write) {
      // Our PUT of an earlier attempt landed (and moved updated_at); the note did not.
      if (!LeaseAllowsAWrite(lease_deadline_ms)) {
        return AbandonAttempt(write);
      }
      auto note = context_->helpdesk->AddPrivateNote(write.ticket_id, NoteToPost(write));
      if (!note.ok()) {
        return Fail(write, note.status().WithContext("adding the note"),
                    /*may_have_arrived=*/true);
      }
      return Finish(write, WriteState::kApplied, "",
                    Json{{"recovered", true}, {"sent", {"note"}}, {"note_id", *note}}.dump());
    }
    // An approved write on a ticket whose approved fields nobody touched: step 3.
  }

  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<FieldUpdate> to_send;
  Json diff = Json::object();
  for (const PlannedUpdate& u : *updates) {
    pairs.emplace_back(u.field, u.value);
    if (FieldValue(*ticket, u.field) != u.value) {
      to_send.push_back({u.field, u.value});
      diff[u.field] = {{"old", FieldValue(*ticket, u.field)}, {"new", u.value}};
    }
  }
  if (Status allowed = context_->policy->current()->CheckWrite(pairs); !allowed.ok()) {
    return Finish(write, WriteState::kFailed, allowed.ToString(),
                  Json{{"error", allowed.ToString()}}.dump());
  }
  Json sent = Json::array();
  if (!LeaseAllowsAWrite(lease_deadline_ms)) {
    return AbandonAttempt(write);
  }
  if (!to_send.empty()) {
    auto updated = context_->helpdesk->UpdateFields(write.ticket_id, to_send);
    if (!updated.ok()) {
      return Fail(write, updated.status().WithContext("updating fields"),
                  /*may_have_arrived=*/true);
    }
    sent.push_back("fields");
  }
  Json detail = {{"diff", diff}};
  if (note_planned) {
    if (!LeaseAllowsAWrite(lease_deadline_ms)) {
      return AbandonAttempt(write);  // the next attempt finds the fields and posts the note
    }
    auto note = context_->helpdesk->AddPrivateNote(write.ticket_id, NoteToPost(write));
    if (!note.ok()) {
      return Fail(write, note.status().WithContext("adding the note"), /*may_have_arrived=*/true);
    }
    sent.push_back("note");
    detail["note_id"] = *note;
  }
  detail["sent"] = sent;
  return Finish(write, WriteState::kApplied, "", detail.dump());
}

Result<bool> WriteDispatcher::CarriesApprovedDecisions(const WriteRecord& write) const {
  if (write.decision_ids.empty()) {
    return false;
  }
  auto decisions = context_->store->DecisionsForTicket(write.ticket_id);
  if (!decisions.ok()) {
    return decisions.status();
  }
  for (const DecisionRecord& d : *decisions) {
    const bool carried = std::find(write.decision_ids.begin(), write.decision_ids.end(), d.id) !=
                         write.decision_ids.end();
    if (carried &&
        (d.outcome == approval_action::kApproved || d.outcome == approval_action::kEdited)) {
      return true;
    }
  }
  return false;
}

bool WriteDispatcher::LeaseAllowsAWrite(int64_t lease_deadline_ms) const {
  // A write call takes at most one connect and one request timeout: writes are not re-sent by
  // the HTTP client once they may have arrived (the config check keeps the lease longer).
  const HelpdeskOptions& helpdesk = context_->config.helpdesk;
  const int64_t needed_ms =
      int64_t{helpdesk.request_timeout_ms} + int64_t{helpdesk.connect_timeout_ms};
  return lease_deadline_ms - NowMs() > needed_ms;
}

std::string WriteDispatcher::NoteToPost(const WriteRecord& write) const {
  if (context_->advisor == nullptr) {
    return write.note;
  }
  std::vector<std::string> dropped;
  std::string note = DropMissingCitations(
      write.note, context_->helpdesk->capabilities().html_notes,
      [this](const std::string& id) { return context_->advisor->ArticleExists(id); }, &dropped);
  for (const std::string& id : dropped) {
    context_->log->Info("KB article " + id + " no longer exists; citation left out of the note",
                        write.trace_id, write.ticket_id);
  }
  return note;
}

WorkOutcome WriteDispatcher::AbandonAttempt(const WriteRecord& write) {
  context_->log->Write(LogLevel::kWarn,
                       "write attempt abandoned: its lease ends before a helpdesk call could "
                       "finish (engine.lease_seconds is short for this helpdesk's latency)",
                       write.trace_id, write.ticket_id, {{"write", write.idempotency_key}});
  context_->metrics->Write("abandoned");
  return WorkOutcome::kLost;
}

WorkOutcome WriteDispatcher::Finish(const WriteRecord& write, WriteState state,
                                    const std::string& message, const std::string& detail_json) {
  AuditEntry audit;
  audit.time_ms = NowMs();
  audit.kind = state == WriteState::kSuperseded ? "superseded"
               : state == WriteState::kApplied  ? "write"
                                                : "error";
  audit.trace_id = write.trace_id;
  audit.ticket_id = write.ticket_id;
  Json detail = Json::parse(detail_json, nullptr, false);
  if (detail.is_discarded() || !detail.is_object()) {
    detail = Json::object();
  }
  detail["write"] = write.idempotency_key;
  detail["state"] = std::string(ToString(state));
  detail["attempt"] = write.attempts;
  if (!message.empty()) {
    detail["error"] = message;
  }
  audit.detail = detail.dump(-1, ' ', false, Json::error_handler_t::replace);
  Status finished = context_->store->FinishWrite(write.id, state, message, 0, audit);
  if (!finished.ok()) {
    // The write stays in flight; when its lease ends it is claimed again and the re-check of
    // the ticket finds what this attempt did.
    context_->log->Write(LogLevel::kError, "could not record the write's result", write.trace_id,
                         write.ticket_id, {{"error", finished.ToString()}});
    return WorkOutcome::kLost;
  }
  context_->metrics->Write(std::string(ToString(state)));
  context_->log->Write(state == WriteState::kFailed ? LogLevel::kError : LogLevel::kInfo,
                       "write " + std::string(ToString(state)), write.trace_id, write.ticket_id,
                       {{"write", write.idempotency_key}});
  switch (state) {
    case WriteState::kApplied:
      ++context_->writes_applied;
      return WorkOutcome::kApplied;
    case WriteState::kSuperseded:
      ++context_->writes_superseded;
      return WorkOutcome::kSuperseded;
    default:
      ++context_->writes_failed;
      return WorkOutcome::kFailed;
  }
}

WorkOutcome WriteDispatcher::Fail(const WriteRecord& write, const Status& error,
                                  bool may_have_arrived) {
  ++context_->helpdesk_errors;
  context_->metrics->HelpdeskError(error.code());
  const EngineOptions& options = context_->config.engine;
  if (!IsRetryable(error.code()) || write.attempts >= options.max_attempts) {
    return Finish(write, WriteState::kFailed, error.ToString(), "{}");
  }
  int64_t wait_ms = BackoffMs(options.retry_backoff_ms, write.attempts);
  if (may_have_arrived && error.code() != StatusCode::kResourceExhausted) {  // 429: not processed
    // A write that timed out or lost its connection may still be applied by the helpdesk after
    // the client gave up. The next attempt's re-check must not run before that could happen,
    // or it would not see the values and send them a second time.
    wait_ms = std::max<int64_t>(wait_ms, 2 * int64_t{context_->config.helpdesk.request_timeout_ms});
  }
  const int64_t retry_at = NowMs() + wait_ms;
  AuditEntry audit;
  audit.time_ms = NowMs();
  audit.kind = "error";
  audit.trace_id = write.trace_id;
  audit.ticket_id = write.ticket_id;
  audit.detail = Json{
      {"write", write.idempotency_key},
      {"error", error.ToString()},
      {"attempt", write.attempts},
      {"retry_at_ms",
       retry_at}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  Status finished = context_->store->FinishWrite(write.id, WriteState::kPlanned, error.ToString(),
                                                 retry_at, audit);
  context_->log->Write(LogLevel::kWarn, "write failed, will retry", write.trace_id, write.ticket_id,
                       {{"error", error.ToString()}});
  if (!finished.ok()) {
    return WorkOutcome::kLost;
  }
  context_->metrics->Write("retry");
  return WorkOutcome::kRetry;
}

}  // namespace autotriage
