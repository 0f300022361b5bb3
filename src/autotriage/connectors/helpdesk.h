// Helpdesk: the one contract through which the engine reads from and writes to a helpdesk
// (Freshdesk, Freshservice, Request Tracker; later OTOBO/Znuny and Zammad).
//
// Connectors translate their helpdesk's wire format into the neutral structs below and map
// HTTP failures to typed Status codes:
//   kUnauthenticated (401: check the API key/token and the URL), kPermissionDenied (403),
//   kNotFound (404), kAlreadyExists / kFailedPrecondition (409, or a write the helpdesk refused),
//   kInvalidArgument (400: the message names the field), kResourceExhausted (429 after retries),
//   kUnavailable (network errors, 5xx after retries), kDeadlineExceeded (timeouts),
//   kCorruption (a 2xx answer that is not the JSON the API documents: HTML, truncated JSON).
// Messages never contain an API key or token.
// Thread-safety: implementations are safe to call from several threads at once.
// Writes: UpdateFields and AddPrivateNote are never retried after the request may have reached
// the helpdesk (they are not idempotent on every helpdesk); the caller owns idempotency.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/core/ticket.h"

namespace autotriage {

// Which tickets to find. Connectors translate this into their own query language.
struct TicketQuery {
  int64_t updated_since = 0;  // Unix seconds; 0 = no lower bound
  std::string group;          // neutral group name; empty = any
  std::string status;   // neutral status ("open", "pending", "resolved", "closed"); empty = any
  int page_size = 100;  // requested page size; connectors clamp to the API's limit
  std::string cursor;   // opaque; empty = first page, else TicketPage::next_cursor
};

struct TicketPage {
  std::vector<Ticket> tickets;  // without conversations (GetTicket fetches those)
  std::string next_cursor;      // empty when this was the last page
};

// One field change: "group", "priority", "type", "agent", "tags" or a custom field name, with
// the new value in the neutral vocabulary (group and agent names, "High", ...).
struct FieldUpdate {
  std::string field;
  std::string value;
};

struct Group {
  std::string id;
  std::string name;
  std::vector<std::string> agent_ids;
};

struct Agent {
  std::string id;
  std::string name;
  std::string email;
  std::vector<std::string> group_ids;
  bool available = true;
};

// Allowed values of one ticket field, from the helpdesk's own field definitions.
struct FieldSchema {
  std::string name;                  // neutral name: "group", "priority", "type", or custom name
  std::string label;                 // as shown in the helpdesk
  std::vector<std::string> choices;  // allowed values; empty = free text
};

struct KbArticle {
  std::string id;
  std::string title;
  std::string body_html;
  std::string url;
  std::string category;
  std::string folder;
  bool published = true;
  int64_t updated_at = 0;
};

struct ProblemRecord {
  std::string subject;
  std::string description_html;
  std::string priority;                 // neutral priority
  std::vector<std::string> ticket_ids;  // member tickets, linked where the helpdesk can
};

struct HelpdeskCapabilities {
  bool problems = false;        // CreateProblem is supported
  bool knowledge_base = false;  // ListKbArticles returns articles
  bool webhooks = false;        // the helpdesk can push events
  bool html_notes = true;       // notes are HTML (false: plain text, as in RT)
  int max_page_size = 100;
};

class Helpdesk {
 public:
  virtual ~Helpdesk() = default;

  virtual std::string kind() const = 0;  // "freshdesk", "freshservice", "rt"
  virtual HelpdeskCapabilities capabilities() const = 0;

  // Tickets updated at or after query.updated_since, oldest first where the API allows.
  virtual Result<TicketPage> FindTickets(const TicketQuery& query) = 0;
  // One ticket with its conversations; Ticket::updated_at is the version for write re-checks.
  virtual Result<Ticket> GetTicket(const std::string& id) = 0;
  // Applies all updates in one request where the API allows; returns the ticket after the write.
  virtual Result<Ticket> UpdateFields(const std::string& id,
                                      const std::vector<FieldUpdate>& updates) = 0;
  // Adds an internal note (HTML or text per capabilities().html_notes); returns its id.
  virtual Result<std::string> AddPrivateNote(const std::string& id, const std::string& body) = 0;

  virtual Result<std::vector<Group>> ListGroups() = 0;
  virtual Result<std::vector<Agent>> ListAgents() = 0;
  virtual Result<std::vector<FieldSchema>> GetFieldSchema() = 0;
  // Published articles only, unless include_unpublished.
  virtual Result<std::vector<KbArticle>> ListKbArticles(bool include_unpublished = false) = 0;
  // kUnimplemented where capabilities().problems is false. Returns the new problem's id.
  virtual Result<std::string> CreateProblem(const ProblemRecord& problem) = 0;
  // The id of a Problem whose description contains `marker` (the newest when several), or
  // nullopt when there is none: how a creation whose answer was lost is recovered without
  // creating the Problem twice. kUnimplemented where the helpdesk cannot be searched this way.
  virtual Result<std::optional<std::string>> FindProblemByMarker(const std::string& marker) {
    (void)marker;
    return Unimplemented(kind() + ": Problems cannot be looked up by marker");
  }
};

}  // namespace autotriage
