// The dispatcher's exactly-once rules against a scripted helpdesk (which can fail a call before
// or after applying it, as a timeout does) and a real in-memory SQLite store.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autotriage/engine/engine_internal.h"
#include "autotriage/engine/engine_test_util.h"
#include "autotriage/engine/scripted_helpdesk.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr int64_t kVersion = 1700000000;

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreConfig store_config;
    store_config.sqlite_path = ":memory:";
    auto store = OpenStore(store_config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    helpdesk_ = std::make_shared<testing::ScriptedHelpdesk>();
    helpdesk_->ticket.id = "42";
    helpdesk_->ticket.subject = "vpn down";
    helpdesk_->ticket.updated_at = kVersion;
    helpdesk_->ticket.fields["priority"] = "Low";
    Config config;
    config.engine.max_attempts = 3;
    config.engine.retry_backoff_ms = 10;
    owned_context_ = testing::MakeTestContext(std::move(store).value(), helpdesk_, config,
                                              /*with_triage=*/false);
  }

  // Plans a write the way a worker does: an event, a claimed job, a commit with the write.
  void PlanWrite(const std::string& updates_json, const std::string& key = "00000000000000aa",
                 bool with_note = true) {
    InboxEvent event;
    event.source = "cli";
    event.ticket_id = "42";
    event.version = key;
    event.trace_id = "t";
    ASSERT_TRUE(context()->store->Enqueue({event}).ok());
    auto jobs = context()->store->ClaimJobs("test", 1, 60000, NowMs());
    ASSERT_TRUE(jobs.ok());
    ASSERT_EQ(jobs->size(), 1u);
    TriageCommit commit;
    commit.job_id = (*jobs)[0].id;
    DecisionRecord decision;
    decision.ticket_id = "42";
    decision.ticket_version = std::to_string(kVersion);
    decision.field = "group";
    decision.new_value = "Network";
    decision.mode = "autofill";
    decision.outcome = outcome::kAutofill;
    decision.explanation = "[]";
    commit.decisions.push_back(decision);
    WriteRecord write;
    write.idempotency_key = key;
    write.trace_id = "t";
    write.ticket_id = "42";
    write.ticket_version = std::to_string(kVersion);
    write.updates_json = updates_json;
    write.note = with_note ? "<p>set group</p><p>" + NoteMarker(key) + "</p>" : "";
    commit.write = write;
    ASSERT_TRUE(context()->store->CommitTriage(commit, NowMs()).ok());
  }

  // Claims the next write (retry times are in the past for a clock far ahead) and processes it.
  WorkOutcome DispatchNext() {
    now_ms_ += 10 * 60 * 1000;
    auto writes = context()->store->ClaimWrites("test", 1, 60000, now_ms_);
    EXPECT_TRUE(writes.ok());
    if (!writes.ok() || writes->empty()) {
      ADD_FAILURE() << "no write to claim";
      return WorkOutcome::kLost;
    }
    WriteDispatcher dispatcher(context());
    return dispatcher.Process((*writes)[0]);
  }

  WriteState StateOfOnlyWrite() {
    auto writes = context()->store->ListWrites("42");
    EXPECT_TRUE(writes.ok());
    EXPECT_EQ(writes->size(), 1u);
    return writes->empty() ? WriteState::kFailed : (*writes)[0].state;
  }

  int MarkedNotes(const std::string& key = "00000000000000aa") {
    int count = 0;
    for (const Conversation& c : helpdesk_->ticket.conversations) {
      count += c.body_html.find(NoteMarker(key)) != std::string::npos ? 1 : 0;
    }
    return count;
  }

  const std::string kGroupUpdate = R"([{"field":"group","value":"Network","old":""}])";
  std::unique_ptr<EngineContext> owned_context_;
  EngineContext* context() { return owned_context_.get(); }
  std::shared_ptr<testing::ScriptedHelpdesk> helpdesk_;
  int64_t now_ms_ = NowMs();
};

TEST_F(DispatcherTest, AppliesFieldsThenOneNote) {
  PlanWrite(kGroupUpdate);
  EXPECT_EQ(DispatchNext(), WorkOutcome::kApplied);
  EXPECT_EQ(helpdesk_->puts, 1);
  EXPECT_EQ(helpdesk_->notes, 1);
  EXPECT_EQ(helpdesk_->ticket.fields["group"], "Network");
  EXPECT_EQ(MarkedNotes(), 1);
  EXPECT_EQ(StateOfOnlyWrite(), WriteState::kApplied);
  auto decisions = context()->store->DecisionsForTicket("42");
  ASSERT_TRUE(decisions.ok());
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ((*decisions)[0].outcome, outcome::kApplied);
}

TEST_F(DispatcherTest, NoteThatArrivedDespiteTimeoutIsNotSentAgain) {
  PlanWrite(kGroupUpdate);
  helpdesk_->note_failures.push_back({DeadlineExceeded("timeout"), /*applied=*/true});
  EXPECT_EQ(DispatchNext(), WorkOutcome::kRetry);
  EXPECT_EQ(StateOfOnlyWrite(), WriteState::kPlanned);
  EXPECT_EQ(DispatchNext(), WorkOutcome::kApplied);
  EXPECT_EQ(helpdesk_->puts, 1);
  EXPECT_EQ(helpdesk_->notes, 1);
  EXPECT_EQ(MarkedNotes(), 1);
  EXPECT_EQ(StateOfOnlyWrite(), WriteState::kApplied);
}

TEST_F(DispatcherTest, LostNoteIsPostedOnRetryWithoutSecondPut) {
  PlanWrite(kGroupUpdate);
  helpdesk_->note_failures.push_back({Unavailable("connection reset"), /*applied=*/false});
  EXPECT_EQ(DispatchNext(), WorkOutcome::kRetry);
  EXPECT_EQ(MarkedNotes(), 0);
  // Our own PUT moved updated_at; the retry recognises it and posts only the note.
  EXPECT_EQ(DispatchNext(), WorkOutcome::kApplied);
  EXPECT_EQ(helpdesk_->puts, 1);
  EXPECT_EQ(helpdesk_->notes, 2);
  EXPECT_EQ(MarkedNotes(), 1);
}

TEST_F(DispatcherTest, PutThatArrivedDespiteTimeoutIsNotRepeated) {
  PlanWrite(kGroupUpdate);
  helpdesk_->put_failures.push_back({DeadlineExceeded("timeout"), /*applied=*/true});
  EXPECT_EQ(DispatchNext(), WorkOutcome::kRetry);
  EXPECT_EQ(DispatchNext(), WorkOutcome::kApplied);
  EXPECT_EQ(helpdesk_->puts, 1);
  EXPECT_EQ(MarkedNotes(), 1);
}

TEST_F(DispatcherTest, HumanChangeBeforeDispatchSupersedes) {
  PlanWrite(kGroupUpdate);
  helpdesk_->ticket.fields["priority"] = "Urgent";
  helpdesk_->ticket.updated_at += 30;
  EXPECT_EQ(DispatchNext(), WorkOutcome::kSuperseded);
  EXPECT_EQ(helpdesk_->puts, 0);
  EXPECT_EQ(helpdesk_->notes, 0);
  EXPECT_EQ(StateOfOnlyWrite(), WriteState::kSuperseded);
  auto decisions = context()->store->DecisionsForTicket("42");
  ASSERT_TRUE(decisions.ok());
  EXPECT_EQ((*decisions)[0].outcome, outcome::kSuperseded);
}

TEST_F(DispatcherTest, SameValuesSetByAnotherWriteAreNotAnnouncedTwice) {
  PlanWrite(kGroupUpdate);
  helpdesk_->put_failures.push_back({Unavailable("503"), /*applied=*/false});
  EXPECT_EQ(DispatchNext(), WorkOutcome::kRetry);
  // Meanwhile another write of this ticket set the same group and posted its own note.
  helpdesk_->ticket.fields["group"] = "Network";
  helpdesk_->ticket.conversations.push_back({"9", "", NoteMarker("00000000000000bb"), true});
  helpdesk_->ticket.updated_at += 2;
  EXPECT_EQ(DispatchNext(), WorkOutcome::kSuperseded);
  EXPECT_EQ(MarkedNotes(), 0);
}

TEST_F(DispatcherTest, ForbiddenFieldIsNeverWritten) {
  PlanWrite(R"([{"field":"status","value":"closed","old":"open"}])");
  EXPECT_EQ(DispatchNext(), WorkOutcome::kFailed);
  EXPECT_EQ(helpdesk_->puts, 0);
  EXPECT_EQ(helpdesk_->notes, 0);
  EXPECT_EQ(StateOfOnlyWrite(), WriteState::kFailed);
}

TEST_F(DispatcherTest, GivesUpAfterMaxAttemptsAndOnPermanentErrors) {
  PlanWrite(kGroupUpdate);
  for (int i = 0; i < 3; ++i) {
    helpdesk_->put_failures.push_back({Unavailable("503"), false});
  }
  EXPECT_EQ(DispatchNext(), WorkOutcome::kRetry);
  EXPECT_EQ(DispatchNext(), WorkOutcome::kRetry);
  EXPECT_EQ(DispatchNext(), WorkOutcome::kFailed);  // third attempt = engine.max_attempts
  EXPECT_EQ(StateOfOnlyWrite(), WriteState::kFailed);
  EXPECT_EQ(helpdesk_->notes, 0);
}

TEST_F(DispatcherTest, RefusedWriteFailsAtOnce) {
  PlanWrite(kGroupUpdate);
  helpdesk_->put_failures.push_back({InvalidArgument("group: no such group"), false});
  EXPECT_EQ(DispatchNext(), WorkOutcome::kFailed);
  EXPECT_EQ(helpdesk_->notes, 0);
}

TEST_F(DispatcherTest, WithoutNotesAppliedValuesAreRecognised) {
  PlanWrite(kGroupUpdate, "00000000000000aa", /*with_note=*/false);
  helpdesk_->put_failures.push_back({DeadlineExceeded("timeout"), /*applied=*/true});
  EXPECT_EQ(DispatchNext(), WorkOutcome::kRetry);
  EXPECT_EQ(DispatchNext(), WorkOutcome::kApplied);
  EXPECT_EQ(helpdesk_->puts, 1);
  EXPECT_EQ(helpdesk_->notes, 0);
}

TEST(BackoffTest, DoublesAndCapsAtFiveMinutes) {
  EXPECT_EQ(BackoffMs(1000, 1), 1000);
  EXPECT_EQ(BackoffMs(1000, 2), 2000);
  EXPECT_EQ(BackoffMs(1000, 4), 8000);
  EXPECT_EQ(BackoffMs(1000, 30), 300000);
  EXPECT_TRUE(IsRetryable(StatusCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(StatusCode::kResourceExhausted));
  EXPECT_FALSE(IsRetryable(StatusCode::kInvalidArgument));
  EXPECT_FALSE(IsRetryable(StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace autotriage
