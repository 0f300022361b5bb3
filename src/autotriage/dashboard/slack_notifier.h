// SlackNotifier: keeps the Slack approval cards in step with the approvals, wherever a decision
// is made (dashboard, REST API, Slack button, expiry sweep).
//
// It listens to the ApprovalService: "proposed" posts a card (chat.postMessage or the incoming
// webhook) and keeps where it went (Store::PutSlackMessage); "escalated" posts the card again to
// the escalation channel; every decision (approved, edited, rejected, expired, superseded)
// replaces the card with its outcome: chat.update when the card's channel and ts are known,
// else through the response_url of the button press that caused it (Refresh).
// Slack calls are slow and may fail, and listeners must be quick, so events are queued and sent
// by one background thread; refreshes of the same ticket version waiting in the queue are
// merged. A failed Slack call is logged (never with the token) and not retried: the dashboard
// stays the place of record.
// Thread-safety: thread-safe. Destroying the notifier stops its thread after the queue drained
// (at most the Slack client's timeout per queued item); later events are ignored.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "autotriage/engine/approvals.h"
#include "autotriage/slack/slack.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct SlackNotifierOptions {
  std::string public_url;                       // dashboard base URL for the card's review link
  std::function<void(const std::string&)> log;  // empty = stderr
  std::function<int64_t()> now_ms;              // empty = system clock
};

class SlackNotifier {
 public:
  // Registers its listener on `approvals`. All pointers must outlive the notifier's use by the
  // listener, i.e. the ApprovalService (the listener holds only a weak reference to the queue).
  static std::unique_ptr<SlackNotifier> Create(Store* store, ApprovalService* approvals,
                                               SlackClient* slack, SlackNotifierOptions options);
  virtual ~SlackNotifier() = default;

  // Queues a replacement of the ticket version's card with its current state; `response_url`
  // (from a button press; may be "") is used when no channel and ts are stored for the card.
  virtual void Refresh(const std::string& ticket_id, const std::string& ticket_version,
                       const std::string& response_url) = 0;
  // Waits until the queue is empty and nothing is being sent (tests); false on timeout.
  virtual bool WaitIdle(int64_t timeout_ms) = 0;
};

}  // namespace autotriage
