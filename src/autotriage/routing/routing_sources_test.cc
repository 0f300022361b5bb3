#include "autotriage/routing/routing_sources.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// A helpdesk held in memory: tickets per neutral status, served in pages of `page_size`.
class FakeHelpdesk : public Helpdesk {
 public:
  std::vector<Agent> agents = {{"11", "Lukas Wagner", "lukas@example.com", {"7"}, true},
                               {"12", "Sofia Rossi", "sofia@example.com", {"7"}, true}};
  std::vector<Group> groups = {{"7", "Network", {"11", "12"}}};
  std::map<std::string, std::vector<Ticket>> tickets_by_status;
  size_t page_size = 2;
  Status agents_error;
  Status find_error;          // returned for every FindTickets call when set
  std::string broken_status;  // FindTickets fails with kInvalidArgument for this status
  bool repeat_cursor = false;
  std::vector<TicketQuery> queries;

  std::string kind() const override { return "fake"; }
  HelpdeskCapabilities capabilities() const override { return {}; }

  Result<TicketPage> FindTickets(const TicketQuery& query) override {
    queries.push_back(query);
    if (!find_error.ok()) {
      return find_error;
    }
    if (query.status == broken_status) {
      return InvalidArgument("unknown status '" + query.status + "'");
    }
    const std::vector<Ticket>& all = tickets_by_status[query.status];
    const size_t start = query.cursor.empty() ? 0 : std::stoul(query.cursor);
    TicketPage page;
    for (size_t i = start; i < all.size() && i < start + page_size; ++i) {
      page.tickets.push_back(all[i]);
    }
    if (start + page_size < all.size()) {
      page.next_cursor = repeat_cursor ? "0" : std::to_string(start + page_size);
    }
    return page;
  }
  Result<Ticket> GetTicket(const std::string&) override { return Unimplemented("fake"); }
  Result<Ticket> UpdateFields(const std::string&, const std::vector<FieldUpdate>&) override {
    return Unimplemented("fake");
  }
  Result<std::string> AddPrivateNote(const std::string&, const std::string&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<Group>> ListGroups() override { return groups; }
  Result<std::vector<Agent>> ListAgents() override {
    if (!agents_error.ok()) {
      return agents_error;
    }
    return agents;
  }
  Result<std::vector<FieldSchema>> GetFieldSchema() override { return Unimplemented("fake"); }
  Result<std::vector<KbArticle>> ListKbArticles(bool) override { return Unimplemented("fake"); }
  Result<std::string> CreateProblem(const ProblemRecord&) override { return Unimplemented("fake"); }
};

Ticket MakeTicket(const std::string& id, const std::string& agent, const std::string& category = "",
                  int64_t created = 1000, int64_t updated = 1000 + 7200) {
  Ticket ticket;
  ticket.id = id;
  ticket.language = "de";
  ticket.created_at = created;
  ticket.updated_at = updated;
  if (!agent.empty()) {
    ticket.fields["agent"] = agent;
  }
  ticket.fields["group"] = "Network";
  if (!category.empty()) {
    ticket.fields["category"] = category;
  }
  return ticket;
}

TEST(RoutingSourcesTest, LoadsTheDirectoryAndNamesAFailingList) {
  FakeHelpdesk helpdesk;
  auto directory = LoadDirectory(helpdesk);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  EXPECT_EQ(directory->agents.size(), 2u);
  EXPECT_EQ(directory->groups.at(0).name, "Network");

  helpdesk.agents_error = Unauthenticated("check the API key");
  auto failed = LoadDirectory(helpdesk);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(failed.status().message(), HasSubstr("agent list failed: check the API key"));
}

TEST(RoutingSourcesTest, WorkloadCountsOpenAndPendingAcrossPagesByAgent) {
  FakeHelpdesk helpdesk;
  helpdesk.tickets_by_status["open"] = {
      MakeTicket("1", "Lukas Wagner"), MakeTicket("2", "lukas@example.com"),
      MakeTicket("3", "SOFIA ROSSI"), MakeTicket("4", ""), MakeTicket("5", "Somebody Else")};
  helpdesk.tickets_by_status["pending"] = {MakeTicket("6", "11")};
  Workload workload = LoadWorkload(helpdesk);
  ASSERT_TRUE(workload.loaded) << workload.error;
  EXPECT_EQ(workload.open_by_agent_id,
            (std::map<std::string, int>{{"11", 3}, {"12", 1}, {"Somebody Else", 1}}));
  // Three pages of open tickets (page size 2), one of pending; the cursor is passed back.
  ASSERT_EQ(helpdesk.queries.size(), 4u);
  EXPECT_EQ(helpdesk.queries[1].cursor, "2");
  EXPECT_EQ(helpdesk.queries[2].cursor, "4");
  EXPECT_EQ(helpdesk.queries[3].status, "pending");
}

TEST(RoutingSourcesTest, HelpdeskWithoutPendingCountsOpenOnly) {
  FakeHelpdesk helpdesk;
  helpdesk.tickets_by_status["open"] = {MakeTicket("1", "Lukas Wagner")};
  helpdesk.broken_status = "pending";
  Workload workload = LoadWorkload(helpdesk);
  ASSERT_TRUE(workload.loaded) << workload.error;
  EXPECT_EQ(workload.open_by_agent_id.at("11"), 1);
}

TEST(RoutingSourcesTest, FailingTicketSearchLeavesWorkloadUnloaded) {
  FakeHelpdesk helpdesk;
  helpdesk.find_error = Unavailable("HTTP 503 after 3 retries");
  Workload workload = LoadWorkload(helpdesk);
  EXPECT_FALSE(workload.loaded);
  EXPECT_TRUE(workload.open_by_agent_id.empty());
  EXPECT_THAT(workload.error, HasSubstr("open tickets could not be counted"));
  EXPECT_THAT(workload.error, HasSubstr("HTTP 503 after 3 retries"));
}

TEST(RoutingSourcesTest, RepeatingCursorIsAnErrorNotALoop) {
  FakeHelpdesk helpdesk;
  helpdesk.repeat_cursor = true;
  helpdesk.tickets_by_status["resolved"] = {MakeTicket("1", "a"), MakeTicket("2", "b"),
                                            MakeTicket("3", "c")};
  auto history = LoadResolvedHistory(helpdesk, 0);
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(history.status().message(), HasSubstr("same page cursor twice"));
}

TEST(RoutingSourcesTest, ResolvedHistoryReadsResolvedAndClosedOnce) {
  FakeHelpdesk helpdesk;
  helpdesk.tickets_by_status["resolved"] = {MakeTicket("1", "Lukas Wagner", "VPN", 100, 3700),
                                            MakeTicket("2", ""), MakeTicket("3", "Sofia Rossi")};
  helpdesk.tickets_by_status["closed"] = {MakeTicket("3", "Sofia Rossi"),
                                          MakeTicket("4", "bob", "", 10, 20)};
  auto history = LoadResolvedHistory(helpdesk, 500);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 3u);
  const ResolvedTicket& first = history->at(0);
  EXPECT_EQ(first.agent, "Lukas Wagner");
  EXPECT_EQ(first.group, "Network");
  EXPECT_EQ(first.category, "VPN");
  EXPECT_EQ(first.language, "de");
  EXPECT_EQ(first.created_at, 100);
  EXPECT_EQ(first.resolved_at, 3700);  // updated_at stands in for the resolve time
  EXPECT_EQ(history->at(2).category, "");
  for (const TicketQuery& query : helpdesk.queries) {
    EXPECT_EQ(query.updated_since, 500);
  }
  std::vector<std::string> agents;
  for (const auto& record : *history) {
    agents.push_back(record.agent);
  }
  EXPECT_THAT(agents, UnorderedElementsAre("Lukas Wagner", "Sofia Rossi", "bob"));
}

TEST(RoutingSourcesTest, FailingAgentListStillGivesSuggestionsWithoutWorkload) {
  FakeHelpdesk helpdesk;
  helpdesk.agents_error = Unavailable("connection refused");
  helpdesk.tickets_by_status["resolved"] = {MakeTicket("1", "Lukas Wagner", "VPN"),
                                            MakeTicket("2", "Lukas Wagner", "VPN"),
                                            MakeTicket("3", "Sofia Rossi", "VPN")};
  helpdesk.tickets_by_status["open"] = {MakeTicket("9", "Sofia Rossi")};

  const Result<RoutingDirectory> directory = LoadDirectory(helpdesk);
  ASSERT_FALSE(directory.ok());
  const size_t calls_before = helpdesk.queries.size();
  Workload workload = LoadWorkload(helpdesk, directory);
  EXPECT_FALSE(workload.loaded);
  EXPECT_EQ(helpdesk.queries.size(), calls_before);  // no ticket search without agents
  EXPECT_EQ(workload.error, "agent list failed: connection refused");
  // The variant that lists agents itself says the same.
  EXPECT_THAT(LoadWorkload(helpdesk).error, HasSubstr("agent list failed"));

  auto history = LoadResolvedHistory(helpdesk, 0);
  ASSERT_TRUE(history.ok());
  AssigneeRecommender recommender({});
  recommender.Learn(*history, 10000);
  auto top = recommender.Suggest({"Network", "VPN", "de", 10000}, workload);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].name, "Lukas Wagner");
  EXPECT_THAT(top[0].reason, HasSubstr("workload unknown (agent list failed: connection refused)"));
  EXPECT_THAT(top[0].reason, HasSubstr("resolved 2 VPN tickets in 90 days (2 in de, median 2 h)"));
}

TEST(RoutingSourcesTest, WorkloadFromALoadedDirectoryMatchesNames) {
  FakeHelpdesk helpdesk;
  helpdesk.tickets_by_status["open"] = {MakeTicket("1", "Sofia Rossi")};
  const Result<RoutingDirectory> directory = LoadDirectory(helpdesk);
  ASSERT_TRUE(directory.ok());
  Workload workload = LoadWorkload(helpdesk, directory);
  ASSERT_TRUE(workload.loaded);
  EXPECT_EQ(workload.open_by_agent_id.at("12"), 1);
}

}  // namespace
}  // namespace autotriage
