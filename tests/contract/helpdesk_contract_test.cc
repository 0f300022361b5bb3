// The Helpdesk contract: every connector must pass these cases against its helpdesk (the
// Freshdesk and Freshservice sandboxes, a real RT5). Backends come from ContractBackends(), which
// the linked backend file defines (see contract_target.h).
// A backend that is not available here skips, except under CI=true, where it fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ostream>
#include <set>
#include <string>

#include "tests/contract/contract_target.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kMaxPages = 500;

}  // namespace

// gtest prints the parameter next to each test name; the backend's name is what matters.
void PrintTo(const ContractBackend& backend, std::ostream* os) {
  *os << backend.name;
}

namespace {

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

class HelpdeskContractTest : public ::testing::TestWithParam<ContractBackend> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<ContractTarget>> target = GetParam().start();
    if (!target.ok()) {
      if (target.status().code() == StatusCode::kNotFound && !InCi()) {
        GTEST_SKIP() << GetParam().name << " is not available: " << target.status().ToString();
      }
      FAIL() << GetParam().name << " could not be started: " << target.status().ToString();
    }
    target_ = std::move(target.value());
  }

  Helpdesk& helpdesk() { return target_->helpdesk(); }

  // A text unique to this test and process, so tests sharing one helpdesk do not collide.
  std::string Marker(const std::string& what) const {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return "contract-" + std::string(info->name()).substr(0, 24) + "-" + what + "-" +
           std::to_string(getpid());
  }

  std::string NewTicket(const std::string& what) {
    Result<std::string> id =
        target_->CreateTicket("Contract " + Marker(what), "VPN drops every hour. " + Marker(what));
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? id.value() : std::string();
  }

  void ExpectNoSecret(const Status& status) {
    for (const std::string& secret : target_->secrets()) {
      EXPECT_THAT(status.message(), Not(HasSubstr(secret))) << "a credential leaked";
    }
  }

  // Every page of a query; fails the test on an error or a runaway cursor.
  std::vector<Ticket> CollectAll(TicketQuery query, int* pages) {
    std::vector<Ticket> all;
    *pages = 0;
    do {
      Result<TicketPage> page = helpdesk().FindTickets(query);
      if (!page.ok()) {
        ADD_FAILURE() << "page " << *pages + 1 << ": " << page.status().ToString();
        return all;
      }
      ++*pages;
      all.insert(all.end(), page->tickets.begin(), page->tickets.end());
      query.cursor = page->next_cursor;
    } while (!query.cursor.empty() && *pages < kMaxPages);
    EXPECT_TRUE(query.cursor.empty()) << "more than " << kMaxPages << " pages";
    return all;
  }

  std::unique_ptr<ContractTarget> target_;
};

std::set<std::string> Ids(const std::vector<Ticket>& tickets) {
  std::set<std::string> ids;
  for (const Ticket& ticket : tickets) {
    ids.insert(ticket.id);
  }
  return ids;
}

TEST_P(HelpdeskContractTest, ReportsItsKindAndCapabilities) {
  EXPECT_EQ(helpdesk().kind(), GetParam().kind);
  const HelpdeskCapabilities caps = helpdesk().capabilities();
  EXPECT_EQ(caps.problems, GetParam().problems);
  EXPECT_EQ(caps.knowledge_base, GetParam().knowledge_base);
  EXPECT_GE(caps.max_page_size, 1);
}

TEST_P(HelpdeskContractTest, FindTicketsPagesWithoutDuplicatesOrGaps) {
  const int64_t since = target_->Now() - 1;
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.insert(NewTicket("page" + std::to_string(i)));
  }
  TicketQuery query;
  query.updated_since = since;
  query.page_size = 2;  // smaller than the data: several pages
  int pages = 0;
  std::vector<Ticket> found = CollectAll(query, &pages);
  EXPECT_GE(pages, 3);
  const std::set<std::string> ids = Ids(found);
  // Other tests may update their tickets while this one pages, and a ticket updated during the
  // walk rightly comes back in its newer state; the same state twice is a paging bug.
  std::set<std::pair<std::string, int64_t>> states;
  for (const Ticket& ticket : found) {
    EXPECT_TRUE(states.emplace(ticket.id, ticket.updated_at).second)
        << "ticket " << ticket.id << " came back on two pages in the same state";
  }
  for (const std::string& id : created) {
    EXPECT_EQ(ids.count(id), 1u) << "created ticket " << id << " missing from the pages";
  }
  for (const Ticket& ticket : found) {
    EXPECT_GE(ticket.updated_at, since) << ticket.id;
    EXPECT_FALSE(ticket.subject.empty()) << ticket.id;
  }
  if (target_->TicketCount() >= 0) {
    // A full backfill returns every ticket exactly once.
    TicketQuery all;
    all.page_size = 100;
    std::vector<Ticket> everything = CollectAll(all, &pages);
    EXPECT_EQ(static_cast<int64_t>(everything.size()), target_->TicketCount());
    EXPECT_EQ(Ids(everything).size(), everything.size());
  }
}

TEST_P(HelpdeskContractTest, UpdatedSinceCursorSeesOnlyLaterUpdates) {
  const std::string updated = NewTicket("later");
  const std::string untouched = NewTicket("untouched");
  Result<Ticket> a = helpdesk().GetTicket(updated);
  Result<Ticket> b = helpdesk().GetTicket(untouched);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const int64_t cursor = std::max(a->updated_at, b->updated_at) + 1;
  target_->LetTimePass();
  ASSERT_GE(target_->Now(), cursor);

  const std::string new_priority = a->fields["priority"] == "High" ? "Low" : "High";
  Result<Ticket> after = helpdesk().UpdateFields(updated, {{"priority", new_priority}});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_GE(after->updated_at, cursor);

  TicketQuery query;
  query.updated_since = cursor;
  int pages = 0;
  const std::set<std::string> ids = Ids(CollectAll(query, &pages));
  EXPECT_EQ(ids.count(updated), 1u) << "the ticket updated after the cursor is missing";
  EXPECT_EQ(ids.count(untouched), 0u) << "a ticket last updated before the cursor came back";
}

TEST_P(HelpdeskContractTest, GetTicketReturnsTheTicketAsCreated) {
  const std::string id = NewTicket("get");
  Result<Ticket> ticket = helpdesk().GetTicket(id);
  ASSERT_TRUE(ticket.ok()) << ticket.status().ToString();
  EXPECT_EQ(ticket->id, id);
  EXPECT_EQ(ticket->subject, "Contract " + Marker("get"));
  EXPECT_THAT(ticket->description_html, HasSubstr("VPN drops every hour."));
  EXPECT_FALSE(ticket->requester_email.empty());
  EXPECT_GT(ticket->created_at, 0);
  EXPECT_GE(ticket->updated_at, ticket->created_at);
  EXPECT_FALSE(ticket->status.empty());
}

TEST_P(HelpdeskContractTest, PrivateNoteAppearsInTheConversations) {
  const std::string id = NewTicket("note");
  const std::string text = "Suggested group: Network (confidence 0.91) " + Marker("text");
  Result<std::string> note = helpdesk().AddPrivateNote(id, text);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_FALSE(note->empty());
  Result<Ticket> ticket = helpdesk().GetTicket(id);
  ASSERT_TRUE(ticket.ok()) << ticket.status().ToString();
  int matches = 0;
  for (const Conversation& c : ticket->conversations) {
    if (c.body_html.find(Marker("text")) != std::string::npos) {
      ++matches;
      EXPECT_TRUE(c.is_private);
      EXPECT_FALSE(c.from_requester);
      EXPECT_GT(c.created_at, 0);
    }
  }
  EXPECT_EQ(matches, 1) << "the note must appear exactly once";
}

TEST_P(HelpdeskContractTest, UpdateGroupAndPriorityReadsBack) {
  const std::string id = NewTicket("update");
  Result<Ticket> before = helpdesk().GetTicket(id);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  Result<std::vector<Group>> groups = helpdesk().ListGroups();
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  Result<std::vector<FieldSchema>> schema = helpdesk().GetFieldSchema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  std::string group;
  for (const Group& g : *groups) {
    if (g.name != before->fields["group"] && group.empty()) {
      group = g.name;
    }
  }
  std::string priority;
  for (const FieldSchema& field : *schema) {
    for (const std::string& choice : field.choices) {
      if (field.name == "priority" && choice != before->fields["priority"] && priority.empty()) {
        priority = choice;
      }
    }
  }
  ASSERT_FALSE(group.empty());
  ASSERT_FALSE(priority.empty());
  Result<Ticket> after = helpdesk().UpdateFields(id, {{"group", group}, {"priority", priority}});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->fields["group"], group);
  EXPECT_EQ(after->fields["priority"], priority);
  Result<Ticket> read = helpdesk().GetTicket(id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->fields["group"], group);
  EXPECT_EQ(read->fields["priority"], priority);
  EXPECT_EQ(read->subject, before->subject);
}

TEST_P(HelpdeskContractTest, UnknownTicketIsNotFound) {
  EXPECT_EQ(helpdesk().GetTicket("987654321").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(helpdesk().UpdateFields("987654321", {{"priority", "High"}}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(helpdesk().AddPrivateNote("987654321", "never written").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(helpdesk().GetTicket("abc").status().code(), StatusCode::kNotFound);
}

TEST_P(HelpdeskContractTest, WrongCredentialsAreUnauthenticatedWithoutLeakingThem) {
  const std::string id = NewTicket("auth");
  std::unique_ptr<Helpdesk> wrong = target_->WithWrongCredentials();
  ASSERT_NE(wrong, nullptr);
  Result<TicketPage> page = wrong->FindTickets(TicketQuery{});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kUnauthenticated) << page.status().ToString();
  EXPECT_THAT(page.status().message(), HasSubstr("check"));
  ExpectNoSecret(page.status());
  Result<Ticket> ticket = wrong->GetTicket(id);
  EXPECT_EQ(ticket.status().code(), StatusCode::kUnauthenticated);
  ExpectNoSecret(ticket.status());
  Result<std::string> note = wrong->AddPrivateNote(id, "never written");
  EXPECT_EQ(note.status().code(), StatusCode::kUnauthenticated);
  ExpectNoSecret(note.status());
}

TEST_P(HelpdeskContractTest, FieldSchemaHasTheGroupsAndPriorities) {
  Result<std::vector<FieldSchema>> schema = helpdesk().GetFieldSchema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  Result<std::vector<Group>> groups = helpdesk().ListGroups();
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  std::map<std::string, std::vector<std::string>> choices;
  for (const FieldSchema& field : *schema) {
    choices[field.name] = field.choices;
  }
  ASSERT_EQ(choices.count("group"), 1u);
  ASSERT_EQ(choices.count("priority"), 1u);
  EXPECT_GE(choices["priority"].size(), 3u);
  for (const Group& group : *groups) {
    EXPECT_THAT(choices["group"], ::testing::Contains(group.name));
  }
}

TEST_P(HelpdeskContractTest, GroupsAndAgentsAgreeOnMembership) {
  Result<std::vector<Group>> groups = helpdesk().ListGroups();
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  Result<std::vector<Agent>> agents = helpdesk().ListAgents();
  ASSERT_TRUE(agents.ok()) << agents.status().ToString();
  ASSERT_FALSE(groups->empty());
  ASSERT_FALSE(agents->empty());
  std::map<std::string, const Agent*> by_id;
  for (const Agent& agent : *agents) {
    EXPECT_FALSE(agent.id.empty());
    EXPECT_FALSE(agent.name.empty()) << agent.id;
    by_id[agent.id] = &agent;
  }
  int memberships = 0;
  for (const Group& group : *groups) {
    EXPECT_FALSE(group.name.empty()) << group.id;
    for (const std::string& agent_id : group.agent_ids) {
      ++memberships;
      ASSERT_EQ(by_id.count(agent_id), 1u)
          << "group " << group.name << " lists unknown agent " << agent_id;
      EXPECT_THAT(by_id[agent_id]->group_ids, ::testing::Contains(group.id))
          << "agent " << agent_id << " does not list group " << group.name;
    }
  }
  EXPECT_GT(memberships, 0);
}

TEST_P(HelpdeskContractTest, KnowledgeBaseMatchesTheCapability) {
  Result<std::vector<KbArticle>> published = helpdesk().ListKbArticles(false);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  if (!GetParam().knowledge_base) {
    EXPECT_TRUE(published->empty());
    return;
  }
  ASSERT_FALSE(published->empty());
  std::set<std::string> ids;
  for (const KbArticle& article : *published) {
    EXPECT_TRUE(ids.insert(article.id).second) << "article " << article.id << " twice";
    EXPECT_FALSE(article.title.empty()) << article.id;
    EXPECT_FALSE(article.body_html.empty()) << article.id;
    EXPECT_TRUE(article.published) << article.id;
    EXPECT_EQ(article.url.rfind("http", 0), 0u) << article.url;
    EXPECT_THAT(article.url, HasSubstr(article.id));
    EXPECT_FALSE(article.category.empty()) << article.id;
    EXPECT_FALSE(article.folder.empty()) << article.id;
  }
  Result<std::vector<KbArticle>> all = helpdesk().ListKbArticles(true);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_GE(all->size(), published->size());
}

TEST_P(HelpdeskContractTest, CreateProblemMatchesTheCapability) {
  const std::string id = NewTicket("problem");
  ProblemRecord problem;
  problem.subject = "VPN drops across the office " + Marker("problem");
  problem.description_html = "<p>Several users lose the VPN every hour.</p>";
  problem.priority = "High";
  problem.ticket_ids = {id};
  Result<std::string> created = helpdesk().CreateProblem(problem);
  if (GetParam().problems) {
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_FALSE(created->empty());
  } else {
    EXPECT_EQ(created.status().code(), StatusCode::kUnimplemented);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, HelpdeskContractTest, ::testing::ValuesIn(ContractBackends()),
                         [](const ::testing::TestParamInfo<ContractBackend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace autotriage
