// Webhook intake: POST /hooks/freshdesk and /hooks/freshservice. Each request is checked, turned
// into an InboxEvent and committed to the store (through the GroupCommitter) before it is
// answered 202, so an acknowledged event is never lost.
//
// Checks and answers, in this order (every error body is {"error": "<what is wrong>"}):
//   411 chunked body (HttpServer)      413 body larger than max_body_bytes
//   401 secret missing or wrong        415 Content-Type is not application/json
//   400 malformed JSON, ticket_id missing or not a number
//   503 the store failed (nothing acknowledged; the helpdesk retries)
//   202 {"job_id": N, "duplicate": bool, "trace_id": "..."}
// The shared secret comes in the X-Autotriage-Secret header or the `secret` query parameter
// (these helpdesks do not sign webhooks) and is compared in constant time; it is never logged.
//
// Payloads (reference/helpdesk-apis.md A.13, B.10): Freshdesk wraps string values in
// {"freshdesk_webhook": {"ticket_id": "11", "triggered_event": "...", ...}} (a flat body, as an
// operator may configure, is accepted too); Freshservice sends a flat object with "ticket_id"
// (string or number) and "event". The event's version is a hash of the whole payload (the event
// name included, since Freshdesk's triggered_event names the change, e.g. a group change the
// default body does not otherwise show), so a re-delivered identical payload joins the same job
// and a change makes a new one. A payload carrying nothing but the id has one version forever:
// keep the event placeholder or the ticket's fields in the webhook body so changes are seen.
//
// Thread-safety: the functions are pure; the routes run on the server's worker threads.
// Ownership: the routes borrow the committer and the registry, which must outlive the server.
// Shutdown: stop the HttpServer first (in-flight requests still get their commit and answer),
// then the GroupCommitter.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/server/group_committer.h"
#include "autotriage/server/http_server.h"
#include "autotriage/server/metrics.h"

namespace autotriage {

struct ParsedWebhook {
  std::string ticket_id;  // canonical decimal digits
  std::string event;      // "{ticket_action:created}", "ticket_updated", ... ("" when absent)
  std::string version;    // 16 hex characters
};

// kind: "freshdesk" or "freshservice". kInvalidArgument naming what is wrong with the body.
Result<ParsedWebhook> ParseWebhook(const std::string& kind, const std::string& body);

// Constant-time comparison of a presented secret with the configured one. An empty `expected`
// means authentication is disabled (the loopback default) and matches anything.
bool SecretMatches(const std::string& expected, const std::string& given);

struct WebhookIntakeOptions {
  std::vector<std::string> kinds = {"freshdesk", "freshservice"};  // routes registered
  std::string secret;                                              // Secret. "" = no check
  int64_t max_body_bytes = 1024 * 1024;                            // larger bodies get 413
};

// REQUIRES: called before server.Start(); every kind is "freshdesk" or "freshservice".
// `log` receives one line per refused request (reason, kind, remote address) and per store
// failure; empty = no logging.
void RegisterWebhookRoutes(HttpServer& server, const WebhookIntakeOptions& options,
                           GroupCommitter& committer, MetricsRegistry& metrics,
                           std::function<void(const std::string&)> log);

}  // namespace autotriage
