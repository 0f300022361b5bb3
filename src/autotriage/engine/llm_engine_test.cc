// The LLM cascade in the engine: an abstained field asks the LLM; its label goes through the
// policy at most as a suggestion; bad answers leave the local result; everything is audited and
// no personal data leaves. Against the scripted chat-completions server
// (llm_engine_test_fixture.h).
#include "autotriage/engine/llm_engine_test_fixture.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

TEST_F(LlmEngineTest, AbstainedFieldGetsAPendingSuggestionEvenInAnAutofillCell) {
  Build();
  const std::string label = PriorityLabel();
  server_.Push(ScriptStep::Call(
      "set_label", SetLabel(label, 0.83, "<NAME_1> cannot work at all since this morning")));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);

  const DecisionRecord priority = Decision("priority");
  EXPECT_EQ(priority.outcome, outcome::kPending) << priority.reason;
  EXPECT_EQ(priority.mode, "suggest");
  EXPECT_EQ(priority.new_value, label);
  EXPECT_EQ(priority.model_version, "llm:scripted-model");
  EXPECT_NE(priority.reason.find("capped at suggest"), std::string::npos) << priority.reason;
  // The model's reason, with the placeholder it echoed restored, is the explanation.
  EXPECT_NE(priority.explanation.find("Anna M\xC3\xBCller cannot work"), std::string::npos)
      << priority.explanation;
  // The write (group autofill) does not carry the LLM's label.
  auto writes = store_->ListWrites("7");
  ASSERT_TRUE(writes.ok());
  for (const WriteRecord& w : *writes) {
    EXPECT_EQ(w.updates_json.find("priority"), std::string::npos) << w.updates_json;
  }
  EXPECT_EQ(Decision("group").model_version, context_->triage->model_version());

  ASSERT_EQ(server_.requests().size(), 1u);
  ExpectNoPersonalDataSent();
  EXPECT_TRUE(server_.AnyRequestContains("<EMAIL_1>"));

  const std::vector<AuditEntry> cascade = Audit("llm_cascade");
  ASSERT_EQ(cascade.size(), 1u);
  EXPECT_EQ(Detail(cascade[0])["field"], "priority");
  EXPECT_EQ(Detail(cascade[0])["label"], label);
  EXPECT_EQ(Detail(cascade[0])["decision"], outcome::kPending);
  const std::vector<AuditEntry> transcripts = Audit("llm_transcript");
  ASSERT_EQ(transcripts.size(), 1u);
  EXPECT_EQ(transcripts[0].trace_id, "trace-7");
  const Json transcript = Detail(transcripts[0]);
  EXPECT_EQ(transcript["outcome"], "answered");
  EXPECT_EQ(transcript["usage"]["total_tokens"], 15);
  EXPECT_GE(transcript["messages"].size(), 3u);  // system, user (redacted), the answer
  std::set<std::string> types;
  for (const Json& r : transcript["redactions"]) {
    types.insert(r["type"].get<std::string>());
  }
  EXPECT_TRUE(types.count("EMAIL") && types.count("NAME") && types.count("PHONE"));
  for (const AuditEntry& e : Audit("llm_transcript")) {
    EXPECT_EQ(e.detail.find(kApiKey), std::string::npos);
    EXPECT_EQ(e.detail.find(kEmail), std::string::npos);
    EXPECT_EQ(e.detail.find("1234567"), std::string::npos);
  }
  const AuditVerifyReport chain = VerifyChain();
  EXPECT_TRUE(chain.ok) << chain.problem;
  // The ticket's history page reads the copy in the advice.
  const Json advice = Advice();
  ASSERT_EQ(advice["llm_transcripts"].size(), 1u);
  EXPECT_EQ(advice["summary_source"], "extractive");
  EXPECT_NE(advice["note_draft"].get<std::string>().find(label), std::string::npos);
}

TEST_F(LlmEngineTest, MonitorCellOnlyRecordsTheLlmLabel) {
  SetCells(AutonomyMode::kAutofill, AutonomyMode::kMonitor);
  Build();
  server_.Push(ScriptStep::Call("set_label", SetLabel(PriorityLabel(), 0.9, "urgent wording")));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  const DecisionRecord priority = Decision("priority");
  EXPECT_EQ(priority.outcome, outcome::kRecorded) << priority.reason;
  EXPECT_EQ(priority.model_version, "llm:scripted-model");
  EXPECT_EQ(priority.new_value, PriorityLabel());
}

TEST_F(LlmEngineTest, LabelOutsideTheTaxonomyStaysAbstainAndIsAudited) {
  Build();
  server_.Push(ScriptStep::Call("set_label", SetLabel("Apocalyptic", 0.99, "the sky falls")));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  const DecisionRecord priority = Decision("priority");
  EXPECT_EQ(priority.outcome, outcome::kAbstain);
  EXPECT_EQ(priority.model_version, context_->triage->model_version());
  const std::vector<AuditEntry> cascade = Audit("llm_cascade");
  ASSERT_EQ(cascade.size(), 1u);
  EXPECT_EQ(Detail(cascade[0])["outcome"], "label_outside_taxonomy");
  EXPECT_NE(Detail(cascade[0])["abstain_reason"].get<std::string>().find("taxonomy"),
            std::string::npos);
  EXPECT_EQ(Detail(cascade[0])["decision"], outcome::kAbstain);
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(LlmEngineTest, TextInsteadOfAToolCallStaysAbstain) {
  Build();
  server_.Push(ScriptStep::Text("I would say this one is fairly important."));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  EXPECT_EQ(Decision("priority").outcome, outcome::kAbstain);
  const std::vector<AuditEntry> cascade = Audit("llm_cascade");
  ASSERT_EQ(cascade.size(), 1u);
  EXPECT_EQ(Detail(cascade[0])["outcome"], "text_instead_of_tool_call");
}

TEST_F(LlmEngineTest, InventedPlaceholderIsFlaggedNotRestored) {
  Build();
  server_.Push(ScriptStep::Call(
      "set_label", SetLabel(PriorityLabel(), 0.7, "write to <EMAIL_9> and <EMAIL_1>")));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  const DecisionRecord priority = Decision("priority");
  EXPECT_EQ(priority.outcome, outcome::kPending);
  EXPECT_NE(priority.explanation.find("<EMAIL_9>"), std::string::npos);  // left as it was
  EXPECT_NE(priority.explanation.find(kEmail), std::string::npos);       // restored
  const std::vector<AuditEntry> cascade = Audit("llm_cascade");
  ASSERT_EQ(cascade.size(), 1u);
  EXPECT_EQ(Detail(cascade[0])["unknown_placeholders"], Json::array({"<EMAIL_9>"}));
}

TEST_F(LlmEngineTest, EveryFieldIsAskedWhenNotOnlyOnAbstainButDecidedOnesStayLocal) {
  config_.llm.cascade_only_on_abstain = false;
  Build();
  const std::string group = schema_.at("group").back();
  server_.Push(ScriptStep::Call("set_label", SetLabel(group, 0.6, "a second opinion")));
  server_.Push(ScriptStep::Call("set_label", SetLabel(PriorityLabel(), 0.8, "urgent")));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  EXPECT_EQ(server_.requests().size(), 2u);
  const DecisionRecord decided = Decision("group");
  EXPECT_EQ(decided.outcome, outcome::kAutofill);
  EXPECT_EQ(decided.model_version, context_->triage->model_version());
  EXPECT_EQ(Decision("priority").outcome, outcome::kPending);
  const std::vector<AuditEntry> cascade = Audit("llm_cascade");
  ASSERT_EQ(cascade.size(), 2u);
  EXPECT_EQ(Detail(cascade[0])["field"], "group");
  EXPECT_EQ(Detail(cascade[0])["second_opinion"], true);
}

TEST_F(LlmEngineTest, KillSwitchStopsAnLlmLabelLikeAnyOther) {
  config_.policy.kill_switch = true;
  Build();
  server_.Push(ScriptStep::Call("set_label", SetLabel(PriorityLabel(), 0.9, "urgent")));
  ASSERT_EQ(Deliver(), WorkOutcome::kDone);
  const DecisionRecord priority = Decision("priority");
  EXPECT_EQ(priority.outcome, outcome::kKillSwitch) << priority.reason;
}

}  // namespace
}  // namespace autotriage
