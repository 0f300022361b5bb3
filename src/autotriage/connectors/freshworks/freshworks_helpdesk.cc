// The shared Freshworks connector: transport, the name directory, one ticket, writes, groups,
// agents and the field schema. FindTickets is in freshworks_find.cc.
#include "autotriage/connectors/freshworks/freshworks_helpdesk.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace autotriage {
namespace {

constexpr int kPerPage = 100;
constexpr int kMaxDirectoryPages = 50;
constexpr size_t kEmbeddedConversationCap = 10;  // include=conversations returns at most 10
constexpr std::chrono::seconds kDirectoryRetryAfterFailure{60};
constexpr int64_t kMaxPageNumber = 1000000;

std::string PathOnly(const std::string& path) {
  return path.substr(0, path.find('?'));
}

std::string WithPage(const std::string& path, int page) {
  return path + (path.find('?') == std::string::npos ? "?" : "&") + "page=" + std::to_string(page);
}

}  // namespace

Status ValidateFreshworksOptions(const std::string& helpdesk, FreshworksOptions* options) {
  std::string base = options->base_url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  const std::string suffix = "/api/v2";
  if (base.size() >= suffix.size() &&
      base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
    base.erase(base.size() - suffix.size());
  }
  if ((base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) ||
      base.find_first_of(" \r\n?#") != std::string::npos) {
    return InvalidArgument(helpdesk + " connector: the helpdesk URL '" + RedactUrl(base) +
                           "' is not an http:// or https:// URL (e.g. https://acme." +
                           FreshworksLower(helpdesk) + ".com)");
  }
  if (options->api_key.empty()) {
    return InvalidArgument(helpdesk + " connector: no API key configured");
  }
  options->base_url = base;
  while (!options->portal_url.empty() && options->portal_url.back() == '/') {
    options->portal_url.pop_back();
  }
  if (options->portal_url.empty()) {
    options->portal_url = base;
  }
  return Status::Ok();
}

FreshworksHelpdesk::FreshworksHelpdesk(FreshworksKind kind, std::shared_ptr<HttpClient> http,
                                       FreshworksOptions options)
    : kind_(kind),
      http_(std::move(http)),
      options_(std::move(options)),
      name_(kind == FreshworksKind::kFreshdesk ? "Freshdesk" : "Freshservice"),
      auth_(FreshworksBasicAuth(options_.api_key)) {}

std::string FreshworksHelpdesk::kind() const {
  return freshdesk() ? "freshdesk" : "freshservice";
}

HelpdeskCapabilities FreshworksHelpdesk::capabilities() const {
  HelpdeskCapabilities caps;
  caps.problems = !freshdesk();
  caps.knowledge_base = true;
  caps.webhooks = true;
  caps.html_notes = true;
  caps.max_page_size = kPerPage;
  return caps;
}

Result<HttpResponse> FreshworksHelpdesk::Call(const std::string& method, const std::string& path,
                                              const std::string& body, bool idempotent) {
  HttpRequest request;
  request.method = method;
  request.url = options_.base_url + path;
  request.headers = {{"Authorization", auth_}, {"Accept", "application/json"}};
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.body = body;
  request.idempotent = idempotent;
  const std::string what = method + " " + PathOnly(path);
  Result<HttpResponse> response = http_->Send(request);
  if (!response.ok()) {
    return Status(
        response.status().code(),
        ScrubApiKey(name_ + " " + what + ": " + response.status().message(), options_.api_key));
  }
  if (response->status < 200 || response->status >= 300) {
    return FreshworksHttpError(response.value(), name_, what, options_.api_key);
  }
  return response;
}

Result<std::vector<std::string>> FreshworksHelpdesk::GetAllPages(const std::string& path,
                                                                 int max_pages) {
  std::vector<std::string> bodies;
  int page = 1;
  while (true) {
    Result<HttpResponse> response = Call("GET", WithPage(path, page));
    if (!response.ok()) {
      return response.status();
    }
    bodies.push_back(std::move(response->body));
    auto link = response->headers.find("link");
    if (link == response->headers.end()) {
      return bodies;
    }
    std::optional<std::string> next = ParseNextLink(link->second);
    if (!next) {
      return bodies;
    }
    // Only the page number is taken from the link: its host is never trusted with the key.
    std::optional<std::string> next_page = UrlQueryParam(*next, "page");
    const int64_t number = next_page ? ParseFreshworksId(*next_page) : page + 1;
    if (number <= page || number > kMaxPageNumber) {
      return bodies;
    }
    if (static_cast<int>(bodies.size()) >= max_pages) {
      return ResourceExhausted(name_ + " GET " + PathOnly(path) + ": more than " +
                               std::to_string(max_pages) + " pages; stopped reading");
    }
    page = static_cast<int>(number);
  }
}

Result<std::shared_ptr<const FreshworksHelpdesk::Directory>> FreshworksHelpdesk::GetDirectory(
    bool refresh) {
  const auto now = std::chrono::steady_clock::now();
  auto usable = [&](const std::shared_ptr<const Directory>& d) {
    return d != nullptr && now - d->loaded < options_.directory_ttl;
  };
  std::shared_ptr<const Directory> current;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current = directory_;
    if (!refresh && usable(current)) {
      return current;
    }
    // A failed load (a key without admin rights cannot list agents, say) is not retried on
    // every call: callers get the same error until the back-off passes.
    if (!refresh && !load_error_.ok() && now - load_failed_at_ < kDirectoryRetryAfterFailure) {
      return load_error_;
    }
  }
  std::lock_guard<std::mutex> load_lock(load_mutex_);
  {
    // Another thread may have loaded it while this one waited.
    std::lock_guard<std::mutex> lock(mutex_);
    if (directory_ != current && usable(directory_)) {
      return directory_;
    }
  }
  Result<std::shared_ptr<const Directory>> loaded = LoadDirectory();
  std::lock_guard<std::mutex> lock(mutex_);
  if (loaded.ok()) {
    directory_ = loaded.value();
    load_error_ = Status::Ok();
  } else {
    load_error_ = loaded.status().WithContext("loading group, agent and status names");
    load_failed_at_ = std::chrono::steady_clock::now();
    return load_error_;
  }
  return loaded;
}

Result<std::shared_ptr<const FreshworksHelpdesk::Directory>> FreshworksHelpdesk::LoadDirectory() {
  auto directory = std::make_shared<Directory>();
  Result<std::vector<Group>> groups = FetchGroups();
  if (!groups.ok()) {
    return groups.status();
  }
  for (const Group& group : *groups) {
    const int64_t id = ParseFreshworksId(group.id);
    directory->names.groups[id] = group.name;
    directory->group_ids[FreshworksLower(group.name)] = id;
  }
  Result<std::vector<Agent>> agents = FetchAgents();
  if (!agents.ok()) {
    return agents.status();
  }
  for (const Agent& agent : *agents) {
    const int64_t id = ParseFreshworksId(agent.id);
    directory->names.agents[id] = agent.name.empty() ? agent.email : agent.name;
    if (!agent.name.empty()) {
      directory->agent_ids[FreshworksLower(agent.name)] = id;
    }
    if (!agent.email.empty()) {
      directory->agent_ids[FreshworksLower(agent.email)] = id;
    }
  }
  std::map<int, std::string> statuses;
  Result<std::vector<FieldSchema>> fields = FetchFields(&statuses);
  if (!fields.ok()) {
    return fields.status();
  }
  for (const auto& [id, label] : statuses) {
    directory->status_ids[FreshworksLower(label)] = id;
    if (FreshworksStatusName(id).empty()) {
      directory->names.statuses[id] = FreshworksLower(label);
    }
  }
  directory->loaded = std::chrono::steady_clock::now();
  return std::shared_ptr<const Directory>(std::move(directory));
}

FreshworksNames FreshworksHelpdesk::NamesForParsing() {
  Result<std::shared_ptr<const Directory>> directory = GetDirectory(false);
  return directory.ok() ? directory.value()->names : FreshworksNames();
}

Result<std::vector<Group>> FreshworksHelpdesk::FetchGroups() {
  Result<std::vector<std::string>> pages =
      GetAllPages("/api/v2/groups?per_page=" + std::to_string(kPerPage), kMaxDirectoryPages);
  if (!pages.ok()) {
    return pages.status();
  }
  std::vector<Group> groups;
  for (const std::string& body : *pages) {
    Result<std::vector<Group>> page = ParseGroupList(kind_, body);
    if (!page.ok()) {
      return page.status().WithContext(name_ + " GET /api/v2/groups");
    }
    groups.insert(groups.end(), page->begin(), page->end());
  }
  return groups;
}

Result<std::vector<Agent>> FreshworksHelpdesk::FetchAgents() {
  Result<std::vector<std::string>> pages =
      GetAllPages("/api/v2/agents?per_page=" + std::to_string(kPerPage), kMaxDirectoryPages);
  if (!pages.ok()) {
    return pages.status();
  }
  std::vector<Agent> agents;
  for (const std::string& body : *pages) {
    Result<std::vector<Agent>> page = ParseAgentList(kind_, body);
    if (!page.ok()) {
      return page.status().WithContext(name_ + " GET /api/v2/agents");
    }
    agents.insert(agents.end(), page->begin(), page->end());
  }
  return agents;
}

Result<std::vector<FieldSchema>> FreshworksHelpdesk::FetchFields(
    std::map<int, std::string>* status_labels) {
  const std::string path = freshdesk() ? "/api/v2/ticket_fields" : "/api/v2/ticket_form_fields";
  Result<HttpResponse> response = Call("GET", path);
  if (!response.ok()) {
    return response.status();
  }
  Result<std::vector<FieldSchema>> fields = ParseTicketFields(kind_, response->body, status_labels);
  if (!fields.ok()) {
    return fields.status().WithContext(name_ + " GET " + path);
  }
  return fields;
}

Result<std::vector<Group>> FreshworksHelpdesk::ListGroups() {
  Result<std::vector<Group>> groups = FetchGroups();
  if (!groups.ok()) {
    return groups.status();
  }
  const bool no_members = std::all_of(groups->begin(), groups->end(),
                                      [](const Group& g) { return g.agent_ids.empty(); });
  if (no_members && !groups->empty()) {
    // Some accounts omit the member list on groups; the agents carry it too.
    Result<std::vector<Agent>> agents = FetchAgents();
    if (!agents.ok()) {
      return agents.status();
    }
    for (Group& group : *groups) {
      for (const Agent& agent : *agents) {
        if (std::find(agent.group_ids.begin(), agent.group_ids.end(), group.id) !=
            agent.group_ids.end()) {
          group.agent_ids.push_back(agent.id);
        }
      }
    }
  }
  return groups;
}

Result<std::vector<Agent>> FreshworksHelpdesk::ListAgents() {
  return FetchAgents();
}

Result<std::vector<FieldSchema>> FreshworksHelpdesk::GetFieldSchema() {
  std::map<int, std::string> statuses;
  return FetchFields(&statuses);
}

Status FreshworksHelpdesk::CheckTicketId(const std::string& id) const {
  if (ParseFreshworksId(id) <= 0) {
    // Same code as a 404: no ticket has this id.
    return NotFound(name_ + " ticket '" + id.substr(0, 40) +
                    "' does not exist: ticket ids are positive numbers");
  }
  return Status::Ok();
}

Status FreshworksHelpdesk::TicketError(const Status& status, const std::string& id) const {
  if (status.code() == StatusCode::kNotFound) {
    return NotFound(name_ + " ticket " + id + " does not exist (HTTP 404)");
  }
  return status;
}

Result<std::vector<Conversation>> FreshworksHelpdesk::FetchAllConversations(const std::string& id) {
  Result<std::vector<std::string>> pages =
      GetAllPages("/api/v2/tickets/" + id + "/conversations?per_page=" + std::to_string(kPerPage),
                  options_.max_conversation_pages);
  if (!pages.ok()) {
    return TicketError(pages.status(), id);
  }
  std::vector<Conversation> all;
  for (const std::string& body : *pages) {
    Result<std::vector<Conversation>> page = ParseConversationList(body);
    if (!page.ok()) {
      return page.status().WithContext(name_ + " GET /api/v2/tickets/" + id + "/conversations");
    }
    all.insert(all.end(), page->begin(), page->end());
  }
  return all;
}

Result<Ticket> FreshworksHelpdesk::GetTicket(const std::string& id) {
  AUTOTRIAGE_RETURN_IF_ERROR(CheckTicketId(id));
  const FreshworksNames names = NamesForParsing();
  Result<HttpResponse> response =
      Call("GET", "/api/v2/tickets/" + id + "?include=conversations,requester");
  if (!response.ok()) {
    return TicketError(response.status(), id);
  }
  Result<Ticket> ticket = ParseSingleTicket(kind_, response->body, names, nullptr);
  if (!ticket.ok()) {
    return ticket.status().WithContext(name_ + " GET /api/v2/tickets/" + id);
  }
  if (ticket->conversations.size() >= kEmbeddedConversationCap) {
    // The embedded list stops at 10; the conversations endpoint pages through all of them.
    Result<std::vector<Conversation>> all = FetchAllConversations(id);
    if (!all.ok()) {
      return all.status();
    }
    ticket->conversations = std::move(all.value());
  }
  return ticket;
}

Result<std::vector<KbArticle>> FreshworksHelpdesk::ListKbArticles(bool include_unpublished) {
  return freshdesk() ? ListFreshdeskKb(include_unpublished)
                     : ListFreshserviceKb(include_unpublished);
}

Result<std::string> FreshworksHelpdesk::CreateProblem(const ProblemRecord& problem) {
  if (freshdesk()) {
    return Unimplemented(
        "Freshdesk has no Problem records (only Freshservice does); capabilities().problems is "
        "false");
  }
  return CreateFreshserviceProblem(problem);
}

Result<std::optional<std::string>> FreshworksHelpdesk::FindProblemByMarker(
    const std::string& marker) {
  if (freshdesk()) {
    return Unimplemented("Freshdesk has no Problem records (only Freshservice does)");
  }
  return FindFreshserviceProblem(marker);
}

// Knowledge bases have few categories and folders; this only stops a runaway Link chain.
constexpr int kMaxKbListPages = 20;

Result<std::vector<FreshworksKbNode>> FreshworksHelpdesk::GetKbNodes(const std::string& path) {
  Result<std::vector<std::string>> pages = GetAllPages(path, kMaxKbListPages);
  if (!pages.ok()) {
    return pages.status();
  }
  std::vector<FreshworksKbNode> all;
  for (const std::string& body : *pages) {
    Result<std::vector<FreshworksKbNode>> page = ParseKbNodes(body);
    if (!page.ok()) {
      return page.status().WithContext(name_ + " GET " + path.substr(0, path.find('?')));
    }
    all.insert(all.end(), page->begin(), page->end());
  }
  return all;
}

}  // namespace autotriage
