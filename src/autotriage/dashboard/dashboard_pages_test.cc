// The HTML pages against the real store, authenticator, approval service and HTTP server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/dashboard/dashboard_test_util.h"
#include "autotriage/dashboard/html.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DashboardPagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    HarnessOptions options;
    options.models = [] {
      ModelInfo model;
      model.version = "m-0123456789ab";
      model.created_at = "2026-01-02T03:04:05Z";
      model.training_data = "history.csv (3000 examples)";
      model.active = true;
      model.fields.push_back({"group", 12, 2500, {{"accuracy", 0.91}, {"macro_f1", 0.88}}});
      return std::vector<ModelInfo>{model};
    };
    harness_ = new DashboardHarness(options);
    harness_->AddUser("ada", Role::kAdmin);
    harness_->AddUser("abe", Role::kApprover);
    harness_->AddUser("vic", Role::kViewer);
    admin_ = harness_->LogIn("ada");
    approver_ = harness_->LogIn("abe");
    viewer_ = harness_->LogIn("vic");
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }

  // A pending proposal for a ticket id unique to the calling test.
  static SeedTicket Propose(const std::string& ticket, const std::string& queue = "Service Desk") {
    SeedTicket t = ExampleProposal(ticket, "1700000000", queue, DashboardHarness::NowMs() - 600000);
    harness_->Seed({t});
    return t;
  }

  static std::string CardUrl(const std::string& ticket) {
    return "/approvals/" + ticket + "/1700000000";
  }

  static DashboardHarness* harness_;
  static Session admin_;
  static Session approver_;
  static Session viewer_;
};

DashboardHarness* DashboardPagesTest::harness_ = nullptr;
Session DashboardPagesTest::admin_;
Session DashboardPagesTest::approver_;
Session DashboardPagesTest::viewer_;

TEST_F(DashboardPagesTest, LoginPageHasTheFormAndAssetsAreServed) {
  Reply login = harness_->Get("/login");
  ASSERT_EQ(login.status, 200);
  EXPECT_THAT(login.body, HasSubstr("<form id=\"login\""));
  EXPECT_THAT(login.body, HasSubstr("name=\"name\""));
  EXPECT_THAT(login.body, HasSubstr("name=\"password\""));
  EXPECT_THAT(login.body, HasSubstr("<button type=\"submit\""));
  Reply css = harness_->Get("/static/app.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_THAT(css.Header("content-type"), HasSubstr("text/css"));
  EXPECT_THAT(css.body, HasSubstr(".escalated"));
  Reply js = harness_->Get("/static/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_THAT(js.Header("content-type"), HasSubstr("javascript"));
  EXPECT_THAT(js.body, HasSubstr("DOMContentLoaded"));
}

TEST_F(DashboardPagesTest, LoginSetsTheSessionAndRedirectsToNext) {
  Reply wrong = harness_->Send("POST", "/login", FormBody({{"name", "abe"}, {"password", "nope"}}),
                               "application/x-www-form-urlencoded");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_THAT(wrong.body, HasSubstr("class=\"error\""));
  EXPECT_TRUE(wrong.Cookies().empty());
  Reply ok =
      harness_->Send("POST", "/login",
                     FormBody({{"name", "abe"}, {"password", kTestPassword}, {"next", "/matrix"}}),
                     "application/x-www-form-urlencoded");
  ASSERT_EQ(ok.status, 303);
  EXPECT_EQ(ok.Header("location"), "/matrix");
  ASSERT_EQ(ok.Cookies().size(), 1u);
  EXPECT_THAT(ok.Cookies()[0], HasSubstr("HttpOnly"));
  EXPECT_THAT(ok.Cookies()[0], HasSubstr("SameSite=Strict"));
  Reply matrix = harness_->Get("/matrix", {{"Cookie", CookiePair(ok.Cookies()[0])}});
  EXPECT_EQ(matrix.status, 200);
  EXPECT_THAT(matrix.body, HasSubstr("abe"));
  EXPECT_THAT(matrix.body, HasSubstr("approver"));
}

TEST_F(DashboardPagesTest, PagesWithoutSessionRedirectToLogin) {
  Reply home = harness_->Get("/kpis?days=7");
  ASSERT_EQ(home.status, 303);
  // Sent as /login?next=%2Fkpis%3Fdays%3D7; cpp-httplib's client decodes Location headers.
  EXPECT_EQ(home.Header("location"), "/login?next=/kpis?days=7");
}

TEST_F(DashboardPagesTest, PendingListShowsEachApprovalWithLink) {
  Propose("101");
  Reply home = harness_->GetPage("/", viewer_);
  ASSERT_EQ(home.status, 200);
  EXPECT_THAT(
      home.body,
      HasSubstr("<article class=\"approval\" data-ticket=\"101\" data-version=\"1700000000\">"));
  EXPECT_THAT(home.body, HasSubstr("class=\"open\" href=\"/approvals/101/1700000000\""));
  EXPECT_THAT(home.body, HasSubstr("VPN drops every few minutes"));
  EXPECT_THAT(home.body, HasSubstr("Service Desk"));
  EXPECT_THAT(home.body, HasSubstr("10 min"));  // the age
  EXPECT_THAT(home.body, HasSubstr("<form method=\"post\" action=\"/logout\""));
  EXPECT_THAT(home.body, HasSubstr("role-viewer"));
}

TEST_F(DashboardPagesTest, CardShowsDiffExplanationAdviceAndFormForApprovers) {
  Propose("102");
  Reply card = harness_->GetPage(CardUrl("102"), approver_);
  ASSERT_EQ(card.status, 200);
  const std::string& b = card.body;
  EXPECT_THAT(b, HasSubstr("<table id=\"diff\">"));
  EXPECT_THAT(b, HasSubstr("<tr data-field=\"group\">"));
  EXPECT_THAT(b, HasSubstr("<td class=\"old\"><span class=\"none\">(none)</span></td><td "
                           "class=\"new\">Network</td>"));
  EXPECT_THAT(b, HasSubstr("<td class=\"old\">Low</td><td class=\"new\">High</td>"));
  EXPECT_THAT(b, HasSubstr("name=\"edit_group\" value=\"Network\""));
  EXPECT_THAT(b,
              HasSubstr("<div class=\"summary\">Since this morning the <mark>VPN</mark> connection "
                        "<mark>drops</mark> <mark>every few minutes</mark>."));
  EXPECT_THAT(b, HasSubstr("<ul id=\"kb\"><li><a href=\"https://kb.example.org/vpn\""));
  EXPECT_THAT(b, HasSubstr("<ul id=\"similar\"><li>"));
  EXPECT_THAT(b, HasSubstr("<ul id=\"assignees\"><li><strong>Nora Network</strong>"));
  EXPECT_THAT(
      b, HasSubstr("<form id=\"decide\" method=\"post\" action=\"/approvals/102/1700000000\">"));
  EXPECT_THAT(b, HasSubstr("name=\"csrf_token\" value=\"" + approver_.csrf + "\""));
  EXPECT_THAT(b, HasSubstr("<textarea name=\"note\""));
  EXPECT_THAT(b, HasSubstr("autotriage suggests group Network"));
  EXPECT_THAT(b, HasSubstr("name=\"action\" value=\"approve\""));
  EXPECT_THAT(b, HasSubstr("name=\"action\" value=\"reject\""));
  EXPECT_THAT(b, HasSubstr("name=\"reason\""));
  EXPECT_THAT(b, HasSubstr("type=\"checkbox\" name=\"always\""));

  Reply viewer = harness_->GetPage(CardUrl("102"), viewer_);
  ASSERT_EQ(viewer.status, 200);
  EXPECT_THAT(viewer.body, HasSubstr("<table id=\"diff\">"));
  EXPECT_THAT(viewer.body, Not(HasSubstr("id=\"decide\"")));
  EXPECT_THAT(viewer.body, Not(HasSubstr("name=\"edit_group\"")));
}

TEST_F(DashboardPagesTest, ApproveWithEditRedirectsWithFlashAndRecordsTheAction) {
  Propose("103");
  Reply posted = harness_->PostForm(CardUrl("103"), approver_,
                                    {{"action", "approve"},
                                     {"edit_group", "Hardware"},
                                     {"edit_priority", "High"},
                                     {"note",
                                      "autotriage suggests group Network and priority "
                                      "High.\r\nSee KB: VPN troubleshooting.\r\n"}});
  ASSERT_EQ(posted.status, 303) << posted.body;
  EXPECT_EQ(posted.Header("location"), "/");
  ASSERT_FALSE(posted.Cookies().empty());
  Session with_flash = approver_;
  with_flash.cookie += "; " + CookiePair(posted.Cookies()[0]);
  Reply home = harness_->GetPage("/", with_flash);
  EXPECT_THAT(home.body, HasSubstr("<div class=\"flash ok\""));
  EXPECT_THAT(home.body, HasSubstr("Approved with your edits the proposal for ticket #103"));
  EXPECT_THAT(home.body, Not(HasSubstr("data-ticket=\"103\"")));

  Result<std::vector<ApprovalActionRecord>> actions =
      harness_->store().ListApprovalActions("103", 10);
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  ASSERT_EQ(actions->size(), 2u);
  for (const ApprovalActionRecord& a : *actions) {
    EXPECT_EQ(a.actor, "user:abe");
    EXPECT_EQ(a.action, a.field == "group" ? "edited" : "approved");
    if (a.field == "group") {
      EXPECT_EQ(a.human_value, "Hardware");
    }
  }
  Result<std::vector<WriteRecord>> writes = harness_->store().ListWrites("103");
  ASSERT_TRUE(writes.ok());
  EXPECT_EQ(writes->size(), 1u);
}

TEST_F(DashboardPagesTest, RejectNeedsAReasonAndSecondDecisionSaysWhoDecided) {
  Propose("104");
  Reply no_reason = harness_->PostForm(CardUrl("104"), approver_, {{"action", "reject"}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_THAT(no_reason.body, HasSubstr("<p class=\"error\" role=\"alert\">Give a reason"));
  EXPECT_THAT(no_reason.body, HasSubstr("id=\"decide\""));

  Reply rejected = harness_->PostForm(CardUrl("104"), approver_,
                                      {{"action", "reject"}, {"reason", "wrong queue entirely"}});
  ASSERT_EQ(rejected.status, 303);
  Reply again = harness_->PostForm(CardUrl("104"), admin_, {{"action", "approve"}});
  ASSERT_EQ(again.status, 303);
  ASSERT_FALSE(again.Cookies().empty());
  EXPECT_THAT(dashboard::UrlDecode(again.Cookies()[0]), HasSubstr("rejected by user:abe"));

  Reply card = harness_->GetPage(CardUrl("104"), approver_);
  ASSERT_EQ(card.status, 200);
  EXPECT_THAT(
      card.body,
      HasSubstr("<p class=\"decided\">Decided: rejected by user:abe (wrong queue entirely)</p>"));
  EXPECT_THAT(card.body, Not(HasSubstr("id=\"decide\"")));
}

TEST_F(DashboardPagesTest, TicketPageShowsDecisionsActionsAndWrites) {
  Propose("105");
  ASSERT_EQ(harness_->PostForm(CardUrl("105"), approver_, {{"action", "approve"}}).status, 303);
  Reply page = harness_->GetPage("/tickets/105", viewer_);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("<table id=\"decisions\">"));
  EXPECT_THAT(page.body, HasSubstr("<table id=\"approval-actions\">"));
  EXPECT_THAT(page.body, HasSubstr("<td class=\"actor\">user:abe</td>"));
  EXPECT_THAT(page.body, HasSubstr("<table id=\"writes\">"));
  EXPECT_THAT(page.body, HasSubstr("<td class=\"state\">planned</td>"));
}

TEST_F(DashboardPagesTest, MatrixFormsForAdminsOnlyAndSavingSetsTheCell) {
  Reply viewer = harness_->GetPage("/matrix", viewer_);
  ASSERT_EQ(viewer.status, 200);
  EXPECT_THAT(viewer.body, HasSubstr("<table id=\"matrix\">"));
  EXPECT_THAT(viewer.body, Not(HasSubstr("<form class=\"cell\"")));
  Reply admin = harness_->GetPage("/matrix", admin_);
  EXPECT_THAT(admin.body, HasSubstr("<form class=\"cell\" method=\"post\" action=\"/matrix\" "
                                    "data-queue=\"*\" data-field=\"group\">"));
  EXPECT_THAT(admin.body, HasSubstr("<select name=\"mode\">"));

  Reply saved = harness_->PostForm(
      "/matrix", admin_, {{"queue", "Network"}, {"field", "group"}, {"mode", "autofill"}});
  ASSERT_EQ(saved.status, 303);
  EXPECT_EQ(saved.Header("location"), "/matrix");
  Reply after = harness_->GetPage("/matrix", viewer_);
  EXPECT_THAT(after.body,
              HasSubstr("data-queue=\"Network\" data-field=\"group\" data-mode=\"autofill\""));
  EXPECT_THAT(after.body, HasSubstr("set by user:ada"));

  Reply denied = harness_->PostForm("/matrix", approver_,
                                    {{"queue", "Network"}, {"field", "group"}, {"mode", "off"}});
  EXPECT_EQ(denied.status, 403);
}

TEST_F(DashboardPagesTest, KpiPageDrawsChartsFromTheCounts) {
  Propose("106");
  ASSERT_EQ(harness_->PostForm(CardUrl("106"), approver_, {{"action", "approve"}}).status, 303);
  Reply page = harness_->GetPage("/kpis?days=7", viewer_);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("<figure class=\"chart\" id=\"chart-review\">"));
  EXPECT_THAT(page.body, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(page.body, HasSubstr("<rect class=\"s-accepted\""));
  EXPECT_THAT(page.body, HasSubstr("id=\"chart-time\""));
  EXPECT_THAT(page.body, HasSubstr("<table id=\"kpi-fields\""));
}

TEST_F(DashboardPagesTest, AuditPageShowsEntriesAndTheChainStatus) {
  Propose("107");
  Reply page = harness_->GetPage("/audit", viewer_);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("class=\"verify-status ok\""));
  EXPECT_THAT(page.body, HasSubstr(">verified "));
  EXPECT_THAT(page.body, HasSubstr("<table id=\"audit\">"));
  EXPECT_THAT(page.body, HasSubstr("<td class=\"kind\">decision</td>"));
}

TEST_F(DashboardPagesTest, ModelsPageListsTheCallbacksModels) {
  Reply page = harness_->GetPage("/models", viewer_);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("m-0123456789ab"));
  EXPECT_THAT(page.body, HasSubstr("badge active"));
  EXPECT_THAT(page.body, HasSubstr("accuracy 0.910"));
}

TEST_F(DashboardPagesTest, LogoutEndsTheSession) {
  Session session = harness_->LogIn("vic");
  Reply out = harness_->PostForm("/logout", session, {});
  ASSERT_EQ(out.status, 303);
  EXPECT_EQ(out.Header("location"), "/login");
  Reply after = harness_->GetPage("/", session);
  EXPECT_EQ(after.status, 303);
}

// The first start: no user exists, the set-up link creates the admin and signs them in, once.
TEST(DashboardSetupTest, SetupLinkCreatesTheFirstAdminOnce) {
  DashboardHarness harness;
  Result<std::optional<std::string>> link = harness.auth().EnsureSetupLink(harness.base_url());
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  ASSERT_TRUE(link->has_value());
  const std::string path = (*link)->substr(harness.base_url().size());
  const std::string token = path.substr(path.find("token=") + 6);
  Reply form = harness.Get(path);
  ASSERT_EQ(form.status, 200);
  EXPECT_THAT(form.body, HasSubstr("<form id=\"setup\""));
  EXPECT_THAT(form.body, HasSubstr("name=\"token\" value=\"" + token + "\""));

  Reply weak = harness.Send("POST", "/setup",
                            FormBody({{"token", token}, {"name", "root"}, {"password", "short"}}),
                            "application/x-www-form-urlencoded");
  EXPECT_EQ(weak.status, 400);
  EXPECT_THAT(weak.body, HasSubstr("class=\"error\""));

  Reply done = harness.Send(
      "POST", "/setup", FormBody({{"token", token}, {"name", "root"}, {"password", kTestPassword}}),
      "application/x-www-form-urlencoded");
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.Header("location"), "/");
  std::string cookie;
  for (const std::string& set : done.Cookies()) {
    if (set.rfind("autotriage_session=", 0) == 0) {
      cookie = CookiePair(set);
    }
  }
  ASSERT_FALSE(cookie.empty());
  Reply home = harness.Get("/", {{"Cookie", cookie}});
  EXPECT_EQ(home.status, 200);
  EXPECT_THAT(home.body, HasSubstr("role-admin"));

  Reply reused = harness.Send(
      "POST", "/setup", FormBody({{"token", token}, {"name", "evil"}, {"password", kTestPassword}}),
      "application/x-www-form-urlencoded");
  EXPECT_EQ(reused.status, 401);
}

}  // namespace
}  // namespace autotriage
