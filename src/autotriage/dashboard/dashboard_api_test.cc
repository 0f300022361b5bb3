// The REST API and its OpenAPI document, against the real store, approval service and server.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "autotriage/dashboard/dashboard_test_util.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

class DashboardApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    harness_ = new DashboardHarness();
    harness_->AddUser("ada", Role::kAdmin);
    harness_->AddUser("abe", Role::kApprover);
    harness_->AddUser("vic", Role::kViewer);
    admin_ = harness_->Token("ada");
    approver_ = harness_->Token("abe");
    viewer_ = harness_->Token("vic");
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  static void Propose(const std::string& ticket, const std::string& queue = "Service Desk") {
    harness_->Seed(
        {ExampleProposal(ticket, "1700000000", queue, DashboardHarness::NowMs() - 120000)});
  }
  static std::string Path(const std::string& ticket, const std::string& action = "") {
    return "/api/v1/approvals/" + ticket + "/1700000000" + (action.empty() ? "" : "/" + action);
  }
  static Json Body(const Reply& reply) { return Json::parse(reply.body, nullptr, false); }

  static DashboardHarness* harness_;
  static std::string admin_;
  static std::string approver_;
  static std::string viewer_;
};

DashboardHarness* DashboardApiTest::harness_ = nullptr;
std::string DashboardApiTest::admin_;
std::string DashboardApiTest::approver_;
std::string DashboardApiTest::viewer_;

TEST_F(DashboardApiTest, ListsAndShowsPendingApprovals) {
  Propose("201", "ApiQueue");
  Reply list = harness_->Api("GET", "/api/v1/approvals?queue=ApiQueue", viewer_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Header("content-type"), "application/json");
  Json json = Body(list);
  ASSERT_EQ(json["approvals"].size(), 1u);
  EXPECT_EQ(json["approvals"][0]["ticket_id"], "201");
  EXPECT_EQ(json["approvals"][0]["fields"].size(), 2u);

  Reply card = harness_->Api("GET", Path("201"), viewer_);
  ASSERT_EQ(card.status, 200);
  Json c = Body(card);
  EXPECT_EQ(c["subject"], "VPN drops every few minutes");
  EXPECT_EQ(c["articles"].size(), 3u);
  EXPECT_EQ(c["assignees"][0]["name"], "Nora Network");
  EXPECT_TRUE(c["pending"].get<bool>());
  EXPECT_EQ(harness_->Api("GET", "/api/v1/approvals/999/1", viewer_).status, 404);
  EXPECT_EQ(harness_->Api("GET", "/api/v1/approvals?limit=0", viewer_).status, 400);
}

TEST_F(DashboardApiTest, ApproveThenConflictSaysWhoDecided) {
  Propose("202");
  Reply approved = harness_->Api("POST", Path("202", "approve"), approver_,
                                 R"({"edits": {"group": "Hardware"}, "note": "checked"})");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Body(approved)["action"], "edited");
  Reply again = harness_->Api("POST", Path("202", "approve"), admin_, "");
  EXPECT_EQ(again.status, 409);
  EXPECT_THAT(again.body, HasSubstr("token:abe"));
  Result<std::vector<WriteRecord>> writes = harness_->store().ListWrites("202");
  ASSERT_TRUE(writes.ok());
  ASSERT_EQ(writes->size(), 1u);
  EXPECT_THAT((*writes)[0].updates_json, HasSubstr("Hardware"));
}

TEST_F(DashboardApiTest, RejectNeedsAReasonAndBadInputIs400) {
  Propose("203");
  EXPECT_EQ(harness_->Api("POST", Path("203", "reject"), approver_, "{}").status, 400);
  EXPECT_EQ(harness_->Api("POST", Path("203", "reject"), approver_, "not json").status, 400);
  EXPECT_EQ(
      harness_->Api("POST", Path("203", "approve"), approver_, R"({"edits": {"group": 5}})").status,
      400);
  EXPECT_EQ(
      harness_
          ->Api("POST", Path("203", "approve"), approver_, R"({"edits": {"no_such_field": "x"}})")
          .status,
      400);
  EXPECT_EQ(harness_->Api("POST", Path("203", "frobnicate"), approver_, "{}").status, 404);
  Reply rejected =
      harness_->Api("POST", Path("203", "reject"), approver_, R"({"reason": "duplicate"})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(Body(rejected)["action"], "rejected");
  Reply card = harness_->Api("GET", Path("203"), viewer_);
  EXPECT_THAT(Body(card)["decided"].get<std::string>(), HasSubstr("rejected by token:abe"));
}

TEST_F(DashboardApiTest, SessionRequestsNeedTheCsrfHeader) {
  Propose("204");
  Session session = harness_->LogIn("abe");
  Reply without = harness_->Send("POST", Path("204", "approve"), "{}", "application/json",
                                 {{"Cookie", session.cookie}});
  EXPECT_EQ(without.status, 403);
  Reply with = harness_->Send("POST", Path("204", "approve"), "{}", "application/json",
                              {{"Cookie", session.cookie}, {"X-CSRF-Token", session.csrf}});
  EXPECT_EQ(with.status, 200) << with.body;
}

TEST_F(DashboardApiTest, MatrixReadAndAdminWrite) {
  Reply read = harness_->Api("GET", "/api/v1/matrix", viewer_);
  ASSERT_EQ(read.status, 200);
  Json m = Body(read);
  EXPECT_EQ(m["queues"][0], "*");
  EXPECT_EQ(m["default_mode"], "monitor");
  EXPECT_EQ(harness_
                ->Api("PUT", "/api/v1/matrix", approver_,
                      R"({"queue": "Mail", "field": "priority", "mode": "autofill"})")
                .status,
            403);
  EXPECT_EQ(harness_
                ->Api("PUT", "/api/v1/matrix", admin_,
                      R"({"queue": "Mail", "field": "priority", "mode": "sometimes"})")
                .status,
            400);
  EXPECT_EQ(harness_->Api("PUT", "/api/v1/matrix", admin_, R"({"queue": "Mail"})").status, 400);
  Reply put = harness_->Api("PUT", "/api/v1/matrix", admin_,
                            R"({"queue": "Mail", "field": "priority", "mode": "autofill"})");
  ASSERT_EQ(put.status, 200) << put.body;
  Json after = Body(harness_->Api("GET", "/api/v1/matrix", viewer_));
  bool found = false;
  for (const Json& cell : after["cells"]) {
    if (cell["queue"] == "Mail" && cell["field"] == "priority") {
      found = true;
      EXPECT_EQ(cell["mode"], "autofill");
      EXPECT_EQ(cell["source"], "runtime");
      EXPECT_EQ(cell["actor"], "token:ada");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(DashboardApiTest, KpisCountAcceptedReplacedAndSkippedPerQueue) {
  for (const char* ticket : {"211", "212", "213"}) {
    Propose(ticket, "KpiQueue");
  }
  ASSERT_EQ(harness_->Api("POST", Path("211", "approve"), approver_, "").status, 200);
  ASSERT_EQ(
      harness_
          ->Api("POST", Path("212", "approve"), approver_, R"({"edits": {"priority": "Urgent"}})")
          .status,
      200);
  ASSERT_EQ(harness_->Api("POST", Path("213", "reject"), approver_, R"({"reason": "no"})").status,
            200);
  Reply kpis = harness_->Api("GET", "/api/v1/kpis?days=7", viewer_);
  ASSERT_EQ(kpis.status, 200) << kpis.body;
  Json k = Body(kpis);
  EXPECT_EQ(k["days"], 7);
  EXPECT_EQ(k["by_day"].size(), 7u);
  bool found = false;
  for (const Json& queue : k["by_queue"]) {
    if (queue["key"] == "KpiQueue") {
      found = true;
      EXPECT_EQ(queue["accepted"], 3);  // 211: both fields; 212: group unchanged
      EXPECT_EQ(queue["replaced"], 1);  // 212: priority
      EXPECT_EQ(queue["skipped"], 2);   // 213: both fields
    }
  }
  EXPECT_TRUE(found) << kpis.body;
  EXPECT_EQ(harness_->Api("GET", "/api/v1/kpis?days=abc", viewer_).status, 400);
}

TEST_F(DashboardApiTest, KpisCarryOutcomesAcceptanceFcrAndDemotedCells) {
  Store& store = harness_->store();
  const int64_t now = DashboardHarness::NowMs();
  int64_t id = 900000;
  for (const char* kind : {"accepted", "accepted", "accepted", "replaced", "skipped"}) {
    OutcomeRecord o;
    o.decision_id = ++id;
    o.ticket_id = "o" + std::to_string(id);
    o.queue = "OutcomeQueue";
    o.field = "group";
    o.mode = "autofill";
    o.kind = kind;
    o.observed_ms = now;
    ASSERT_TRUE(store.RecordOutcome(o, AuditEntry()).ok());
  }
  ResolutionRecord r;
  r.ticket_id = "o900001";
  r.queue = "OutcomeQueue";
  r.created_ms = now - 7200000;
  r.resolved_ms = now;
  r.first_contact = true;
  ASSERT_TRUE(store.RecordResolution(r, AuditEntry()).ok());
  ASSERT_TRUE(
      store
          .SetMatrixCell({"OutcomeQueue", "group", "suggest", "system:demotion", now}, AuditEntry())
          .ok());
  Reply kpis = harness_->Api("GET", "/api/v1/kpis?window_days=3", viewer_);
  ASSERT_EQ(kpis.status, 200) << kpis.body;
  Json k = Body(kpis);
  EXPECT_EQ(k["days"], 3);
  const Json& o = k["outcomes"];
  EXPECT_EQ(o["by_day"].size(), 3u);
  bool found = false;
  for (const Json& cell : o["by_cell"]) {
    if (cell["queue"] == "OutcomeQueue" && cell["field"] == "group") {
      found = true;
      EXPECT_EQ(cell["accepted"], 3);
      EXPECT_EQ(cell["replaced"], 1);
      EXPECT_EQ(cell["skipped"], 1);
      EXPECT_DOUBLE_EQ(cell["acceptance"].get<double>(), 0.75);
    }
  }
  EXPECT_TRUE(found) << kpis.body;
  EXPECT_GE(o["totals"]["resolved"].get<int64_t>(), 1);
  EXPECT_FALSE(o["totals"]["fcr"].is_null());
  ASSERT_FALSE(o["demoted"].empty());
  EXPECT_EQ(o["demoted"][0]["queue"], "OutcomeQueue");
  // The KPI page shows the demotion notice and the outcome charts.
  Reply page = harness_->GetPage("/kpis", harness_->LogIn("ada"));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Automatic demotion: group in OutcomeQueue is now suggest"),
            std::string::npos);
  EXPECT_NE(page.body.find("id=\"chart-acceptance\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"kpi-fcr\""), std::string::npos);
}

TEST_F(DashboardApiTest, AuditPagesInSeqOrderAndVerifies) {
  Propose("221");
  Reply page = harness_->Api("GET", "/api/v1/audit?after=0&limit=2", viewer_);
  ASSERT_EQ(page.status, 200);
  Json a = Body(page);
  ASSERT_EQ(a["entries"].size(), 2u);
  EXPECT_EQ(a["entries"][0]["seq"], 1);
  EXPECT_EQ(a["entries"][1]["seq"], 2);
  EXPECT_EQ(a["next_after"], 2);
  EXPECT_EQ(harness_->Api("GET", "/api/v1/audit?limit=100000", viewer_).status, 400);
  Reply verify = harness_->Api("GET", "/api/v1/audit/verify", viewer_);
  ASSERT_EQ(verify.status, 200);
  EXPECT_TRUE(Body(verify)["ok"].get<bool>());
  EXPECT_GT(Body(verify)["entries"].get<int64_t>(), 2);
}

TEST_F(DashboardApiTest, UsersAreAdminOnlyAndCarryNoSecret) {
  EXPECT_EQ(harness_->Api("GET", "/api/v1/users", approver_).status, 403);
  Reply users = harness_->Api("GET", "/api/v1/users", admin_);
  ASSERT_EQ(users.status, 200);
  EXPECT_THAT(users.body, HasSubstr("\"ada\""));
  EXPECT_THAT(users.body, Not(HasSubstr("argon2")));
  EXPECT_THAT(users.body, Not(HasSubstr("password")));
}

TEST_F(DashboardApiTest, TicketDecisionsHistory) {
  Propose("231");
  Reply history = harness_->Api("GET", "/api/v1/tickets/231/decisions", viewer_);
  ASSERT_EQ(history.status, 200);
  Json h = Body(history);
  EXPECT_EQ(h["decisions"].size(), 2u);
  EXPECT_EQ(h["decisions"][0]["outcome"], "pending");
  EXPECT_EQ(harness_->Api("GET", "/api/v1/tickets/231", viewer_).status, 404);
}

TEST_F(DashboardApiTest, OpenApiDocumentsEveryApiRoute) {
  Reply doc = harness_->Get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  Json openapi = Body(doc);
  ASSERT_TRUE(openapi.is_object());
  EXPECT_EQ(openapi["openapi"].get<std::string>().substr(0, 2), "3.");
  int api_routes = 0;
  for (const DashboardRoute& route : harness_->routes()) {
    if (route.path.rfind("/api/v1/", 0) != 0) {
      continue;
    }
    ++api_routes;
    std::string method = route.method;
    for (char& c : method) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    ASSERT_TRUE(openapi["paths"].contains(route.path)) << route.path;
    EXPECT_TRUE(openapi["paths"][route.path].contains(method)) << route.method << " " << route.path;
  }
  EXPECT_GE(api_routes, 12);
  // And nothing documented that is not served.
  for (auto& [path, methods] : openapi["paths"].items()) {
    for (auto& [method, op] : methods.items()) {
      bool served = false;
      for (const DashboardRoute& route : harness_->routes()) {
        std::string lower = route.method;
        for (char& c : lower) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        served = served || (route.path == path && lower == method);
      }
      EXPECT_TRUE(served) << method << " " << path;
    }
  }
}

TEST_F(DashboardApiTest, ConcurrentApproversDispatchOnce) {
  Propose("241");
  constexpr int kThreads = 16;
  std::atomic<int> ok{0};
  std::atomic<int> conflict{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      const int status = harness_->Api("POST", Path("241", "approve"), approver_, "").status;
      (status == 200 ? ok : status == 409 ? conflict : other).fetch_add(1);
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  Result<std::vector<WriteRecord>> writes = harness_->store().ListWrites("241");
  ASSERT_TRUE(writes.ok());
  EXPECT_EQ(writes->size(), 1u);
}

TEST(DashboardKpiCacheTest, FiguresAreReusedWithinTheCacheTime) {
  HarnessOptions options;
  options.kpi_cache_ms = 3600 * 1000;
  DashboardHarness harness(options);
  harness.AddUser("abe", Role::kApprover);
  const std::string token = harness.Token("abe");
  harness.Seed({ExampleProposal("401", "1", "Q", DashboardHarness::NowMs())});
  Json before = Json::parse(harness.Api("GET", "/api/v1/kpis?days=7", token).body);
  EXPECT_EQ(before["totals"]["accepted"], 0);
  ASSERT_EQ(harness.Api("POST", "/api/v1/approvals/401/1/approve", token, "").status, 200);
  Json cached = Json::parse(harness.Api("GET", "/api/v1/kpis?days=7", token).body);
  EXPECT_EQ(cached["totals"]["accepted"], 0);
  EXPECT_EQ(cached["computed_ms"], before["computed_ms"]);
  Json other_period = Json::parse(harness.Api("GET", "/api/v1/kpis?days=8", token).body);
  EXPECT_EQ(other_period["totals"]["accepted"], 2);
}

// An audit record edited behind the store's back: the API's verify names it.
TEST(DashboardAuditTamperTest, VerifyFindsAnEditedRecord) {
  HarnessOptions options;
  options.file_store = true;
  DashboardHarness harness(options);
  harness.AddUser("vic", Role::kViewer);
  const std::string token = harness.Token("vic");
  harness.Seed({ExampleProposal("301", "1", "Q", DashboardHarness::NowMs()),
                ExampleProposal("302", "1", "Q", DashboardHarness::NowMs())});
  ASSERT_TRUE(
      Json::parse(harness.Api("GET", "/api/v1/audit/verify", token).body)["ok"].get<bool>());
  {
    SQLite::Database db(harness.sqlite_path(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE audit SET detail = '{\"tampered\":true}' WHERE seq = 3");
  }
  Json verify = Json::parse(harness.Api("GET", "/api/v1/audit/verify", token).body);
  EXPECT_FALSE(verify["ok"].get<bool>());
  EXPECT_EQ(verify["first_bad_seq"], 3);
  Session session = harness.LogIn("vic");
  Reply page = harness.GetPage("/audit", session);
  EXPECT_THAT(page.body, HasSubstr("class=\"verify-status broken\""));
  EXPECT_THAT(page.body, HasSubstr("chain broken at record 3"));
}

}  // namespace
}  // namespace autotriage
