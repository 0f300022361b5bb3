// Store contract: outcomes of decisions (one per decision), the corrections log (idempotent per
// ticket, field, label and source), resolved tickets (once per ticket), their KPI counts by UTC
// day, how the counts perform with 100,000 outcomes, and the upgrade of a schema-3 database.
#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// 2023-11-14T22:13:20Z; the next UTC day starts 2h46m40s later.
constexpr int64_t kDay0Ms = 1700000000000;
constexpr int64_t kDay1StartMs = 1700006400000;

OutcomeRecord MakeOutcome(int64_t decision_id, const std::string& ticket, const std::string& queue,
                          const std::string& field, const std::string& mode,
                          const std::string& kind, int64_t observed_ms) {
  OutcomeRecord o;
  o.decision_id = decision_id;
  o.ticket_id = ticket;
  o.queue = queue;
  o.field = field;
  o.mode = mode;
  o.kind = kind;
  o.engine_value = "Hardware";
  o.human_value = kind == outcome_kind::kReplaced ? "Network" : "";
  o.observed_ms = observed_ms;
  return o;
}

std::string Row(const OutcomeCountRow& r) {
  return r.day + " " + r.queue + " " + r.field + " " + r.mode + " " + r.kind + " " +
         std::to_string(r.count);
}

std::string Row(const ResolutionCountRow& r) {
  return r.day + " " + r.queue + " " + std::to_string(r.resolved) + " fcr " +
         std::to_string(r.first_contact) + " " +
         std::to_string(static_cast<int64_t>(r.mean_resolve_seconds)) + "s";
}

template <typename RowType>
std::vector<std::string> Rows(const std::vector<RowType>& rows) {
  std::vector<std::string> out;
  for (const RowType& row : rows) {
    out.push_back(Row(row));
  }
  return out;
}

TEST_P(StoreOutcomesTest, AnOutcomeIsRecordedOncePerDecisionWithItsAudit) {
  const OutcomeRecord first =
      MakeOutcome(7, "42", "Hardware", "group", "suggest", outcome_kind::kReplaced, kDay0Ms);
  EXPECT_TRUE(Must(store_->RecordOutcome(first, MakeAudit("outcome", "42"))));
  // The same decision again (another node, a replayed webhook): the first stays, no audit.
  OutcomeRecord again = first;
  again.kind = outcome_kind::kAccepted;
  EXPECT_FALSE(Must(store_->RecordOutcome(again, MakeAudit("outcome", "42"))));
  EXPECT_TRUE(Must(store_->RecordOutcome(
      MakeOutcome(8, "42", "Hardware", "type", "autofill", outcome_kind::kAccepted, kDay0Ms),
      AuditEntry())));
  EXPECT_EQ(store_->Stats()->audit_entries, 1);

  const std::vector<OutcomeRecord> outcomes = Must(store_->OutcomesForTicket("42"));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].decision_id, 7);
  EXPECT_EQ(outcomes[0].kind, "replaced");
  EXPECT_EQ(outcomes[0].mode, "suggest");
  EXPECT_EQ(outcomes[0].engine_value, "Hardware");
  EXPECT_EQ(outcomes[0].human_value, "Network");
  EXPECT_EQ(outcomes[0].observed_ms, kDay0Ms);
  EXPECT_EQ(outcomes[1].decision_id, 8);
  EXPECT_TRUE(Must(store_->OutcomesForTicket("43")).empty());
}

TEST_P(StoreOutcomesTest, BadOutcomesCorrectionsAndResolutionsAreRefusedByName) {
  OutcomeRecord bad = MakeOutcome(1, "42", "Q", "group", "suggest", "maybe", kDay0Ms);
  Result<bool> refused = store_->RecordOutcome(bad, AuditEntry());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("maybe"));
  bad.kind = outcome_kind::kAccepted;
  bad.decision_id = 0;
  EXPECT_EQ(store_->RecordOutcome(bad, AuditEntry()).status().code(), StatusCode::kInvalidArgument);

  CorrectionRecord c{0, "42", "Q", "group", "Network", "guessed", "printer on fire", kDay0Ms};
  Status status = store_->AppendCorrection(c);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("guessed"));
  c.source = correction_source::kReplaced;
  c.label = "";
  EXPECT_EQ(store_->AppendCorrection(c).code(), StatusCode::kInvalidArgument);
  c.label = "Network";
  c.text = std::string("bad \xC3", 5);  // a truncated UTF-8 sequence
  EXPECT_EQ(store_->AppendCorrection(c).code(), StatusCode::kInvalidArgument);

  ResolutionRecord r;
  r.ticket_id = "42";
  EXPECT_EQ(store_->RecordResolution(r, AuditEntry()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(Must(store_->ListCorrections(0, 10)).empty());
  EXPECT_EQ(store_->Stats()->audit_entries, 0);
}

TEST_P(StoreOutcomesTest, OutcomesAreCountedByDayQueueFieldModeAndKind) {
  int64_t id = 0;
  const auto add = [&](const std::string& queue, const std::string& field, const std::string& mode,
                       const std::string& kind, int64_t observed_ms) {
    ++id;
    ASSERT_TRUE(store_
                    ->RecordOutcome(MakeOutcome(id, "t" + std::to_string(id), queue, field, mode,
                                                kind, observed_ms),
                                    AuditEntry())
                    .ok());
  };
  add("Hardware", "group", "autofill", "accepted", kDay0Ms);
  add("Hardware", "group", "autofill", "accepted", kDay0Ms + 1000);
  add("Hardware", "group", "autofill", "reverted", kDay0Ms + 2000);
  add("Hardware", "group", "suggest", "skipped", kDay0Ms + 3000);
  add("Access", "type", "suggest", "replaced", kDay1StartMs);
  add("Hardware", "group", "autofill", "accepted", kDay1StartMs + 5);

  EXPECT_THAT(Rows(Must(store_->CountOutcomes(0))),
              ElementsAre("2023-11-14 Hardware group autofill accepted 2",
                          "2023-11-14 Hardware group autofill reverted 1",
                          "2023-11-14 Hardware group suggest skipped 1",
                          "2023-11-15 Access type suggest replaced 1",
                          "2023-11-15 Hardware group autofill accepted 1"));
  EXPECT_THAT(Rows(Must(store_->CountOutcomes(kDay1StartMs))),
              ElementsAre("2023-11-15 Access type suggest replaced 1",
                          "2023-11-15 Hardware group autofill accepted 1"));
  EXPECT_TRUE(Must(store_->CountOutcomes(kDay1StartMs + 10)).empty());
}

TEST_P(StoreOutcomesTest, CorrectionsAreIdempotentAndListedInPages) {
  const CorrectionRecord first{
      0,      "42", "Hardware", "group", "Network", "edited", "Subject\n\nThe VPN drops every hour",
      kDay0Ms};
  ASSERT_TRUE(store_->AppendCorrection(first).ok());
  ASSERT_TRUE(store_->AppendCorrection(first).ok());  // repeated: kept once
  CorrectionRecord other = first;
  other.source = correction_source::kHumanSet;  // another source: its own row
  ASSERT_TRUE(store_->AppendCorrection(other).ok());
  other.field = "priority";
  other.label = "High";
  other.observed_ms = 0;  // now
  ASSERT_TRUE(store_->AppendCorrection(other).ok());

  const std::vector<CorrectionRecord> all = Must(store_->ListCorrections(0, 0));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_GT(all[0].id, 0);
  EXPECT_LT(all[0].id, all[1].id);
  EXPECT_EQ(all[0].ticket_id, "42");
  EXPECT_EQ(all[0].queue, "Hardware");
  EXPECT_EQ(all[0].field, "group");
  EXPECT_EQ(all[0].label, "Network");
  EXPECT_EQ(all[0].source, "edited");
  EXPECT_EQ(all[0].text, "Subject\n\nThe VPN drops every hour");
  EXPECT_EQ(all[0].observed_ms, kDay0Ms);
  EXPECT_EQ(all[1].source, "human_set");
  EXPECT_EQ(all[2].label, "High");
  EXPECT_GT(all[2].observed_ms, kDay0Ms);

  const std::vector<CorrectionRecord> page = Must(store_->ListCorrections(all[0].id, 1));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, all[1].id);
  EXPECT_TRUE(Must(store_->ListCorrections(all[2].id, 10)).empty());
  // The log is no audit trail: corrections append no entry.
  EXPECT_EQ(store_->Stats()->audit_entries, 0);
}

TEST_P(StoreOutcomesTest, ResolutionsAreRecordedOnceAndCountedWithFcrAndTimeToResolve) {
  const auto resolve = [&](const std::string& ticket, const std::string& queue, int64_t created,
                           int64_t resolved, bool fcr) {
    ResolutionRecord r;
    r.ticket_id = ticket;
    r.queue = queue;
    r.created_ms = created;
    r.resolved_ms = resolved;
    r.conversations = fcr ? 1 : 4;
    r.first_contact = fcr;
    return Must(store_->RecordResolution(r, MakeAudit("ticket_resolved", ticket)));
  };
  EXPECT_TRUE(resolve("1", "Hardware", kDay0Ms - 3600000, kDay0Ms, true));
  EXPECT_TRUE(resolve("2", "Hardware", kDay0Ms - 7200000, kDay0Ms + 10, false));
  EXPECT_FALSE(resolve("2", "Hardware", 0, kDay0Ms + 99, true));  // already recorded
  EXPECT_TRUE(resolve("3", "Access", kDay1StartMs - 60000, kDay1StartMs, false));
  EXPECT_EQ(store_->Stats()->audit_entries, 3);

  EXPECT_THAT(Rows(Must(store_->CountResolutions(0))),
              ElementsAre("2023-11-14 Hardware 2 fcr 1 5400s", "2023-11-15 Access 1 fcr 0 60s"));
  EXPECT_THAT(Rows(Must(store_->CountResolutions(kDay1StartMs))),
              ElementsAre("2023-11-15 Access 1 fcr 0 60s"));
}

constexpr char kBulkOutcomesSql[] = R"sql(
WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO outcomes (decision_id, ticket_id, queue, field, mode, kind, engine_value,
  human_value, observed_ms)
SELECT i + 1, 'bulk' || (i / 4), 'Q' || (i / 4 % 7), 'f' || (i % 4),
  CASE WHEN i % 2 = 0 THEN 'autofill' ELSE 'suggest' END,
  CASE WHEN i % 5 = 0 THEN 'replaced' WHEN i % 11 = 0 THEN 'reverted'
       WHEN i % 13 = 0 THEN 'skipped' ELSE 'accepted' END,
  'v', '', 1700000000000 + i * 60000 FROM n
)sql";

// The KPI page and the demotion check count outcomes over a window: with 100,000 outcomes
// stored (70 days at one a minute) a 14-day window and the whole table stay within budget.
TEST_P(StoreOutcomesTest, OutcomeCountsStayFastWith100kOutcomes) {
  for (const char* sql : {kBulkOutcomesSql, "ANALYZE"}) {
    const Status done = db_->Exec(sql);
    ASSERT_TRUE(done.ok()) << done.ToString();
  }
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
  int64_t counted = 0;
  const double window_ms = best_of(3, [&] {
    counted = 0;
    for (const OutcomeCountRow& row :
         Must(store_->CountOutcomes(1700000000000 + (100000LL - 14 * 1440) * 60000))) {
      counted += row.count;
    }
  });
  EXPECT_EQ(counted, 14 * 1440);
  const double all_ms = best_of(3, [&] {
    counted = 0;
    for (const OutcomeCountRow& row : Must(store_->CountOutcomes(0))) {
      counted += row.count;
    }
  });
  EXPECT_EQ(counted, 100000);
  std::cout << "[ figures  ] " << GetParam().name << " with 100k outcomes: counts of 14 days "
            << window_ms << " ms, of all " << all_ms << " ms\n";
  EXPECT_LT(window_ms, 200);
  EXPECT_LT(all_ms, 500);
}

TEST_P(StoreOutcomesTest, UpgradeFromSchema3AddsOutcomesAndKeepsApprovals) {
  const std::vector<int64_t> ids = Propose(*store_, "90", "1", "Hardware", {"group"});
  ASSERT_TRUE(
      store_->SetMatrixCell({"Hardware", "group", "suggest", "user:a", 1}, AuditEntry()).ok());
  store_.reset();
  const Status downgraded = DowngradeToSchema3(*db_);
  ASSERT_TRUE(downgraded.ok()) << downgraded.ToString();
  ASSERT_EQ(Must(db_->QueryInt("SELECT MAX(version) FROM schema_migrations")), 3);

  std::unique_ptr<Store> upgraded = OpenAnother();
  ASSERT_NE(upgraded, nullptr);
  EXPECT_EQ(Must(db_->QueryInt("SELECT MAX(version) FROM schema_migrations")), 5);
  EXPECT_EQ(Must(upgraded->PendingDecisions("", 10)).size(), 1u);
  EXPECT_EQ(Must(upgraded->ListMatrixCells()).size(), 1u);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(Must(upgraded->RecordOutcome(
      MakeOutcome(ids[0], "90", "Hardware", "group", "suggest", outcome_kind::kSkipped, kDay0Ms),
      AuditEntry())));
  EXPECT_TRUE(
      upgraded->AppendCorrection({0, "90", "Hardware", "group", "Network", "replaced", "", kDay0Ms})
          .ok());
}

}  // namespace
}  // namespace autotriage
