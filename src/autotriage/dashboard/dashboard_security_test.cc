// Security of every dashboard route: authentication, roles, CSRF, Slack signatures, escaping
// of hostile ticket text on every page and in Slack blocks, SQL-injection strings in every
// parameter, security headers, open redirects and login rate limiting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autotriage/dashboard/card.h"
#include "autotriage/dashboard/dashboard_test_util.h"
#include "autotriage/dashboard/html.h"
#include "autotriage/sandbox/slack_sandbox.h"
#include "autotriage/slack/slack.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kScript[] = "<script>alert(1)</script>";
constexpr char kImg[] = "\"><img src=x onerror=alert(1)>";
const std::vector<std::string> kInjections = {"' OR '1'='1", "1; DROP TABLE decisions; --",
                                              "\" OR \"\"=\"", "1' UNION SELECT * FROM users --"};

class DashboardSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    HarnessOptions options;
    options.slack_signing_secret = "test-signing-secret";
    options.models = [] {
      ModelInfo model;
      model.version = std::string("m-") + kScript;
      model.training_data = kImg;
      model.fields.push_back({kScript, 1, 1, {{kScript, 0.5}}});
      return std::vector<ModelInfo>{model};
    };
    harness_ = new DashboardHarness(options);
    harness_->AddUser("ada", Role::kAdmin);
    harness_->AddUser("abe", Role::kApprover);
    harness_->AddUser("vic", Role::kViewer);
    admin_ = harness_->LogIn("ada");
    approver_ = harness_->LogIn("abe");
    viewer_ = harness_->LogIn("vic");
    admin_token_ = harness_->Token("ada");
    approver_token_ = harness_->Token("abe");
    viewer_token_ = harness_->Token("vic");
    harness_->Seed(
        {ExampleProposal("601", "1700000000", "Service Desk", DashboardHarness::NowMs())});
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }

  // The route's path with its placeholders filled in.
  static std::string Concrete(const std::string& path) {
    std::string out = path;
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"{ticket}", "601"}, {"{version}", "1700000000"}, {"{id}", "601"}}) {
      const size_t at = out.find(from);
      if (at != std::string::npos) {
        out.replace(at, from.size(), to);
      }
    }
    return out;
  }

  static bool Changes(const DashboardRoute& route) { return route.method != "GET"; }

  static Reply AsSession(const DashboardRoute& route, const Session& session, bool csrf) {
    std::map<std::string, std::string> headers = {{"Cookie", session.cookie}};
    if (route.kind == "api") {
      if (csrf) {
        headers["X-CSRF-Token"] = session.csrf;
      }
      return harness_->Send(route.method, Concrete(route.path), Changes(route) ? "{}" : "",
                            Changes(route) ? "application/json" : "", headers);
    }
    std::string body = csrf ? FormBody({{"csrf_token", session.csrf}}) : "";
    return harness_->Send(route.method, Concrete(route.path), body,
                          "application/x-www-form-urlencoded", headers);
  }

  static DashboardHarness* harness_;
  static Session admin_, approver_, viewer_;
  static std::string admin_token_, approver_token_, viewer_token_;
};

DashboardHarness* DashboardSecurityTest::harness_ = nullptr;
Session DashboardSecurityTest::admin_;
Session DashboardSecurityTest::approver_;
Session DashboardSecurityTest::viewer_;
std::string DashboardSecurityTest::admin_token_;
std::string DashboardSecurityTest::approver_token_;
std::string DashboardSecurityTest::viewer_token_;

TEST_F(DashboardSecurityTest, EveryRouteRefusesRequestsWithoutAuthentication) {
  int checked = 0;
  for (const DashboardRoute& route : harness_->routes()) {
    SCOPED_TRACE(route.method + " " + route.path);
    if (route.kind == "public") {
      EXPECT_TRUE(route.path == "/login" || route.path == "/logout" || route.path == "/setup" ||
                  route.path.rfind("/static/", 0) == 0 || route.path == "/api/v1/openapi.json")
          << "unexpected public route";
      continue;
    }
    const std::string body = Changes(route) ? "{}" : "";
    for (const std::map<std::string, std::string>& headers :
         std::vector<std::map<std::string, std::string>>{
             {},
             {{"Authorization", "Bearer not-a-real-token"}},
             {{"Cookie", "autotriage_session=forged"}}}) {
      Reply reply = harness_->Send(route.method, Concrete(route.path), body,
                                   body.empty() ? "" : "application/json", headers);
      if (route.kind == "page" && route.method == "GET") {
        EXPECT_EQ(reply.status, 303);
        EXPECT_THAT(reply.Header("location"), StartsWith("/login?next="));
      } else {
        EXPECT_EQ(reply.status, 401) << reply.body;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST_F(DashboardSecurityTest, TooLowARoleGets403) {
  int checked = 0;
  for (const DashboardRoute& route : harness_->routes()) {
    if (route.role != "approver" && route.role != "admin") {
      continue;
    }
    SCOPED_TRACE(route.method + " " + route.path);
    const Session& low_session = route.role == "admin" ? approver_ : viewer_;
    EXPECT_EQ(AsSession(route, low_session, true).status, 403);
    if (route.kind == "api") {
      const std::string& low_token = route.role == "admin" ? approver_token_ : viewer_token_;
      EXPECT_EQ(
          harness_->Api(route.method, Concrete(route.path), low_token, Changes(route) ? "{}" : "")
              .status,
          403);
    }
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST_F(DashboardSecurityTest, StateChangingSessionRequestsWithoutCsrfGet403) {
  int checked = 0;
  for (const DashboardRoute& route : harness_->routes()) {
    if (!Changes(route) || (route.kind != "page" && route.kind != "api")) {
      continue;
    }
    SCOPED_TRACE(route.method + " " + route.path);
    EXPECT_EQ(AsSession(route, admin_, false).status, 403);
    Session wrong = admin_;
    wrong.csrf = viewer_.csrf;  // another session's token
    EXPECT_EQ(AsSession(route, wrong, true).status, 403);
    ++checked;
  }
  EXPECT_GE(checked, 6);
  EXPECT_TRUE(harness_->store().ListApprovalActions("601", 10)->empty());
}

TEST_F(DashboardSecurityTest, SlackCallbacksNeedAFreshValidSignature) {
  const std::string body = "payload=%7B%22type%22%3A%22block_actions%22%7D";
  const int64_t now = DashboardHarness::NowMs() / 1000;
  auto signed_with = [&](const std::string& secret, int64_t at) {
    return std::map<std::string, std::string>{
        {"X-Slack-Request-Timestamp", std::to_string(at)},
        {"X-Slack-Signature", SlackSignature(secret, std::to_string(at), body)}};
  };
  EXPECT_EQ(harness_
                ->Send("POST", "/slack/interactions", body, "application/x-www-form-urlencoded",
                       signed_with("wrong-secret", now))
                .status,
            401);
  EXPECT_EQ(harness_
                ->Send("POST", "/slack/interactions", body, "application/x-www-form-urlencoded",
                       signed_with("test-signing-secret", now - 600))
                .status,
            401);
  // The right secret and a fresh timestamp pass the signature check (the payload is then
  // refused as incomplete, not as unauthenticated).
  EXPECT_EQ(harness_
                ->Send("POST", "/slack/interactions", body, "application/x-www-form-urlencoded",
                       signed_with("test-signing-secret", now))
                .status,
            400);
}

TEST_F(DashboardSecurityTest, HostileTicketTextIsInertOnEveryPageAndInSlack) {
  const std::string hostile = std::string(kScript) + kImg;
  SeedTicket t = ExampleProposal(std::string("602") + kScript, "1700000000", hostile,
                                 DashboardHarness::NowMs());
  t.subject = hostile;
  t.summary = hostile + " vpn " + hostile;
  t.note_draft = std::string("</textarea>") + hostile;
  t.fields[0].old_value = hostile;
  t.fields[0].new_value = hostile;
  t.fields[0].words.push_back({hostile, 1.0});
  t.articles = {{"kb-x", hostile, "javascript:alert(1)"}, {"kb-y", hostile, "data:text/html,x"}};
  t.similar = {{hostile, hostile, hostile}};
  t.assignees = {{"1", hostile, hostile}};
  harness_->Seed({t});
  const std::string ticket_path = dashboard::UrlEncode(t.ticket_id);
  Reply reject = harness_->PostForm("/approvals/" + ticket_path + "/1700000000", approver_,
                                    {{"action", "reject"}, {"reason", hostile}});
  ASSERT_EQ(reject.status, 303) << reject.body;
  ASSERT_EQ(
      harness_
          ->Api("PUT", "/api/v1/matrix", admin_token_,
                nlohmann::json{{"queue", hostile}, {"field", "group"}, {"mode", "suggest"}}.dump())
          .status,
      200);
  Session with_flash = approver_;
  with_flash.cookie += "; " + CookiePair(reject.Cookies().at(0));
  for (const std::string& path :
       {std::string("/"), "/approvals/" + ticket_path + "/1700000000", "/tickets/" + ticket_path,
        std::string("/matrix"), std::string("/kpis"), std::string("/audit"), std::string("/models"),
        "/login?next=" + dashboard::UrlEncode(hostile)}) {
    SCOPED_TRACE(path);
    Reply page = harness_->GetPage(path, with_flash);
    ASSERT_EQ(page.status, 200);
    EXPECT_THAT(page.body, Not(HasSubstr("<script>alert")));
    EXPECT_THAT(page.body, Not(HasSubstr("<img")));
    EXPECT_THAT(page.body, Not(HasSubstr("href=\"javascript:")));
    EXPECT_THAT(page.body, Not(HasSubstr("href=\"data:")));
    EXPECT_THAT(page.body, Not(HasSubstr("</textarea><")));
  }
  Reply card = harness_->GetPage("/approvals/" + ticket_path + "/1700000000", viewer_);
  EXPECT_THAT(card.body, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  // The Slack card of the same proposal.
  Result<dashboard::CardView> view =
      dashboard::CardFromStore(harness_->store(), t.ticket_id, "1700000000");
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  const std::string slack = BuildCardMessage(dashboard::ToSlackCard(*view, "http://x/y"));
  EXPECT_THAT(slack, Not(HasSubstr("<script>")));
  EXPECT_THAT(slack, Not(HasSubstr("<img")));
  EXPECT_THAT(slack, Not(HasSubstr("javascript:")));
}

TEST_F(DashboardSecurityTest, SqlInjectionStringsInEveryParameterChangeNothing) {
  Result<StoreStats> before = harness_->store().Stats();
  ASSERT_TRUE(before.ok());
  const size_t users_before = harness_->store().ListUsers()->size();
  for (const std::string& evil : kInjections) {
    SCOPED_TRACE(evil);
    const std::string e = dashboard::UrlEncode(evil);
    std::vector<Reply> replies;
    for (const std::string& path : {"/?queue=" + e, "/approvals/" + e + "/" + e, "/tickets/" + e,
                                    "/kpis?days=" + e, "/audit?before=" + e}) {
      replies.push_back(harness_->GetPage(path, admin_));
    }
    for (const std::string& path :
         {"/api/v1/approvals?queue=" + e + "&limit=" + e, "/api/v1/approvals/" + e + "/" + e,
          "/api/v1/tickets/" + e + "/decisions", "/api/v1/kpis?days=" + e,
          "/api/v1/audit?after=" + e + "&limit=" + e}) {
      replies.push_back(harness_->Api("GET", path, admin_token_));
    }
    replies.push_back(
        harness_->Api("POST", "/api/v1/approvals/" + e + "/" + e + "/approve", admin_token_,
                      nlohmann::json{{"edits", {{evil, evil}}}, {"note", evil}}.dump()));
    replies.push_back(harness_->Api("POST", "/api/v1/approvals/601/" + e + "/reject", admin_token_,
                                    nlohmann::json{{"reason", evil}}.dump()));
    replies.push_back(
        harness_->Api("PUT", "/api/v1/matrix", admin_token_,
                      nlohmann::json{{"queue", "Q"}, {"field", evil}, {"mode", evil}}.dump()));
    replies.push_back(harness_->PostForm("/approvals/601/1700000000", approver_,
                                         {{"action", evil}, {"reason", evil}}));
    if (evil == kInjections.front() || evil == kInjections.back()) {
      // Two only: every failed sign-in counts towards this address's rate limit.
      replies.push_back(harness_->Send("POST", "/login",
                                       FormBody({{"name", evil}, {"password", evil}}),
                                       "application/x-www-form-urlencoded"));
    }
    for (const Reply& reply : replies) {
      EXPECT_GT(reply.status, 0);
      EXPECT_LT(reply.status, 500) << reply.body;
    }
  }
  Result<StoreStats> after = harness_->store().Stats();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->decisions, before->decisions);
  EXPECT_EQ(harness_->store().ListUsers()->size(), users_before);
  EXPECT_TRUE(harness_->store().ListApprovalActions("601", 10)->empty());
  Result<Approval> still = harness_->approvals().Get("601", "1700000000");
  EXPECT_TRUE(still.ok()) << still.status().ToString();
}

TEST_F(DashboardSecurityTest, EveryResponseCarriesTheSecurityHeaders) {
  for (const DashboardRoute& route : harness_->routes()) {
    SCOPED_TRACE(route.method + " " + route.path);
    Reply reply =
        harness_->Send(route.method, Concrete(route.path), "", "", {{"Cookie", viewer_.cookie}});
    EXPECT_THAT(reply.Header("content-security-policy"), HasSubstr("default-src 'self'"));
    EXPECT_EQ(reply.Header("x-frame-options"), "DENY");
    EXPECT_EQ(reply.Header("referrer-policy"), "same-origin");
    EXPECT_EQ(reply.Header("x-content-type-options"), "nosniff");
  }
}

TEST_F(DashboardSecurityTest, LoginNeverRedirectsOffSiteAndRefusesCrossSitePosts) {
  for (const char* next :
       {"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"}) {
    Reply reply = harness_->Send(
        "POST", "/login", FormBody({{"name", "vic"}, {"password", kTestPassword}, {"next", next}}),
        "application/x-www-form-urlencoded");
    ASSERT_EQ(reply.status, 303) << next;
    EXPECT_EQ(reply.Header("location"), "/") << next;
  }
  Reply cross =
      harness_->Send("POST", "/login", FormBody({{"name", "vic"}, {"password", kTestPassword}}),
                     "application/x-www-form-urlencoded", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(cross.status, 403);
  EXPECT_TRUE(cross.Cookies().empty());
}

TEST(DashboardLoginLimitTest, RepeatedFailuresAreRateLimited) {
  DashboardHarness harness;
  harness.AddUser("lee", Role::kViewer);
  int last = 0;
  for (int i = 0; i < 6; ++i) {
    last = harness
               .Send("POST", "/login", FormBody({{"name", "lee"}, {"password", "wrong guess"}}),
                     "application/x-www-form-urlencoded")
               .status;
  }
  EXPECT_EQ(last, 429);
  Reply right =
      harness.Send("POST", "/login", FormBody({{"name", "lee"}, {"password", kTestPassword}}),
                   "application/x-www-form-urlencoded");
  EXPECT_EQ(right.status, 429);
  EXPECT_THAT(right.body, HasSubstr("class=\"error\""));
}

}  // namespace
}  // namespace autotriage
