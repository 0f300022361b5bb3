// What the assignee recommender needs from a helpdesk: the agent/group directory, the current
// workload (open tickets per agent) and the resolved history it learns from.
//
// Errors: LoadDirectory and LoadResolvedHistory return the connector's Status with context
// ("agent list failed: ..."). LoadWorkload never fails: a workload that could not be counted has
// loaded=false and an error in words, and the recommender then suggests without it and says so.
// Resolution time: Ticket has no resolved-at field, so the ticket's updated_at (its last change,
// usually the resolve or close) stands in for it; median times to resolve may be slightly long
// for tickets edited after resolution.
// Paging follows TicketPage::next_cursor; a cursor that repeats, or more than kMaxPages pages,
// is an error (a connector bug must not loop forever).
// Thread-safety: as safe as the Helpdesk passed in (the connectors are thread-safe).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/connectors/helpdesk.h"
#include "autotriage/core/status.h"
#include "autotriage/routing/assignee.h"

namespace autotriage {

inline constexpr int kRoutingMaxPages = 10000;

struct RoutingDirectory {
  std::vector<Agent> agents;
  std::vector<Group> groups;
};

// ListAgents + ListGroups. Either failing fails the whole load, naming which list failed.
Result<RoutingDirectory> LoadDirectory(Helpdesk& helpdesk);

// Open and pending tickets counted per agent (Ticket::fields["agent"], which is the agent's name
// on Freshdesk/Freshservice and the login on RT), keyed by the matching agent's id (matched by
// id, e-mail or name, case-insensitive); values that match no agent are kept under their own
// text. Tickets without an agent are not counted.
Workload LoadWorkload(Helpdesk& helpdesk, const std::vector<Agent>& agents);
// Same, using a directory loaded earlier: when that load failed the workload is not loaded and
// the error says "agent list failed: ..." (no second request is made).
Workload LoadWorkload(Helpdesk& helpdesk, const Result<RoutingDirectory>& directory);
// Same, calling ListAgents first.
Workload LoadWorkload(Helpdesk& helpdesk);

// Tickets with status "resolved" or "closed" updated at or after `since` (Unix seconds), as
// history records: agent = fields["agent"], group = fields["group"], category =
// fields["category"] ("" when absent), language, created_at, resolved_at = updated_at. Tickets
// without an agent are skipped; a ticket seen under both statuses counts once.
Result<std::vector<ResolvedTicket>> LoadResolvedHistory(Helpdesk& helpdesk, int64_t since);

}  // namespace autotriage
