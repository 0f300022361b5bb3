// The engine's LLM step when things go wrong (server down, slow, 429, 500, invalid JSON, budget,
// endless tool loops) and the agent's drafts: the ticket always keeps its local result, promptly
// once the circuit breaker is open, and every failure is audited.
#include "autotriage/engine/llm_engine_test_fixture.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

struct FailureCase {
  const char* name;
  ScriptStep step;
  const char* outcome;
};

class LlmEngineFailureTest : public LlmEngineTest,
                             public ::testing::WithParamInterface<FailureCase> {};

TEST_P(LlmEngineFailureTest, TicketKeepsTheLocalResultAndTheFailureIsAudited) {
  config_.llm.timeout_ms = 300;  // the hang below ends with the client's timeout
  Build();
  server_.Push(GetParam().step);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  server_.ReleaseHung();
  EXPECT_LT(seconds, 5.0);  // bounded by timeout_ms × (1 + max_retries), far below this
  const DecisionRecord priority = Decision("priority");
  EXPECT_EQ(priority.outcome, outcome::kAbstain);
  EXPECT_EQ(priority.model_version, context_->triage->model_version());
  EXPECT_EQ(Decision("group").outcome, outcome::kAutofill);
  const std::vector<AuditEntry> cascade = Audit("llm_cascade");
  ASSERT_EQ(cascade.size(), 1u);
  EXPECT_EQ(Detail(cascade[0])["outcome"], GetParam().outcome) << cascade[0].detail;
  EXPECT_EQ(Audit("llm_transcript").size(), 1u);
  EXPECT_EQ(cascade[0].detail.find(kApiKey), std::string::npos);
  EXPECT_TRUE(VerifyChain().ok);
}

INSTANTIATE_TEST_SUITE_P(
    Failures, LlmEngineFailureTest,
    ::testing::Values(FailureCase{"http500", ScriptStep::Error(500), "server_error"},
                      FailureCase{"http429", ScriptStep::Error(429, "1"), "rate_limited"},
                      FailureCase{"invalid_json", ScriptStep::Raw(200, "{not json"),
                                  "invalid_json"},
                      FailureCase{"timeout", ScriptStep::Hang(), "timeout"}),
    [](const ::testing::TestParamInfo<FailureCase>& failure) { return failure.param.name; });

TEST_F(LlmEngineTest, BudgetExhaustedSendsNothing) {
  config_.llm.tokens_per_ticket = 10;
  Build();
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  EXPECT_TRUE(server_.requests().empty());
  EXPECT_EQ(Decision("priority").outcome, outcome::kAbstain);
  const std::vector<AuditEntry> cascade = Audit("llm_cascade");
  ASSERT_EQ(cascade.size(), 1u);
  EXPECT_EQ(Detail(cascade[0])["outcome"], "budget_exhausted");
}

TEST_F(LlmEngineTest, CircuitBreakerTriagesPromptlyWhileTheServerIsDown) {
  config_.llm.timeout_ms = 300;
  Build();
  server_.Then(ScriptStep::Hang());  // a server that never answers
  for (const char* id : {"11", "12", "13"}) {
    ASSERT_EQ(Deliver(id), WorkOutcome::kDone);
  }
  EXPECT_EQ(server_.requests().size(), 3u);
  EXPECT_GT(assist_->breaker().open_until_ms(), clock_ms_->load());

  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Deliver("14"), WorkOutcome::kDone);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 300.0) << "the open breaker must not wait for the LLM's timeout";
  EXPECT_EQ(server_.requests().size(), 3u);  // nothing was sent
  EXPECT_EQ(Decision("priority", "14").outcome, outcome::kAbstain);
  const std::vector<AuditEntry> skipped = Audit("llm_skipped", "14");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(Detail(skipped[0])["fields"], Json::array({"priority"}));
  std::printf("ticket triaged in %.1f ms with the breaker open (LLM timeout 300 ms)\n", ms);

  // After the cool-down the server is asked again; it has recovered.
  server_.ReleaseHung();
  clock_ms_->fetch_add(61000);
  ScriptedChatServer recovered;
  ASSERT_TRUE(recovered.Start());
  config_.llm.base_url = recovered.BaseUrl();
  const int64_t clock = clock_ms_->load();
  Build();  // a fresh LlmAssist on the recovered server, same clock
  EXPECT_EQ(clock_ms_->load(), clock);
  recovered.Push(ScriptStep::Call("set_label", SetLabel(PriorityLabel(), 0.8, "urgent")));
  ASSERT_EQ(Deliver("15"), WorkOutcome::kDone);
  EXPECT_EQ(Decision("priority", "15").outcome, outcome::kPending);
}

TEST_F(LlmEngineTest, BreakerClosesAgainAfterTheCoolDown) {
  Build();
  server_.Push(ScriptStep::Error(500));
  server_.Push(ScriptStep::Error(500));
  server_.Push(ScriptStep::Error(500));
  server_.Push(ScriptStep::Call("set_label", SetLabel(PriorityLabel(), 0.8, "urgent")));
  for (const char* id : {"21", "22", "23"}) {
    ASSERT_EQ(Deliver(id), WorkOutcome::kDone);
  }
  ASSERT_EQ(Deliver("24"), WorkOutcome::kDone);
  EXPECT_EQ(server_.requests().size(), 3u);
  clock_ms_->fetch_add(60000);
  ASSERT_EQ(Deliver("25"), WorkOutcome::kDone);
  EXPECT_EQ(server_.requests().size(), 4u);
  EXPECT_EQ(Decision("priority", "25").outcome, outcome::kPending);
  EXPECT_EQ(assist_->breaker().open_until_ms(), 0);
}

TEST_F(LlmEngineTest, AgentDraftsAReplyAndASummaryStoredInTheAdvice) {
  config_.llm.drafts = true;
  Build();
  server_.Push(ScriptStep::Call("set_label", SetLabel(PriorityLabel(), 0.8, "urgent")));
  server_.Push(ScriptStep::Call("get_ticket", "{}", "c1"));
  server_.Push(ScriptStep::Call(
      "draft_reply", R"({"body":"Hello <NAME_1>, we are on it and will call <PHONE_1>."})", "c2"));
  server_.Push(ScriptStep::Call("draft_note",
                                R"({"summary":"Outage reported; restart the switch."})", "c3"));
  server_.Push(ScriptStep::Text("Drafted a reply and a summary."));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  EXPECT_EQ(server_.requests().size(), 5u);
  ExpectNoPersonalDataSent();  // the get_ticket result was redacted too

  const Json advice = Advice();
  EXPECT_EQ(advice["reply_draft"],
            std::string("Hello Anna M\xC3\xBCller, we are on it and will call ") + kPhone + ".");
  EXPECT_EQ(advice["summary"], "Outage reported; restart the switch.");
  EXPECT_EQ(advice["summary_source"], "llm");
  ASSERT_EQ(advice["llm_transcripts"].size(), 2u);
  EXPECT_EQ(advice["llm_transcripts"][1]["purpose"], "agent");

  const std::vector<AuditEntry> transcripts = Audit("llm_transcript");
  ASSERT_EQ(transcripts.size(), 2u);
  const Json agent = Detail(transcripts[1]);
  EXPECT_EQ(agent["outcome"], "answered");
  EXPECT_EQ(agent["reply_drafted"], true);
  EXPECT_EQ(agent["tool_calls"], 3);
  // The drafts are never posted: no note, no write beyond the group's autofill.
  EXPECT_EQ(helpdesk_->notes, 0);
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(LlmEngineTest, EndlessToolLoopIsBoundedAndTheExtractiveSummaryStays) {
  config_.llm.drafts = true;
  config_.llm.max_turns = 3;
  Build();
  server_.Push(ScriptStep::Call("set_label", SetLabel("Apocalyptic", 0.9, "no")));
  server_.Then(ScriptStep::Call("search_kb", R"({"query":"vpn"})"));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  EXPECT_EQ(server_.requests().size(), 1u + 3u);
  const std::vector<AuditEntry> transcripts = Audit("llm_transcript");
  ASSERT_EQ(transcripts.size(), 2u);
  EXPECT_EQ(Detail(transcripts[1])["outcome"], "max_turns");
  EXPECT_EQ(Advice()["summary_source"], "extractive");
  EXPECT_FALSE(Advice().contains("reply_draft"));
}

TEST_F(LlmEngineTest, AgentFieldProposalTakesThePolicyPathAtMostSuggest) {
  config_.llm.drafts = true;
  Build();
  const std::string group = schema_.at("group").back();
  server_.Push(ScriptStep::Call("set_label", SetLabel("Apocalyptic", 0.9, "no")));
  server_.Push(ScriptStep::Call(
      "propose_fields",
      Json{{"field", "priority"}, {"value", PriorityLabel()}, {"confidence", 0.7}}.dump(), "p1"));
  server_.Push(ScriptStep::Call(
      "propose_fields", Json{{"field", "group"}, {"value", group}, {"confidence", 0.9}}.dump(),
      "p2"));
  server_.Push(ScriptStep::Text("Done."));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  const DecisionRecord priority = Decision("priority");
  EXPECT_EQ(priority.outcome, outcome::kPending) << priority.reason;
  EXPECT_EQ(priority.model_version, "llm:scripted-model");
  const DecisionRecord decided = Decision("group");  // decided locally: the proposal is ignored
  EXPECT_EQ(decided.model_version, context_->triage->model_version());
  const Json agent = Detail(Audit("llm_transcript").back());
  ASSERT_EQ(agent["proposals"].size(), 2u);
  EXPECT_EQ(agent["proposals"][0]["decision"], outcome::kPending);
  EXPECT_NE(agent["proposals"][1]["decision"].get<std::string>().find("ignored"),
            std::string::npos);
}

}  // namespace
}  // namespace autotriage
