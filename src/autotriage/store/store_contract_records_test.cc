// Store contract: decisions, planned writes (claim, finish, retry, idempotency).
#include "autotriage/store/store_contract_test.h"

namespace autotriage {
void StoreWritesTest::CommitWithWrite(const std::string& ticket, const std::string& key) {
  ASSERT_TRUE(store_->Enqueue({MakeEvent(ticket, "v")}).ok());
  const Job job = ClaimOne(1000);
  ASSERT_EQ(job.ticket_id, ticket);
  TriageCommit commit;
  commit.job_id = job.id;
  commit.decisions = {MakeDecision(ticket, "group", "autofill"),
                      MakeDecision(ticket, "priority", "pending"),
                      MakeDecision(ticket, "type", "autofill")};
  commit.write = WriteRecord{};
  commit.write->idempotency_key = key;
  commit.write->ticket_id = ticket;
  commit.write->ticket_version = "v";
  commit.write->updates_json = "[]";
  commit.write->note = "[autotriage:" + key + "]";
  commit.write->decision_ids = {0, 2};  // positions in commit.decisions
  Status status = store_->CommitTriage(commit, 1500);
  ASSERT_TRUE(status.ok()) << status.ToString();
}

std::vector<std::string> StoreWritesTest::OutcomesOf(const std::string& ticket) {
  std::vector<std::string> outcomes;
  Result<std::vector<DecisionRecord>> decisions = store_->DecisionsForTicket(ticket);
  EXPECT_TRUE(decisions.ok()) << decisions.status().ToString();
  if (decisions.ok()) {
    for (const DecisionRecord& decision : *decisions) {
      outcomes.push_back(decision.outcome);
    }
  }
  return outcomes;
}

namespace {

TEST_P(StoreWritesTest, ClaimFinishAppliedUpdatesDecisionsOnce) {
  CommitWithWrite("30", "30:v:k");
  Result<std::vector<WriteRecord>> claimed = store_->ClaimWrites("d1", 10, 1000, 2000);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 1u);
  const WriteRecord write = (*claimed)[0];
  EXPECT_EQ(write.state, WriteState::kInFlight);
  EXPECT_EQ(write.attempts, 1);
  EXPECT_EQ(write.idempotency_key, "30:v:k");
  EXPECT_EQ(write.note, "[autotriage:30:v:k]");
  ASSERT_EQ(write.decision_ids.size(), 2u);
  EXPECT_TRUE(store_->ClaimWrites("d2", 10, 1000, 2500)->empty());  // leased

  ASSERT_TRUE(
      store_->FinishWrite(write.id, WriteState::kApplied, "", 0, MakeAudit("write", "30", 2600))
          .ok());
  EXPECT_EQ(OutcomesOf("30"), (std::vector<std::string>{"applied", "pending", "applied"}));
  EXPECT_EQ(store_->ListWrites("30")->at(0).state, WriteState::kApplied);
  EXPECT_EQ(store_->FinishWrite(write.id, WriteState::kApplied, "", 0, AuditEntry()).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->ClaimWrites("d2", 10, 1000, 1000000000)->empty());
  EXPECT_EQ(store_->Stats()->writes_open, 0);
}

TEST_P(StoreWritesTest, SameIdempotencyKeyKeepsTheFirstWrite) {
  CommitWithWrite("31", "31:v:same");
  const int64_t first_id = store_->ListWrites("31")->at(0).id;
  // The same ticket version triaged again (e.g. a replayed job): the job completes, no new write.
  CommitWithWrite("32", "31:v:same");
  Result<std::vector<WriteRecord>> all = store_->ListWrites("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].id, first_id);
  EXPECT_EQ((*all)[0].ticket_id, "31");
  EXPECT_EQ(store_->Stats()->jobs_done, 2);
  EXPECT_TRUE(store_->ListWrites("32")->empty());
}

TEST_P(StoreWritesTest, RetryLaterLeaseExpiryAndFinalStates) {
  CommitWithWrite("33", "33:v:k");
  CommitWithWrite("34", "34:v:k");
  Result<std::vector<WriteRecord>> claimed = store_->ClaimWrites("d1", 10, 1000, 2000);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ((*claimed)[0].ticket_id, "33");  // oldest first

  // A 429: back to planned, claimable again at 5000 only.
  ASSERT_TRUE(store_
                  ->FinishWrite((*claimed)[0].id, WriteState::kPlanned, "429", 5000,
                                MakeAudit("error", "33"))
                  .ok());
  EXPECT_EQ(OutcomesOf("33"), (std::vector<std::string>{"autofill", "pending", "autofill"}));
  // At 4000 only the in-flight write of 34 has an expired lease (held until 3000).
  Result<std::vector<WriteRecord>> expired = store_->ClaimWrites("d2", 10, 60000, 4000);
  ASSERT_TRUE(expired.ok());
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].ticket_id, "34");
  EXPECT_EQ((*expired)[0].attempts, 2);
  Result<std::vector<WriteRecord>> retried = store_->ClaimWrites("d2", 10, 1000, 5000);
  ASSERT_TRUE(retried.ok());
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ((*retried)[0].ticket_id, "33");
  EXPECT_EQ((*retried)[0].last_error, "429");
  EXPECT_EQ((*retried)[0].attempts, 2);

  ASSERT_TRUE(store_
                  ->FinishWrite((*retried)[0].id, WriteState::kSuperseded, "ticket changed", 0,
                                MakeAudit("superseded", "33"))
                  .ok());
  EXPECT_EQ(OutcomesOf("33"), (std::vector<std::string>{"superseded", "pending", "superseded"}));
  ASSERT_TRUE(store_
                  ->FinishWrite((*expired)[0].id, WriteState::kFailed, "400 bad field", 0,
                                MakeAudit("error", "34"))
                  .ok());
  EXPECT_EQ(OutcomesOf("34"), (std::vector<std::string>{"failed", "pending", "failed"}));
  EXPECT_EQ(store_->ListWrites("34")->at(0).last_error, "400 bad field");

  EXPECT_EQ(
      store_->FinishWrite((*expired)[0].id, WriteState::kInFlight, "", 0, AuditEntry()).code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->FinishWrite(999999, WriteState::kApplied, "", 0, AuditEntry()).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->Stats()->writes_open, 0);
}

TEST_P(StoreWritesTest, DecisionsListFiltersNewestFirstAndUpdates) {
  CommitWithWrite("40", "40:v:k");
  CommitWithWrite("41", "41:v:k");
  Result<std::vector<DecisionRecord>> all = store_->ListDecisions({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].ticket_id, "41");
  EXPECT_GT((*all)[0].id, (*all)[1].id);

  DecisionFilter pending;
  pending.outcome = "pending";
  Result<std::vector<DecisionRecord>> approvals = store_->ListDecisions(pending);
  ASSERT_TRUE(approvals.ok());
  ASSERT_EQ(approvals->size(), 2u);
  EXPECT_EQ((*approvals)[0].field, "priority");
  EXPECT_EQ((*approvals)[0].mode, "suggest");

  DecisionFilter page;
  page.ticket_id = "40";
  page.limit = 2;
  Result<std::vector<DecisionRecord>> first_page = store_->ListDecisions(page);
  ASSERT_TRUE(first_page.ok());
  ASSERT_EQ(first_page->size(), 2u);
  page.before_id = first_page->back().id;
  Result<std::vector<DecisionRecord>> second_page = store_->ListDecisions(page);
  ASSERT_TRUE(second_page.ok());
  ASSERT_EQ(second_page->size(), 1u);
  EXPECT_EQ((*second_page)[0].field, "group");

  const int64_t id = (*approvals)[0].id;
  ASSERT_TRUE(
      store_->UpdateDecisionOutcome(id, "rejected", "agent declined", MakeAudit("approval", "41"))
          .ok());
  Result<std::vector<DecisionRecord>> after = store_->DecisionsForTicket("41");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)[1].outcome, "rejected");
  EXPECT_EQ((*after)[1].reason, "agent declined");
  EXPECT_EQ(store_->UpdateDecisionOutcome(999999, "rejected", "", AuditEntry()).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->ListDecisions(pending)->size(), 1u);
}

}  // namespace
}  // namespace autotriage
