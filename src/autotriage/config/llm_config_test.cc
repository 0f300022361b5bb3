// The `llm:` section: defaults, the base_url rule (https, or http to loopback), the model
// requirement, redaction patterns, and the API key never echoed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/config/loader.h"
#include "autotriage/config/test_util.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string AllProblems(const ConfigCheck& check) {
  std::string out;
  for (const std::string& problem : ProblemStrings(check)) {
    out += problem + "\n";
  }
  return out;
}

TEST(LlmConfigTest, DefaultsAreOffAndSafe) {
  const Config defaults;
  EXPECT_FALSE(defaults.llm.enabled);
  EXPECT_TRUE(defaults.llm.cascade_only_on_abstain);
  EXPECT_EQ(defaults.llm.max_turns, 6);
  EXPECT_TRUE(Check("llm:\n  enabled: false\n").ok());
}

TEST(LlmConfigTest, ReadsEverySetting) {
  ConfigCheck check = Check(
      "llm:\n  enabled: true\n  base_url: https://llm.example.org/v1\n"
      "  api_key: ${LLM_KEY}\n  model: gpt-4o-mini\n  timeout_ms: 20000\n  max_retries: 1\n"
      "  max_turns: 4\n  max_tokens: 512\n  tokens_per_ticket: 8000\n  tokens_per_day: 0\n"
      "  temperature: 0\n  structured_outputs: true\n  cascade_only_on_abstain: false\n"
      "  drafts: true\n  redact_patterns:\n    - type: CUSTOMER_ID\n      regex: 'CUST-[0-9]{6}'\n",
      {{"LLM_KEY", "sk-very-secret"}});
  ASSERT_TRUE(check.ok()) << AllProblems(check);
  const LlmOptions& llm = check.config.llm;
  EXPECT_EQ(llm.api_key, "sk-very-secret");
  EXPECT_EQ(llm.model, "gpt-4o-mini");
  EXPECT_EQ(llm.max_turns, 4);
  EXPECT_EQ(llm.tokens_per_day, 0);
  EXPECT_TRUE(llm.structured_outputs);
  ASSERT_EQ(llm.redact_patterns.size(), 1u);
  EXPECT_EQ(llm.redact_patterns[0].type, "CUSTOMER_ID");
  EXPECT_THAT(DescribeConfig(check.config), ::testing::Not(HasSubstr("sk-very-secret")));
}

TEST(LlmConfigTest, PlainHttpOnlyToLoopback) {
  for (const char* url : {"http://127.0.0.1:11434/v1", "http://localhost:8080/v1",
                          "http://[::1]:8080/v1", "https://api.openai.com/v1"}) {
    EXPECT_TRUE(Check(std::string("llm:\n  base_url: ") + url + "\n").ok()) << url;
  }
  EXPECT_THAT(ProblemStrings(Check("llm:\n  base_url: http://10.0.0.5:11434/v1\n")),
              ElementsAre(HasSubstr("test.yaml:2:13: 'llm.base_url' must use https://")));
  EXPECT_THAT(ProblemStrings(Check("llm:\n  base_url: ftp://x\n")),
              ElementsAre(HasSubstr("'llm.base_url' must be an https:// URL")));
}

TEST(LlmConfigTest, EnabledNeedsAModel) {
  EXPECT_THAT(ProblemStrings(Check("llm:\n  enabled: true\n")),
              ElementsAre("test.yaml:2:3: 'llm.model' is required when llm.enabled is true (for "
                          "example model: llama3.1:8b)"));
}

TEST(LlmConfigTest, BadRedactionPatternsAndKeysAreNamed) {
  EXPECT_THAT(
      ProblemStrings(Check("llm:\n  redact_patterns:\n    - type: email\n      regex: x\n")),
      ElementsAre(HasSubstr("'llm.redact_patterns[0].type' must be upper-case")));
  EXPECT_THAT(
      ProblemStrings(Check("llm:\n  redact_patterns:\n    - type: EMAIL\n      regex: x\n")),
      ElementsAre(HasSubstr("built-in")));
  EXPECT_THAT(ProblemStrings(Check("llm:\n  redact_patterns:\n    - type: X\n      regex: '('\n")),
              ElementsAre(HasSubstr("'llm.redact_patterns[0].regex' is not a valid regular")));
  EXPECT_THAT(ProblemStrings(Check("llm:\n  redact_patterns:\n    - type: X\n      regex: 'a*'\n")),
              ElementsAre(HasSubstr("matches the empty string")));
  EXPECT_THAT(ProblemStrings(Check("llm:\n  redact_patterns:\n    - type: X\n")),
              ElementsAre(HasSubstr("'llm.redact_patterns[0].regex' is required")));
  EXPECT_THAT(ProblemStrings(Check("llm:\n  max_turn: 3\n")), ElementsAre(HasSubstr("max_turns")));
  EXPECT_THAT(ProblemStrings(Check("llm:\n  temperature: 3\n")),
              ElementsAre(HasSubstr("'llm.temperature'")));
}

}  // namespace
}  // namespace autotriage
