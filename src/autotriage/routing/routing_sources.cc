// Loads the recommender's inputs through the Helpdesk contract, paging through FindTickets.
#include "autotriage/routing/routing_sources.h"

#include <functional>
#include <map>
#include <set>
#include <utility>

#include "autotriage/routing/routing_keys.h"

namespace autotriage {
namespace {

using routing_internal::Lower;

// Calls `visit` for every ticket with this status updated at or after `since`.
Status ForEachTicket(Helpdesk& helpdesk, const std::string& status, int64_t since,
                     const std::function<void(const Ticket&)>& visit) {
  TicketQuery query;
  query.status = status;
  query.updated_since = since;
  query.page_size = helpdesk.capabilities().max_page_size;
  std::set<std::string> seen_cursors;
  for (int page = 0; page < kRoutingMaxPages; ++page) {
    Result<TicketPage> result = helpdesk.FindTickets(query);
    if (!result.ok()) {
      return result.status().WithContext("listing " + status + " tickets (page " +
                                         std::to_string(page + 1) + ")");
    }
    for (const Ticket& ticket : result->tickets) {
      visit(ticket);
    }
    if (result->next_cursor.empty()) {
      return Status::Ok();
    }
    if (!seen_cursors.insert(result->next_cursor).second) {
      return Corruption("listing " + status + " tickets: the helpdesk returned the same page " +
                        "cursor twice ('" + result->next_cursor + "')");
    }
    query.cursor = result->next_cursor;
  }
  return ResourceExhausted("listing " + status + " tickets: more than " +
                           std::to_string(kRoutingMaxPages) + " pages");
}

const std::string& FieldOrEmpty(const Ticket& ticket, const char* name) {
  static const std::string kEmpty;
  auto it = ticket.fields.find(name);
  return it == ticket.fields.end() ? kEmpty : it->second;
}

}  // namespace

Result<RoutingDirectory> LoadDirectory(Helpdesk& helpdesk) {
  RoutingDirectory directory;
  Result<std::vector<Agent>> agents = helpdesk.ListAgents();
  if (!agents.ok()) {
    return agents.status().WithContext("agent list failed");
  }
  Result<std::vector<Group>> groups = helpdesk.ListGroups();
  if (!groups.ok()) {
    return groups.status().WithContext("group list failed");
  }
  directory.agents = std::move(agents).value();
  directory.groups = std::move(groups).value();
  return directory;
}

Workload LoadWorkload(Helpdesk& helpdesk, const std::vector<Agent>& agents) {
  // The agent field holds a name (Freshworks) or login (RT); ids and e-mails are matched too.
  std::map<std::string, std::string> id_by_text;
  for (int pass = 0; pass < 3; ++pass) {  // ids win over e-mails, e-mails over names
    for (const Agent& agent : agents) {
      const std::string& text = pass == 0 ? agent.id : pass == 1 ? agent.email : agent.name;
      if (!text.empty()) {
        id_by_text.emplace(Lower(text), agent.id);
      }
    }
  }
  Workload workload;
  for (const char* status : {"open", "pending"}) {
    Status listed = ForEachTicket(helpdesk, status, 0, [&](const Ticket& ticket) {
      const std::string& agent = FieldOrEmpty(ticket, "agent");
      if (agent.empty()) {
        return;
      }
      auto it = id_by_text.find(Lower(agent));
      ++workload.open_by_agent_id[it == id_by_text.end() ? agent : it->second];
    });
    // Some helpdesks have no "pending" state and refuse the filter: open alone is counted then.
    if (!listed.ok() && std::string(status) == "pending" &&
        listed.code() == StatusCode::kInvalidArgument) {
      continue;
    }
    if (!listed.ok()) {
      workload.open_by_agent_id.clear();
      workload.error = "open tickets could not be counted: " + listed.ToString();
      return workload;
    }
  }
  workload.loaded = true;
  return workload;
}

Workload LoadWorkload(Helpdesk& helpdesk, const Result<RoutingDirectory>& directory) {
  if (!directory.ok()) {
    Workload workload;
    const std::string& message = directory.status().message();
    // LoadDirectory's message already starts with "agent list failed" or "group list failed";
    // only the agent list matters for counting.
    if (message.rfind("agent list failed", 0) == 0) {
      workload.error = message;
      return workload;
    }
    return LoadWorkload(helpdesk);
  }
  return LoadWorkload(helpdesk, directory->agents);
}

Workload LoadWorkload(Helpdesk& helpdesk) {
  Result<std::vector<Agent>> agents = helpdesk.ListAgents();
  if (!agents.ok()) {
    Workload workload;
    workload.error = "agent list failed: " + agents.status().ToString();
    return workload;
  }
  return LoadWorkload(helpdesk, agents.value());
}

Result<std::vector<ResolvedTicket>> LoadResolvedHistory(Helpdesk& helpdesk, int64_t since) {
  std::vector<ResolvedTicket> history;
  std::set<std::string> seen_ids;
  for (const char* status : {"resolved", "closed"}) {
    Status listed = ForEachTicket(helpdesk, status, since, [&](const Ticket& ticket) {
      const std::string& agent = FieldOrEmpty(ticket, "agent");
      if (agent.empty() || !seen_ids.insert(ticket.id).second) {
        return;
      }
      ResolvedTicket record;
      record.agent = agent;
      record.group = FieldOrEmpty(ticket, "group");
      record.category = FieldOrEmpty(ticket, "category");
      record.language = ticket.language;
      record.created_at = ticket.created_at;
      record.resolved_at = ticket.updated_at;
      history.push_back(std::move(record));
    });
    if (!listed.ok()) {
      return listed.WithContext("resolved history");
    }
  }
  return history;
}

}  // namespace autotriage
