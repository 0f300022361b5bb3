// Store contract: the audit chain under concurrency, and tampering through raw SQL.
#include <gmock/gmock.h>

#include <thread>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {

void StoreAuditTest::AppendEntries(int count) {
  for (int i = 1; i <= count; ++i) {
    ASSERT_TRUE(store_->AppendAudit({MakeAudit("decision", "t" + std::to_string(i), i)}).ok());
  }
}

namespace {

using ::testing::HasSubstr;

TEST_P(StoreAuditTest, AppendFillsTheChainAndReadPagesThroughIt) {
  ASSERT_TRUE(
      store_->AppendAudit({MakeAudit("prediction", "1"), AuditEntry(), MakeAudit("decision", "1")})
          .ok());
  Result<std::vector<AuditEntry>> entries = store_->ReadAudit(0, 10);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);  // the entry without a kind is not appended
  EXPECT_EQ((*entries)[0].seq, 1);
  EXPECT_EQ((*entries)[0].prev_hash, kAuditGenesisHash);
  EXPECT_EQ((*entries)[0].hash, AuditHash((*entries)[0]));
  EXPECT_EQ((*entries)[1].seq, 2);
  EXPECT_EQ((*entries)[1].prev_hash, (*entries)[0].hash);
  EXPECT_EQ((*entries)[1].detail, "{\"ticket\":\"1\"}");
  EXPECT_EQ((*entries)[1].model_version, "group=abc123");
  EXPECT_EQ(store_->ReadAudit(1, 10)->size(), 1u);
  EXPECT_EQ(store_->ReadAudit(0, 1)->size(), 1u);
  EXPECT_TRUE(store_->ReadAudit(2, 10)->empty());
  EXPECT_TRUE(store_->AppendAudit({}).ok());
}

TEST_P(StoreAuditTest, ChainAppendedFromManyThreadsAndTwoInstancesVerifies) {
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  constexpr int kThreads = 8;
  constexpr int kRounds = 40;
  std::vector<std::thread> threads;
  std::vector<Status> errors(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 == 0 ? store_.get() : other.get();
    threads.emplace_back([&, store, t] {
      for (int r = 0; r < kRounds && errors[t].ok(); ++r) {
        const std::string ticket = std::to_string(t * 1000 + r);
        if (r % 4 == 0) {
          // Event intake appends its own entries, interleaved with plain appends.
          Result<std::vector<EnqueueResult>> enqueued = store->Enqueue({MakeEvent(ticket, "v")});
          errors[t] = enqueued.ok() ? Status::Ok() : enqueued.status();
        } else {
          errors[t] =
              store->AppendAudit({MakeAudit("prediction", ticket), MakeAudit("decision", ticket)});
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (const Status& error : errors) {
    ASSERT_TRUE(error.ok()) << error.ToString();
  }
  const int64_t expected = kThreads * (kRounds / 4 + kRounds * 3 / 4 * 2);
  const AuditVerifyReport report = VerifyTrail(*store_, 97);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, expected);
  EXPECT_EQ(store_->Stats()->audit_entries, expected);
}

TEST_P(StoreAuditTest, DetectsAnEditedRecord) {
  AppendEntries(10);
  ASSERT_TRUE(VerifyTrail(*store_).ok);
  ASSERT_TRUE(db_->Exec("UPDATE audit SET detail = '{\"forged\":true}' WHERE seq = 5").ok());
  const AuditVerifyReport report = VerifyTrail(*store_, 3);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 5);
  EXPECT_THAT(report.problem, HasSubstr("record 5 was edited"));
  EXPECT_EQ(report.entries, 10);
}

TEST_P(StoreAuditTest, DetectsARemovedRecord) {
  AppendEntries(10);
  ASSERT_TRUE(db_->Exec("DELETE FROM audit WHERE seq = 6").ok());
  const AuditVerifyReport report = VerifyTrail(*store_, 4);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 6);
  EXPECT_THAT(report.problem, HasSubstr("record 6 is missing"));
}

TEST_P(StoreAuditTest, DetectsARemovedRecordWhenTheRestWasRenumbered) {
  AppendEntries(10);
  ASSERT_TRUE(db_->Exec("DELETE FROM audit WHERE seq = 6").ok());
  // Two steps so that no intermediate state collides on the primary key.
  ASSERT_TRUE(db_->Exec("UPDATE audit SET seq = -seq WHERE seq > 6").ok());
  ASSERT_TRUE(db_->Exec("UPDATE audit SET seq = -seq - 1 WHERE seq < 0").ok());
  const AuditVerifyReport report = VerifyTrail(*store_);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 6);
  EXPECT_THAT(report.problem, HasSubstr("record 6 is missing"));
}

TEST_P(StoreAuditTest, DetectsReorderedRecords) {
  AppendEntries(10);
  // Swap the contents of records 3 and 4 (each keeps its position's seq).
  ASSERT_TRUE(db_->Exec("UPDATE audit SET seq = -seq WHERE seq IN (3, 4)").ok());
  ASSERT_TRUE(db_->Exec("UPDATE audit SET seq = 7 + seq WHERE seq IN (-3, -4)").ok());
  const AuditVerifyReport report = VerifyTrail(*store_);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 3);
  EXPECT_THAT(report.problem, HasSubstr("records 3 and 4 were reordered"));
}

TEST_P(StoreAuditTest, DetectsAnInsertedRecord) {
  AppendEntries(10);
  // A forged record 11 with a correct hash, then "moved" to position 5.
  Result<std::vector<AuditEntry>> four = store_->ReadAudit(3, 1);
  ASSERT_TRUE(four.ok());
  AuditEntry forged = MakeAudit("decision", "forged", 5);
  forged.seq = 5;
  forged.prev_hash = four->at(0).hash;
  forged.hash = AuditHash(forged);
  ASSERT_TRUE(db_->Exec("UPDATE audit SET seq = -seq WHERE seq >= 5").ok());
  ASSERT_TRUE(db_->Exec("UPDATE audit SET seq = -seq + 1 WHERE seq < 0").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO audit (seq, time_ms, kind, trace_id, ticket_id, "
                        "model_version, input_hash, detail, prev_hash, hash) VALUES (5, 5, "
                        "'decision', 'trace-forged', 'forged', 'group=abc123', '', "
                        "'{\"ticket\":\"forged\"}', '" +
                        forged.prev_hash + "', '" + forged.hash + "')")
                  .ok());
  const AuditVerifyReport report = VerifyTrail(*store_);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 5);
  EXPECT_THAT(report.problem, HasSubstr("record 5 was inserted"));
}

}  // namespace
}  // namespace autotriage
