// Internals of the RT connector shared by its .cc files and unit tests: REST2 transport,
// TicketSQL building, the parsers of RT's JSON (in rt_wire.cc) and the connector class.
// Not part of the module's interface; include rt_helpdesk.h instead.
// Thread-safety: the free functions are pure; RtTransport and RtHelpdesk are safe to share.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autotriage/connectors/helpdesk.h"
#include "autotriage/connectors/http_client.h"
#include "autotriage/connectors/rt/rt_helpdesk.h"
#include "autotriage/core/status.h"
#include "autotriage/core/ticket.h"

namespace autotriage {

// ---- Small pure helpers (rt_wire.cc) ----

// Percent-encodes everything except RFC 3986 unreserved characters.
std::string RtUrlEncode(std::string_view text);
// "2024-01-02T03:04:05Z" -> Unix seconds; RT's unset date (1970-01-01...) and "" -> 0.
std::optional<int64_t> ParseRtTime(std::string_view iso);
// Unix seconds -> "2024-01-02 03:04:05" (UTC), the form TicketSQL compares with.
std::string FormatRtSqlTime(int64_t unix_seconds);
// A TicketSQL string literal: single quotes, with backslash and quote escaped.
std::string QuoteTicketSql(std::string_view value);
// The TicketSQL for a query; `since_literal` is the already zone-adjusted LastUpdated bound
// (empty = no bound). A non-empty `after_id` makes it a keyset page: tickets updated at exactly
// `since_literal` count only when their id is greater, so pages never skip or repeat a ticket
// however the set shifts between requests.
std::string BuildTicketSql(const TicketQuery& query, std::string_view since_literal,
                           std::string_view after_id = {});
// RT's own label for a priority number: the highest label whose number is <= value, as RT's
// _PriorityAsString does; the number itself when no label fits.
std::string RtPriorityLabel(int64_t value, const std::vector<std::pair<std::string, int>>& labels);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// RT ticket ids are decimal numbers; anything else cannot name a ticket.
bool IsRtTicketId(const std::string& id);

// Maps a non-2xx REST2 answer to a typed Status. `what` is "GET /ticket/5" (no query string).
Status RtHttpError(const HttpResponse& response, std::string_view what, std::string_view base_url);
// RT's {"message": "..."} text, without the Perl source location RT appends; "" if none.
std::string RtErrorMessage(std::string_view body);

// The messages RT returns for PUT /ticket/{id}, split by whether RT refused the change.
struct RtUpdateMessages {
  std::vector<std::string> applied;
  std::vector<std::string> refused;
  bool permission_denied = false;
};
RtUpdateMessages ClassifyRtUpdateMessages(const std::vector<std::string>& messages);

// ---- REST2 JSON shapes (rt_wire.cc). Every parser returns kCorruption for JSON that is not
// the documented shape. ----

struct RtPageInfo {
  int page = 0;
  int pages = 0;
  int64_t total = 0;
  bool has_next = false;
};

struct RtTicketList {
  std::vector<Ticket> tickets;
  std::vector<std::vector<std::string>> requestor_names;  // per ticket: RT login names
  RtPageInfo info;
};
// A /tickets collection asked for with RtTicketFields().
Result<RtTicketList> ParseRtTicketList(std::string_view body,
                                       const std::vector<std::pair<std::string, int>>& labels);
// The `fields` parameters FindTickets and GetTicket send (already URL-encoded, "&..." form).
std::string RtTicketFields();

struct RtTransaction {
  std::string id;
  std::string type;  // "Create", "Correspond", "Comment", ...
  std::string creator;
  int64_t created = 0;
};
Result<std::pair<std::vector<RtTransaction>, RtPageInfo>> ParseRtTransactions(
    std::string_view body);

struct RtAttachment {
  std::string id;
  std::string transaction_id;
  std::string content_type;
  std::string filename;
  std::string content;
};
Result<std::pair<std::vector<RtAttachment>, RtPageInfo>> ParseRtAttachments(std::string_view body);

// A JSON array of strings (PUT results).
Result<std::vector<std::string>> ParseRtStringArray(std::string_view body);

// A reference to a user (id = login name) or group (id = numeric id).
struct RtRef {
  std::string type;
  std::string id;
};
struct RtQueue {
  std::string id;
  std::string name;
  std::string description;
  bool disabled = false;
  std::vector<RtRef> watchers;  // AdminCc and Cc
};
Result<std::pair<std::vector<RtQueue>, RtPageInfo>> ParseRtQueueList(std::string_view body);
Result<RtQueue> ParseRtQueue(std::string_view body);
// GET /group/{id}: its direct members.
Result<std::vector<RtRef>> ParseRtGroupMembers(std::string_view body);
// The ids of a collection's items (e.g. a group search).
Result<std::pair<std::vector<std::string>, RtPageInfo>> ParseRtItemIds(std::string_view body);

struct RtUser {
  std::string name;
  std::string real_name;
  std::string email;
};
Result<std::pair<std::vector<RtUser>, RtPageInfo>> ParseRtUsers(std::string_view body);

struct RtCustomField {
  std::string id;
  std::string name;
  std::string type;  // "Select", "Freeform", ...
  std::string description;
  std::vector<std::string> values;  // filled by ParseRtCustomField for Select fields
};
Result<std::pair<std::vector<RtCustomField>, RtPageInfo>> ParseRtCustomFields(
    std::string_view body);
Result<RtCustomField> ParseRtCustomField(std::string_view body);

// JSON bodies the connector sends.
std::string RtJsonString(std::string_view text);  // a JSON string literal, quotes included
std::string RtJsonSearch(const std::vector<std::pair<std::string, std::string>>& equals);
// Text parts (text/plain, text/html) of the given transactions.
std::string RtAttachmentSearch(const std::vector<std::string>& transaction_ids);
std::string RtUserNameSearch(const std::vector<std::string>& names);
// A JSON object of string fields plus an optional "CustomFields" object ("" becomes null).
std::string RtObjectJson(const std::vector<std::pair<std::string, std::string>>& fields,
                         const std::vector<std::pair<std::string, std::string>>& custom_fields);

// ---- Transport (rt_helpdesk.cc) ----

// Sends REST2 requests with the token and maps failures to typed Status values.
class RtTransport {
 public:
  RtTransport(std::shared_ptr<HttpClient> http, std::string api_root, std::string base_url,
              std::string token);

  // `path` starts with "/" and may carry a query string. Returns the body of a 2xx answer.
  Result<std::string> Get(const std::string& path) const;
  // A read expressed as a POST with a JSON body (REST2 JSON searches): safe to retry.
  Result<std::string> Search(const std::string& path, const std::string& json) const;
  // A write: never re-sent once it may have reached RT. Returns the whole response so the
  // caller can read Location; non-2xx answers become a Status.
  Result<HttpResponse> Write(const std::string& method, const std::string& path,
                             const std::string& json) const;

 private:
  Result<HttpResponse> Send(HttpRequest request, const std::string& what) const;

  std::shared_ptr<HttpClient> http_;
  std::string api_root_;
  std::string base_url_;
  std::string token_;
};

// ---- The connector (rt_helpdesk.cc: tickets; rt_directory.cc: groups, agents, schema) ----

class RtHelpdesk : public Helpdesk {
 public:
  RtHelpdesk(std::shared_ptr<HttpClient> http, RtOptions options, std::string api_root);

  std::string kind() const override { return "rt"; }
  HelpdeskCapabilities capabilities() const override;
  Result<TicketPage> FindTickets(const TicketQuery& query) override;
  Result<Ticket> GetTicket(const std::string& id) override;
  Result<Ticket> UpdateFields(const std::string& id,
                              const std::vector<FieldUpdate>& updates) override;
  Result<std::string> AddPrivateNote(const std::string& id, const std::string& body) override;
  Result<std::vector<Group>> ListGroups() override;
  Result<std::vector<Agent>> ListAgents() override;
  Result<std::vector<FieldSchema>> GetFieldSchema() override;
  Result<std::vector<KbArticle>> ListKbArticles(bool include_unpublished) override;
  Result<std::string> CreateProblem(const ProblemRecord& problem) override;

 private:
  // Queue id -> agent login names, for every visible enabled queue.
  struct Directory {
    std::vector<std::string> agents;  // privileged logins, sorted
    std::vector<RtQueue> queues;
    std::map<std::string, std::vector<std::string>> queue_agents;
  };

  Result<int64_t> ZoneOffset();
  Result<int64_t> MeasureZoneOffset();
  Result<bool> SearchMatches(const std::string& sql);
  Result<Ticket> FetchTicketFields(const std::string& id, std::vector<std::string>* requestors);
  Status AddConversations(const std::vector<std::string>& requestors, Ticket* ticket);
  Result<std::string> ResolveAgent(const std::string& value);
  Status VerifyUpdate(const Ticket& after, const std::vector<FieldUpdate>& updates,
                      const RtUpdateMessages& messages);
  Result<Directory> LoadDirectory();
  Result<std::vector<std::string>> ExpandGroup(const std::string& group_id, int depth,
                                               std::map<std::string, bool>* seen);
  Result<std::vector<RtQueue>> ListQueues();
  Result<std::vector<std::string>> PrivilegedLogins();

  RtOptions options_;
  RtTransport transport_;

  std::mutex zone_mu_;
  std::optional<int64_t> zone_offset_;  // guarded by zone_mu_
  int64_t zone_measured_at_ = 0;        // steady-clock seconds; guarded by zone_mu_
};

}  // namespace autotriage
