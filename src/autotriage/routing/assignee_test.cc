#include "autotriage/routing/assignee.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// 2026-11-16 was a Monday; 09:00 UTC that day.
constexpr int64_t kMonday0900 = 1794819600;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

std::vector<Agent> NetworkAgents() {
  return {
      {"1", "Lukas Wagner", "lukas@example.com", {"g-net"}, true},
      {"2", "Sofia Rossi", "sofia@example.com", {"g-net"}, true},
      {"3", "Marcus Reed", "marcus@example.com", {"g-net"}, true},
      {"4", "Ben Carter", "ben@example.com", {"g-hw"}, true},
  };
}

std::vector<Group> Groups() {
  return {{"g-net", "Network", {}}, {"g-hw", "Hardware", {"4"}}};
}

// `count` resolved tickets by `agent`, each taking `hours` to resolve, ending before kMonday0900.
void AddResolved(std::vector<ResolvedTicket>* history, const std::string& agent, int count,
                 const std::string& group, const std::string& category,
                 const std::string& language = "en", int64_t hours = 5) {
  for (int i = 0; i < count; ++i) {
    const int64_t resolved = kMonday0900 - (i + 1) * kHour;
    history->push_back({agent, group, category, language, resolved - hours * kHour, resolved});
  }
}

AssigneeQuery VpnQuery() {
  return {"Network", "VPN", "en", kMonday0900};
}

Workload NoOpenTickets() {
  Workload workload;
  workload.loaded = true;
  return workload;
}

std::vector<std::string> Names(const std::vector<AssigneeSuggestion>& suggestions) {
  std::vector<std::string> out;
  for (const auto& s : suggestions) {
    out.push_back(s.name);
  }
  return out;
}

class AssigneeTest : public ::testing::Test {
 protected:
  AssigneeRecommender Make(RoutingOptions options = {}) {
    AssigneeRecommender recommender(std::move(options));
    recommender.SetDirectory(NetworkAgents(), Groups());
    return recommender;
  }
};

TEST_F(AssigneeTest, RanksByLearnedResolutionsOfTheCategoryWithReason) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Lukas Wagner", 10, "Network", "VPN");
  AddResolved(&history, "sofia@example.com", 3, "Network", "VPN");
  AddResolved(&history, "3", 12, "Network", "Wi-Fi");  // by id, another category
  AssigneeRecommender recommender = Make();
  recommender.Learn(history, kMonday0900);
  Workload workload = NoOpenTickets();
  workload.open_by_agent_id["1"] = 2;

  auto top = recommender.Suggest(VpnQuery(), workload);
  ASSERT_THAT(Names(top), ElementsAre("Lukas Wagner", "Sofia Rossi"));
  EXPECT_EQ(top[0].agent_id, "1");
  EXPECT_EQ(top[0].email, "lukas@example.com");
  EXPECT_EQ(top[0].reason, "2 open, resolved 10 VPN tickets in 90 days (10 in en, median 5 h)");
  EXPECT_EQ(top[1].reason, "0 open, resolved 3 VPN tickets in 90 days (3 in en, median 5 h)");
  EXPECT_GT(top[0].score, top[1].score);
  EXPECT_TRUE(recommender.UnknownAgents().empty());
}

TEST_F(AssigneeTest, OnlyMembersOfTheGroupAreEligible) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Ben Carter", 50, "Network", "VPN");  // not a Network member
  AddResolved(&history, "Marcus Reed", 1, "Network", "VPN");
  AssigneeRecommender recommender = Make();
  recommender.Learn(history, kMonday0900);
  auto top = recommender.Suggest(VpnQuery(), NoOpenTickets(), 5);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].name, "Marcus Reed");
  EXPECT_THAT(Names(top), Not(::testing::Contains("Ben Carter")));
  // Membership is read from Group::agent_ids as well as Agent::group_ids.
  auto hardware = recommender.Suggest({"hardware", "", "", kMonday0900}, NoOpenTickets(), 5);
  EXPECT_THAT(Names(hardware), ElementsAre("Ben Carter"));
}

TEST_F(AssigneeTest, ConfiguredSkillMatchesAWordOfTheCategory) {
  RoutingOptions options;
  options.agents.push_back({"marcus@example.com", {"vpn", "de"}, {}, 0, {}});
  AssigneeRecommender recommender = Make(options);
  auto top = recommender.Suggest({"Network", "Network / VPN", "de", kMonday0900}, NoOpenTickets());
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0].name, "Marcus Reed");
  EXPECT_THAT(top[0].reason, HasSubstr("skill: vpn, de"));
  EXPECT_THAT(top[0].reason, HasSubstr("no Network / VPN tickets resolved in 90 days"));
}

TEST_F(AssigneeTest, WorkloadDecidesBetweenEquallyExperiencedAgents) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Lukas Wagner", 8, "Network", "VPN");
  AddResolved(&history, "Sofia Rossi", 8, "Network", "VPN");
  AssigneeRecommender recommender = Make();
  recommender.Learn(history, kMonday0900);
  Workload workload = NoOpenTickets();
  workload.open_by_agent_id["1"] = 9;
  // A key that is no id is matched by name (the helpdesk's agent field).
  workload.open_by_agent_id["sofia rossi"] = 1;
  auto top = recommender.Suggest(VpnQuery(), workload);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].name, "Sofia Rossi");
  EXPECT_THAT(top[0].reason, HasSubstr("1 open"));
  EXPECT_THAT(top[1].reason, HasSubstr("9 open"));
}

TEST_F(AssigneeTest, UnloadedWorkloadStillSuggestsAndSaysSo) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Lukas Wagner", 4, "Network", "VPN");
  AssigneeRecommender recommender = Make();
  recommender.Learn(history, kMonday0900);
  Workload failed;
  failed.error = "agent list failed: unavailable: connection refused";
  failed.open_by_agent_id["2"] = 100;  // ignored: not loaded
  auto top = recommender.Suggest(VpnQuery(), failed);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].name, "Lukas Wagner");
  for (const auto& suggestion : top) {
    EXPECT_THAT(suggestion.reason,
                HasSubstr("workload unknown (agent list failed: unavailable: connection refused)"));
    EXPECT_THAT(suggestion.reason, Not(HasSubstr(" open,")));
  }
}

TEST_F(AssigneeTest, AwayAgentIsRankedBelowAvailableOnesWithTheReturnDate) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Lukas Wagner", 30, "Network", "VPN");
  RoutingOptions options;
  // Away until 2026-11-24 00:00 local (UTC+1).
  const int64_t back = 1795474800;  // 2026-11-23T23:00:00Z
  options.agents.push_back({"Lukas Wagner", {}, {}, 60, {{kMonday0900 - kDay, back}}});
  AssigneeRecommender recommender = Make(options);
  recommender.Learn(history, kMonday0900);
  auto top = recommender.Suggest(VpnQuery(), NoOpenTickets(), 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[2].name, "Lukas Wagner");
  EXPECT_FALSE(top[2].available);
  EXPECT_THAT(top[2].reason, HasSubstr("away until 2026-11-24"));
  EXPECT_TRUE(top[0].available);
  // After the absence he is first again.
  AssigneeQuery later = VpnQuery();
  later.now = back + kDay;
  EXPECT_EQ(recommender.Suggest(later, NoOpenTickets())[0].name, "Lukas Wagner");
}

TEST_F(AssigneeTest, ShiftsDecideAvailabilityAndAreDescribed) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Lukas Wagner", 30, "Network", "VPN");
  RoutingOptions options;
  options.agents.push_back({"lukas@example.com", {}, {{{1, 2, 3, 4, 5}, 8 * 60, 16 * 60}}, 0, {}});
  AssigneeRecommender recommender = Make(options);
  recommender.Learn(history, kMonday0900);

  auto monday = recommender.Suggest(VpnQuery(), NoOpenTickets());
  ASSERT_FALSE(monday.empty());
  EXPECT_EQ(monday[0].name, "Lukas Wagner");
  EXPECT_THAT(monday[0].reason, HasSubstr(", on shift"));

  AssigneeQuery saturday = VpnQuery();
  saturday.now = kMonday0900 - 2 * kDay;
  auto top = recommender.Suggest(saturday, NoOpenTickets(), 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[2].name, "Lukas Wagner");
  EXPECT_THAT(top[2].reason, HasSubstr("off shift (Mon\u2013Fri 08:00\u201316:00)"));
}

TEST_F(AssigneeTest, NightShiftCrossesMidnightInLocalTime) {
  RoutingOptions options;
  // Friday 22:00 to Saturday 06:00 at UTC+2.
  options.agents.push_back({"Sofia Rossi", {"vpn"}, {{{5}, 22 * 60, 6 * 60}}, 120, {}});
  AssigneeRecommender recommender = Make(options);
  AssigneeQuery query = VpnQuery();
  query.now = kMonday0900 - 2 * kDay - 8 * kHour;  // Saturday 01:00 UTC = 03:00 local
  auto top = recommender.Suggest(query, NoOpenTickets());
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0].name, "Sofia Rossi");
  EXPECT_THAT(top[0].reason, HasSubstr("on shift"));
  query.now += kDay;  // Sunday 03:00 local
  auto sunday = recommender.Suggest(query, NoOpenTickets(), 3);
  EXPECT_THAT(sunday.back().reason, HasSubstr("off shift (Fri 22:00\u201306:00)"));
}

TEST_F(AssigneeTest, HelpdeskUnavailableFlagRanksLast) {
  auto agents = NetworkAgents();
  agents[0].available = false;
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Lukas Wagner", 30, "Network", "VPN");
  AssigneeRecommender recommender({});
  recommender.SetDirectory(agents, Groups());
  recommender.Learn(history, kMonday0900);
  auto top = recommender.Suggest(VpnQuery(), NoOpenTickets(), 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[2].name, "Lukas Wagner");
  EXPECT_THAT(top[2].reason, HasSubstr("unavailable in the helpdesk"));
}

TEST_F(AssigneeTest, UnknownAgentsInConfigAndHistoryAreReportedAndIgnored) {
  RoutingOptions options;
  options.agents.push_back({"ghost@example.com", {"vpn"}, {}, 0, {}});
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Former Colleague", 40, "Network", "VPN");
  AddResolved(&history, "Sofia Rossi", 2, "Network", "VPN");
  AssigneeRecommender recommender = Make(options);
  recommender.Learn(history, kMonday0900);
  EXPECT_THAT(recommender.UnknownAgents(), ElementsAre("Former Colleague", "ghost@example.com"));
  auto top = recommender.Suggest(VpnQuery(), NoOpenTickets(), 10);
  EXPECT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].name, "Sofia Rossi");
}

TEST_F(AssigneeTest, WithoutDirectoryConfigAndHistoryAgentsStandIn) {
  RoutingOptions options;
  options.agents.push_back({"nina@example.com", {"Security"}, {}, 0, {}});
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "lukas", 6, "Network", "VPN");
  AddResolved(&history, "sofia", 2, "Network", "VPN");
  AddResolved(&history, "ben", 9, "Hardware", "Printer");
  AssigneeRecommender recommender(options);
  recommender.Learn(history, kMonday0900);
  Workload failed;
  failed.error = "agent list failed: unauthenticated: check the API key";
  auto top = recommender.Suggest(VpnQuery(), failed, 5);
  // Group membership comes from history: ben only resolved Hardware, nina has another skill.
  ASSERT_THAT(Names(top), ElementsAre("lukas", "sofia"));
  EXPECT_EQ(top[0].agent_id, "lukas");
  EXPECT_THAT(top[0].reason, HasSubstr("workload unknown (agent list failed"));
  auto security = recommender.Suggest({"Security", "", "", kMonday0900}, failed);
  ASSERT_FALSE(security.empty());
  EXPECT_EQ(security[0].email, "nina@example.com");
  EXPECT_TRUE(recommender.UnknownAgents().empty());
}

TEST_F(AssigneeTest, HistoryOutsideTheWindowIsIgnored) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Sofia Rossi", 3, "Network", "VPN");
  for (int i = 0; i < 20; ++i) {  // 91+ days old
    history.push_back(
        {"Lukas Wagner", "Network", "VPN", "en", kMonday0900 - 92 * kDay, kMonday0900 - 91 * kDay});
  }
  history.push_back({"", "Network", "VPN", "en", 0, kMonday0900});  // no agent: skipped
  AssigneeRecommender recommender = Make();
  recommender.Learn(history, kMonday0900);
  auto top = recommender.Suggest(VpnQuery(), NoOpenTickets(), 3);
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0].name, "Sofia Rossi");
  EXPECT_THAT(top[1].reason, HasSubstr("no VPN tickets resolved in 90 days"));
}

TEST_F(AssigneeTest, LanguageHistorySeparatesAgentsWithEqualCategoryCounts) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Lukas Wagner", 6, "Network", "VPN", "de");
  AddResolved(&history, "Lukas Wagner", 4, "Network", "VPN", "en");
  AddResolved(&history, "Sofia Rossi", 10, "Network", "VPN", "en");
  AssigneeRecommender recommender = Make();
  recommender.Learn(history, kMonday0900);
  AssigneeQuery german = VpnQuery();
  german.language = "de";
  auto top = recommender.Suggest(german, NoOpenTickets(), 1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].name, "Lukas Wagner");
  EXPECT_THAT(top[0].reason, HasSubstr("(6 in de"));
  EXPECT_EQ(recommender.Suggest(VpnQuery(), NoOpenTickets(), 1)[0].name, "Sofia Rossi");
}

TEST_F(AssigneeTest, UnknownCategoryBacksOffToTheGroup) {
  std::vector<ResolvedTicket> history;
  AddResolved(&history, "Marcus Reed", 9, "Network", "Wi-Fi", "en", 30);
  AssigneeRecommender recommender = Make();
  recommender.Learn(history, kMonday0900);
  auto top = recommender.Suggest({"Network", "", "", kMonday0900}, NoOpenTickets());
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0].name, "Marcus Reed");
  EXPECT_THAT(top[0].reason, HasSubstr("resolved 9 Network tickets in 90 days (median 30 h)"));
  // A never-seen category still prefers the group's experienced agent.
  EXPECT_EQ(recommender.Suggest({"Network", "Firewall", "", kMonday0900}, NoOpenTickets())[0].name,
            "Marcus Reed");
}

TEST_F(AssigneeTest, NoAgentsGiveNoSuggestions) {
  AssigneeRecommender recommender({});
  EXPECT_TRUE(recommender.Suggest(VpnQuery(), NoOpenTickets()).empty());
  AssigneeRecommender with_agents = Make();
  EXPECT_TRUE(with_agents.Suggest(VpnQuery(), NoOpenTickets(), 0).empty());
}

}  // namespace
}  // namespace autotriage
