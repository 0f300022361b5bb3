// The agent loop against the scripted server: tool calls and proposals, endless tool loops, text
// instead of a tool call, unknown tools, invalid JSON, 500, 429, timeouts, budgets, placeholder
// echoes, and that no personal data ever left.
#include "autotriage/llm/agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/llm/llm_test_fixture.h"

namespace autotriage {
namespace {

using testing::HasSubstr;

constexpr const char* kTicket =
    "From: Anna Müller <anna.mueller@example.org>\nMy VPN drops every hour. Call me on "
    "+49 30 1234567. My laptop is 10.20.30.40.";

class AgentTest : public LlmTest {
 protected:
  void SetUp() override {
    LlmTest::SetUp();
    Result<Redactor> redactor = Redactor::Create({{"Anna Müller", "Bob Smith"}, {}});
    ASSERT_TRUE(redactor.ok());
    redactor_ = std::make_unique<Redactor>(std::move(redactor).value());
    auto record = [this](const std::string& arguments) -> Result<std::string> {
      handler_arguments_.push_back(arguments);
      return std::string(R"({"recorded":true})");
    };
    ASSERT_TRUE(tools_
                    .Register({"get_ticket", "The ticket", R"({"type":"object"})",
                               [](const std::string&) -> Result<std::string> {
                                 return std::string(kTicket);
                               }})
                    .ok());
    ASSERT_TRUE(tools_
                    .Register({"search_kb", "Search the KB",
                               R"({"type":"object","properties":{"query":{"type":"string"}},
                                   "required":["query"]})",
                               [](const std::string&) -> Result<std::string> {
                                 return std::string(R"({"articles":["Reset the VPN client"]})");
                               }})
                    .ok());
    ASSERT_TRUE(
        tools_
            .Register({"propose_fields", "Propose field values",
                       R"({"type":"object","properties":{"group":{"type":"string"}}})", record})
            .ok());
    ASSERT_TRUE(tools_
                    .Register({"draft_reply", "Draft a reply",
                               R"({"type":"object","properties":{"text":{"type":"string"}},
                                     "required":["text"]})",
                               record})
                    .ok());
  }

  AgentResult Run(ChatClient& client, AgentOptions options = {}, TokenBudget* budget = nullptr) {
    options.ticket_key = "sandbox:1";
    LlmAgent agent(client, tools_, *redactor_, budget, options);
    return agent.Run({{ChatRole::kSystem, "You are a tier-1 helpdesk agent.", {}, ""},
                      {ChatRole::kUser, kTicket, {}, ""}});
  }

  void ExpectNoPersonalDataSent() {
    for (const char* secret :
         {"anna.mueller@example.org", "Anna", "Müller", "1234567", "10.20.30.40", "Bob Smith"}) {
      EXPECT_FALSE(server_.AnyRequestContains(secret)) << secret << " left the machine";
    }
  }

  std::unique_ptr<Redactor> redactor_;
  ToolRegistry tools_;
  std::vector<std::string> handler_arguments_;
};

TEST_F(AgentTest, ToolCallsProposalsAndARestoredAnswer) {
  server_.Push(ScriptStep::Call("get_ticket", "{}", "c1"));
  server_.Push(ScriptStep::Call("search_kb", R"({"query":"VPN drops"})", "c2"));
  server_.Push(ScriptStep::Call("propose_fields", R"({"group":"Network"})", "c3"));
  server_.Push(ScriptStep::Call("draft_reply",
                                R"({"text":"Hello <NAME_1>, we will call <PHONE_1>."})", "c4"));
  server_.Push(ScriptStep::Text("Proposed Network for <NAME_1> (<EMAIL_1>)."));
  auto client = Client();
  AgentResult result = Run(*client);

  EXPECT_EQ(result.outcome, AgentOutcome::kAnswered) << result.detail;
  EXPECT_EQ(result.turns, 5);
  EXPECT_EQ(result.tool_calls, 4);
  EXPECT_EQ(result.final_text, "Proposed Network for Anna Müller (anna.mueller@example.org).");
  ASSERT_EQ(result.proposals.size(), 2u);
  EXPECT_EQ(result.proposals[0].tool, "propose_fields");
  EXPECT_EQ(result.proposals[0].arguments, R"({"group":"Network"})");
  EXPECT_EQ(result.proposals[1].tool, "draft_reply");
  EXPECT_EQ(result.proposals[1].arguments,
            R"({"text":"Hello Anna Müller, we will call +49 30 1234567."})");
  EXPECT_EQ(handler_arguments_.size(), 2u) << "handlers record; nothing else happens";
  EXPECT_EQ(result.usage.total_tokens, 5 * 15);

  // The transcript is what was sent: redacted, with the tool calls and their results.
  ASSERT_GE(result.transcript.size(), 2u);
  EXPECT_THAT(result.transcript[1].content, HasSubstr("<EMAIL_1>"));
  EXPECT_EQ(result.transcript[2].tool_calls.at(0).name, "get_ticket");
  EXPECT_EQ(result.transcript[3].role, ChatRole::kTool);
  EXPECT_EQ(result.transcript[3].tool_call_id, "c1");
  EXPECT_THAT(result.transcript[3].content, HasSubstr("<NAME_1>"));
  ExpectNoPersonalDataSent();
  EXPECT_TRUE(server_.AnyRequestContains(R"("name":"propose_fields")")) << "tools were sent";

  bool email_counted = false;
  for (const RedactionCount& count : result.redactions) {
    email_counted = email_counted || (count.type == "EMAIL" && count.values == 1);
  }
  EXPECT_TRUE(email_counted);
}

TEST_F(AgentTest, EndlessToolLoopStopsAtMaxTurns) {
  server_.Then(ScriptStep::Call("search_kb", R"({"query":"vpn"})"));
  auto client = Client();
  AgentResult result = Run(*client);
  EXPECT_EQ(result.outcome, AgentOutcome::kMaxTurns);
  EXPECT_EQ(result.turns, 6);
  EXPECT_EQ(server_.requests().size(), 6u);
  EXPECT_THAT(result.detail, HasSubstr("max_turns"));
  EXPECT_EQ(AgentOutcomeName(result.outcome), "max_turns");
}

TEST_F(AgentTest, TextInsteadOfARequiredToolCall) {
  server_.Push(ScriptStep::Text("Sounds like a network problem."));
  auto client = Client();
  AgentOptions options;
  options.require_tool_call = true;
  AgentResult result = Run(*client, options);
  EXPECT_EQ(result.outcome, AgentOutcome::kTextInsteadOfToolCall);
  EXPECT_EQ(result.final_text, "Sounds like a network problem.");
  EXPECT_TRUE(server_.AnyRequestContains(R"("tool_choice":"required")"));
}

TEST_F(AgentTest, UnknownToolsAndBadArgumentsGoBackToTheModelThenStop) {
  server_.Push(ScriptStep::Call("delete_ticket", "{}"));
  server_.Push(ScriptStep::Call("search_kb", R"({"q":"vpn"})"));
  server_.Push(ScriptStep::Call("search_kb", "[1]"));
  server_.Then(ScriptStep::Call("close_ticket", "{}"));
  auto client = Client();
  AgentResult result = Run(*client);
  EXPECT_EQ(result.outcome, AgentOutcome::kTooManyToolErrors);
  EXPECT_EQ(result.tool_errors, 4);
  EXPECT_EQ(result.unknown_tool_calls, 2);
  EXPECT_THAT(result.transcript[3].content, HasSubstr("there is no tool named 'delete_ticket'"));
  EXPECT_THAT(result.transcript[5].content, HasSubstr("'query' is missing"));
  EXPECT_THAT(result.transcript[7].content, HasSubstr("JSON object"));
  EXPECT_TRUE(handler_arguments_.empty());
}

TEST_F(AgentTest, InvalidJsonFromTheServer) {
  server_.Push(ScriptStep::Raw(200, "Sure! Here is your answer"));
  auto client = Client();
  AgentResult result = Run(*client);
  EXPECT_EQ(result.outcome, AgentOutcome::kInvalidJson);
  EXPECT_THAT(result.detail, HasSubstr("malformed chat response"));
}

TEST_F(AgentTest, ToolArgumentsThatAreNotJson) {
  server_.Push(ScriptStep::Call("search_kb", "{query: vpn"));
  auto client = Client();
  EXPECT_EQ(Run(*client).outcome, AgentOutcome::kInvalidJson);
}

TEST_F(AgentTest, ServerErrorRateLimitTimeoutAndUnreachable) {
  server_.Push(ScriptStep::Error(500));
  auto no_retries = Client(/*max_retries=*/0);
  EXPECT_EQ(Run(*no_retries).outcome, AgentOutcome::kServerError);

  server_.Push(ScriptStep::Error(429, "1"));
  EXPECT_EQ(Run(*no_retries).outcome, AgentOutcome::kRateLimited);

  server_.Push(ScriptStep::Hang());
  auto impatient = Client(/*max_retries=*/0, /*timeout_ms=*/300);
  EXPECT_EQ(Run(*impatient).outcome, AgentOutcome::kTimeout);
  server_.ReleaseHung();

  ChatClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/v1";
  options.max_retries = 0;
  auto down = NewChatClient(options);
  EXPECT_EQ(Run(*down).outcome, AgentOutcome::kUnavailable);
}

TEST_F(AgentTest, BudgetRefusesBeforeSending) {
  TokenBudget budget({/*tokens_per_ticket=*/100, 0, nullptr});
  auto client = Client();
  AgentResult result = Run(*client, {}, &budget);
  EXPECT_EQ(result.outcome, AgentOutcome::kBudgetExhausted);
  EXPECT_THAT(result.detail, HasSubstr("per-ticket budget of 100"));
  EXPECT_EQ(result.turns, 0);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(AgentTest, BudgetExhaustedMidRunByActualUsage) {
  ScriptStep expensive = ScriptStep::Call("search_kb", R"({"query":"vpn"})");
  expensive.usage = {2000, 500, 2500};
  server_.Push(expensive);
  server_.Then(ScriptStep::Text("never reached"));
  TokenBudget budget({/*tokens_per_ticket=*/5000, 0, nullptr});
  auto client = Client();
  AgentOptions options;
  options.max_tokens = 2600;  // the first estimate (~3000) fits in 5000, the second not
  AgentResult result = Run(*client, options, &budget);
  EXPECT_EQ(result.outcome, AgentOutcome::kBudgetExhausted);
  EXPECT_EQ(result.turns, 1);
  EXPECT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(budget.UsedByTicket("sandbox:1"), 2500);
}

TEST_F(AgentTest, EchoedPlaceholdersAreRestoredOrReported) {
  server_.Push(ScriptStep::Text("Write to <EMAIL_1>, not <EMAIL_7>; ask <NAME_4>."));
  auto client = Client();
  AgentResult result = Run(*client);
  EXPECT_EQ(result.outcome, AgentOutcome::kAnswered);
  EXPECT_EQ(result.final_text, "Write to anna.mueller@example.org, not <EMAIL_7>; ask <NAME_4>.");
  EXPECT_THAT(result.unknown_placeholders, testing::ElementsAre("<EMAIL_7>", "<NAME_4>"));
}

}  // namespace
}  // namespace autotriage
