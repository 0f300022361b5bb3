// ${ENV} interpolation, and that secrets and environment values never reach output or messages.
#include "autotriage/config/internal/interpolate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/config/loader.h"
#include "autotriage/config/test_util.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Expand(std::string_view text, std::map<std::string, std::string> vars = {}) {
  Result<Interpolated> r = InterpolateEnv(text, FakeEnv(std::move(vars)));
  return r.ok() ? r->value : "ERROR: " + r.status().message();
}

TEST(InterpolateTest, ReplacesVariablesAndKeepsOtherText) {
  EXPECT_EQ(Expand("plain"), "plain");
  EXPECT_EQ(Expand("${A}", {{"A", "1"}}), "1");
  EXPECT_EQ(Expand("x-${A}-${B_2}-y", {{"A", "1"}, {"B_2", "two"}}), "x-1-two-y");
  EXPECT_EQ(Expand("${A}", {{"A", ""}}), "");  // set but empty is still set
  EXPECT_EQ(Expand("cost $5 and $ alone"), "cost $5 and $ alone");
  EXPECT_FALSE(InterpolateEnv("plain", FakeEnv()).value().used_env);
  EXPECT_TRUE(InterpolateEnv("${A:-x}", FakeEnv()).value().used_env);
}

TEST(InterpolateTest, FallbackAppliesWhenUnsetOrEmpty) {
  EXPECT_EQ(Expand("${A:-8080}"), "8080");
  EXPECT_EQ(Expand("${A:-8080}", {{"A", ""}}), "8080");
  EXPECT_EQ(Expand("${A:-8080}", {{"A", "9090"}}), "9090");
  EXPECT_EQ(Expand("${A:-}"), "");
  EXPECT_EQ(Expand("${A:-a:-b c}"), "a:-b c");
}

TEST(InterpolateTest, DoubleDollarEscapes) {
  EXPECT_EQ(Expand("$${A}", {{"A", "1"}}), "${A}");
  EXPECT_EQ(Expand("a$${b}${A}", {{"A", "1"}}), "a${b}1");
  EXPECT_EQ(Expand("$$x"), "$$x");
}

TEST(InterpolateTest, ErrorsNameTheVariableOnly) {
  EXPECT_EQ(Expand("${MISSING}"),
            "ERROR: environment variable 'MISSING' is not set (write ${MISSING:-fallback} to "
            "allow that)");
  EXPECT_THAT(Expand("${A"), HasSubstr("unterminated '${'"));
  EXPECT_THAT(Expand("${}"), HasSubstr("invalid environment variable name"));
  EXPECT_THAT(Expand("${1A}"), HasSubstr("invalid environment variable name in '${1A}'"));
  EXPECT_THAT(Expand("${A B}"), HasSubstr("invalid environment variable name"));
}

TEST(ConfigEnvTest, ValuesOfEveryTypeComeFromTheEnvironment) {
  ConfigCheck check = Check(
      "server:\n  port: ${PORT}\n  listen_address: ${ADDR:-127.0.0.2}\n"
      "policy:\n  kill_switch: ${KILL}\n  default_mode: ${MODE}\n"
      "models:\n  heads:\n    - field: ${HEAD}\n",
      {{"PORT", "9090"}, {"KILL", "true"}, {"MODE", "suggest"}, {"HEAD", "group"}});
  ASSERT_TRUE(check.ok()) << testing::PrintToString(ProblemStrings(check));
  EXPECT_EQ(check.config.server.port, 9090);
  EXPECT_EQ(check.config.server.listen_address, "127.0.0.2");
  EXPECT_TRUE(check.config.policy.kill_switch);
  EXPECT_EQ(check.config.policy.default_mode, AutonomyMode::kSuggest);
  EXPECT_EQ(check.config.models.heads.at(0).field, "group");
}

TEST(ConfigEnvTest, MissingVariableNamesVariableAndKey) {
  EXPECT_THAT(ProblemStrings(Check("helpdesk:\n  api_key: ${FRESHDESK_API_KEY}\n")),
              ElementsAre("test.yaml:2:12: 'helpdesk.api_key': environment variable "
                          "'FRESHDESK_API_KEY' is not set (write ${FRESHDESK_API_KEY:-fallback} "
                          "to allow that)"));
}

TEST(ConfigEnvTest, EscapedDollarIsLiteral) {
  ConfigCheck check = Check("helpdesk:\n  ca_file: /etc/$${HOME}/ca.pem\n", {{"HOME", "/root"}});
  EXPECT_TRUE(check.ok());
  EXPECT_EQ(check.config.helpdesk.ca_file, "/etc/${HOME}/ca.pem");
}

TEST(ConfigEnvTest, EnvironmentValuesAreNotEchoedInMessages) {
  const std::string leaked = "hunter2-not-a-port";
  ConfigCheck check = Check("server:\n  port: ${PORT}\n", {{"PORT", leaked}});
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_EQ(check.problems[0].message,
            "expected an integer for 'server.port', got the expansion of '${PORT}'");
  EXPECT_THAT(check.problems[0].ToString(), Not(HasSubstr(leaked)));
}

TEST(ConfigEnvTest, SecretsAreNeverEchoed) {
  // A malformed reference inside a literal secret must not quote the secret.
  ConfigCheck check = Check("store:\n  postgres_url: postgresql://u:pa${ss@db/x\n");
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_THAT(check.problems[0].message, HasSubstr("'store.postgres_url': invalid ${...}"));
  EXPECT_THAT(check.problems[0].message, Not(HasSubstr("ss@db")));
  EXPECT_THAT(check.problems[0].message, Not(HasSubstr("u:pa")));
}

TEST(ConfigEnvTest, LiteralSecretWarns) {
  ConfigCheck check = Check("server:\n  webhook_secret: abc123\n");
  EXPECT_TRUE(check.ok());
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_EQ(check.problems[0].severity, ConfigProblem::Severity::kWarning);
  EXPECT_THAT(check.problems[0].message, HasSubstr("'server.webhook_secret' is a secret"));
  EXPECT_THAT(check.problems[0].message, Not(HasSubstr("abc123")));
}

TEST(DescribeConfigTest, SecretsAreRedacted) {
  const std::string key = "fd-KEY-0123456789";
  const std::string pg = "postgresql://triage:pg-PASSWORD@db/triage";
  ConfigCheck check = Check(
      "helpdesk:\n  kind: freshdesk\n  url: https://a.freshdesk.com\n  api_key: ${KEY}\n"
      "store:\n  backend: postgres\n  postgres_url: ${PG}\n",
      {{"KEY", key}, {"PG", pg}});
  ASSERT_TRUE(check.ok()) << testing::PrintToString(ProblemStrings(check));
  const std::string described = DescribeConfig(check.config);
  EXPECT_THAT(described, HasSubstr("helpdesk.api_key: ***\n"));
  EXPECT_THAT(described, HasSubstr("helpdesk.token: (unset)\n"));
  EXPECT_THAT(described, HasSubstr("store.postgres_url: ***\n"));
  EXPECT_THAT(described, HasSubstr("server.webhook_secret: (unset)\n"));
  EXPECT_THAT(described, HasSubstr("helpdesk.url: https://a.freshdesk.com\n"));
  const std::string summary = SummarizeConfig(check.config);
  EXPECT_THAT(summary, HasSubstr("(api_key ***)"));
  for (const std::string& text : {described, summary}) {
    EXPECT_THAT(text, Not(HasSubstr("fd-KEY")));
    EXPECT_THAT(text, Not(HasSubstr("PASSWORD")));
  }
}

TEST(DescribeConfigTest, PrintsEveryEffectiveSetting) {
  Config config;
  config.policy.cells.push_back({"Network", "group", AutonomyMode::kSuggest, 0.95, std::nullopt});
  const std::string described = DescribeConfig(config);
  EXPECT_THAT(described, HasSubstr("server.port: 8080\n"));
  EXPECT_THAT(described, HasSubstr("helpdesk.ca_file: \"\"\n"));
  EXPECT_THAT(described, HasSubstr("models.heads[2].field: type\n"));
  EXPECT_THAT(described, HasSubstr("training.validation_fraction: 0.15\n"));
  EXPECT_THAT(described, HasSubstr("policy.cells[0].mode: suggest\n"));
  EXPECT_THAT(described, HasSubstr("policy.cells[0].target_precision: 0.95\n"));
  EXPECT_THAT(described, HasSubstr("policy.cells[0].min_margin: (unset)\n"));
  EXPECT_THAT(described, HasSubstr("log.format: json\n"));
  EXPECT_THAT(described, HasSubstr("policy.writable_fields: [group, priority, type]\n"));
  EXPECT_THAT(described, HasSubstr("policy.skip_tags: []\n"));
  EXPECT_THAT(described, HasSubstr("engine.workers: 4\n"));
  EXPECT_THAT(described, HasSubstr("engine.post_notes: true\n"));
  config.policy.cells.clear();
  EXPECT_THAT(DescribeConfig(config), HasSubstr("policy.cells: []\n"));
}

}  // namespace
}  // namespace autotriage
