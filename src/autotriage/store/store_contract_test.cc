// Store contract: the fixture, helpers, and the schema / migration / cursor / override tests.
#include "autotriage/store/store_contract_test.h"

#include <gmock/gmock.h>

#include <thread>

namespace autotriage {

std::string CurrentTestTag() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string tag = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : tag) {
    if (c == '/') {
      c = '_';
    }
  }
  return tag;
}

void StoreContractTest::SetUp() {
  db_ = GetParam().make(CurrentTestTag());
  if (db_ == nullptr) {
    return;  // skipped (or failed) by the backend
  }
  Result<std::unique_ptr<Store>> store = OpenStore(db_->config());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(*store);
}

std::unique_ptr<TestDatabase> StoreContractTest::FreshDatabase(const std::string& suffix) {
  return GetParam().make(CurrentTestTag() + "_" + suffix);
}

std::unique_ptr<Store> StoreContractTest::OpenAnother() {
  Result<std::unique_ptr<Store>> store = OpenStore(db_->config());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

Job StoreContractTest::ClaimOne(int64_t now_ms, int64_t lease_ms) {
  Result<std::vector<Job>> jobs = store_->ClaimJobs("worker", 1, lease_ms, now_ms);
  EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
  if (!jobs.ok() || jobs->size() != 1) {
    ADD_FAILURE() << "expected to claim exactly one job";
    return Job();
  }
  return (*jobs)[0];
}

InboxEvent MakeEvent(const std::string& ticket, const std::string& version, size_t payload_bytes,
                     int64_t received_ms) {
  InboxEvent event;
  event.source = "webhook:freshdesk";
  event.ticket_id = ticket;
  event.version = version;
  event.payload = "{\"ticket_id\":\"" + ticket + "\",\"pad\":\"";
  event.payload.append(
      payload_bytes > event.payload.size() + 2 ? payload_bytes - event.payload.size() - 2 : 0, 'x');
  event.payload += "\"}";
  event.trace_id = "trace-" + ticket + "-" + version;
  event.received_ms = received_ms;
  return event;
}

DecisionRecord MakeDecision(const std::string& ticket, const std::string& field,
                            const std::string& outcome) {
  DecisionRecord decision;
  decision.trace_id = "trace-" + ticket;
  decision.ticket_id = ticket;
  decision.ticket_version = "1700000000";
  decision.queue = "Hardware";
  decision.field = field;
  decision.old_value = "";
  decision.new_value = "value-of-" + field;
  decision.confidence = 0.9375;
  decision.margin = 0.5;
  decision.mode = outcome == "pending" ? "suggest" : "autofill";
  decision.outcome = outcome;
  decision.reason = "above threshold";
  decision.explanation = "[{\"feature\":\"printer\",\"weight\":1.25}]";
  decision.model_version = "group=abc123";
  return decision;
}

AuditEntry MakeAudit(const std::string& kind, const std::string& ticket, int64_t time_ms) {
  AuditEntry entry;
  entry.time_ms = time_ms;
  entry.kind = kind;
  entry.trace_id = "trace-" + ticket;
  entry.ticket_id = ticket;
  entry.model_version = "group=abc123";
  entry.detail = "{\"ticket\":\"" + ticket + "\"}";
  return entry;
}

std::vector<int64_t> Propose(Store& store, const std::string& ticket, const std::string& version,
                             const std::string& queue, const std::vector<std::string>& fields,
                             int64_t created_ms) {
  if (!store.Enqueue({MakeEvent(ticket, "event-" + version)}).ok()) {
    ADD_FAILURE() << "cannot enqueue ticket " << ticket;
    return {};
  }
  Result<std::vector<Job>> jobs = store.ClaimJobs("worker", 1, 60000, 2000);
  if (!jobs.ok() || jobs->size() != 1 || (*jobs)[0].ticket_id != ticket) {
    ADD_FAILURE() << "expected to claim the job of ticket " << ticket;
    return {};
  }
  TriageCommit commit;
  commit.job_id = (*jobs)[0].id;
  for (const std::string& field : fields) {
    DecisionRecord decision = MakeDecision(ticket, field, "pending");
    decision.ticket_version = version;
    decision.queue = queue;
    decision.created_ms = created_ms;
    commit.decisions.push_back(decision);
  }
  Status committed = store.CommitTriage(commit, created_ms);
  if (!committed.ok()) {
    ADD_FAILURE() << committed.ToString();
    return {};
  }
  std::vector<int64_t> ids;
  Result<std::vector<DecisionRecord>> decisions = store.DecisionsForTicket(ticket);
  if (!decisions.ok()) {
    ADD_FAILURE() << decisions.status().ToString();
    return {};
  }
  for (const DecisionRecord& decision : *decisions) {
    if (decision.ticket_version == version) {
      ids.push_back(decision.id);
    }
  }
  EXPECT_EQ(ids.size(), fields.size());
  return ids;
}

Status DowngradeToSchema4(TestDatabase& db) {
  return db.Exec(
      "DROP TABLE cluster_members; DROP TABLE problem_proposals; "
      "DELETE FROM schema_migrations WHERE version = 5");
}

Status DowngradeToSchema3(TestDatabase& db) {
  AUTOTRIAGE_RETURN_IF_ERROR(DowngradeToSchema4(db));
  return db.Exec(
      "DROP TABLE outcomes; DROP TABLE corrections; DROP TABLE resolutions; "
      "DELETE FROM schema_migrations WHERE version = 4");
}

Status DowngradeToSchema2(TestDatabase& db) {
  AUTOTRIAGE_RETURN_IF_ERROR(DowngradeToSchema3(db));
  return db.Exec(
      "DROP TABLE approval_actions; DROP TABLE matrix_cells; DROP TABLE users; "
      "DROP TABLE sessions; DROP TABLE api_tokens; DROP TABLE setup_token; "
      "DROP TABLE slack_messages; DROP INDEX decisions_pending_queue; "
      "DROP INDEX decisions_created; ALTER TABLE decisions DROP COLUMN escalated_ms; "
      "DELETE FROM schema_migrations WHERE version = 3");
}

AuditVerifyReport VerifyTrail(Store& store, int chunk) {
  AuditVerifier verifier;
  int64_t after = 0;
  while (true) {
    Result<std::vector<AuditEntry>> entries = store.ReadAudit(after, chunk);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    if (!entries.ok() || entries->empty()) {
      break;
    }
    for (const AuditEntry& entry : *entries) {
      verifier.Add(entry);
    }
    after = entries->back().seq;
  }
  return verifier.Finish();
}

namespace {

using ::testing::HasSubstr;

TEST_P(StoreContractTest, ReportsBackendAndSchemaVersion) {
  EXPECT_EQ(store_->backend(), GetParam().name);
  EXPECT_EQ(store_->schema_version(), 5);
  Result<int64_t> versions = db_->QueryInt("SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ(*versions, 5);
  Result<int64_t> newest = db_->QueryInt("SELECT MAX(version) FROM schema_migrations");
  ASSERT_TRUE(newest.ok()) << newest.status().ToString();
  EXPECT_EQ(*newest, 5);
}

TEST_P(StoreContractTest, ConcurrentOpenOnAFreshDatabaseMigratesOnce) {
  std::unique_ptr<TestDatabase> fresh = FreshDatabase("fresh");
  ASSERT_NE(fresh, nullptr);
  constexpr int kThreads = 6;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Result<std::unique_ptr<Store>> store = OpenStore(fresh->config());
      results[i] = store.ok() ? Status::Ok() : store.status();
      if (store.ok()) {
        // Each opener can use the schema at once.
        results[i] = (*store)->SetCursor("opener-" + std::to_string(i), "ok");
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (const Status& status : results) {
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  Result<int64_t> versions = fresh->QueryInt("SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ(*versions, 5);
  Result<int64_t> cursors = fresh->QueryInt("SELECT COUNT(*) FROM cursors");
  ASSERT_TRUE(cursors.ok());
  EXPECT_EQ(*cursors, kThreads);
}

TEST_P(StoreContractTest, RefusesADatabaseWithANewerSchema) {
  ASSERT_TRUE(
      db_->Exec("INSERT INTO schema_migrations (version, applied_ms) VALUES (999, 0)").ok());
  Result<std::unique_ptr<Store>> store = OpenStore(db_->config());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("999"));
}

TEST_P(StoreContractTest, CursorsAreUpsertedAndSharedBetweenInstances) {
  Result<std::optional<std::string>> missing = store_->GetCursor("poll:rt");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(store_->SetCursor("poll:rt", "2024-01-01T00:00:00Z").ok());
  ASSERT_TRUE(store_->SetCursor("poll:rt", "2024-02-01T00:00:00Z").ok());
  ASSERT_TRUE(store_->SetCursor("poll:freshdesk", "17").ok());
  EXPECT_EQ(store_->SetCursor("", "x").code(), StatusCode::kInvalidArgument);
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  Result<std::optional<std::string>> value = other->GetCursor("poll:rt");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or(""), "2024-02-01T00:00:00Z");
  EXPECT_EQ(other->GetCursor("poll:freshdesk")->value_or(""), "17");
}

TEST_P(StoreContractTest, OverridesAreRememberedPerTicketOldestFirst) {
  OverrideRecord first{"42", "group", "Hardware", "Network", 1000};
  OverrideRecord second{"42", "priority", "High", "Low", 2000};
  OverrideRecord other{"43", "group", "Hardware", "Software", 3000};
  ASSERT_TRUE(store_->RecordOverride(first, MakeAudit("override", "42")).ok());
  ASSERT_TRUE(store_->RecordOverride(second, MakeAudit("override", "42")).ok());
  ASSERT_TRUE(store_->RecordOverride(other, AuditEntry()).ok());  // no audit entry
  EXPECT_EQ(store_->RecordOverride({"", "group", "a", "b", 0}, AuditEntry()).code(),
            StatusCode::kInvalidArgument);

  Result<std::vector<OverrideRecord>> overrides = store_->OverridesForTicket("42");
  ASSERT_TRUE(overrides.ok()) << overrides.status().ToString();
  ASSERT_EQ(overrides->size(), 2u);
  EXPECT_EQ((*overrides)[0].field, "group");
  EXPECT_EQ((*overrides)[0].rejected_value, "Hardware");
  EXPECT_EQ((*overrides)[0].human_value, "Network");
  EXPECT_EQ((*overrides)[0].created_ms, 1000);
  EXPECT_EQ((*overrides)[1].field, "priority");
  EXPECT_TRUE(store_->OverridesForTicket("44")->empty());
  EXPECT_EQ(store_->Stats()->audit_entries, 2);
}

TEST_P(StoreContractTest, StatsCountJobsWritesDecisionsAndAudit) {
  Result<StoreStats> empty = store_->Stats();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->jobs_pending, 0);
  EXPECT_EQ(empty->audit_entries, 0);

  ASSERT_TRUE(store_
                  ->Enqueue({MakeEvent("1", "v"), MakeEvent("2", "v"), MakeEvent("3", "v"),
                             MakeEvent("3", "v")})
                  .ok());
  const Job done = ClaimOne(2000);
  const Job failed = ClaimOne(2000);
  ClaimOne(2000);  // stays running
  TriageCommit commit;
  commit.job_id = done.id;
  commit.decisions = {MakeDecision(done.ticket_id, "group", "autofill"),
                      MakeDecision(done.ticket_id, "priority", "pending")};
  commit.write = WriteRecord{};
  commit.write->idempotency_key = "key-stats";
  commit.write->ticket_id = done.ticket_id;
  ASSERT_TRUE(store_->CommitTriage(commit, 3000).ok());
  ASSERT_TRUE(store_->FailJob(failed.id, "boom", true, 0, MakeAudit("error", "2")).ok());

  Result<StoreStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->jobs_pending, 0);
  EXPECT_EQ(stats->jobs_running, 1);
  EXPECT_EQ(stats->jobs_done, 1);
  EXPECT_EQ(stats->jobs_failed, 1);
  EXPECT_EQ(stats->writes_open, 1);
  EXPECT_EQ(stats->decisions, 2);
  EXPECT_EQ(stats->audit_entries, 5);  // 4 events received + 1 error
}

TEST_P(StoreContractTest, QueuesCountOnlyPendingJobsAndOpenWrites) {
  Result<QueueDepth> empty = store_->Queues();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->jobs_pending, 0);
  EXPECT_EQ(empty->writes_open, 0);

  ASSERT_TRUE(
      store_->Enqueue({MakeEvent("1", "v"), MakeEvent("2", "v"), MakeEvent("3", "v")}).ok());
  Result<QueueDepth> three = store_->Queues();
  ASSERT_TRUE(three.ok()) << three.status().ToString();
  EXPECT_EQ(three->jobs_pending, 3);

  const Job done = ClaimOne(2000);
  ClaimOne(2000);  // running: no longer waiting in the inbox
  TriageCommit commit;
  commit.job_id = done.id;
  commit.decisions = {MakeDecision(done.ticket_id, "group", "autofill")};
  commit.write = WriteRecord{};
  commit.write->idempotency_key = "key-queues";
  commit.write->ticket_id = done.ticket_id;
  ASSERT_TRUE(store_->CommitTriage(commit, 3000).ok());

  Result<QueueDepth> depth = store_->Queues();
  ASSERT_TRUE(depth.ok()) << depth.status().ToString();
  EXPECT_EQ(depth->jobs_pending, 1);
  EXPECT_EQ(depth->writes_open, 1);
  Result<StoreStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(depth->jobs_pending, stats->jobs_pending);
  EXPECT_EQ(depth->writes_open, stats->writes_open);
}

}  // namespace
}  // namespace autotriage
