// The Freshworks connectors against the in-process sandbox, checking what the contract suite
// cannot see: the exact requests (auth, list parameters, search queries, cf_ vs bare custom
// fields, wrapped bodies), ordering, the search limits and their fallback, many conversations,
// writes sent exactly once, KB links and the problem body.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

#include "autotriage/connectors/freshworks/freshdesk_helpdesk.h"
#include "autotriage/connectors/freshworks/freshservice_helpdesk.h"
#include "autotriage/sandbox/sandbox.h"

namespace autotriage {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kKey = "sandbox-test-key-31";

// Forwards to the real client and remembers every request.
class RecordingHttpClient : public HttpClient {
 public:
  explicit RecordingHttpClient(std::shared_ptr<HttpClient> inner) : inner_(std::move(inner)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(request);
    }
    return inner_->Send(request);
  }
  HttpClientStats stats() const override { return inner_->stats(); }
  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.clear();
  }

 private:
  std::shared_ptr<HttpClient> inner_;
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
};

struct SandboxSetup {
  std::string kind = "freshdesk";
  int tickets = 150;
  double fail_rate = 0;
  int rate_limit = 0;
  std::string portal_url;
  std::chrono::seconds max_retry_after{120};
};

SandboxSetup SetupFor(const std::string& kind, int tickets = 150) {
  SandboxSetup setup;
  setup.kind = kind;
  setup.tickets = tickets;
  return setup;
}

class FreshworksSandboxTest : public ::testing::Test {
 protected:
  void Start(const SandboxSetup& setup) {
    // Close the previous client's keep-alive connections before its server stops: a server
    // waits for open connections when it shuts down.
    helpdesk_.reset();
    http_.reset();
    server_.reset();
    SandboxOptions options;
    options.kind = setup.kind;
    options.tickets = setup.tickets;
    options.seed = 11;
    options.api_key = kKey;
    options.fail_rate = setup.fail_rate;
    options.rate_limit_per_minute = setup.rate_limit;
    // A clock that does not move: the rate-limit window never rolls over in a test.
    options.clock_ms = [] { return int64_t{1717000000000}; };
    options.log = [](const std::string&) {};
    Result<std::unique_ptr<SandboxServer>> server = SandboxServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server.value());
    HttpClientOptions http;
    http.jitter_seed = 1;
    http.max_retries = 2;
    http.max_retry_after = setup.max_retry_after;
    http.sleep = [](std::chrono::milliseconds) {};
    http_ =
        std::make_shared<RecordingHttpClient>(std::shared_ptr<HttpClient>(NewCurlHttpClient(http)));
    FreshworksOptions fw;
    fw.base_url = server_->base_url() + "/api/v2/";
    fw.api_key = kKey;
    fw.portal_url = setup.portal_url;
    Result<std::unique_ptr<Helpdesk>> helpdesk = setup.kind == "freshdesk"
                                                     ? NewFreshdeskHelpdesk(http_, fw)
                                                     : NewFreshserviceHelpdesk(http_, fw);
    ASSERT_TRUE(helpdesk.ok()) << helpdesk.status().ToString();
    helpdesk_ = std::move(helpdesk.value());
  }

  std::string NewTicket(const std::string& subject) {
    SandboxNewTicket ticket;
    ticket.subject = subject;
    ticket.description_html = "<p>" + subject + "</p>";
    ticket.requester_email = "req@example.com";
    ticket.requester_name = "Req Uester";
    Result<int64_t> id = server_->CreateTicket(ticket);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? std::to_string(id.value()) : "";
  }

  std::vector<Ticket> All(TicketQuery query, int* pages = nullptr) {
    std::vector<Ticket> all;
    int count = 0;
    do {
      Result<TicketPage> page = helpdesk_->FindTickets(query);
      if (!page.ok()) {
        ADD_FAILURE() << page.status().ToString();
        break;
      }
      ++count;
      all.insert(all.end(), page->tickets.begin(), page->tickets.end());
      query.cursor = page->next_cursor;
    } while (!query.cursor.empty() && count < 400);
    if (pages != nullptr) {
      *pages = count;
    }
    return all;
  }

  std::vector<std::string> Choices(const std::string& field) {
    Result<std::vector<FieldSchema>> schema = helpdesk_->GetFieldSchema();
    EXPECT_TRUE(schema.ok()) << schema.status().ToString();
    for (const FieldSchema& f : schema.ok() ? *schema : std::vector<FieldSchema>()) {
      if (f.name == field) {
        return f.choices;
      }
    }
    return {};
  }

  std::vector<RecordedWrite> WritesTo(const std::string& path_part) {
    std::vector<RecordedWrite> out;
    for (const RecordedWrite& write : server_->writes()) {
      if (write.path.find(path_part) != std::string::npos) {
        out.push_back(write);
      }
    }
    return out;
  }

  std::unique_ptr<SandboxServer> server_;
  std::shared_ptr<RecordingHttpClient> http_;
  std::unique_ptr<Helpdesk> helpdesk_;
};

TEST_F(FreshworksSandboxTest, FreshdeskBackfillUsesTheDocumentedListRequestOldestFirst) {
  Start(SetupFor("freshdesk"));
  http_->Clear();
  int pages = 0;
  TicketQuery query;
  query.page_size = 40;
  const std::vector<Ticket> tickets = All(query, &pages);
  EXPECT_EQ(static_cast<int64_t>(tickets.size()), server_->ticket_count());
  EXPECT_EQ(pages, 4);  // 150 tickets, 40 per page
  for (size_t i = 1; i < tickets.size(); ++i) {
    EXPECT_LE(tickets[i - 1].updated_at, tickets[i].updated_at) << "not oldest first at " << i;
  }
  bool saw_list = false;
  for (const HttpRequest& request : http_->requests()) {
    EXPECT_THAT(request.headers,
                Contains(std::make_pair(std::string("Authorization"), FreshworksBasicAuth(kKey))));
    if (request.url.find("/api/v2/tickets?") != std::string::npos && !saw_list) {
      saw_list = true;
      EXPECT_THAT(request.url, HasSubstr("updated_since=1970-01-01T00%3A00%3A00Z"));
      EXPECT_THAT(request.url, HasSubstr("order_by=updated_at&order_type=asc"));
      EXPECT_THAT(request.url, HasSubstr("per_page=40"));
      EXPECT_THAT(request.url, HasSubstr("include=description"));
      EXPECT_THAT(request.url, HasSubstr("page=1"));
    }
  }
  EXPECT_TRUE(saw_list);
  // Descriptions come with the list; names replace ids.
  const Ticket& first = tickets.front();
  EXPECT_FALSE(first.description_html.empty());
  if (first.fields.count("group") != 0) {
    EXPECT_FALSE(
        std::all_of(first.fields.at("group").begin(), first.fields.at("group").end(), ::isdigit));
  }
}

TEST_F(FreshworksSandboxTest, FreshdeskListPastItsThreeHundredPageWallRestartsAtTheLastUpdate) {
  Start(SetupFor("freshdesk", 1600));
  TicketQuery query;
  query.page_size = 5;  // 320 pages: more than the 300 the list endpoint serves
  int pages = 0;
  const std::vector<Ticket> tickets = All(query, &pages);
  std::set<std::string> ids;
  for (const Ticket& ticket : tickets) {
    EXPECT_TRUE(ids.insert(ticket.id).second) << "duplicate " << ticket.id;
  }
  EXPECT_EQ(static_cast<int64_t>(ids.size()), server_->ticket_count());
  EXPECT_GT(pages, 300);
  bool restarted = false;
  for (const HttpRequest& request : http_->requests()) {
    restarted = restarted || (request.url.find("updated_since=1970") == std::string::npos &&
                              request.url.find("/api/v2/tickets?") != std::string::npos);
  }
  EXPECT_TRUE(restarted) << "the list never restarted from a later updated_since";
}

TEST_F(FreshworksSandboxTest, FreshserviceBackfillReadsWrappedPages) {
  Start(SetupFor("freshservice"));
  const std::vector<Ticket> tickets = All(TicketQuery{});
  EXPECT_EQ(static_cast<int64_t>(tickets.size()), server_->ticket_count());
  int with_urgency = 0;
  for (const Ticket& ticket : tickets) {
    with_urgency += ticket.fields.count("urgency") != 0 ? 1 : 0;
    EXPECT_FALSE(ticket.description_html.empty()) << ticket.id;
  }
  EXPECT_EQ(with_urgency, static_cast<int>(tickets.size()));
}

TEST_F(FreshworksSandboxTest, GroupAndStatusFiltersUseSearchAndMatchTheFullList) {
  for (const char* kind : {"freshdesk", "freshservice"}) {
    SCOPED_TRACE(kind);
    Start(SetupFor(kind));
    const std::vector<Ticket> everything = All(TicketQuery{});
    ASSERT_FALSE(everything.empty());
    const std::string group = everything.front().fields.count("group") != 0
                                  ? everything.front().fields.at("group")
                                  : everything.back().fields.at("group");
    std::set<std::string> expected;
    for (const Ticket& ticket : everything) {
      if (ticket.fields.count("group") != 0 && ticket.fields.at("group") == group &&
          ticket.status == "closed") {
        expected.insert(ticket.id);
      }
    }
    http_->Clear();
    TicketQuery query;
    query.group = group;
    query.status = "closed";
    std::set<std::string> found;
    for (const Ticket& ticket : All(query)) {
      EXPECT_TRUE(found.insert(ticket.id).second) << "duplicate " << ticket.id;
    }
    EXPECT_EQ(found, expected);
    const std::string search_path = std::string(kind) == "freshdesk"
                                        ? "/api/v2/search/tickets?query="
                                        : "/api/v2/tickets/filter?query=";
    bool searched = false;
    for (const HttpRequest& request : http_->requests()) {
      searched = searched || request.url.find(search_path + "%22group_id%3A") != std::string::npos;
    }
    EXPECT_TRUE(searched) << "the filter did not go through the search language";
  }
}

TEST_F(FreshworksSandboxTest, SearchBeyondThreeHundredResultsFallsBackToTheList) {
  Start(SetupFor("freshdesk", 1500));
  std::set<std::string> expected;
  for (const Ticket& ticket : All(TicketQuery{})) {
    if (ticket.status == "closed") {
      expected.insert(ticket.id);
    }
  }
  ASSERT_GT(expected.size(), 300u) << "the data needs more than 300 closed tickets";
  TicketQuery query;
  query.status = "closed";
  std::set<std::string> found;
  for (const Ticket& ticket : All(query)) {
    EXPECT_TRUE(found.insert(ticket.id).second) << "duplicate " << ticket.id;
  }
  EXPECT_EQ(found, expected);
}

TEST_F(FreshworksSandboxTest, UpdatedSinceWithAFilterIsExactToTheSecond) {
  Start(SetupFor("freshdesk"));
  const std::vector<Ticket> everything = All(TicketQuery{});
  // The middle ticket's updated_at splits the tickets inside one day.
  const int64_t since = everything[everything.size() / 2].updated_at;
  std::set<std::string> expected;
  for (const Ticket& ticket : everything) {
    if (ticket.updated_at >= since && ticket.status == "closed") {
      expected.insert(ticket.id);
    }
  }
  TicketQuery query;
  query.status = "closed";
  query.updated_since = since;
  std::set<std::string> found;
  for (const Ticket& ticket : All(query)) {
    found.insert(ticket.id);
  }
  EXPECT_EQ(found, expected);
}

TEST_F(FreshworksSandboxTest, UnknownFilterValuesAreRefused) {
  Start(SetupFor("freshdesk"));
  TicketQuery query;
  query.group = "No Such Group";
  EXPECT_EQ(helpdesk_->FindTickets(query).status().code(), StatusCode::kInvalidArgument);
  query.group.clear();
  query.status = "sleeping";
  EXPECT_EQ(helpdesk_->FindTickets(query).status().code(), StatusCode::kInvalidArgument);
  query.status.clear();
  query.cursor = "Z.1";
  EXPECT_EQ(helpdesk_->FindTickets(query).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FreshworksSandboxTest, CustomFieldsAreCfPrefixedOnFreshdeskAndBareOnFreshservice) {
  for (const char* kind : {"freshdesk", "freshservice"}) {
    SCOPED_TRACE(kind);
    Start(SetupFor(kind));
    const std::vector<std::string> offices = Choices("office");
    ASSERT_GE(offices.size(), 2u);
    const std::string id = NewTicket("office move");
    Result<Ticket> after = helpdesk_->UpdateFields(id, {{"office", offices[1]}});
    ASSERT_TRUE(after.ok()) << after.status().ToString();
    EXPECT_EQ(after->fields["office"], offices[1]);
    const std::vector<RecordedWrite> puts = WritesTo("/api/v2/tickets/" + id);
    ASSERT_EQ(puts.size(), 1u);
    const std::string key = std::string(kind) == "freshdesk" ? "\"cf_office\"" : "\"office\"";
    EXPECT_THAT(puts[0].body, HasSubstr("\"custom_fields\":{" + key));
  }
}

TEST_F(FreshworksSandboxTest, FreshserviceUpdatesUrgencyImpactAndCategory) {
  Start(SetupFor("freshservice"));
  const std::vector<std::string> categories = Choices("category");
  ASSERT_FALSE(categories.empty());
  const std::string id = NewTicket("printer jam");
  Result<Ticket> after = helpdesk_->UpdateFields(
      id,
      {{"urgency", "High"}, {"impact", "Medium"}, {"category", categories.back()}, {"agent", ""}});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  Result<Ticket> read = helpdesk_->GetTicket(id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->fields["urgency"], "High");
  EXPECT_EQ(read->fields["impact"], "Medium");
  EXPECT_EQ(read->fields["category"], categories.back());
  const std::vector<RecordedWrite> puts = WritesTo("/api/v2/tickets/" + id);
  ASSERT_EQ(puts.size(), 1u) << "all fields in one request";
  EXPECT_THAT(puts[0].body, HasSubstr("\"urgency\":3"));
  EXPECT_THAT(puts[0].body, HasSubstr("\"responder_id\":null"));
}

TEST_F(FreshworksSandboxTest, AgentsAreFoundByNameOrEmailAndBadNamesNeverWrite) {
  Start(SetupFor("freshdesk"));
  Result<std::vector<Agent>> agents = helpdesk_->ListAgents();
  ASSERT_TRUE(agents.ok());
  ASSERT_FALSE(agents->empty());
  const std::string id = NewTicket("assign me");
  Result<Ticket> by_email = helpdesk_->UpdateFields(id, {{"agent", agents->back().email}});
  ASSERT_TRUE(by_email.ok()) << by_email.status().ToString();
  EXPECT_EQ(by_email->fields["agent"], agents->back().name);
  const size_t writes = server_->writes().size();
  Result<Ticket> bad = helpdesk_->UpdateFields(id, {{"group", "No Such Group"}});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("No Such Group"));
  EXPECT_EQ(helpdesk_->UpdateFields(id, {{"priority", "Critical"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      helpdesk_->UpdateFields(id, {{"priority", "High"}, {"Priority", "Low"}}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(server_->writes().size(), writes) << "a refused update reached the helpdesk";
}

TEST_F(FreshworksSandboxTest, ManyConversationsAreReadPastTheEmbeddedTen) {
  Start(SetupFor("freshdesk"));
  const std::string id = NewTicket("chatty");
  for (int i = 0; i < 13; ++i) {
    ASSERT_TRUE(helpdesk_->AddPrivateNote(id, "<p>note " + std::to_string(i) + "</p>").ok());
  }
  Result<Ticket> ticket = helpdesk_->GetTicket(id);
  ASSERT_TRUE(ticket.ok()) << ticket.status().ToString();
  int notes = 0;
  for (const Conversation& c : ticket->conversations) {
    notes += c.body_html.find("<p>note ") == 0 ? 1 : 0;
  }
  EXPECT_EQ(notes, 13);
}

TEST_F(FreshworksSandboxTest, NoteIsPrivateAndSentOnceEvenWhenTheServerFails) {
  SandboxSetup setup = SetupFor("freshdesk");
  setup.fail_rate = 1.0;
  Start(setup);
  Result<std::string> note = helpdesk_->AddPrivateNote("3", "<p>suggestion</p>");
  EXPECT_EQ(note.status().code(), StatusCode::kUnavailable) << note.status().ToString();
  const std::vector<RecordedWrite> posts = WritesTo("/api/v2/tickets/3/notes");
  ASSERT_EQ(posts.size(), 1u) << "a non-idempotent write was sent again";
  EXPECT_THAT(posts[0].body, HasSubstr("\"private\":true"));
}

TEST_F(FreshworksSandboxTest, RateLimitWithALongRetryAfterFailsFastAsResourceExhausted) {
  SandboxSetup setup;
  setup.rate_limit = 3;
  setup.max_retry_after = std::chrono::seconds(1);
  Start(setup);
  Status last;
  for (int i = 0; i < 5 && last.ok(); ++i) {
    last = helpdesk_->GetTicket("1").status();
  }
  EXPECT_EQ(last.code(), StatusCode::kResourceExhausted) << last.ToString();
  EXPECT_THAT(last.message(), Not(HasSubstr(kKey)));
}

TEST_F(FreshworksSandboxTest, KbLinksUseThePortalUrl) {
  SandboxSetup setup;
  setup.portal_url = "https://support.example.com/";
  Start(setup);
  Result<std::vector<KbArticle>> articles = helpdesk_->ListKbArticles(false);
  ASSERT_TRUE(articles.ok()) << articles.status().ToString();
  ASSERT_FALSE(articles->empty());
  for (const KbArticle& article : *articles) {
    EXPECT_EQ(article.url, "https://support.example.com/support/solutions/articles/" + article.id);
  }
}

TEST_F(FreshworksSandboxTest, ProblemListsItsTicketsAndMapsPriority) {
  Start(SetupFor("freshservice"));
  const std::string a = NewTicket("outage a");
  const std::string b = NewTicket("outage b");
  ProblemRecord problem;
  problem.subject = "Mail outage";
  problem.description_html = "<p>Mail is down</p>";
  problem.priority = "Urgent";
  problem.ticket_ids = {a, b};
  Result<std::string> id = helpdesk_->CreateProblem(problem);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::vector<RecordedWrite> posts = WritesTo("/api/v2/problems");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_TRUE(posts[0].applied);
  EXPECT_THAT(posts[0].body, HasSubstr("\"priority\":4"));
  EXPECT_THAT(posts[0].body, HasSubstr("\"impact\":3"));
  EXPECT_THAT(posts[0].body, HasSubstr("/a/tickets/" + a));
  EXPECT_THAT(posts[0].body, HasSubstr("/a/tickets/" + b));
  EXPECT_THAT(posts[0].body, HasSubstr("\"requester_id\":"));
  problem.priority = "Critical";
  EXPECT_EQ(helpdesk_->CreateProblem(problem).status().code(), StatusCode::kInvalidArgument);

  // A lost answer is recovered by the marker in the description, the newest match first.
  Result<std::optional<std::string>> none = helpdesk_->FindProblemByMarker("[autotriage:x-1]");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  problem.priority = "Low";
  problem.description_html = "<p>Printer out of toner [autotriage:x-1]</p>";
  Result<std::string> marked = helpdesk_->CreateProblem(problem);
  ASSERT_TRUE(marked.ok()) << marked.status().ToString();
  Result<std::optional<std::string>> found = helpdesk_->FindProblemByMarker("[autotriage:x-1]");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, *marked);
  EXPECT_NE(**found, *id);
  EXPECT_EQ(helpdesk_->FindProblemByMarker("").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace autotriage
