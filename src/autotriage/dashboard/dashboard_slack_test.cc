// POST /slack/interactions and the SlackNotifier against the sandbox's Slack emulator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/connectors/http_client.h"
#include "autotriage/dashboard/card.h"
#include "autotriage/dashboard/dashboard_test_util.h"
#include "autotriage/sandbox/slack_sandbox.h"
#include "autotriage/slack/slack.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kVersion[] = "1700000000";

class DashboardSlackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SlackSandbox>> sandbox = SlackSandbox::Start(SlackSandboxOptions{});
    ASSERT_TRUE(sandbox.ok()) << sandbox.status().ToString();
    sandbox_ = std::move(*sandbox);
    SlackOptions slack;
    slack.enabled = true;
    slack.bot_token = SlackSandboxOptions{}.bot_token;
    slack.channel = "C0APPROVALS";
    slack.escalation_channel = "C0ESCALATED";
    slack.signing_secret = SlackSandboxOptions{}.signing_secret;
    slack.api_base_url = sandbox_->api_base_url();
    HttpClientOptions http_options;
    http_options.max_retries = 0;
    http_ = NewCurlHttpClient(http_options);
    client_ = SlackClient::Create(slack, http_.get());
    HarnessOptions options;
    options.slack_signing_secret = slack.signing_secret;
    SlackClient* client = client_.get();
    options.make_notifier = [client](Store* store, ApprovalService* approvals) {
      SlackNotifierOptions notifier;
      notifier.public_url = "http://dashboard.test";
      return SlackNotifier::Create(store, approvals, client, notifier);
    };
    harness_ = std::make_unique<DashboardHarness>(options);
    harness_->AddUser("sam", Role::kApprover, "U0SAM");
    harness_->AddUser("val", Role::kViewer, "U0VAL");
  }

  // Seeds a proposal and posts its card to the emulator as the notifier would; returns the ts.
  std::string ProposeAndPost(const std::string& ticket, bool keep_where) {
    harness_->Seed({ExampleProposal(ticket, kVersion, "Q", DashboardHarness::NowMs())});
    Result<dashboard::CardView> card =
        dashboard::CardFromStore(harness_->store(), ticket, kVersion);
    EXPECT_TRUE(card.ok()) << card.status().ToString();
    Result<SlackMessageRecord> where =
        client_->Post(dashboard::ToSlackCard(*card, "http://dashboard.test/x"), false);
    EXPECT_TRUE(where.ok()) << where.status().ToString();
    if (!where.ok()) {
      return "";
    }
    if (keep_where) {
      SlackMessageRecord record = *where;
      record.ticket_id = ticket;
      record.ticket_version = kVersion;
      EXPECT_TRUE(harness_->store().PutSlackMessage(record).ok());
    }
    return where->ts;
  }

  Reply Press(const std::string& user, const std::string& action, const std::string& ts,
              int64_t at_seconds = 0, const std::string& value = "") {
    SlackInteractionSpec spec;
    spec.user_id = user;
    spec.action_id = action;
    spec.value = value;
    spec.channel = "C0APPROVALS";
    spec.message_ts = ts;
    SlackSignedRequest request = sandbox_->SignedInteraction(
        spec, at_seconds != 0 ? at_seconds : DashboardHarness::NowMs() / 1000);
    return harness_->Send("POST", "/slack/interactions", request.body,
                          "application/x-www-form-urlencoded", request.headers);
  }

  std::unique_ptr<SlackSandbox> sandbox_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<SlackClient> client_;
  std::unique_ptr<DashboardHarness> harness_;
};

TEST_F(DashboardSlackTest, ApproveButtonDecidesAndUpdatesTheCard) {
  const std::string ts = ProposeAndPost("501", true);
  Reply reply = Press("U0SAM", "approve", ts);
  ASSERT_EQ(reply.status, 200) << reply.body;
  Result<std::vector<ApprovalActionRecord>> actions =
      harness_->store().ListApprovalActions("501", 10);
  ASSERT_TRUE(actions.ok());
  ASSERT_FALSE(actions->empty());
  EXPECT_EQ((*actions)[0].actor, "slack:sam");
  ASSERT_TRUE(harness_->notifier()->WaitIdle(10000));
  Result<SlackSandboxMessage> message = sandbox_->Message("C0APPROVALS", ts);
  ASSERT_TRUE(message.ok());
  EXPECT_GE(message->updates, 1);
  EXPECT_THAT(message->blocks, HasSubstr("slack:sam"));
  EXPECT_THAT(message->blocks, Not(HasSubstr("\"action_id\":\"approve\"")));

  // A second press: already decided, answered 200 with who decided; no second write.
  // (The updated card has no buttons left: the value is given as the old button carried it.)
  Reply again = Press("U0SAM", "reject", ts, 0, std::string("501|") + kVersion);
  EXPECT_EQ(again.status, 200);
  EXPECT_THAT(again.body, HasSubstr("slack:sam"));
  EXPECT_EQ(harness_->store().ListWrites("501")->size(), 1u);
}

TEST_F(DashboardSlackTest, RejectButtonRecordsTheSlackReasonAndUsesTheResponseUrl) {
  const std::string ts = ProposeAndPost("502", false);  // no channel/ts kept: response_url
  Reply reply = Press("U0SAM", "reject", ts);
  ASSERT_EQ(reply.status, 200) << reply.body;
  Result<std::vector<ApprovalActionRecord>> actions =
      harness_->store().ListApprovalActions("502", 10);
  ASSERT_TRUE(actions.ok());
  ASSERT_FALSE(actions->empty());
  EXPECT_EQ((*actions)[0].action, "rejected");
  EXPECT_EQ((*actions)[0].reason, "rejected in Slack");
  ASSERT_TRUE(harness_->notifier()->WaitIdle(10000));
  bool replaced = false;
  for (const SlackSandboxMessage& m : sandbox_->Messages()) {
    replaced = replaced ||
               (m.ts == ts && m.updates >= 1 &&
                m.blocks.find("Rejected by slack:sam (rejected in Slack)") != std::string::npos);
  }
  EXPECT_TRUE(replaced);
}

TEST_F(DashboardSlackTest, ProposalsArePostedAndDashboardDecisionsUpdateTheCard) {
  harness_->Seed({ExampleProposal("504", kVersion, "Q", DashboardHarness::NowMs())});
  harness_->approvals().NotifyProposed("504", kVersion);
  ASSERT_TRUE(harness_->notifier()->WaitIdle(10000));
  Result<std::optional<SlackMessageRecord>> where =
      harness_->store().GetSlackMessage("504", kVersion);
  ASSERT_TRUE(where.ok()) << where.status().ToString();
  ASSERT_TRUE(where->has_value());
  EXPECT_EQ((*where)->channel, "C0APPROVALS");
  Result<SlackSandboxMessage> posted = sandbox_->Message("C0APPROVALS", (*where)->ts);
  ASSERT_TRUE(posted.ok());
  EXPECT_THAT(posted->blocks, HasSubstr("\"action_id\":\"approve\""));
  EXPECT_THAT(posted->blocks, HasSubstr("http://dashboard.test/approvals/504/1700000000"));
  // A repeated announcement does not post a second card.
  harness_->approvals().NotifyProposed("504", kVersion);
  ASSERT_TRUE(harness_->notifier()->WaitIdle(10000));
  EXPECT_EQ(sandbox_->Messages("C0APPROVALS").size(), 1u);

  const std::string token = harness_->Token("sam");
  ASSERT_EQ(harness_->Api("POST", "/api/v1/approvals/504/1700000000/approve", token, "").status,
            200);
  ASSERT_TRUE(harness_->notifier()->WaitIdle(10000));
  Result<SlackSandboxMessage> updated = sandbox_->Message("C0APPROVALS", (*where)->ts);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->updates, 1);
  EXPECT_THAT(updated->blocks, HasSubstr("Approved by token:sam"));
  EXPECT_THAT(updated->blocks, Not(HasSubstr("\"action_id\":\"approve\"")));
}

TEST_F(DashboardSlackTest, EscalationsGoToTheEscalationChannel) {
  // Older than approvals.escalate_after_minutes (240 by default): the sweep escalates it.
  harness_->Seed(
      {ExampleProposal("505", kVersion, "Q", DashboardHarness::NowMs() - 5LL * 3600 * 1000)});
  Result<int> swept = harness_->approvals().Sweep();
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_EQ(*swept, 1);
  ASSERT_TRUE(harness_->notifier()->WaitIdle(10000));
  std::vector<SlackSandboxMessage> escalated = sandbox_->Messages("C0ESCALATED");
  ASSERT_EQ(escalated.size(), 1u);
  EXPECT_THAT(escalated[0].blocks, HasSubstr("505"));
}

TEST_F(DashboardSlackTest, ViewersUnmappedUsersAndBadSignaturesAreRefused) {
  const std::string ts = ProposeAndPost("503", true);
  EXPECT_EQ(Press("U0VAL", "approve", ts).status, 403);
  EXPECT_EQ(Press("U0NOBODY", "approve", ts).status, 403);
  EXPECT_EQ(Press("U0SAM", "approve", ts, DashboardHarness::NowMs() / 1000 - 3600).status, 401);
  SlackInteractionSpec spec;
  spec.user_id = "U0SAM";
  spec.channel = "C0APPROVALS";
  spec.message_ts = ts;
  SlackSignedRequest forged = sandbox_->SignedInteraction(spec, DashboardHarness::NowMs() / 1000);
  forged.headers["x-slack-signature"] =
      SlackSignature("not-the-secret", forged.headers["x-slack-request-timestamp"], forged.body);
  EXPECT_EQ(harness_
                ->Send("POST", "/slack/interactions", forged.body,
                       "application/x-www-form-urlencoded", forged.headers)
                .status,
            401);
  EXPECT_EQ(
      harness_
          ->Send("POST", "/slack/interactions", forged.body, "application/x-www-form-urlencoded")
          .status,
      401);
  EXPECT_TRUE(harness_->store().ListApprovalActions("503", 10)->empty());
}

}  // namespace
}  // namespace autotriage
