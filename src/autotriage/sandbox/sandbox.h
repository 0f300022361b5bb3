// SandboxServer: an in-process emulation of the Freshdesk or Freshservice REST API v2, served
// over real HTTP on loopback, for tests, benchmarks and the demo.
//
// The data comes from the synthetic generator (synth/generator.h) and is deterministic per seed
// and ticket count: requesters, groups, agents with skills, ticket fields with their choices,
// knowledge-base categories / folders / articles, resolved history with resolution notes, some
// open tickets and, for Freshservice, problems. The wire format follows
// shared/reference/helpdesk-apis.md (sections A, B and F): Basic auth with the API key, bare
// (Freshdesk) or wrapped (Freshservice) bodies, cf_ or bare custom field names, the search and
// filter query languages with their page limits, per_page 30 by default and 100 at most, Link
// headers, X-RateLimit-* headers on every response, 429 with Retry-After, the documented error
// bodies, 201 + Location on create, notes private by default.
// Faithfulness on purpose: the sandbox lets a client close or delete tickets, because the real
// helpdesks do; keeping the engine from doing so is the engine's job, and the recorded writes let
// tests check it.
//
// Clock and the "last 30 days" rule: GET /api/v2/tickets without updated_since returns only
// tickets created in the 30 days before the sandbox clock (options.clock_ms, default the system
// clock). The generated history sits on the generator's fixed timeline (2024) unless
// options.history_end moves it, so a full backfill must pass updated_since (as on the real API).
// The list endpoint allows at most 300 pages. For a backfill use
// updated_since=<cursor>&order_by=updated_at&order_type=asc&per_page=100.
//
// Where the reference is silent or UNCERTAIN the sandbox chooses, and connectors may rely on it:
//   - 404 / 405 / 429 / 5xx bodies are {"code":...,"message":...}; an injected 502 is an HTML
//     page, as a proxy in front of a helpdesk would send.
//   - The list endpoint answers 400 for unknown query parameters and for page > 300.
//   - Search / filter results are newest-created first and carry no Link header. Freshdesk list
//     and search items have no description unless include=description (lists only);
//     Freshservice items always have it.
//   - Freshdesk agents list skill_ids (names from GET /api/v2/admin/skills); Freshservice agents
//     carry their skills as custom_fields.skills ("Network / VPN; German").
//   - Freshservice ticket types are "Incident" and "Service Request" (the generator's Question
//     becomes Service Request, Problem becomes Incident); Freshdesk keeps all four.
//   - Custom dropdowns: Freshdesk cf_category and cf_office, Freshservice office (its category
//     is the built-in field).
//   - Requesters are identified by requester_id or email on create (not phone or social ids).
//   - Rate limiting uses fixed clock minutes; a refused (429) request is not charged; embeds cost
//     extra (Freshdesk list 2 per include, Freshservice list 3, a single view 1).
//   - An injected 5xx is not applied; a dropped write IS applied before its connection closes.
//   - Webhooks fire on create, update and note (Freshdesk triggered_event {note_type:private}).
//
// Extra endpoints outside the API (no auth, no faults, no rate limit):
//   GET  /_sandbox/healthz                     {"status":"ok","kind":...,"tickets":N}
//   GET  /_sandbox/writes                      the recorded writes, oldest first
//   POST /_sandbox/tickets                     CreateTicket over HTTP (JSON SandboxNewTicket)
//   POST /_sandbox/tickets/{id}/agent_update   SimulateAgentUpdate over HTTP (JSON object)
//   GET  /_sandbox/tickets/{id}/truth          the generator's labels for a ticket
//
// Thread-safety: every public method may be called from any thread while the server runs. The
// state behind the API is guarded by one mutex; webhooks are sent from one background thread.
// Ownership: Start returns the only owner; destroying it stops the server (joins its threads).
// Errors: Start returns kInvalidArgument for bad options, kUnavailable when the address cannot
// be bound, kIoError / kCorruption for an unusable --db file, kFailedPrecondition when the db
// was created for the other helpdesk kind.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

struct SandboxOptions {
  std::string kind = "freshdesk";  // "freshdesk" or "freshservice"
  uint64_t seed = 42;              // generator seed: same seed and tickets give the same data
  int tickets = 2000;              // generated tickets on first start (an existing db wins)
  std::string db_path;             // empty = in memory only; else SQLite file, state survives
  std::string api_key = "sandbox-key";
  std::string listen = "127.0.0.1";
  int port = 0;                   // 0 = an ephemeral port; read it back with port()
  double fail_rate = 0;           // share of API requests answered 500/502/503 (not applied)
  int rate_limit_per_minute = 0;  // 0 = unlimited (headers still sent, with a nominal total)
  int latency_ms = 0;             // added to every API response
  double drop_rate = 0;           // share of API requests whose connection is closed unanswered
  double throttle_rate = 0;       // share answered 429 with Retry-After: 1 (not charged)
  double slow_rate = 0;           // share answered only after slow_ms (and then applied)
  int slow_ms = 0;                // delay of a slow request; above a client's timeout it times out
  uint64_t fault_seed = 1;        // seeds the fault decisions (fail, drop, throttle, slow)
  std::string webhook_url;        // empty = no webhooks; else POST on create/update/note
  // Moves the generated history so that it ends at this Unix time (the CLI passes "now"); 0 keeps
  // the generator's fixed timeline, which keeps timestamps identical run to run.
  int64_t history_end = 0;
  // Milliseconds since the Unix epoch; empty = the system clock. Tests inject a fake clock to
  // drive the rate-limit window and timestamps without waiting.
  std::function<int64_t()> clock_ms;
  // Receives one line per notable event (webhook failures, start-up); empty = stderr.
  std::function<void(const std::string&)> log;
};

// One write request (POST, PUT, DELETE) that reached the API, in arrival order.
struct RecordedWrite {
  int64_t seq = 0;       // 1-based, in arrival order
  std::string method;    // "POST", "PUT", "DELETE"
  std::string path;      // path with query string, e.g. "/api/v2/tickets/7"
  std::string body;      // request body as received
  int64_t time_ms = 0;   // sandbox clock at arrival
  int status = 0;        // status the sandbox decided on (500/502/503 when a fault was injected)
  bool applied = false;  // the write changed state (2xx from the handler)
  bool dropped = false;  // the connection was closed after applying, so no answer was sent
};

// A ticket raised by a requester (portal / e-mail), as CreateTicket takes it.
struct SandboxNewTicket {
  std::string subject;
  std::string description_html;
  std::string requester_email;
  std::string requester_name;  // used when the e-mail is not yet a contact
  std::vector<std::string> tags;
};

struct SandboxWebhookStats {
  int64_t queued = 0;
  int64_t delivered = 0;  // answered 2xx
  int64_t failed = 0;     // connection error or non-2xx (logged, not retried)
};

class SandboxServer {
 public:
  // Generates or loads the data, binds, and returns once the server accepts connections.
  static Result<std::unique_ptr<SandboxServer>> Start(const SandboxOptions& options);

  virtual ~SandboxServer() = default;

  virtual int port() const = 0;
  virtual std::string base_url() const = 0;  // "http://127.0.0.1:PORT", no trailing slash
  virtual const std::string& kind() const = 0;
  // Stops accepting, finishes in-flight requests, stops the webhook thread. Idempotent.
  virtual void Stop() = 0;

  virtual std::vector<RecordedWrite> writes() const = 0;
  virtual SandboxWebhookStats webhook_stats() const = 0;
  // Sends webhooks to `url` from now on (replacing options.webhook_url; "" stops them). For
  // callers that learn the receiver's address only after the sandbox started. Payloads still
  // queued for the previous URL are dropped.
  virtual void SetWebhookUrl(const std::string& url) = 0;
  virtual int64_t ticket_count() const = 0;

  // Simulates a requester raising a ticket (status Open, no group, no agent, default priority);
  // fires the creation webhook. Returns the new ticket id. Not a recorded write.
  virtual Result<int64_t> CreateTicket(const SandboxNewTicket& ticket) = 0;
  // Simulates a human agent changing a ticket in the helpdesk UI; fires the update webhook.
  // Keys use the neutral vocabulary: "group" (name), "agent" (name or e-mail, "" = unassign),
  // "priority" / "status" (labels), "type", "category", "tags" (comma-separated). Unknown keys
  // or values give kInvalidArgument, an unknown ticket kNotFound. Not a recorded write.
  virtual Status SimulateAgentUpdate(int64_t ticket_id,
                                     const std::map<std::string, std::string>& fields) = 0;
  // The generator's labels for a ticket: "group", "priority", "type", "category", "language"
  // (empty map entries for tickets created later through the API).
  virtual Result<std::map<std::string, std::string>> TicketTruth(int64_t ticket_id) const = 0;
};

}  // namespace autotriage
