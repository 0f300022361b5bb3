// Recurring issues, proposed Problems and the digest in the dashboard and the REST API, against
// the real store, authenticator and HTTP server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autotriage/dashboard/dashboard_test_util.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

constexpr char kEvil[] = "<script>alert('x')</script>";

std::vector<insights::ClusterSummary> TestClusters() {
  const int64_t now_s = DashboardHarness::NowMs() / 1000;
  insights::ClusterSummary vpn;
  vpn.id = 11;
  vpn.name = "vpn connection timeout";
  vpn.size = 9;
  vpn.member_ids = {"501", "502", "503"};
  vpn.representative_text = "VPN drops every few minutes";
  vpn.first_seen = now_s - 86400 * 3;
  vpn.last_seen = now_s - 60;
  vpn.last_24h = 6;
  vpn.previous_24h = 1;
  vpn.trend_ratio = 3.5;
  insights::ClusterSummary evil = vpn;
  evil.id = 12;
  evil.name = kEvil;
  evil.size = 4;
  evil.member_ids = {"<b>7</b>"};
  evil.representative_text = std::string("body ") + kEvil;
  evil.trend_ratio = 1.0;
  return {vpn, evil};
}

class DashboardInsightsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    HarnessOptions options;
    options.clusters = [] { return TestClusters(); };
    options.kb_search = [](const std::string& text) {
      std::vector<KbHit> hits;
      if (text.find("VPN") != std::string::npos) {
        KbHit hit;
        hit.id = "kb-1";
        hit.title = "VPN troubleshooting";
        hit.url = "https://kb.example/1";
        hits.push_back(hit);
      }
      return hits;
    };
    harness_ = new DashboardHarness(options);
    harness_->AddUser("ada", Role::kAdmin);
    harness_->AddUser("abe", Role::kApprover);
    harness_->AddUser("vic", Role::kViewer);
    approver_ = harness_->LogIn("abe");
    viewer_ = harness_->LogIn("vic");
    approver_token_ = harness_->Token("abe");
    viewer_token_ = harness_->Token("vic");
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }

  // A pending proposal unique to the calling test.
  static int64_t Propose(const std::string& key, const std::string& name = "mail outage") {
    const int64_t now = DashboardHarness::NowMs();
    ProblemProposalRecord p;
    p.dedupe_key = key;
    p.cluster_id = 11;
    p.cluster_name = name;
    p.subject = "Recurring issue: " + name + " (7 tickets in 60 min)";
    p.priority = "Medium";
    p.window_start_ms = now - 3600 * 1000;
    p.window_end_ms = now;
    p.observed = 7;
    p.expected = 0.4;
    p.p_value = 1e-9;
    p.ticket_ids = {"601", "602"};
    p.evidence_json = Json{
        {"member_ticket_ids", {"601", "602"}},
        {"representative_text", "Mail is down for " + name},
        {"top_terms", {"mail", "down"}},
        {"kb_article",
         nullptr}}.dump();
    p.created_ms = now - 60000;
    AuditEntry audit;
    audit.kind = "problem_proposed";
    audit.time_ms = now;
    Result<int64_t> id = harness_->store().ProposeProblem(p, audit);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  static std::string PagePath(int64_t id) { return "/problems/" + std::to_string(id); }
  static std::string ApiPath(int64_t id, const std::string& action = "") {
    return "/api/v1/problems/" + std::to_string(id) + (action.empty() ? "" : "/" + action);
  }

  // The audit entries of `kind` that mention proposal `id`.
  static std::vector<AuditEntry> AuditOf(const std::string& kind, int64_t id) {
    std::vector<AuditEntry> found;
    Result<std::vector<AuditEntry>> entries = harness_->store().ReadAudit(0, 10000);
    EXPECT_TRUE(entries.ok());
    for (const AuditEntry& e : entries.ok() ? *entries : std::vector<AuditEntry>{}) {
      if (e.kind == kind && e.trace_id == "problem-" + std::to_string(id)) {
        found.push_back(e);
      }
    }
    return found;
  }

  static DashboardHarness* harness_;
  static Session approver_;
  static Session viewer_;
  static std::string approver_token_;
  static std::string viewer_token_;
};

DashboardHarness* DashboardInsightsTest::harness_ = nullptr;
Session DashboardInsightsTest::approver_;
Session DashboardInsightsTest::viewer_;
std::string DashboardInsightsTest::approver_token_;
std::string DashboardInsightsTest::viewer_token_;

TEST_F(DashboardInsightsTest, ApproveOnThePageRedirectsWithFlashAndAudits) {
  const int64_t id = Propose("page-approve");
  Reply page = harness_->GetPage(PagePath(id), approver_);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("name=\"action\" value=\"approve\""));
  EXPECT_THAT(page.body, HasSubstr("no article"));
  EXPECT_THAT(page.body, HasSubstr("href=\"/tickets/601\""));
  EXPECT_THAT(page.body, HasSubstr("0.4"));

  Reply posted = harness_->PostForm(PagePath(id), approver_,
                                    {{"action", "approve"}, {"reason", "real outage"}});
  ASSERT_EQ(posted.status, 303) << posted.body;
  EXPECT_EQ(posted.Header("location"), PagePath(id));
  Session with_flash = approver_;
  with_flash.cookie += "; " + CookiePair(posted.Cookies()[0]);
  Reply after = harness_->GetPage(PagePath(id), with_flash);
  EXPECT_THAT(after.body, HasSubstr("<div class=\"flash ok\""));
  EXPECT_THAT(after.body, HasSubstr("approved by user:abe"));
  EXPECT_THAT(after.body, Not(HasSubstr("value=\"approve\"")));  // decided: no form

  Result<ProblemProposalRecord> stored = harness_->store().GetProblemProposal(id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state, problem_state::kApproved);
  EXPECT_EQ(stored->decided_by, "user:abe");
  EXPECT_EQ(stored->decision_reason, "real outage");
  std::vector<AuditEntry> audit = AuditOf("problem_approved", id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(Json::parse(audit[0].detail)["actor"], "user:abe");
}

TEST_F(DashboardInsightsTest, ASecondDecisionIs409NamingWhoDecided) {
  const int64_t id = Propose("double");
  ASSERT_EQ(harness_->PostForm(PagePath(id), approver_, {{"action", "reject"}}).status, 303);
  Reply again = harness_->PostForm(PagePath(id), approver_, {{"action", "approve"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_THAT(again.body, HasSubstr("rejected by user:abe"));
  Reply api = harness_->Api("POST", ApiPath(id, "approve"), approver_token_, "{}");
  EXPECT_EQ(api.status, 409);
  EXPECT_THAT(api.body, HasSubstr("rejected by user:abe"));
  EXPECT_EQ(AuditOf("problem_rejected", id).size(), 1u);
  EXPECT_TRUE(AuditOf("problem_approved", id).empty());
}

TEST_F(DashboardInsightsTest, ViewersCannotDecide) {
  const int64_t id = Propose("viewer");
  Reply page = harness_->GetPage(PagePath(id), viewer_);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, Not(HasSubstr("value=\"approve\"")));
  EXPECT_EQ(harness_->PostForm(PagePath(id), viewer_, {{"action", "approve"}}).status, 403);
  EXPECT_EQ(harness_->Api("POST", ApiPath(id, "approve"), viewer_token_, "{}").status, 403);
  EXPECT_EQ(harness_->store().GetProblemProposal(id)->state, problem_state::kPending);
}

TEST_F(DashboardInsightsTest, ApiListsShowsAndDecides) {
  const int64_t id = Propose("api");
  Reply list = harness_->Api("GET", "/api/v1/problems?state=pending", viewer_token_);
  ASSERT_EQ(list.status, 200) << list.body;
  bool listed = false;
  const Json listing = Json::parse(list.body);
  for (const Json& p : listing["problems"]) {
    EXPECT_EQ(p["state"], "pending");
    listed = listed || p["id"] == id;
  }
  EXPECT_TRUE(listed) << list.body;
  Reply one = harness_->Api("GET", ApiPath(id), viewer_token_);
  ASSERT_EQ(one.status, 200);
  Json problem = Json::parse(one.body);
  EXPECT_EQ(problem["evidence"]["member_ticket_ids"].size(), 2u);
  EXPECT_TRUE(problem["evidence"]["kb_article"].is_null());
  EXPECT_EQ(harness_->Api("GET", "/api/v1/problems?state=bogus", viewer_token_).status, 400);
  EXPECT_EQ(harness_->Api("GET", "/api/v1/problems/999999", viewer_token_).status, 404);
  EXPECT_EQ(harness_->Api("GET", "/api/v1/problems/abc", viewer_token_).status, 404);
  EXPECT_EQ(harness_->Api("POST", ApiPath(id, "reject"), approver_token_, "[1]").status, 400);

  Reply rejected =
      harness_->Api("POST", ApiPath(id, "reject"), approver_token_, R"({"reason": "noise"})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(Json::parse(rejected.body)["action"], "rejected");
  std::vector<AuditEntry> audit = AuditOf("problem_rejected", id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(Json::parse(audit[0].detail)["actor"], "token:abe");
  EXPECT_EQ(Json::parse(audit[0].detail)["reason"], "noise");
}

TEST_F(DashboardInsightsTest, EscapesAMaliciousClusterEverywhere) {
  const int64_t id = Propose("evil", kEvil);
  for (const std::string& path :
       {std::string("/insights"), std::string("/problems"), PagePath(id), std::string("/digest")}) {
    Reply page = harness_->GetPage(path, viewer_);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_THAT(page.body, Not(HasSubstr("<script>alert"))) << path;
    EXPECT_THAT(page.body, HasSubstr("&lt;script&gt;")) << path;
  }
  Reply insights = harness_->GetPage("/insights", viewer_);
  EXPECT_THAT(insights.body, HasSubstr("href=\"/tickets/%3Cb%3E7%3C%2Fb%3E\""));
  EXPECT_THAT(insights.body, HasSubstr("href=\"/tickets/501\""));
  Reply clusters = harness_->Api("GET", "/api/v1/clusters", viewer_token_);
  ASSERT_EQ(clusters.status, 200);
  Json json = Json::parse(clusters.body);
  EXPECT_TRUE(json["enabled"].get<bool>());
  ASSERT_EQ(json["clusters"].size(), 2u);
  EXPECT_EQ(json["clusters"][1]["name"], kEvil);  // JSON carries the text as it is
}

TEST_F(DashboardInsightsTest, DigestPageAndApiRender) {
  Propose("digest");
  Reply page = harness_->GetPage("/digest", viewer_);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Daily digest"));
  EXPECT_THAT(page.body, HasSubstr("id=\"digest-volume-chart\""));
  EXPECT_THAT(page.body, HasSubstr("VPN troubleshooting"));
  EXPECT_THAT(page.body, HasSubstr("id=\"digest-kb-gaps\""));
  EXPECT_THAT(page.body, Not(HasSubstr("style=")));  // the CSP allows no inline style
  EXPECT_THAT(page.body, HasSubstr("aria-current=\"page\""));
  Reply api = harness_->Api("GET", "/api/v1/digest", viewer_token_);
  ASSERT_EQ(api.status, 200);
  Json digest = Json::parse(api.body);
  EXPECT_TRUE(digest["kb_loaded"].get<bool>());
  ASSERT_EQ(digest["kb_gaps"].size(), 1u);  // the evil cluster has no article; vpn has one
  EXPECT_EQ(digest["kb_gaps"][0]["id"], 12);
  EXPECT_GE(digest["problems"].size(), 1u);
  EXPECT_EQ(harness_->Api("GET", "/api/v1/digest", "").status, 401);
}

TEST(DashboardInsightsOffTest, PagesSayInsightsAreOff) {
  DashboardHarness harness;
  harness.AddUser("vic", Role::kViewer);
  Session viewer = harness.LogIn("vic");
  Reply insights = harness.GetPage("/insights", viewer);
  ASSERT_EQ(insights.status, 200);
  EXPECT_THAT(insights.body, HasSubstr("insights.enabled is false"));
  Reply digest = harness.GetPage("/digest", viewer);
  ASSERT_EQ(digest.status, 200);
  EXPECT_THAT(digest.body, HasSubstr("KB not loaded"));
  Json clusters = Json::parse(harness.Api("GET", "/api/v1/clusters", harness.Token("vic")).body);
  EXPECT_FALSE(clusters["enabled"].get<bool>());
}

}  // namespace
}  // namespace autotriage
