// Validation of values: types, ranges, enumerations and checks across keys.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/config/loader.h"
#include "autotriage/config/test_util.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

TEST(ConfigTypeTest, WrongScalarTypesNameKeyAndValue) {
  EXPECT_THAT(ProblemStrings(Check("server:\n  port: abc\n")),
              ElementsAre("test.yaml:2:9: expected an integer for 'server.port', got 'abc'"));
  EXPECT_THAT(ProblemStrings(Check("server:\n  port: 80.5\n")),
              ElementsAre(HasSubstr("expected an integer for 'server.port', got '80.5'")));
  EXPECT_THAT(
      ProblemStrings(Check("training:\n  validation_fraction: lots\n")),
      ElementsAre(
          "test.yaml:2:24: expected a number for 'training.validation_fraction', got 'lots'"));
  EXPECT_THAT(ProblemStrings(Check("policy:\n  kill_switch: maybe\n")),
              ElementsAre("test.yaml:2:16: expected true or false for 'policy.kill_switch', "
                          "got 'maybe'"));
  EXPECT_THAT(ProblemStrings(Check("training:\n  target_precision: .nan\n")),
              ElementsAre(HasSubstr("expected a number")));
}

TEST(ConfigTypeTest, BooleanSpellings) {
  for (const char* yes : {"true", "True", "yes", "on"}) {
    EXPECT_TRUE(
        Check(std::string("policy:\n  kill_switch: ") + yes + "\n").config.policy.kill_switch)
        << yes;
  }
  for (const char* no : {"false", "FALSE", "no", "off"}) {
    ConfigCheck check = Check(std::string("training:\n  exclude_small_classes: ") + no + "\n");
    EXPECT_TRUE(check.ok()) << no;
    EXPECT_FALSE(check.config.training.exclude_small_classes) << no;
  }
}

TEST(ConfigRangeTest, IntegersOutsideTheirRange) {
  EXPECT_THAT(ProblemStrings(Check("server:\n  port: 70000\n")),
              ElementsAre("test.yaml:2:9: 'server.port' must be between 0 and 65535, got '70000'"));
  EXPECT_THAT(ProblemStrings(Check("server:\n  port: -1\n")),
              ElementsAre(HasSubstr("must be between 0 and 65535, got '-1'")));
  EXPECT_TRUE(Check("server:\n  port: 0\n").ok());
  EXPECT_TRUE(Check("server:\n  port: 65535\n").ok());
  EXPECT_FALSE(Check("helpdesk:\n  max_retries: 21\n").ok());
  EXPECT_FALSE(Check("training:\n  min_examples_per_class: 0\n").ok());
  EXPECT_FALSE(Check("training:\n  seed: -3\n").ok());
  EXPECT_THAT(ProblemStrings(Check("training:\n  seed: 99999999999999999999\n")),
              ElementsAre(HasSubstr("expected an integer for 'training.seed'")));
}

TEST(ConfigRangeTest, FractionsRespectOpenAndClosedEnds) {
  EXPECT_THAT(ProblemStrings(Check("training:\n  validation_fraction: 1\n")),
              ElementsAre("test.yaml:2:24: 'training.validation_fraction' must be in (0, 1), "
                          "got '1'"));
  EXPECT_FALSE(Check("training:\n  validation_fraction: 0\n").ok());
  EXPECT_TRUE(Check("training:\n  validation_fraction: 0.5\n").ok());
  EXPECT_TRUE(Check("training:\n  target_precision: 1\n").ok());
  EXPECT_THAT(ProblemStrings(Check("training:\n  target_precision: 0\n")),
              ElementsAre(HasSubstr("must be in (0, 1], got '0'")));
  const std::string cell = "policy:\n  cells:\n    - queue: q\n      field: group\n";
  EXPECT_TRUE(Check(cell + "      min_margin: 0\n").ok());
  EXPECT_THAT(ProblemStrings(Check(cell + "      min_margin: 1\n")),
              ElementsAre(HasSubstr("'policy.cells[0].min_margin' must be in [0, 1), got '1'")));
}

TEST(ConfigEnumTest, UnknownValueListsAllowedValues) {
  EXPECT_THAT(ProblemStrings(Check("helpdesk:\n  kind: zendesk\n")),
              ElementsAre("test.yaml:2:9: unknown value 'zendesk' for 'helpdesk.kind' (allowed: "
                          "freshdesk, freshservice, rt, sandbox)"));
  EXPECT_THAT(ProblemStrings(Check("policy:\n  default_mode: auto\n")),
              ElementsAre(HasSubstr("(allowed: off, monitor, suggest, autofill)")));
  EXPECT_THAT(ProblemStrings(Check("log:\n  format: xml\n")),
              ElementsAre(HasSubstr("(allowed: json, text)")));
  EXPECT_THAT(ProblemStrings(Check("store:\n  backend: mysql\n")),
              ElementsAre(HasSubstr("(allowed: sqlite, postgres)")));
  // Values are case-sensitive, as written in the docs.
  EXPECT_FALSE(Check("log:\n  level: INFO\n").ok());
  EXPECT_EQ(Check("log:\n  level: warn\n").config.log.level, LogLevel::kWarn);
}

TEST(ConfigCrossFieldTest, RealHelpdesksNeedUrlAndCredential) {
  EXPECT_THAT(ProblemStrings(Check("helpdesk:\n  kind: freshdesk\n")),
              ElementsAre("test.yaml:2:3: 'helpdesk.url' is required when helpdesk.kind is "
                          "freshdesk",
                          "test.yaml:2:3: 'helpdesk.api_key' is required when helpdesk.kind is "
                          "freshdesk (for example api_key: ${FRESHDESK_API_KEY})"));
  EXPECT_THAT(ProblemStrings(Check("helpdesk:\n  kind: rt\n  url: https://rt.example.org\n")),
              ElementsAre(HasSubstr("'helpdesk.token' is required when helpdesk.kind is rt")));
  ConfigCheck ok =
      Check("helpdesk:\n  kind: freshdesk\n  url: https://a.freshdesk.com\n  api_key: ${K}\n",
            {{"K", "secret"}});
  EXPECT_TRUE(ok.ok()) << testing::PrintToString(ProblemStrings(ok));
}

TEST(ConfigCrossFieldTest, ARejectedValueDoesNotCascade) {
  // The bad URL is one error; "url is required" would only confuse.
  EXPECT_THAT(ProblemStrings(Check("helpdesk:\n  kind: freshdesk\n  url: acme.freshdesk.com\n"
                                   "  api_key: ${K}\n",
                                   {{"K", "k"}})),
              ElementsAre("test.yaml:3:8: 'helpdesk.url' must be an http:// or https:// URL, got "
                          "'acme.freshdesk.com'"));
}

TEST(ConfigCrossFieldTest, StoreAndServer) {
  EXPECT_THAT(ProblemStrings(Check("store:\n  backend: postgres\n")),
              ElementsAre(HasSubstr("'store.postgres_url' is required")));
  EXPECT_THAT(ProblemStrings(Check("store:\n  sqlite_path: \"\"\n")),
              ElementsAre("test.yaml:2:3: 'store.sqlite_path' is required when store.backend is "
                          "sqlite"));
  EXPECT_THAT(ProblemStrings(Check("server:\n  listen_address: \"\"\n")),
              ElementsAre(HasSubstr("'server.listen_address' must not be empty")));
  EXPECT_THAT(ProblemStrings(Check("server:\n  public_url: ftp://x\n")),
              ElementsAre(HasSubstr("must be an http:// or https:// URL")));
}

TEST(ConfigCrossFieldTest, ExposedServerWithoutWebhookSecretWarns) {
  ConfigCheck check = Check("server:\n  listen_address: 0.0.0.0\n");
  EXPECT_TRUE(check.ok());
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_EQ(check.problems[0].severity, ConfigProblem::Severity::kWarning);
  EXPECT_THAT(check.problems[0].ToString(), HasSubstr("test.yaml:2:3: warning: the server"));
  EXPECT_TRUE(Check("server:\n  listen_address: 0.0.0.0\n  webhook_secret: ${S}\n", {{"S", "x"}})
                  .problems.empty());
}

TEST(ConfigCrossFieldTest, HeadsAndCells) {
  EXPECT_THAT(ProblemStrings(Check("models:\n  heads:\n    - field: group\n    - field: group\n")),
              ElementsAre("test.yaml:4:7: duplicate head 'group' in 'models.heads' (first at "
                          "models.heads[0])"));
  EXPECT_THAT(ProblemStrings(Check("models:\n  heads:\n    - label_column: x\n")),
              ElementsAre("test.yaml:3:7: 'models.heads[0].field' is required"));
  EXPECT_THAT(ProblemStrings(Check("policy:\n  cells:\n    - field: group\n")),
              ElementsAre(HasSubstr("'policy.cells[0].queue' is required")));
  EXPECT_THAT(
      ProblemStrings(Check("policy:\n  cells:\n    - {queue: a, field: group}\n"
                           "    - {queue: b, field: group}\n    - {queue: a, field: group}\n")),
      ElementsAre("test.yaml:5:7: duplicate cell for queue 'a' and field 'group' (first at "
                  "policy.cells[0])"));
  EXPECT_THAT(ProblemStrings(Check("policy:\n  cells:\n    - queue: a\n      field: prority\n")),
              ElementsAre("test.yaml:4:7: 'policy.cells[0].field' is 'prority', which is not a "
                          "head in models.heads (did you mean 'priority'? heads: group, "
                          "priority, type, agent (routing))"));
}

TEST(ConfigCrossFieldTest, CrossSectionCheckRunsDespiteErrorsElsewhere) {
  EXPECT_THAT(ProblemStrings(Check("server:\n  port: abc\npolicy:\n  default_mode: auto\n"
                                   "  cells:\n    - {queue: a, field: prority}\n")),
              ElementsAre(HasSubstr("expected an integer for 'server.port'"),
                          HasSubstr("unknown value 'auto'"),
                          HasSubstr("'policy.cells[0].field' is 'prority'")));
  // ...but not when the heads themselves were rejected: the cell may well be right.
  EXPECT_THAT(ProblemStrings(Check("models:\n  heads:\n    - field: urgency\n      label_colum: x\n"
                                   "policy:\n  cells:\n    - {queue: a, field: urgency}\n")),
              ElementsAre(HasSubstr("unknown key 'label_colum' in 'models.heads[0]' (did you mean "
                                    "'label_column'?")));
}

TEST(ConfigListTest, StringListsReadFlowBlockAndNull) {
  ConfigCheck check = Check(
      "policy:\n  skip_tags: [vip, \"no triage\"]\n  skip_sources:\n    - phone\n"
      "    - chat\n  triaged_when_set:\n");
  ASSERT_TRUE(check.ok()) << testing::PrintToString(ProblemStrings(check));
  EXPECT_THAT(check.config.policy.skip_tags, ElementsAre("vip", "no triage"));
  EXPECT_THAT(check.config.policy.skip_sources, ElementsAre("phone", "chat"));
  EXPECT_TRUE(check.config.policy.triaged_when_set.empty());  // null: never skip as triaged
  EXPECT_TRUE(Check("policy:\n  skip_tags: [\"${TAG}\"]\n", {{"TAG", "vip"}}).ok());
}

TEST(ConfigListTest, BadListsAndItemsAreNamedWithTheirPosition) {
  EXPECT_THAT(ProblemStrings(Check("policy:\n  skip_tags: vip\n")),
              ElementsAre("test.yaml:2:14: expected a list for 'policy.skip_tags', got a value "
                          "(write [a, b] or one '- a' line per item)"));
  EXPECT_THAT(ProblemStrings(Check("policy:\n  skip_tags: [vip, [x]]\n")),
              ElementsAre("test.yaml:2:20: expected a string for 'policy.skip_tags[1]', got "
                          "a list"));
  EXPECT_THAT(ProblemStrings(Check("policy:\n  skip_sources: [\"\"]\n")),
              ElementsAre(HasSubstr("'policy.skip_sources[0]' must not be empty")));
  EXPECT_THAT(ProblemStrings(Check("policy:\n  skip_requester_domains: [example]\n")),
              ElementsAre(HasSubstr("'policy.skip_requester_domains[0]' must be an e-mail "
                                    "domain such as example.org, got 'example'")));
  EXPECT_THAT(ProblemStrings(Check("policy:\n  triaged_when_set: [\"my group\"]\n")),
              ElementsAre(HasSubstr("must be a field name without spaces")));
  // A rejected list keeps its default.
  EXPECT_THAT(Check("policy:\n  writable_fields: [group, \"\"]\n").config.policy.writable_fields,
              ElementsAre("group", "priority", "type"));
}

TEST(ConfigPolicyTest, ForbiddenWritableFieldsAreErrors) {
  EXPECT_THAT(ProblemStrings(Check("policy:\n  writable_fields: [group, status]\n")),
              ElementsAre("test.yaml:2:28: 'policy.writable_fields[1]' is 'status', which is "
                          "never writable: the engine never closes, resolves, deletes or merges "
                          "tickets"));
  for (const char* field : {"Status", "state", "deleted", "spam", "merged_into", "ticketStatus"}) {
    ConfigCheck check = Check(std::string("policy:\n  writable_fields: [") + field + "]\n");
    EXPECT_FALSE(check.ok()) << field;
    EXPECT_THAT(ProblemStrings(check),
                ElementsAre(HasSubstr("the engine never closes, resolves, deletes or merges")))
        << field;
  }
}

TEST(ConfigPolicyTest, WrittenFieldListsMustNameHeads) {
  EXPECT_THAT(ProblemStrings(Check("policy:\n  writable_fields: [group, prority]\n")),
              ElementsAre("test.yaml:2:28: 'policy.writable_fields[1]' is 'prority', which is "
                          "not a head in models.heads (did you mean 'priority'? heads: group, "
                          "priority, type, agent (routing))"));
  EXPECT_THAT(
      ProblemStrings(Check("policy:\n  overwrite_fields: [owner]\n")),
      UnorderedElementsAre(HasSubstr("'policy.overwrite_fields[0]' is 'owner', which is not a "
                                     "head in models.heads (heads: group, priority, type, agent "
                                     "(routing))"),
                           HasSubstr("warning: 'policy.overwrite_fields[0]' is 'owner', which is "
                                     "not in 'policy.writable_fields'")));
  // The default lists name the default heads; with fewer heads they are no error.
  ConfigCheck one_head = Check("models:\n  heads:\n    - field: group\n");
  EXPECT_TRUE(one_head.problems.empty()) << testing::PrintToString(ProblemStrings(one_head));
  EXPECT_TRUE(Check("models:\n  heads:\n    - field: urgency\npolicy:\n"
                    "  writable_fields: [urgency]\n  overwrite_fields: []\n")
                  .problems.empty());
}

TEST(ConfigPolicyTest, OverwritingAFieldThatIsNotWritableWarns) {
  ConfigCheck check = Check("policy:\n  writable_fields: [group]\n  overwrite_fields: [type]\n");
  EXPECT_TRUE(check.ok());
  EXPECT_THAT(ProblemStrings(check),
              ElementsAre("test.yaml:3:22: warning: 'policy.overwrite_fields[0]' is 'type', "
                          "which is not in 'policy.writable_fields', so it is never written"));
}

TEST(ConfigEngineTest, RangesOfTheEngineSettings) {
  EXPECT_TRUE(Check("engine:\n  workers: 0\n  dispatchers: 0\n").ok());
  EXPECT_THAT(ProblemStrings(Check("engine:\n  workers: 257\n")),
              ElementsAre("test.yaml:2:12: 'engine.workers' must be between 0 and 256, got "
                          "'257'"));
  EXPECT_FALSE(Check("engine:\n  dispatchers: 65\n").ok());
  EXPECT_FALSE(Check("engine:\n  poll_interval_seconds: 86401\n").ok());
  EXPECT_FALSE(Check("engine:\n  lease_seconds: 4\n").ok());
  EXPECT_TRUE(Check("engine:\n  lease_seconds: 5\nhelpdesk:\n  request_timeout_ms: 1000\n"
                    "  connect_timeout_ms: 1000\n")
                  .ok());
  EXPECT_FALSE(Check("engine:\n  max_attempts: 0\n").ok());
  EXPECT_FALSE(Check("engine:\n  max_webhook_bytes: 1023\n").ok());
  EXPECT_TRUE(Check("engine:\n  max_webhook_bytes: 67108864\n").ok());
  EXPECT_FALSE(Check("engine:\n  max_webhook_bytes: 67108865\n").ok());
  EXPECT_THAT(ProblemStrings(Check("engine:\n  wokers: 2\n")),
              ElementsAre(HasSubstr("unknown key 'wokers' in 'engine' (did you mean 'workers'?")));
}

TEST(NeverWritableFieldTest, StatusDeletionSpamAndMergeInAnySpelling) {
  for (const char* field :
       {"status", "Status", "STATUS", "ticket_status", "ticketStatus", "status_id", "statuses",
        "state", "deleted", "is_deleted", "isDeleted", "spam", "merge", "merged", "merged_into",
        "closed", "resolved", "trash", "cf-state"}) {
    EXPECT_TRUE(IsNeverWritableField(field)) << field;
  }
  for (const char* field : {"group", "priority", "type", "agent", "category", "tags", "cf_office",
                            "urgency", "statement_ref", "estate", ""}) {
    EXPECT_FALSE(IsNeverWritableField(field)) << field;
  }
}

}  // namespace
}  // namespace autotriage

namespace autotriage {
namespace {

TEST(ConfigEngineTest, LeaseMustOutlastOneHelpdeskCall) {
  // 5 s of lease cannot cover a 30 s request timeout: no write could ever be started.
  EXPECT_THAT(ProblemStrings(Check("engine:\n  lease_seconds: 5\n")),
              ElementsAre("test.yaml:2:3: engine.lease_seconds (5 s) must be longer than one "
                          "helpdesk call (helpdesk.request_timeout_ms + "
                          "helpdesk.connect_timeout_ms = 35000 ms)"));
  EXPECT_TRUE(Check("engine:\n  lease_seconds: 5\nhelpdesk:\n  request_timeout_ms: 2000\n"
                    "  connect_timeout_ms: 1000\n")
                  .ok());
  EXPECT_TRUE(Check("").ok());  // the defaults: 60 s lease, 35 s per call
}

}  // namespace
}  // namespace autotriage
