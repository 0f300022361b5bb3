#include "fixture_seed.h"

#include <optional>
#include <utility>

#include "autotriage/auth/auth.h"
#include "autotriage/auth/users.h"

namespace autotriage::browser_fixture {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;

// One proposed field; the explanation names the proposed value as its word.
SeedField Field(std::string field, std::string old_value, std::string new_value,
                double confidence) {
  SeedField seed;
  seed.field = std::move(field);
  seed.old_value = std::move(old_value);
  seed.new_value = std::move(new_value);
  seed.confidence = confidence;
  seed.words = {{"w:" + seed.new_value, 1.25}};
  return seed;
}

// A proposal whose free-text advice repeats the subject, so an unescaped subject would show
// wherever the card or the list renders advice.
SeedTicket Proposal(std::string id, std::string version, std::string queue, std::string subject,
                    std::vector<SeedField> fields, int64_t created_ms) {
  SeedTicket ticket;
  ticket.ticket_id = std::move(id);
  ticket.version = std::move(version);
  ticket.queue = std::move(queue);
  ticket.subject = std::move(subject);
  ticket.summary = "Customer reports: " + ticket.subject;
  ticket.note_draft = "autotriage suggests queue " + ticket.queue + ".";
  ticket.fields = std::move(fields);
  ticket.articles = {{"kb-" + ticket.ticket_id, "How to handle: " + ticket.subject,
                      "https://kb.example.test/articles/" + ticket.ticket_id}};
  ticket.similar = {{"9" + ticket.ticket_id, "Earlier: " + ticket.subject,
                     "Resolved by the " + ticket.queue + " team."}};
  ticket.assignees = {{"17", "Dana Agent", "solved 12 tickets like \"" + ticket.subject + "\""}};
  ticket.created_ms = created_ms;
  return ticket;
}

}  // namespace

std::vector<SeedTicket> BrowserTickets(int64_t now_ms) {
  // Oldest first; the pending list shows them newest first.
  return {
      Proposal("1001", "1731000001", "Network", "VPN drops every hour",
               {Field("group", "", "Network", 0.93), Field("priority", "low", "high", 0.81)},
               now_ms - 50 * kMinuteMs),
      Proposal("1002", "1731000002", "Billing", "Invoice shows the wrong VAT rate",
               {Field("group", "", "Billing", 0.91), Field("type", "", "Question", 0.77)},
               now_ms - 40 * kMinuteMs),
      Proposal("1003", "1731000003", "Network", "Printer on floor 3 is offline",
               {Field("group", "", "Network", 0.88), Field("priority", "low", "medium", 0.74)},
               now_ms - 30 * kMinuteMs),
      Proposal("1004", "1731000004", "Billing", std::string("Refund please ") + kScriptPayload,
               {Field("group", "", "Billing", 0.9)}, now_ms - 20 * kMinuteMs),
      Proposal("1005", "1731000005", "Network", "Wi-Fi is slow in meeting room B",
               {Field("group", "", "Network", 0.86)}, now_ms - 10 * kMinuteMs),
  };
}

PolicyOptions BrowserPolicy() {
  PolicyOptions policy;
  policy.default_mode = AutonomyMode::kMonitor;
  for (const char* queue : {"Network", "Billing"}) {
    for (const char* field : {"group", "priority", "type"}) {
      PolicyCell cell;
      cell.queue = queue;
      cell.field = field;
      cell.mode = AutonomyMode::kSuggest;
      policy.cells.push_back(cell);
    }
  }
  return policy;
}

Status SeedUsers(Store& store, const std::vector<BrowserUser>& users, int64_t now_ms) {
  for (const BrowserUser& seed : users) {
    std::optional<Role> role = ParseRole(seed.role);
    if (!role.has_value()) {
      return InvalidArgument("test user '" + seed.name + "' has an unknown role '" + seed.role +
                             "'");
    }
    NewUser user;
    user.name = seed.name;
    user.role = *role;
    user.password = seed.password;
    Result<int64_t> added = CreateUser(store, user, "browser-fixture", now_ms);
    if (!added.ok()) {
      return added.status().WithContext("adding test user '" + seed.name + "'");
    }
  }
  return Status::Ok();
}

}  // namespace autotriage::browser_fixture
