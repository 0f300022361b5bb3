// Taxonomy-constrained classification against the scripted server.
#include "autotriage/llm/classify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/llm/llm_test_fixture.h"

namespace autotriage {
namespace {

using testing::HasSubstr;

class ClassifyTest : public LlmTest {
 protected:
  TaxonomyAnswer Ask(bool structured = false) {
    Result<Redactor> redactor = Redactor::Create({{"Anna Müller"}, {}});
    EXPECT_TRUE(redactor.ok());
    redactor_ = std::make_unique<Redactor>(std::move(redactor).value());
    auto client = Client(/*max_retries=*/0, 5000, structured);
    TaxonomyQuestion question{"group",
                              {"Network", "Hardware", "Access"},
                              "Anna Müller (anna@example.org): the VPN drops every hour.",
                              "sandbox:7"};
    TaxonomyOptions options;
    options.structured_outputs = structured;
    Result<TaxonomyAnswer> answer =
        ClassifyWithTaxonomy(*client, *redactor_, nullptr, question, options);
    EXPECT_TRUE(answer.ok());
    EXPECT_FALSE(server_.AnyRequestContains("anna@example.org"));
    EXPECT_FALSE(server_.AnyRequestContains("Müller"));
    return answer.ok() ? *answer : TaxonomyAnswer{};
  }

  std::unique_ptr<Redactor> redactor_;
};

TEST_F(ClassifyTest, ToolCallLabelIsMappedToTheCanonicalValue) {
  server_.Push(ScriptStep::Call(
      "set_label", R"({"label":"network","confidence":0.8,"reason":"<NAME_1> has VPN trouble"})"));
  TaxonomyAnswer answer = Ask();
  EXPECT_FALSE(answer.abstained) << answer.abstain_reason;
  EXPECT_EQ(answer.label, "Network");
  EXPECT_DOUBLE_EQ(answer.confidence, 0.8);
  EXPECT_EQ(answer.reason, "Anna Müller has VPN trouble");
  EXPECT_EQ(answer.outcome, AgentOutcome::kAnswered);
  EXPECT_TRUE(server_.AnyRequestContains(R"("name":"set_label")"));
  EXPECT_TRUE(server_.AnyRequestContains(R"("enum":["Network","Hardware","Access"])"));
}

TEST_F(ClassifyTest, LabelOutsideTheTaxonomyAbstains) {
  server_.Push(
      ScriptStep::Call("set_label", R"({"label":"Networking","confidence":0.95,"reason":"vpn"})"));
  TaxonomyAnswer answer = Ask();
  EXPECT_TRUE(answer.abstained);
  EXPECT_EQ(answer.outcome, AgentOutcome::kLabelOutsideTaxonomy);
  EXPECT_THAT(answer.abstain_reason, testing::StartsWith("label outside the taxonomy"));
  EXPECT_EQ(answer.label, "");
}

TEST_F(ClassifyTest, TextInsteadOfAToolCallAbstains) {
  server_.Push(ScriptStep::Text("This is probably a network issue."));
  TaxonomyAnswer answer = Ask();
  EXPECT_TRUE(answer.abstained);
  EXPECT_EQ(answer.outcome, AgentOutcome::kTextInsteadOfToolCall);
  EXPECT_EQ(answer.abstain_reason, "text instead of a tool call");
}

TEST_F(ClassifyTest, AJsonObjectInTheTextIsAccepted) {
  server_.Push(ScriptStep::Text(
      "```json\n{\"label\": \"Hardware\", \"confidence\": 85, \"reason\": \"laptop\"}\n```"));
  TaxonomyAnswer answer = Ask();
  EXPECT_FALSE(answer.abstained) << answer.abstain_reason;
  EXPECT_EQ(answer.label, "Hardware");
  EXPECT_DOUBLE_EQ(answer.confidence, 0.85);
}

TEST_F(ClassifyTest, StructuredOutputsSendTheSchema) {
  server_.Push(ScriptStep::Text(R"({"label":"Access","confidence":0.6,"reason":"login"})"));
  TaxonomyAnswer answer = Ask(/*structured=*/true);
  EXPECT_FALSE(answer.abstained) << answer.abstain_reason;
  EXPECT_EQ(answer.label, "Access");
  EXPECT_TRUE(server_.AnyRequestContains(R"("type":"json_schema")"));
  EXPECT_FALSE(server_.AnyRequestContains(R"("tools")"));
}

TEST_F(ClassifyTest, StructuredOutputsWithProseAbstainAsInvalidJson) {
  server_.Push(ScriptStep::Text("I cannot decide."));
  TaxonomyAnswer answer = Ask(/*structured=*/true);
  EXPECT_TRUE(answer.abstained);
  EXPECT_EQ(answer.outcome, AgentOutcome::kInvalidJson);
}

TEST_F(ClassifyTest, MissingConfidenceAbstains) {
  server_.Push(ScriptStep::Call("set_label", R"({"label":"Access","reason":"login"})"));
  TaxonomyAnswer answer = Ask();
  EXPECT_TRUE(answer.abstained);
  EXPECT_THAT(answer.abstain_reason, HasSubstr("confidence"));
}

TEST_F(ClassifyTest, UnknownPlaceholderInTheReasonIsFlagged) {
  server_.Push(ScriptStep::Call(
      "set_label",
      R"({"label":"Access","confidence":0.7,"reason":"<NAME_3> asked for <EMAIL_1>"})"));
  TaxonomyAnswer answer = Ask();
  EXPECT_FALSE(answer.abstained);
  EXPECT_EQ(answer.reason, "<NAME_3> asked for anna@example.org");
  EXPECT_THAT(answer.unknown_placeholders, testing::ElementsAre("<NAME_3>"));
}

TEST_F(ClassifyTest, ServerFailuresAbstainWithTheirOutcome) {
  server_.Push(ScriptStep::Error(500));
  TaxonomyAnswer answer = Ask();
  EXPECT_TRUE(answer.abstained);
  EXPECT_EQ(answer.outcome, AgentOutcome::kServerError);
  EXPECT_THAT(answer.abstain_reason, testing::StartsWith("server_error"));

  server_.Push(ScriptStep::Raw(200, "not json at all"));
  EXPECT_EQ(Ask().outcome, AgentOutcome::kInvalidJson);
}

TEST(ClassifyQuestionTest, RefusesQuestionsThatCannotBeAsked) {
  Result<Redactor> redactor = Redactor::Create({});
  ASSERT_TRUE(redactor.ok());
  ChatClientOptions options;
  options.base_url = "http://127.0.0.1:1/v1";
  auto client = NewChatClient(options);
  Result<TaxonomyAnswer> answer =
      ClassifyWithTaxonomy(*client, *redactor, nullptr, {"group", {}, "text", "t"}, {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kInvalidArgument);
}

TEST(ClassifyQuestionTest, MatchAllowedValue) {
  const std::vector<std::string> allowed = {"Network", "Hardware", "Büro"};
  EXPECT_EQ(MatchAllowedValue("Network", allowed), "Network");
  EXPECT_EQ(MatchAllowedValue("  hardware ", allowed), "Hardware");
  EXPECT_EQ(MatchAllowedValue("BÜRO", allowed), "Büro");
  EXPECT_EQ(MatchAllowedValue("Net", allowed), "");
  EXPECT_EQ(MatchAllowedValue("a", {"A", "a"}), "a");
  EXPECT_EQ(MatchAllowedValue("b", {"B", "B "}), "B");
}

}  // namespace
}  // namespace autotriage
