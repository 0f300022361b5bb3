// Store contract: the approval queue (PendingDecisions), human decisions on it (DecideApproval,
// ListApprovalActions), escalation, and approvers racing each other.
#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kDecidedMs = 61000;

ApprovalDecision Decision(const std::string& ticket, const std::string& version,
                          const std::vector<int64_t>& ids, const std::string& action,
                          const std::string& actor = "user:alice") {
  ApprovalDecision decision;
  decision.ticket_id = ticket;
  decision.ticket_version = version;
  decision.decision_ids = ids;
  decision.action = action;
  decision.actor = actor;
  decision.now_ms = kDecidedMs;
  decision.audit = {MakeAudit("approval", ticket, kDecidedMs)};
  return decision;
}

WriteRecord ApprovedWrite(const std::string& key) {
  WriteRecord write;
  write.idempotency_key = key;
  write.trace_id = "trace-approved";
  write.updates_json = "[{\"field\":\"group\",\"value\":\"Network\",\"old\":\"\"}]";
  write.note = "Approved by alice [autotriage:" + key + "]";
  return write;
}

std::vector<std::string> Keys(const std::vector<DecisionRecord>& decisions) {
  std::vector<std::string> keys;
  for (const DecisionRecord& d : decisions) {
    keys.push_back(d.ticket_id + "/" + d.ticket_version + "/" + d.field);
  }
  return keys;
}

std::vector<std::string> Outcomes(Store& store, const std::string& ticket) {
  std::vector<std::string> outcomes;
  for (const DecisionRecord& d : Must(store.DecisionsForTicket(ticket))) {
    outcomes.push_back(d.outcome);
  }
  return outcomes;
}

TEST_P(StoreContractTest, PendingDecisionsGroupNewestTicketVersionsFirst) {
  Propose(*store_, "1", "100", "Hardware", {"priority", "group"}, 1000);
  Propose(*store_, "2", "200", "Network", {"type"}, 2000);
  Propose(*store_, "3", "300", "Hardware", {"type", "group", "priority"}, 3000);
  const std::vector<int64_t> newer = Propose(*store_, "1", "101", "Hardware", {"group"}, 4000);

  Result<std::vector<DecisionRecord>> all = store_->PendingDecisions("", 10);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_THAT(Keys(*all), ElementsAre("1/101/group", "3/300/group", "3/300/priority", "3/300/type",
                                      "2/200/type", "1/100/group", "1/100/priority"));
  // A limit counts ticket versions, each with all its pending decisions.
  EXPECT_THAT(Keys(Must(store_->PendingDecisions("", 2))),
              ElementsAre("1/101/group", "3/300/group", "3/300/priority", "3/300/type"));
  EXPECT_THAT(Keys(Must(store_->PendingDecisions("Hardware", 2))),
              ElementsAre("1/101/group", "3/300/group", "3/300/priority", "3/300/type"));
  EXPECT_THAT(Keys(Must(store_->PendingDecisions("Network", 10))), ElementsAre("2/200/type"));
  EXPECT_TRUE(Must(store_->PendingDecisions("Software", 10)).empty());

  // Every column comes back as committed.
  const DecisionRecord& first = (*all)[0];
  EXPECT_EQ(first.id, newer[0]);
  EXPECT_EQ(first.trace_id, "trace-1");
  EXPECT_EQ(first.queue, "Hardware");
  EXPECT_EQ(first.old_value, "");
  EXPECT_EQ(first.new_value, "value-of-group");
  EXPECT_DOUBLE_EQ(first.confidence, 0.9375);
  EXPECT_DOUBLE_EQ(first.margin, 0.5);
  EXPECT_EQ(first.mode, "suggest");
  EXPECT_EQ(first.outcome, "pending");
  EXPECT_EQ(first.reason, "above threshold");
  EXPECT_EQ(first.explanation, "[{\"feature\":\"printer\",\"weight\":1.25}]");
  EXPECT_EQ(first.model_version, "group=abc123");
  EXPECT_EQ(first.created_ms, 4000);
  EXPECT_EQ(first.updated_ms, 4000);
  EXPECT_EQ(first.escalated_ms, 0);

  // A decided version leaves the queue.
  ASSERT_TRUE(store_->DecideApproval(Decision("1", "101", newer, approval_action::kRejected)).ok());
  EXPECT_THAT(Keys(Must(store_->PendingDecisions("", 1))),
              ElementsAre("3/300/group", "3/300/priority", "3/300/type"));
}

TEST_P(StoreContractTest, ApprovalPlansOneWriteAndSaysWhoDecided) {
  const std::vector<int64_t> ids = Propose(*store_, "10", "500", "Hardware", {"group", "type"});
  ApprovalDecision approve = Decision("10", "500", ids, approval_action::kApproved);
  approve.reason = "looks right";
  approve.write = ApprovedWrite("10:500:approved");
  const int64_t audit_before = store_->Stats()->audit_entries;
  ASSERT_TRUE(store_->DecideApproval(approve).ok());

  EXPECT_THAT(Outcomes(*store_, "10"), ElementsAre("approved", "approved"));
  EXPECT_EQ(store_->DecisionsForTicket("10")->at(0).updated_ms, kDecidedMs);
  Result<std::vector<WriteRecord>> writes = store_->ListWrites("10");
  ASSERT_TRUE(writes.ok()) << writes.status().ToString();
  ASSERT_EQ(writes->size(), 1u);
  EXPECT_EQ((*writes)[0].idempotency_key, "10:500:approved");
  EXPECT_EQ((*writes)[0].ticket_id, "10");
  EXPECT_EQ((*writes)[0].ticket_version, "500");
  EXPECT_EQ((*writes)[0].decision_ids, ids);  // none named: every decision of the approval
  EXPECT_EQ((*writes)[0].note, approve.write->note);
  EXPECT_EQ((*writes)[0].state, WriteState::kPlanned);

  Result<std::vector<ApprovalActionRecord>> actions = store_->ListApprovalActions("10", 10);
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  ASSERT_EQ(actions->size(), 2u);
  const ApprovalActionRecord& action = (*actions)[0];
  EXPECT_GT(action.id, 0);
  EXPECT_EQ(action.decision_id, ids[0]);
  EXPECT_EQ(action.ticket_id, "10");
  EXPECT_EQ(action.ticket_version, "500");
  EXPECT_EQ(action.queue, "Hardware");
  EXPECT_EQ(action.field, "group");
  EXPECT_EQ(action.proposed_value, "value-of-group");
  EXPECT_EQ(action.action, "approved");
  EXPECT_EQ(action.actor, "user:alice");
  EXPECT_EQ(action.reason, "looks right");
  EXPECT_EQ(action.human_value, "");
  EXPECT_EQ(action.proposed_ms, 1000);
  EXPECT_EQ(action.decided_ms, kDecidedMs);
  EXPECT_EQ((*actions)[1].field, "type");
  EXPECT_EQ(store_->Stats()->audit_entries, audit_before + 1);

  // A second approver is told who was first, and nothing changes.
  ApprovalDecision again = Decision("10", "500", ids, approval_action::kRejected, "slack:U2");
  Status late = store_->DecideApproval(again);
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition) << late.ToString();
  EXPECT_THAT(late.message(), HasSubstr("already approved by user:alice"));
  EXPECT_EQ(store_->ListApprovalActions("10", 10)->size(), 2u);
  EXPECT_EQ(store_->Stats()->audit_entries, audit_before + 1);

  // Once the dispatcher applied the write, the decisions say so and the human part stays.
  Result<std::vector<WriteRecord>> claimed = store_->ClaimWrites("d", 1, 1000, 70000);
  ASSERT_TRUE(claimed.ok() && claimed->size() == 1u);
  ASSERT_TRUE(store_
                  ->FinishWrite((*claimed)[0].id, WriteState::kApplied, "", 0,
                                MakeAudit("write_applied", "10"))
                  .ok());
  EXPECT_THAT(Outcomes(*store_, "10"), ElementsAre("applied", "applied"));
  late = store_->DecideApproval(again);
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.message(), HasSubstr("already applied (approved by user:alice)"));
}

TEST_P(StoreContractTest, EditedApprovalKeepsTheHumanValues) {
  const std::vector<int64_t> ids =
      Propose(*store_, "11", "600", "Hardware", {"group", "priority", "type"});
  ApprovalDecision edit = Decision("11", "600", ids, approval_action::kEdited, "token:ci");
  edit.human_values = {{ids[1], "Urgent \xE2\x80\x94 VIP"}};
  edit.write = ApprovedWrite("11:600:edited");
  edit.write->decision_ids = {ids[0], ids[1]};
  ASSERT_TRUE(store_->DecideApproval(edit).ok());

  EXPECT_THAT(Outcomes(*store_, "11"), ElementsAre("approved", "edited", "approved"));
  Result<std::vector<ApprovalActionRecord>> actions = store_->ListApprovalActions("", 10);
  ASSERT_TRUE(actions.ok());
  ASSERT_EQ(actions->size(), 3u);
  EXPECT_EQ((*actions)[0].action, "approved");
  EXPECT_EQ((*actions)[1].action, "edited");
  EXPECT_EQ((*actions)[1].proposed_value, "value-of-priority");
  EXPECT_EQ((*actions)[1].human_value, "Urgent \xE2\x80\x94 VIP");
  EXPECT_EQ((*actions)[1].actor, "token:ci");
  EXPECT_EQ((*actions)[2].human_value, "");
  EXPECT_EQ(store_->ListWrites("11")->at(0).decision_ids, (std::vector<int64_t>{ids[0], ids[1]}));

  // The newest `limit` actions, oldest first.
  Result<std::vector<ApprovalActionRecord>> newest = store_->ListApprovalActions("11", 2);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].field, "priority");
  EXPECT_EQ((*newest)[1].field, "type");
  EXPECT_TRUE(store_->ListApprovalActions("12", 10)->empty());
}

TEST_P(StoreContractTest, RejectExpireAndSupersedePlanNoWrite) {
  const std::vector<int64_t> rejected = Propose(*store_, "20", "1", "Q", {"group"});
  const std::vector<int64_t> expired = Propose(*store_, "21", "1", "Q", {"group", "type"});
  const std::vector<int64_t> superseded = Propose(*store_, "22", "1", "Q", {"type"});
  ApprovalDecision reject = Decision("20", "1", rejected, approval_action::kRejected);
  reject.reason = "wrong team";
  ASSERT_TRUE(store_->DecideApproval(reject).ok());
  ASSERT_TRUE(
      store_->DecideApproval(Decision("21", "1", expired, approval_action::kExpired, "system"))
          .ok());
  ASSERT_TRUE(
      store_
          ->DecideApproval(Decision("22", "1", superseded, approval_action::kSuperseded, "system"))
          .ok());
  EXPECT_THAT(Outcomes(*store_, "20"), ElementsAre("rejected"));
  EXPECT_THAT(Outcomes(*store_, "21"), ElementsAre("expired", "expired"));
  EXPECT_THAT(Outcomes(*store_, "22"), ElementsAre("superseded"));
  EXPECT_EQ(store_->ListApprovalActions("20", 10)->at(0).reason, "wrong team");
  EXPECT_EQ(store_->ListApprovalActions("21", 10)->at(1).actor, "system");
  EXPECT_TRUE(store_->ListWrites("")->empty());
  EXPECT_TRUE(store_->PendingDecisions("", 10)->empty());
  EXPECT_THAT(
      store_->DecideApproval(Decision("20", "1", rejected, approval_action::kApproved)).message(),
      HasSubstr("already rejected by user:alice"));
}

TEST_P(StoreContractTest, DecideApprovalRefusesBadDecisionsAndChangesNothing) {
  const std::vector<int64_t> ids = Propose(*store_, "30", "7", "Q", {"group", "type"});
  const std::vector<int64_t> other = Propose(*store_, "31", "7", "Q", {"group"});
  const int64_t audit_before = store_->Stats()->audit_entries;
  const auto refused = [&](ApprovalDecision decision, StatusCode code, const std::string& why) {
    Status status = store_->DecideApproval(decision);
    EXPECT_EQ(status.code(), code) << why << ": " << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr(why));
  };
  refused(Decision("30", "7", ids, "maybe"), StatusCode::kInvalidArgument, "unknown approval");
  refused(Decision("30", "7", {}, approval_action::kApproved), StatusCode::kInvalidArgument,
          "names no decisions");
  refused(Decision("30", "7", {ids[0], ids[0]}, approval_action::kApproved),
          StatusCode::kInvalidArgument, "twice");
  refused(Decision("30", "7", {ids[0], other[0]}, approval_action::kApproved),
          StatusCode::kInvalidArgument, "belongs to ticket 31");
  refused(Decision("30", "8", ids, approval_action::kApproved), StatusCode::kInvalidArgument,
          "version 7, not 30 version 8");
  refused(Decision("30", "7", {ids[0], 999999}, approval_action::kApproved), StatusCode::kNotFound,
          "decision 999999");
  ApprovalDecision edit = Decision("30", "7", ids, approval_action::kEdited);
  refused(edit, StatusCode::kInvalidArgument, "at least one human value");
  edit.human_values = {{other[0], "x"}};
  refused(edit, StatusCode::kInvalidArgument, "does not name");
  ApprovalDecision values = Decision("30", "7", ids, approval_action::kApproved);
  values.human_values = {{ids[0], "x"}};
  refused(values, StatusCode::kInvalidArgument, "only for the action edited");
  ApprovalDecision rejected = Decision("30", "7", ids, approval_action::kRejected);
  rejected.write = ApprovedWrite("30:7");
  refused(rejected, StatusCode::kInvalidArgument, "plans no write");
  ApprovalDecision keyless = Decision("30", "7", ids, approval_action::kApproved);
  keyless.write = ApprovedWrite("");
  refused(keyless, StatusCode::kInvalidArgument, "idempotency key");
  ApprovalDecision foreign = Decision("30", "7", ids, approval_action::kApproved);
  foreign.write = ApprovedWrite("30:7");
  foreign.write->decision_ids = {other[0]};
  refused(foreign, StatusCode::kInvalidArgument, "carries decision");

  // A decision decided already spoils the whole call: the others stay pending.
  ASSERT_TRUE(
      store_->DecideApproval(Decision("30", "7", {ids[1]}, approval_action::kRejected)).ok());
  ApprovalDecision both = Decision("30", "7", ids, approval_action::kApproved);
  both.write = ApprovedWrite("30:7");
  refused(both, StatusCode::kFailedPrecondition, "already rejected");
  EXPECT_THAT(Outcomes(*store_, "30"), ElementsAre("pending", "rejected"));
  EXPECT_THAT(Outcomes(*store_, "31"), ElementsAre("pending"));
  EXPECT_TRUE(store_->ListWrites("")->empty());
  EXPECT_EQ(store_->ListApprovalActions("", 10)->size(), 1u);
  EXPECT_EQ(store_->Stats()->audit_entries, audit_before + 1);
}

TEST_P(StoreContractTest, ApprovalWithATakenWriteKeyKeepsTheFirstWrite) {
  const std::vector<int64_t> first = Propose(*store_, "40", "1", "Q", {"group"});
  const std::vector<int64_t> second = Propose(*store_, "41", "1", "Q", {"group"});
  ApprovalDecision a = Decision("40", "1", first, approval_action::kApproved);
  a.write = ApprovedWrite("shared-key");
  ASSERT_TRUE(store_->DecideApproval(a).ok());
  ApprovalDecision b = Decision("41", "1", second, approval_action::kApproved);
  b.write = ApprovedWrite("shared-key");
  ASSERT_TRUE(store_->DecideApproval(b).ok());
  Result<std::vector<WriteRecord>> writes = store_->ListWrites("");
  ASSERT_TRUE(writes.ok());
  ASSERT_EQ(writes->size(), 1u);
  EXPECT_EQ((*writes)[0].ticket_id, "40");
  EXPECT_THAT(Outcomes(*store_, "41"), ElementsAre("approved"));
}

// Approvers on two Store instances (two nodes, or the dashboard and Slack) press at once:
// exactly one wins, and one write is planned.
TEST_P(StoreContractTest, ConcurrentApproversOneWins) {
  const std::vector<int64_t> ids =
      Propose(*store_, "50", "9", "Hardware", {"group", "priority", "type"});
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  constexpr int kThreads = 32;
  std::vector<Status> results(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Store& store = i % 2 == 0 ? *store_ : *other;
      ApprovalDecision decision = Decision(
          "50", "9", ids, i % 3 == 0 ? approval_action::kRejected : approval_action::kApproved,
          "user:u" + std::to_string(i));
      if (decision.action == approval_action::kApproved) {
        decision.write = ApprovedWrite("50:9:" + std::to_string(i));
      }
      if (i % 4 == 1) {
        decision.audit.clear();  // no audit lock either: row locks alone must decide
      }
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
        std::this_thread::yield();
      }
      results[i] = store.DecideApproval(decision);
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  int won = -1;
  for (int i = 0; i < kThreads; ++i) {
    if (results[i].ok()) {
      EXPECT_EQ(won, -1) << "threads " << won << " and " << i << " both decided";
      won = i;
    } else {
      EXPECT_EQ(results[i].code(), StatusCode::kFailedPrecondition) << results[i].ToString();
      EXPECT_THAT(results[i].message(), HasSubstr("already"));
    }
  }
  ASSERT_NE(won, -1);
  const bool approved = won % 3 != 0;
  EXPECT_EQ(store_->ListWrites("50")->size(), approved ? 1u : 0u);
  Result<std::vector<ApprovalActionRecord>> actions = store_->ListApprovalActions("50", 100);
  ASSERT_TRUE(actions.ok());
  ASSERT_EQ(actions->size(), ids.size());
  for (const ApprovalActionRecord& action : *actions) {
    EXPECT_EQ(action.actor, "user:u" + std::to_string(won));
  }
  const AuditVerifyReport report = VerifyTrail(*store_);
  EXPECT_TRUE(report.ok) << report.problem;
}

TEST_P(StoreContractTest, EscalationMarksPendingDecisionsOnce) {
  const std::vector<int64_t> ids = Propose(*store_, "60", "1", "Q", {"group", "type"});
  const std::vector<int64_t> decided = Propose(*store_, "61", "1", "Q", {"group"});
  ASSERT_TRUE(
      store_->DecideApproval(Decision("61", "1", decided, approval_action::kRejected)).ok());
  const int64_t audit_before = store_->Stats()->audit_entries;

  Result<int> changed = store_->MarkEscalated({ids[0], ids[1], decided[0], 999999}, 90000,
                                              MakeAudit("approval_escalated", "60", 90000));
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(*changed, 2);
  EXPECT_EQ(store_->Stats()->audit_entries, audit_before + 1);
  for (const DecisionRecord& d : Must(store_->PendingDecisions("", 10))) {
    EXPECT_EQ(d.escalated_ms, 90000);
  }
  EXPECT_EQ(store_->DecisionsForTicket("61")->at(0).escalated_ms, 0);

  // Already escalated (here or on another node): nothing changes and nothing is audited.
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  changed = other->MarkEscalated(ids, 95000, MakeAudit("approval_escalated", "60", 95000));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, 0);
  EXPECT_EQ(store_->Stats()->audit_entries, audit_before + 1);
  EXPECT_EQ(store_->DecisionsForTicket("60")->at(0).escalated_ms, 90000);
  EXPECT_EQ(*store_->MarkEscalated({}, 1, AuditEntry()), 0);
}

}  // namespace
}  // namespace autotriage
