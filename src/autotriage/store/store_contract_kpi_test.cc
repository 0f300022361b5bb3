// Store contract: run-time autonomy matrix cells, the KPI counts by UTC day, how the approval
// queue and the counts perform with 100,000 decisions stored, and the upgrade of a schema-2
// database.
#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;

// 2023-11-14T22:13:20Z; the next UTC day starts 2h46m40s later.
constexpr int64_t kDay0Ms = 1700000000000;
constexpr int64_t kDay1StartMs = 1700006400000;

Status Decide(Store& store, const std::string& ticket, const std::vector<int64_t>& ids,
              const std::string& action, int64_t now_ms) {
  ApprovalDecision decision;
  decision.ticket_id = ticket;
  decision.ticket_version = "1";
  decision.decision_ids = ids;
  decision.action = action;
  decision.actor = "user:alice";
  decision.now_ms = now_ms;
  return store.DecideApproval(decision);
}

std::string Row(const DecisionCountRow& r) {
  return r.day + " " + r.queue + " " + r.field + " " + r.outcome + " " + std::to_string(r.count);
}

std::string Row(const ApprovalCountRow& r) {
  return r.day + " " + r.queue + " " + r.field + " " + r.action + " " + std::to_string(r.count) +
         " " + std::to_string(static_cast<int>(r.mean_decide_seconds * 10)) + "ds";
}

template <typename RowType>
std::vector<std::string> Rows(const std::vector<RowType>& rows) {
  std::vector<std::string> out;
  for (const RowType& row : rows) {
    out.push_back(Row(row));
  }
  return out;
}

TEST_P(StoreContractTest, MatrixCellsAreReplacedPerQueueAndField) {
  EXPECT_TRUE(Must(store_->ListMatrixCells()).empty());
  ASSERT_TRUE(store_
                  ->SetMatrixCell({"Hardware", "group", "autofill", "user:alice", 2000},
                                  MakeAudit("matrix_cell", ""))
                  .ok());
  ASSERT_TRUE(
      store_->SetMatrixCell({"*", "priority", "suggest", "user:alice", 3000}, AuditEntry()).ok());
  ASSERT_TRUE(store_
                  ->SetMatrixCell({"Hardware", "group", "monitor", "user:bob", 4000},
                                  MakeAudit("matrix_cell", ""))
                  .ok());
  std::vector<MatrixCellRecord> cells = Must(store_->ListMatrixCells());
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].queue, "*");
  EXPECT_EQ(cells[0].field, "priority");
  EXPECT_EQ(cells[0].mode, "suggest");
  EXPECT_EQ(cells[1].queue, "Hardware");
  EXPECT_EQ(cells[1].field, "group");
  EXPECT_EQ(cells[1].mode, "monitor");
  EXPECT_EQ(cells[1].actor, "user:bob");
  EXPECT_EQ(cells[1].updated_ms, 4000);
  EXPECT_EQ(store_->Stats()->audit_entries, 2);

  Status bad = store_->SetMatrixCell({"Hardware", "group", "yolo", "user:bob", 0}, AuditEntry());
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("yolo"));
  EXPECT_EQ(store_->SetMatrixCell({"", "group", "off", "", 0}, AuditEntry()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Must(store_->ListMatrixCells())[1].mode, "monitor");
}

TEST_P(StoreContractTest, KpiCountsGroupByUtcDayQueueFieldAndOutcome) {
  const std::vector<int64_t> a =
      Propose(*store_, "70", "1", "Hardware", {"group", "type"}, kDay0Ms);
  const std::vector<int64_t> b =
      Propose(*store_, "71", "1", "Network", {"group"}, kDay1StartMs + 1000);
  const std::vector<int64_t> c =
      Propose(*store_, "72", "1", "Hardware", {"group"}, kDay1StartMs + 2000);
  const std::vector<int64_t> d =
      Propose(*store_, "73", "1", "Network", {"group"}, kDay1StartMs + 3000);
  ASSERT_TRUE(Decide(*store_, "70", a, approval_action::kApproved, kDay0Ms + 90000).ok());
  ASSERT_TRUE(
      Decide(*store_, "71", b, approval_action::kRejected, kDay1StartMs + 1000 + 30000).ok());
  ASSERT_TRUE(
      Decide(*store_, "73", d, approval_action::kRejected, kDay1StartMs + 3000 + 60000).ok());

  EXPECT_THAT(Rows(Must(store_->CountDecisions(0))),
              ::testing::ElementsAre(
                  "2023-11-14 Hardware group approved 1", "2023-11-14 Hardware type approved 1",
                  "2023-11-15 Hardware group pending 1", "2023-11-15 Network group rejected 2"));
  EXPECT_THAT(Rows(Must(store_->CountDecisions(kDay1StartMs + 1500))),
              ::testing::ElementsAre("2023-11-15 Hardware group pending 1",
                                     "2023-11-15 Network group rejected 1"));
  // Mean time to decide: 90 s for the approval, (30 + 60) / 2 s for the two rejections.
  EXPECT_THAT(Rows(Must(store_->CountApprovalActions(0))),
              ::testing::ElementsAre("2023-11-14 Hardware group approved 1 900ds",
                                     "2023-11-14 Hardware type approved 1 900ds",
                                     "2023-11-15 Network group rejected 2 450ds"));
  EXPECT_THAT(Rows(Must(store_->CountApprovalActions(kDay1StartMs + 40000))),
              ::testing::ElementsAre("2023-11-15 Network group rejected 1 600ds"));
  EXPECT_TRUE(Must(store_->CountApprovalActions(kDay1StartMs + 90000000)).empty());
  EXPECT_EQ(c.size(), 1u);
}

// 100,000 decisions of 25,000 ticket versions a minute apart in 7 queues, every 20th version
// pending; SQL both backends run (i is a BIGINT: the timestamps exceed 32 bits).
constexpr char kBulkDecisionsSql[] = R"sql(
WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO decisions (job_id, trace_id, ticket_id, ticket_version, queue, field, old_value,
  new_value, confidence, margin, mode, outcome, reason, explanation, model_version, created_ms,
  updated_ms)
SELECT i / 4, 'trace', 'bulk' || (i / 4), '1700000000', 'Q' || (i / 4 % 7), 'f' || (i % 4), '',
  'v', 0.5, 0.1, 'suggest',
  CASE WHEN i / 4 % 20 = 0 THEN 'pending' WHEN i % 3 = 0 THEN 'rejected' ELSE 'applied' END,
  'r', '[]', 'm', 1700000000000 + i * 60000, 1700000000000 + i * 60000 FROM n
)sql";
constexpr char kBulkApprovalActionsSql[] = R"sql(
WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
INSERT INTO approval_actions (decision_id, ticket_id, ticket_version, queue, field,
  proposed_value, action, actor, reason, human_value, proposed_ms, decided_ms)
SELECT i, 'bulk' || (i / 4), '1700000000', 'Q' || (i / 4 % 7), 'f' || (i % 4), 'v', 'approved',
  'user:alice', '', '', 1700000000000 + i * 300000, 1700000000000 + i * 300000 + 120000 FROM n
)sql";

// The approval queue and the KPI page stay quick with 100,000 decisions (5,000 of them pending)
// and 20,000 approval actions: the dashboard's budget is 100 ms per page on the server.
TEST_P(StoreContractTest, QueueAndKpisStayFastWith100kDecisions) {
  for (const char* sql : {kBulkDecisionsSql, kBulkApprovalActionsSql, "ANALYZE"}) {
    const Status done = db_->Exec(sql);
    ASSERT_TRUE(done.ok()) << done.ToString();
  }
  ASSERT_EQ(store_->Stats()->decisions, 100000);

  const auto best_of = [](int runs, const std::function<void()>& call) {
    double best = 1e9;
    for (int i = 0; i < runs; ++i) {
      const auto start = std::chrono::steady_clock::now();
      call();
      best = std::min(
          best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
    }
    return best;
  };
  const double page_ms =
      best_of(5, [&] { EXPECT_EQ(Must(store_->PendingDecisions("", 50)).size(), 200u); });
  const double queue_ms =
      best_of(5, [&] { EXPECT_EQ(Must(store_->PendingDecisions("Q3", 50)).size(), 200u); });
  const double week_ms = best_of(3, [&] {
    EXPECT_FALSE(Must(store_->CountDecisions(1700000000000 + 93000LL * 60000)).empty());
  });
  const double all_ms = best_of(3, [&] { EXPECT_FALSE(Must(store_->CountDecisions(0)).empty()); });
  const double actions_ms =
      best_of(3, [&] { EXPECT_FALSE(Must(store_->CountApprovalActions(0)).empty()); });
  std::cout << "[ figures  ] " << GetParam().name << " with 100k decisions: pending page "
            << page_ms << " ms, one queue " << queue_ms << " ms, decision counts of a week "
            << week_ms << " ms, of all " << all_ms << " ms, approval counts " << actions_ms
            << " ms\n";
  // The budget with room for a loaded test machine; a full scan per page would exceed it.
  EXPECT_LT(page_ms, 100);
  EXPECT_LT(queue_ms, 100);
  EXPECT_LT(week_ms, 100);
  EXPECT_LT(all_ms, 500);
  EXPECT_LT(actions_ms, 500);
}

TEST_P(StoreContractTest, UpgradeFromSchema2KeepsDecisionsAndAddsApprovals) {
  const std::vector<int64_t> ids = Propose(*store_, "80", "1", "Hardware", {"group", "type"});
  ASSERT_TRUE(store_->SetCursor("poll:rt", "17").ok());
  store_.reset();
  const Status downgraded = DowngradeToSchema2(*db_);
  ASSERT_TRUE(downgraded.ok()) << downgraded.ToString();
  ASSERT_EQ(Must(db_->QueryInt("SELECT MAX(version) FROM schema_migrations")), 2);

  std::unique_ptr<Store> upgraded = OpenAnother();
  ASSERT_NE(upgraded, nullptr);
  EXPECT_EQ(Must(db_->QueryInt("SELECT MAX(version) FROM schema_migrations")), 5);
  EXPECT_EQ(Must(db_->QueryInt("SELECT COUNT(*) FROM schema_migrations")), 5);
  const std::vector<DecisionRecord> pending = Must(upgraded->PendingDecisions("", 10));
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].id, ids[0]);
  EXPECT_EQ(pending[0].escalated_ms, 0);
  EXPECT_EQ(Must(upgraded->GetCursor("poll:rt")).value_or(""), "17");
  ASSERT_TRUE(Decide(*upgraded, "80", ids, approval_action::kApproved, 5000).ok());
  EXPECT_EQ(Must(upgraded->ListApprovalActions("80", 10)).size(), 2u);
  UserRecord admin;
  admin.name = "admin";
  admin.role = "admin";
  EXPECT_TRUE(upgraded->AddUser(admin, AuditEntry()).ok());
  const AuditVerifyReport report = VerifyTrail(*upgraded);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 1);  // the proposal's event received
}

}  // namespace
}  // namespace autotriage
