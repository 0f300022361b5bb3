// Internals of the Freshworks connectors: the one Helpdesk implementation behind both
// NewFreshdeskHelpdesk and NewFreshserviceHelpdesk. Not part of the module's interface.
//
// The two APIs differ in data, not in flow (reference F): wrapped vs bare bodies (the parsers
// accept both), cf_ vs bare custom field names, /search/tickets {total,results} vs
// /tickets/filter {tickets,total}, the solutions paths, Freshservice's urgency / impact /
// category and problems. Where a method differs it branches on kind_; the knowledge-base walk
// and problems live in freshdesk_helpdesk.cc / freshservice_helpdesk.cc.
// Group, agent and custom-status names are cached (options.directory_ttl) to map ids to names
// and back; an unknown name triggers one refresh before it is reported.
// Thread-safety: safe to call from several threads; the directory is guarded by a mutex and
// replaced as a whole. Ownership: shares the HttpClient it is given.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "autotriage/connectors/freshworks/freshworks_common.h"
#include "autotriage/connectors/freshworks/freshworks_json.h"
#include "autotriage/connectors/helpdesk.h"
#include "autotriage/connectors/http_client.h"

namespace autotriage {

class FreshworksHelpdesk : public Helpdesk {
 public:
  // REQUIRES: options validated by ValidateFreshworksOptions; http not null.
  FreshworksHelpdesk(FreshworksKind kind, std::shared_ptr<HttpClient> http,
                     FreshworksOptions options);

  std::string kind() const override;
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
  Result<std::optional<std::string>> FindProblemByMarker(const std::string& marker) override;

  // Transport: adds auth and JSON headers, maps non-2xx answers to typed errors. `path` starts
  // with "/api/v2/" and may carry a query string. Exposed for the per-helpdesk .cc files.
  Result<HttpResponse> Call(const std::string& method, const std::string& path,
                            const std::string& body = std::string(), bool idempotent = true);
  // GETs `path` and every rel="next" page after it (at most max_pages), returning the bodies.
  Result<std::vector<std::string>> GetAllPages(const std::string& path, int max_pages);

  const std::string& helpdesk_name() const { return name_; }
  const FreshworksOptions& options() const { return options_; }
  bool freshdesk() const { return kind_ == FreshworksKind::kFreshdesk; }

 private:
  struct Directory {
    FreshworksNames names;
    std::map<std::string, int64_t> group_ids;  // lower-case name -> id
    std::map<std::string, int64_t> agent_ids;  // lower-case name and e-mail -> id
    std::map<std::string, int> status_ids;     // lower-case label -> id
    std::chrono::steady_clock::time_point loaded;
  };

  // The cached directory, loaded when missing or older than the TTL (or when `refresh`).
  Result<std::shared_ptr<const Directory>> GetDirectory(bool refresh);
  Result<std::shared_ptr<const Directory>> LoadDirectory();
  // The names for ticket parsing; an empty set (ids shown as numbers) when loading fails.
  FreshworksNames NamesForParsing();

  Result<std::vector<Group>> FetchGroups();
  Result<std::vector<Agent>> FetchAgents();
  Result<std::vector<FieldSchema>> FetchFields(std::map<int, std::string>* status_labels);

  // Body fields of an update; kInvalidArgument names the field or value that has no mapping,
  // with *unknown_name set when a fresher directory could know the name.
  Result<std::vector<WireField>> MapUpdates(const std::vector<FieldUpdate>& updates,
                                            const Directory& directory, bool* unknown_name);
  Status CheckTicketId(const std::string& id) const;
  // Rewrites a 404 on a ticket path as "ticket N does not exist".
  Status TicketError(const Status& status, const std::string& id) const;
  Result<std::vector<Conversation>> FetchAllConversations(const std::string& id);

  // FindTickets modes (freshworks_find.cc).
  Result<TicketPage> FindByList(const TicketQuery& query, int64_t since, int page,
                                const std::vector<std::string>& skip, int64_t group_id, int status);
  Result<TicketPage> FindBySearch(const TicketQuery& query, int page, int64_t group_id, int status);

  // Every knowledge-base category or folder behind a paged solutions path.
  Result<std::vector<FreshworksKbNode>> GetKbNodes(const std::string& path);

  // Per helpdesk (freshdesk_helpdesk.cc, freshservice_helpdesk.cc).
  Result<std::vector<KbArticle>> ListFreshdeskKb(bool include_unpublished);
  Result<std::vector<KbArticle>> ListFreshserviceKb(bool include_unpublished);
  Result<std::string> CreateFreshserviceProblem(const ProblemRecord& problem);
  Result<std::optional<std::string>> FindFreshserviceProblem(const std::string& marker);

  const FreshworksKind kind_;
  const std::shared_ptr<HttpClient> http_;
  const FreshworksOptions options_;
  const std::string name_;  // "Freshdesk" / "Freshservice", for messages
  const std::string auth_;  // the Authorization header value

  std::mutex load_mutex_;  // one directory load at a time
  mutable std::mutex mutex_;
  std::shared_ptr<const Directory> directory_;            // guarded by mutex_
  Status load_error_;                                     // guarded by mutex_: the last failed load
  std::chrono::steady_clock::time_point load_failed_at_;  // guarded by mutex_
};

// Normalises base_url (trailing "/" and "/api/v2" removed) and portal_url; kInvalidArgument for
// a URL that is not http(s) or an empty API key.
Status ValidateFreshworksOptions(const std::string& helpdesk, FreshworksOptions* options);

}  // namespace autotriage
