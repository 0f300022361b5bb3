// Seed data of the dashboard browser fixture: a few pending approvals (decisions with outcome
// "pending" plus advice) and three users. The approvals are committed through the dashboard's
// own test seeding (dashboard/testing/seed.h), the users through auth's CreateUser. Test use
// only.
//
// The proposals (ticket id, version, queue, fields) are fixed so tests/browser/*.spec.mjs can
// name them. Ticket 1004 carries "<script>alert(1)</script>" in its subject, summary, KB title,
// similar-ticket subject and assignee reason, to check that the dashboard shows what the
// helpdesk sends as text. Thread-safety: none needed (called once, before serving).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/core/status.h"
#include "autotriage/dashboard/testing/seed.h"
#include "autotriage/store/store.h"

namespace autotriage::browser_fixture {

inline constexpr char kScriptPayload[] = "<script>alert(1)</script>";

// 1001 (to approve), 1002 (to reject), 1003 (to edit priority), 1004 (the script payload),
// 1005 (left pending for the viewer); proposed 50, 40, 30, 20 and 10 minutes before `now_ms`.
std::vector<SeedTicket> BrowserTickets(int64_t now_ms);

// The matrix the fixture's policy starts from: suggest for group, priority and type in the
// queues Network and Billing (the cells the /matrix page shows and the admin changes).
PolicyOptions BrowserPolicy();

struct BrowserUser {
  std::string name;
  std::string role;      // "admin", "approver", "viewer"
  std::string password;  // Secret. From the test runner's environment; never a default.
};

// Adds the users through auth's CreateUser (Argon2id hashes, audited). kInvalidArgument for an
// unknown role or a password auth refuses (too short), naming the user but not the password.
Status SeedUsers(Store& store, const std::vector<BrowserUser>& users, int64_t now_ms);

}  // namespace autotriage::browser_fixture
