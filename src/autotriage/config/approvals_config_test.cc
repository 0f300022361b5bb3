// The `approvals:` and `slack:` sections: defaults, ranges and the checks that make an enabled
// Slack integration usable, without ever echoing a secret.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/config/loader.h"
#include "autotriage/config/test_util.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string AllProblems(const ConfigCheck& check) {
  std::string out;
  for (const std::string& problem : ProblemStrings(check)) {
    out += problem + "\n";
  }
  return out;
}

TEST(ApprovalsConfigTest, DefaultsAndValuesAreRead) {
  const Config defaults;
  EXPECT_EQ(defaults.approvals.expire_after_hours, 72);
  EXPECT_EQ(defaults.approvals.escalate_after_minutes, 240);
  EXPECT_FALSE(defaults.slack.enabled);
  ConfigCheck check = Check("approvals:\n  expire_after_hours: 0\n  escalate_after_minutes: 30\n");
  ASSERT_TRUE(check.ok()) << AllProblems(check);
  EXPECT_EQ(check.config.approvals.expire_after_hours, 0);
  EXPECT_EQ(check.config.approvals.escalate_after_minutes, 30);
}

TEST(ApprovalsConfigTest, NegativeAndHugeNumbersAreRefused) {
  EXPECT_THAT(ProblemStrings(Check("approvals:\n  expire_after_hours: -1\n")),
              ElementsAre("test.yaml:2:23: 'approvals.expire_after_hours' must be between 0 and "
                          "8760, got '-1'"));
  EXPECT_THAT(ProblemStrings(Check("approvals:\n  escalate_after_minutes: -5\n")),
              ElementsAre(HasSubstr("'approvals.escalate_after_minutes' must be between 0")));
  EXPECT_FALSE(Check("approvals:\n  expire_after_hours: 100000\n").ok());
  EXPECT_THAT(ProblemStrings(Check("approvals:\n  expire_after_hours: soon\n")),
              ElementsAre(HasSubstr("expected an integer for 'approvals.expire_after_hours'")));
  EXPECT_THAT(ProblemStrings(Check("approvals:\n  expire_after_hour: 3\n")),
              ElementsAre(HasSubstr("did you mean 'expire_after_hours'")));
}

TEST(ApprovalsConfigTest, EscalationAfterExpiryIsWarnedAbout) {
  ConfigCheck check = Check("approvals:\n  expire_after_hours: 2\n  escalate_after_minutes: 180\n");
  EXPECT_TRUE(check.ok());
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre(HasSubstr("proposals expire before they are escalated")));
  EXPECT_TRUE(Check("approvals:\n  expire_after_hours: 0\n  escalate_after_minutes: 180\n")
                  .problems.empty());
}

TEST(SlackConfigTest, EnabledWithBotTokenFromTheEnvironment) {
  ConfigCheck check = Check(
      "slack:\n  enabled: true\n  bot_token: ${SLACK_BOT_TOKEN}\n  channel: C0123\n"
      "  signing_secret: ${SLACK_SIGNING_SECRET}\n",
      {{"SLACK_BOT_TOKEN", "xoxb-secret-token"}, {"SLACK_SIGNING_SECRET", "sign-secret-value"}});
  ASSERT_TRUE(check.ok()) << AllProblems(check);
  EXPECT_TRUE(check.problems.empty()) << AllProblems(check);
  EXPECT_EQ(check.config.slack.bot_token, "xoxb-secret-token");
  EXPECT_EQ(check.config.slack.signing_secret, "sign-secret-value");
  EXPECT_EQ(check.config.slack.channel, "C0123");
  EXPECT_EQ(check.config.slack.api_base_url, "https://slack.com/api");
  const std::string described = DescribeConfig(check.config);
  EXPECT_THAT(described, Not(HasSubstr("xoxb-secret-token")));
  EXPECT_THAT(described, Not(HasSubstr("sign-secret-value")));
  EXPECT_THAT(described, HasSubstr("slack.bot_token: ***"));
}

TEST(SlackConfigTest, EnabledWithAWebhookNeedsNoChannel) {
  ConfigCheck check =
      Check("slack:\n  enabled: true\n  webhook_url: ${HOOK}\n  signing_secret: ${SIGN}\n",
            {{"HOOK", "https://hooks.slack.com/services/T/B/secretpart"}, {"SIGN", "s"}});
  EXPECT_TRUE(check.ok()) << AllProblems(check);
}

TEST(SlackConfigTest, EnabledNeedsASigningSecretAndAWayToPost) {
  ConfigCheck check = Check("slack:\n  enabled: true\n");
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre(HasSubstr("'slack.signing_secret' is required when slack.enabled"),
                          HasSubstr("'slack.bot_token' or 'slack.webhook_url' is required")));
  // Disabled, nothing is required.
  EXPECT_TRUE(Check("slack:\n  enabled: false\n").ok());
}

TEST(SlackConfigTest, BotTokenNeedsAChannel) {
  ConfigCheck check = Check("slack:\n  enabled: true\n  bot_token: ${T}\n  signing_secret: ${S}\n",
                            {{"T", "x"}, {"S", "y"}});
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre("test.yaml:2:3: 'slack.channel' is required with a bot_token: the "
                          "channel id (C...) the approval cards are posted to"));
}

TEST(SlackConfigTest, LiteralSecretIsWarnedAboutWithoutEchoingIt) {
  ConfigCheck check = Check(
      "slack:\n  enabled: true\n  bot_token: xoxb-literal-in-file\n  channel: C1\n"
      "  signing_secret: ${S}\n",
      {{"S", "y"}});
  EXPECT_TRUE(check.ok());
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre(HasSubstr("'slack.bot_token' is a secret written into the file")));
  EXPECT_THAT(AllProblems(check), Not(HasSubstr("xoxb-literal-in-file")));
}

TEST(SlackConfigTest, MalformedValuesAreNamedButSecretsNotShown) {
  ConfigCheck check = Check("slack:\n  channel: 'C1 C2'\n  api_base_url: ftp://x\n");
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre(HasSubstr("'slack.channel' must be one Slack channel id"),
                          HasSubstr("'slack.api_base_url' must be an http:// or https:// URL")));
  ConfigCheck hook = Check("slack:\n  webhook_url: ${HOOK}\n", {{"HOOK", "not-a-url-secret"}});
  EXPECT_THAT(
      ProblemStrings(hook),
      ElementsAre("test.yaml:2:3: 'slack.webhook_url' must be an http:// or https:// URL (Slack's "
                  "incoming-webhook URL)"));
}

TEST(SlackConfigTest, MissingEnvironmentVariableIsAnError) {
  ConfigCheck check =
      Check("slack:\n  enabled: true\n  webhook_url: ${NOPE}\n  signing_secret: ${NOPE2}\n");
  EXPECT_FALSE(check.ok());
  EXPECT_THAT(AllProblems(check), HasSubstr("NOPE"));
}

}  // namespace
}  // namespace autotriage
