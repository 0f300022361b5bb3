// Poller: finds tickets updated since a cursor kept in the store and enqueues one event per
// ticket version. The cursor ("poll:<kind>", Unix seconds as text) is advanced only after the
// events are stored, so a crash repeats a poll rather than losing one; repeated events of the
// same ticket version collapse into the existing job. Each pass overlaps the previous one by a
// second because the helpdesks' updated_at has one-second resolution.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "autotriage/core/ids.h"
#include "autotriage/engine/engine_internal.h"

namespace autotriage {
namespace {

constexpr int kRtPollSeconds = 60;  // Request Tracker has no webhooks: polling is its intake
constexpr int kPageSize = 100;
constexpr int64_t kOverlapSeconds = 1;

}  // namespace

int Poller::IntervalSeconds(const Config& config, const std::string& helpdesk_kind) {
  if (config.engine.poll_interval_seconds > 0) {
    return config.engine.poll_interval_seconds;
  }
  const bool rt = config.helpdesk.kind == HelpdeskKind::kRt || helpdesk_kind == "rt";
  return rt ? kRtPollSeconds : 0;
}

Result<int64_t> Poller::PollOnce() {
  const std::string cursor_name = "poll:" + context_->helpdesk->kind();
  auto stored = context_->store->GetCursor(cursor_name);
  if (!stored.ok()) {
    return stored.status();
  }
  int64_t cursor = NowMs() / 1000 - int64_t{context_->config.engine.poll_lookback_hours} * 3600;
  if (stored->has_value()) {
    try {
      cursor = std::stoll(**stored);
    } catch (const std::exception&) {
      context_->log->Warn("poll cursor '" + cursor_name + "' is not a number; starting over");
    }
  }
  TicketQuery query;
  query.updated_since = std::max<int64_t>(0, cursor - kOverlapSeconds);
  query.page_size = kPageSize;
  int64_t newest = cursor;
  int64_t enqueued = 0;
  while (true) {
    auto page = context_->helpdesk->FindTickets(query);
    if (!page.ok()) {
      ++context_->helpdesk_errors;
      context_->metrics->HelpdeskError(page.status().code());
      // Whatever was enqueued stays; the cursor stays, so the next pass repeats this one.
      return page.status().WithContext("polling " + context_->helpdesk->kind());
    }
    std::vector<InboxEvent> events;
    events.reserve(page->tickets.size());
    const int64_t now = NowMs();
    for (const Ticket& ticket : page->tickets) {
      InboxEvent event;
      event.source = "poll";
      event.ticket_id = ticket.id;
      event.version = std::to_string(ticket.updated_at);
      event.payload = nlohmann::json{{"id", ticket.id}, {"updated_at", ticket.updated_at}}.dump();
      event.trace_id = NewTraceId();
      event.received_ms = now;
      events.push_back(std::move(event));
      newest = std::max(newest, ticket.updated_at);
    }
    if (!events.empty()) {
      auto stored_events = context_->store->Enqueue(events);
      if (!stored_events.ok()) {
        return stored_events.status().WithContext("storing polled events");
      }
      enqueued += static_cast<int64_t>(events.size());
      context_->events_received += static_cast<int64_t>(events.size());
      context_->metrics->polled_events->Increment(static_cast<double>(events.size()));
    }
    if (page->next_cursor.empty()) {
      break;
    }
    query.cursor = page->next_cursor;
  }
  if (Status saved = context_->store->SetCursor(cursor_name, std::to_string(newest)); !saved.ok()) {
    return saved.WithContext("saving the poll cursor");
  }
  return enqueued;
}

}  // namespace autotriage
