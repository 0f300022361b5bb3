// Loading: defaults, every section, and the structural errors (unknown and duplicate keys,
// wrong shapes, YAML syntax).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "autotriage/config/loader.h"
#include "autotriage/config/test_util.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(ConfigDefaultsTest, EmptyAndCommentOnlyFilesGiveDefaults) {
  for (const std::string yaml : {"", "# nothing here\n\n", "---\n"}) {
    ConfigCheck check = Check(yaml);
    EXPECT_TRUE(check.ok()) << yaml;
    EXPECT_THAT(check.problems, IsEmpty()) << yaml;
    const Config& c = check.config;
    EXPECT_EQ(c.helpdesk.kind, HelpdeskKind::kSandbox);
    EXPECT_EQ(c.helpdesk.connect_timeout_ms, 5000);
    EXPECT_EQ(c.store.backend, StoreBackend::kSqlite);
    EXPECT_EQ(c.store.sqlite_path, "autotriage.db");
    EXPECT_EQ(c.server.listen_address, "127.0.0.1");
    EXPECT_EQ(c.server.port, 8080);
    ASSERT_EQ(c.models.heads.size(), 3u);
    EXPECT_EQ(c.models.heads[1].field, "priority");
    EXPECT_DOUBLE_EQ(c.training.validation_fraction, 0.15);
    EXPECT_EQ(c.training.min_examples_per_class, 5);
    EXPECT_TRUE(c.training.exclude_small_classes);
    EXPECT_DOUBLE_EQ(c.training.target_precision, 0.90);
    EXPECT_EQ(c.training.seed, 1u);
    EXPECT_FALSE(c.policy.kill_switch);
    EXPECT_EQ(c.policy.default_mode, AutonomyMode::kMonitor);
    EXPECT_THAT(c.policy.cells, IsEmpty());
    EXPECT_THAT(c.policy.writable_fields, ElementsAre("group", "priority", "type"));
    EXPECT_THAT(c.policy.overwrite_fields, ElementsAre("priority"));
    EXPECT_THAT(c.policy.skip_requester_domains, IsEmpty());
    EXPECT_THAT(c.policy.skip_tags, IsEmpty());
    EXPECT_THAT(c.policy.skip_sources, IsEmpty());
    EXPECT_THAT(c.policy.triaged_when_set, ElementsAre("group"));
    EXPECT_EQ(c.engine.workers, 4);
    EXPECT_EQ(c.engine.dispatchers, 2);
    EXPECT_EQ(c.engine.poll_interval_seconds, 0);
    EXPECT_EQ(c.engine.poll_lookback_hours, 24);
    EXPECT_EQ(c.engine.lease_seconds, 60);
    EXPECT_EQ(c.engine.max_attempts, 8);
    EXPECT_EQ(c.engine.retry_backoff_ms, 1000);
    EXPECT_EQ(c.engine.max_webhook_bytes, 1048576);
    EXPECT_TRUE(c.engine.post_notes);
    EXPECT_EQ(c.log.level, LogLevel::kInfo);
    EXPECT_EQ(c.log.format, LogFormat::kJson);
  }
}

TEST(ConfigDefaultsTest, NullSectionsKeepDefaults) {
  ConfigCheck check = Check("server:\nstore:\n  # backend: postgres\n");
  EXPECT_TRUE(check.ok());
  EXPECT_EQ(check.config.server.port, 8080);
  EXPECT_EQ(check.config.store.backend, StoreBackend::kSqlite);
}

TEST(ConfigLoadTest, EverySectionIsRead) {
  const std::string yaml = R"(helpdesk:
  kind: freshservice
  url: https://acme.freshservice.com
  api_key: ${KEY}
  token: ${TOKEN}
  ca_file: /etc/ssl/private-ca.pem
  connect_timeout_ms: 1500
  request_timeout_ms: 20000
  max_retries: 5
  requests_per_minute: 120
store:
  backend: postgres
  sqlite_path: other.db
  postgres_url: ${PG}
server:
  listen_address: 0.0.0.0
  port: 9443
  webhook_secret: ${HOOK}
  public_url: https://triage.example.org
models:
  directory: /var/lib/autotriage/models
  active: /var/lib/autotriage/models/2024-05-01
  heads:
    - field: group
      label_column: queue
    - field: urgency
training:
  validation_fraction: 0.2
  min_examples_per_class: 10
  exclude_small_classes: no
  target_precision: 0.95
  seed: 42
policy:
  kill_switch: true
  default_mode: "off"
  cells:
    - queue: "*"
      field: group
      mode: autofill
      target_precision: 0.97
      min_margin: 0.25
    - queue: Network
      field: urgency
  writable_fields: [group, urgency]
  overwrite_fields:
    - urgency
  skip_requester_domains: [example.org, "@Partner.example.com"]
  skip_tags: [vip, no-triage]
  skip_sources: [phone]
  triaged_when_set: [group, urgency]
engine:
  workers: 0
  dispatchers: 3
  poll_interval_seconds: 120
  poll_lookback_hours: 48
  lease_seconds: 30
  max_attempts: 5
  retry_backoff_ms: 250
  max_webhook_bytes: 2048
  post_notes: false
log:
  level: debug
  format: text
)";
  ConfigCheck check =
      Check(yaml, {{"KEY", "k"}, {"TOKEN", "t"}, {"PG", "postgresql://x"}, {"HOOK", "h"}});
  ASSERT_TRUE(check.ok()) << testing::PrintToString(ProblemStrings(check));
  EXPECT_THAT(check.problems, IsEmpty());
  const Config& c = check.config;
  EXPECT_EQ(c.helpdesk.kind, HelpdeskKind::kFreshservice);
  EXPECT_EQ(c.helpdesk.url, "https://acme.freshservice.com");
  EXPECT_EQ(c.helpdesk.api_key, "k");
  EXPECT_EQ(c.helpdesk.token, "t");
  EXPECT_EQ(c.helpdesk.ca_file, "/etc/ssl/private-ca.pem");
  EXPECT_EQ(c.helpdesk.connect_timeout_ms, 1500);
  EXPECT_EQ(c.helpdesk.request_timeout_ms, 20000);
  EXPECT_EQ(c.helpdesk.max_retries, 5);
  EXPECT_EQ(c.helpdesk.requests_per_minute, 120);
  EXPECT_EQ(c.store.backend, StoreBackend::kPostgres);
  EXPECT_EQ(c.store.sqlite_path, "other.db");
  EXPECT_EQ(c.store.postgres_url, "postgresql://x");
  EXPECT_EQ(c.server.listen_address, "0.0.0.0");
  EXPECT_EQ(c.server.port, 9443);
  EXPECT_EQ(c.server.webhook_secret, "h");
  EXPECT_EQ(c.server.public_url, "https://triage.example.org");
  EXPECT_EQ(c.models.directory, "/var/lib/autotriage/models");
  EXPECT_EQ(c.models.active, "/var/lib/autotriage/models/2024-05-01");
  ASSERT_EQ(c.models.heads.size(), 2u);
  EXPECT_EQ(c.models.heads[0].field, "group");
  EXPECT_EQ(c.models.heads[0].label_column, "queue");
  EXPECT_EQ(c.models.heads[1].field, "urgency");
  EXPECT_EQ(c.models.heads[1].label_column, "");
  EXPECT_DOUBLE_EQ(c.training.validation_fraction, 0.2);
  EXPECT_EQ(c.training.min_examples_per_class, 10);
  EXPECT_FALSE(c.training.exclude_small_classes);
  EXPECT_DOUBLE_EQ(c.training.target_precision, 0.95);
  EXPECT_EQ(c.training.seed, 42u);
  EXPECT_TRUE(c.policy.kill_switch);
  EXPECT_EQ(c.policy.default_mode, AutonomyMode::kOff);
  ASSERT_EQ(c.policy.cells.size(), 2u);
  EXPECT_EQ(c.policy.cells[0].queue, "*");
  EXPECT_EQ(c.policy.cells[0].mode, AutonomyMode::kAutofill);
  EXPECT_EQ(c.policy.cells[0].target_precision, 0.97);
  EXPECT_EQ(c.policy.cells[0].min_margin, 0.25);
  EXPECT_EQ(c.policy.cells[1].queue, "Network");
  EXPECT_EQ(c.policy.cells[1].mode, AutonomyMode::kMonitor);  // the cell default
  EXPECT_FALSE(c.policy.cells[1].target_precision.has_value());
  EXPECT_FALSE(c.policy.cells[1].min_margin.has_value());
  EXPECT_THAT(c.policy.writable_fields, ElementsAre("group", "urgency"));
  EXPECT_THAT(c.policy.overwrite_fields, ElementsAre("urgency"));
  EXPECT_THAT(c.policy.skip_requester_domains, ElementsAre("example.org", "@Partner.example.com"));
  EXPECT_THAT(c.policy.skip_tags, ElementsAre("vip", "no-triage"));
  EXPECT_THAT(c.policy.skip_sources, ElementsAre("phone"));
  EXPECT_THAT(c.policy.triaged_when_set, ElementsAre("group", "urgency"));
  EXPECT_EQ(c.engine.workers, 0);
  EXPECT_EQ(c.engine.dispatchers, 3);
  EXPECT_EQ(c.engine.poll_interval_seconds, 120);
  EXPECT_EQ(c.engine.poll_lookback_hours, 48);
  EXPECT_EQ(c.engine.lease_seconds, 30);
  EXPECT_EQ(c.engine.max_attempts, 5);
  EXPECT_EQ(c.engine.retry_backoff_ms, 250);
  EXPECT_EQ(c.engine.max_webhook_bytes, 2048);
  EXPECT_FALSE(c.engine.post_notes);
  EXPECT_EQ(c.log.level, LogLevel::kDebug);
  EXPECT_EQ(c.log.format, LogFormat::kText);
}

TEST(ConfigUnknownKeyTest, TopLevelTypoSuggestsTheSection) {
  ConfigCheck check = Check("server:\n  port: 1\nsever:\n  port: 2\n");
  EXPECT_FALSE(check.ok());
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre("test.yaml:3:1: unknown key 'sever' at the top level (did you mean "
                          "'server'? allowed: helpdesk, store, server, models, training, policy, "
                          "engine, knowledge, routing, approvals, slack, learning, llm, insights, "
                          "log)"));
}

TEST(ConfigUnknownKeyTest, NestedTypoHasLineColumnAndSuggestion) {
  ConfigCheck check = Check("# comment\nserver:\n  listen_address: 127.0.0.1\n  prot: 9000\n");
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre("test.yaml:4:3: unknown key 'prot' in 'server' (did you mean 'port'? "
                          "allowed: listen_address, port, webhook_secret, public_url)"));
  EXPECT_EQ(check.config.server.port, 8080);  // the typo did not set anything
}

TEST(ConfigUnknownKeyTest, HyphenAndCaseSlipsAreSuggested) {
  ConfigCheck check = Check("helpdesk:\n  API-Key: x\n");
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_THAT(check.problems[0].message, HasSubstr("did you mean 'api_key'?"));
}

TEST(ConfigUnknownKeyTest, FarOffKeyGetsNoSuggestion) {
  ConfigCheck check = Check("log:\n  destination: syslog\n");
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_EQ(check.problems[0].message,
            "unknown key 'destination' in 'log' (allowed: level, format)");
}

TEST(ConfigUnknownKeyTest, UnknownKeyInsideAListItem) {
  ConfigCheck check =
      Check("policy:\n  cells:\n    - queue: a\n      field: group\n      moed: x\n");
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_EQ(check.problems[0].line, 5);
  EXPECT_EQ(check.problems[0].column, 7);
  EXPECT_THAT(check.problems[0].message,
              HasSubstr("unknown key 'moed' in 'policy.cells[0]' (did you mean 'mode'?"));
}

TEST(ConfigUnknownKeyTest, EveryProblemIsReportedInFileOrder) {
  ConfigCheck check = Check("server:\n  port: abc\n  wokers: 4\nlog:\n  level: loud\nextra: 1\n");
  EXPECT_EQ(check.error_count(), 4);
  std::vector<int> lines;
  for (const ConfigProblem& p : check.problems) {
    lines.push_back(p.line);
  }
  EXPECT_THAT(lines, ElementsAre(2, 3, 5, 6));
}

TEST(ConfigDuplicateKeyTest, DuplicateKeyIsAnError) {
  ConfigCheck check = Check("server:\n  port: 1\n  port: 2\n");
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre("test.yaml:3:3: duplicate key 'port' in 'server' (first at line 2)"));
}

TEST(ConfigDuplicateKeyTest, DuplicateSectionIsAnError) {
  ConfigCheck check = Check("log:\n  level: info\nlog:\n  level: debug\n");
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_EQ(check.problems[0].message, "duplicate key 'log' at the top level (first at line 1)");
}

TEST(ConfigShapeTest, WrongShapesAreNamed) {
  EXPECT_THAT(ProblemStrings(Check("server: 8080\n")),
              ElementsAre("test.yaml:1:9: expected a mapping for 'server', got a value"));
  EXPECT_THAT(ProblemStrings(Check("models:\n  heads: group\n")),
              ElementsAre("test.yaml:2:10: expected a list for 'models.heads', got a value"));
  EXPECT_THAT(ProblemStrings(Check("models:\n  heads:\n    - group\n")),
              ElementsAre("test.yaml:3:7: expected a mapping for 'models.heads[0]', got a value"));
  EXPECT_THAT(ProblemStrings(Check("- a\n- b\n")),
              ElementsAre("test.yaml:1:1: expected a mapping at the top level, got a list"));
  EXPECT_THAT(ProblemStrings(Check("server:\n  port: [1, 2]\n")),
              ElementsAre("test.yaml:2:9: expected an integer for 'server.port', got a list"));
  EXPECT_THAT(ProblemStrings(Check("? [a, b]\n: 1\n")),
              ElementsAre(HasSubstr("a key must be a plain name at the top level")));
}

TEST(ConfigShapeTest, NullValues) {
  // A null string is empty, a null optional is unset, a null number is an error.
  ConfigCheck ok = Check(
      "helpdesk:\n  ca_file:\npolicy:\n  cells:\n    - queue: q\n"
      "      field: group\n      min_margin:\n");
  EXPECT_TRUE(ok.ok()) << testing::PrintToString(ProblemStrings(ok));
  EXPECT_EQ(ok.config.helpdesk.ca_file, "");
  EXPECT_FALSE(ok.config.policy.cells.at(0).min_margin.has_value());
  ConfigCheck no_heads = Check("models:\n  heads:\n");
  EXPECT_TRUE(no_heads.ok());
  EXPECT_THAT(no_heads.config.models.heads, IsEmpty());
  EXPECT_THAT(ProblemStrings(Check("server:\n  port:\n")),
              ElementsAre("test.yaml:2:3: expected an integer for 'server.port', got nothing"));
}

TEST(ConfigSyntaxTest, YamlErrorHasLineAndColumn) {
  ConfigCheck check = Check("server:\n  port: 80\n   listen_address: x\n");
  ASSERT_EQ(check.problems.size(), 1u);
  const ConfigProblem& p = check.problems[0];
  EXPECT_EQ(p.line, 3);
  EXPECT_GT(p.column, 0);
  EXPECT_THAT(p.message, HasSubstr("invalid YAML"));
  EXPECT_THAT(p.ToString(), HasSubstr("test.yaml:3:"));
}

TEST(ConfigSyntaxTest, TabIndentationAndUnclosedFlowAreErrors) {
  ConfigCheck tab = Check("server:\n\tport: 80\n");
  ASSERT_EQ(tab.problems.size(), 1u);
  EXPECT_EQ(tab.problems[0].line, 2);
  ConfigCheck flow = Check("models:\n  heads: [\n");
  ASSERT_EQ(flow.problems.size(), 1u);
  EXPECT_GT(flow.problems[0].line, 0);
  EXPECT_FALSE(flow.ok());
}

TEST(ConfigSyntaxTest, SecondDocumentIsRejected) {
  ConfigCheck check = Check("log:\n  level: info\n---\nlog:\n  level: debug\n");
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_EQ(check.problems[0].line, 4);
  EXPECT_THAT(check.problems[0].message, HasSubstr("more than one YAML document"));
}

TEST(ConfigSyntaxTest, AliasExpansionIsBounded) {
  // "Billion laughs": each level multiplies the previous one by ten through aliases.
  std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) {
      yaml += (j == 0 ? "" : ", ") + prev;
    }
    yaml += "]\n";
  }
  ConfigCheck check = Check(yaml);
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_THAT(check.problems[0].message, HasSubstr("more than 100000 values"));
}

TEST(ConfigFileTest, LoadsFileAndNamesItInProblems) {
  const std::filesystem::path dir =
      std::filesystem::path(testing::TempDir()) /
      ("config_test_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
  std::filesystem::create_directories(dir);
  const std::string good = (dir / "good.yaml").string();
  const std::string bad = (dir / "bad.yaml").string();
  std::ofstream(good) << "server:\n  port: 9000\n";
  std::ofstream(bad) << "server:\n  port: 70000\n  bogus: 1\n";

  Result<Config> loaded = LoadConfigFile(good, FakeEnv());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->server.port, 9000);

  Result<Config> failed = LoadConfigFile(bad, FakeEnv());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(failed.status().message(), HasSubstr(bad + ":2:9: 'server.port' must be between"));
  EXPECT_THAT(failed.status().message(), HasSubstr("\n" + bad + ":3:3: unknown key 'bogus'"));

  Result<Config> missing = LoadConfigFile((dir / "absent.yaml").string(), FakeEnv());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_THAT(missing.status().message(), HasSubstr("absent.yaml: cannot read the file"));

  ConfigCheck directory = CheckConfigFile(dir.string(), FakeEnv());
  ASSERT_EQ(directory.problems.size(), 1u);
  EXPECT_EQ(directory.problems[0].line, 0);
  EXPECT_EQ(directory.problems[0].ToString().rfind(dir.string() + ": cannot read the file", 0), 0u);
  std::filesystem::remove_all(dir);
}

TEST(ConfigLoadTest, LoadStringJoinsAllErrorsAndDropsWarnings) {
  Result<Config> loaded =
      LoadConfigString("server:\n  listen_address: 0.0.0.0\n", "w.yaml", FakeEnv());
  ASSERT_TRUE(loaded.ok());  // only a warning
  Result<Config> failed = LoadConfigString("a: 1\nb: 2\n", "e.yaml", FakeEnv());
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(), HasSubstr("e.yaml:1:1: unknown key 'a'"));
  EXPECT_THAT(failed.status().message(), HasSubstr("\ne.yaml:2:1: unknown key 'b'"));
  EXPECT_THAT(failed.status().message(), Not(HasSubstr("warning")));
}

}  // namespace
}  // namespace autotriage
