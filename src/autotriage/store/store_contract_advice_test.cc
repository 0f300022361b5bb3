// Store contract: the engine's advice (KB articles, similar tickets, assignees, summary) stored
// with a triage commit, and the upgrade of a schema-1 database that has no advice table.
#include <gmock/gmock.h>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;

AdviceRecord MakeAdvice(const std::string& ticket, const std::string& json,
                        int64_t created_ms = 0) {
  AdviceRecord advice;
  advice.ticket_id = ticket;
  advice.ticket_version = "1700000000";
  advice.trace_id = "trace-" + ticket;
  advice.advice_json = json;
  advice.created_ms = created_ms;
  return advice;
}

// Enqueues `ticket` at `version` and claims it; the test fails when another job comes first.
Job EnqueueAndClaim(Store& store, const std::string& ticket, const std::string& version) {
  EXPECT_TRUE(store.Enqueue({MakeEvent(ticket, version)}).ok());
  Result<std::vector<Job>> jobs = store.ClaimJobs("worker", 1, 60000, 2000);
  EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
  if (!jobs.ok() || jobs->size() != 1 || (*jobs)[0].ticket_id != ticket) {
    ADD_FAILURE() << "expected to claim the job of ticket " << ticket;
    return Job();
  }
  return (*jobs)[0];
}

TriageCommit CommitOf(const Job& job, std::optional<AdviceRecord> advice) {
  TriageCommit commit;
  commit.job_id = job.id;
  commit.decisions = {MakeDecision(job.ticket_id, "group", "pending")};
  commit.advice = std::move(advice);
  return commit;
}

// The advice of `ticket`, or a failed test and nullopt.
std::optional<AdviceRecord> Latest(Store& store, const std::string& ticket) {
  Result<std::optional<AdviceRecord>> advice = store.LatestAdvice(ticket);
  EXPECT_TRUE(advice.ok()) << advice.status().ToString();
  return advice.ok() ? *advice : std::nullopt;
}

// An integer the test database answers, or a failed test and -1.
int64_t QueryInt(TestDatabase& db, const std::string& sql) {
  Result<int64_t> value = db.QueryInt(sql);
  EXPECT_TRUE(value.ok()) << sql << ": " << value.status().ToString();
  return value.ok() ? *value : -1;
}

TEST_P(StoreContractTest, AdviceIsCommittedWithTheTriageAndReadBack) {
  const Job job = EnqueueAndClaim(*store_, "50", "v");
  const std::string json =
      R"({"kb":[{"id":"kb-7","title":"Printer offline","score":0.82}],)"
      R"("similar":[{"ticket_id":"12","score":0.71}],)"
      R"("assignees":[{"agent":"ana","reasons":["closed 14 similar"]}],"summary":"Printer down"})";
  AdviceRecord advice = MakeAdvice("50", json);  // created_ms 0: the commit's time
  ASSERT_TRUE(store_->CommitTriage(CommitOf(job, advice), 1500).ok());

  const std::optional<AdviceRecord> stored = Latest(*store_, "50");
  ASSERT_TRUE(stored.has_value());
  EXPECT_GT(stored->id, 0);
  EXPECT_EQ(stored->ticket_id, "50");
  EXPECT_EQ(stored->ticket_version, "1700000000");
  EXPECT_EQ(stored->trace_id, "trace-50");
  EXPECT_EQ(stored->advice_json, json);
  EXPECT_EQ(stored->created_ms, 1500);
  EXPECT_EQ(store_->GetJob(job.id)->state, JobState::kDone);
  EXPECT_EQ(store_->DecisionsForTicket("50")->size(), 1u);

  // Another node sees it, with the created_ms the engine gave.
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  const std::optional<AdviceRecord> seen = Latest(*other, "50");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->id, stored->id);
  EXPECT_EQ(seen->advice_json, json);
}

TEST_P(StoreContractTest, TicketWithoutAdviceHasNone) {
  EXPECT_FALSE(Latest(*store_, "never-seen").has_value());
  const Job job = EnqueueAndClaim(*store_, "51", "v");
  ASSERT_TRUE(store_->CommitTriage(CommitOf(job, std::nullopt), 1500).ok());
  EXPECT_FALSE(Latest(*store_, "51").has_value());
  EXPECT_EQ(store_->DecisionsForTicket("51")->size(), 1u);
  Result<std::optional<AdviceRecord>> no_ticket = store_->LatestAdvice("");
  ASSERT_FALSE(no_ticket.ok());
  EXPECT_EQ(no_ticket.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, NewestAdviceOfATicketWins) {
  // Two jobs of one ticket version (webhook and poller name the version differently): both
  // advices are kept and the later commit is the answer, even with an older created_ms.
  const Job first = EnqueueAndClaim(*store_, "52", "webhook-hash");
  ASSERT_TRUE(
      store_->CommitTriage(CommitOf(first, MakeAdvice("52", R"({"n":1})", 5000)), 1500).ok());
  const Job second = EnqueueAndClaim(*store_, "52", "1700000000");
  ASSERT_TRUE(
      store_->CommitTriage(CommitOf(second, MakeAdvice("52", R"({"n":2})", 4000)), 1600).ok());
  const Job other = EnqueueAndClaim(*store_, "53", "v");
  ASSERT_TRUE(store_->CommitTriage(CommitOf(other, MakeAdvice("53", R"({"n":3})")), 1700).ok());

  const std::optional<AdviceRecord> latest = Latest(*store_, "52");
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->advice_json, R"({"n":2})");
  EXPECT_EQ(latest->created_ms, 4000);
  const std::optional<AdviceRecord> of_other = Latest(*store_, "53");
  ASSERT_TRUE(of_other.has_value());
  EXPECT_GT(of_other->id, latest->id);
  EXPECT_EQ(of_other->advice_json, R"({"n":3})");
  Result<int64_t> rows = db_->QueryInt("SELECT COUNT(*) FROM advice WHERE ticket_id = '52'");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, 2);
}

TEST_P(StoreContractTest, ACommitThatFailsStoresNoAdvice) {
  const Job job = EnqueueAndClaim(*store_, "54", "v");
  ASSERT_TRUE(store_->CommitTriage(CommitOf(job, MakeAdvice("54", R"({"n":1})")), 1500).ok());
  // The job is done: a late second commit (a worker whose lease expired) changes nothing.
  Status again = store_->CommitTriage(CommitOf(job, MakeAdvice("54", R"({"n":2})")), 1600);
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition) << again.ToString();
  EXPECT_EQ(Latest(*store_, "54").value_or(AdviceRecord()).advice_json, R"({"n":1})");
  EXPECT_EQ(store_->DecisionsForTicket("54")->size(), 1u);

  // A job never claimed (pending) takes no commit either.
  Result<std::vector<EnqueueResult>> enqueued = store_->Enqueue({MakeEvent("55", "v")});
  ASSERT_TRUE(enqueued.ok()) << enqueued.status().ToString();
  Job pending_job;
  pending_job.id = enqueued->at(0).job_id;
  pending_job.ticket_id = "55";
  Status pending =
      store_->CommitTriage(CommitOf(pending_job, MakeAdvice("55", R"({"n":3})")), 1700);
  EXPECT_EQ(pending.code(), StatusCode::kFailedPrecondition) << pending.ToString();
  EXPECT_FALSE(Latest(*store_, "55").has_value());
  EXPECT_TRUE(store_->DecisionsForTicket("55")->empty());
  Result<int64_t> rows = db_->QueryInt("SELECT COUNT(*) FROM advice");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, 1);
}

TEST_P(StoreContractTest, AdviceTheStoreCannotKeepIsRefusedWithNothingStored) {
  const Job job = EnqueueAndClaim(*store_, "56", "v");
  static constexpr char kWithNul[] = "{\"a\":\"x\0y\"}";
  const std::vector<std::pair<AdviceRecord, std::string>> refused = {
      {MakeAdvice("", "{}"), "ticket id"},
      {MakeAdvice("56", ""), "no JSON"},
      {MakeAdvice("56", std::string(kWithNul, sizeof(kWithNul) - 1)), "NUL"},
      {MakeAdvice("56", "{\"a\":\"\xC3\x28\"}"), "UTF-8"},      // broken two-byte sequence
      {MakeAdvice("56", "{\"a\":\"\xED\xA0\x80\"}"), "UTF-8"},  // a UTF-16 surrogate
  };
  for (const auto& [advice, why] : refused) {
    Status status = store_->CommitTriage(CommitOf(job, advice), 1500);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << why << ": " << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr(why));
  }
  // Nothing of the refused commits is stored and the job can still be committed.
  EXPECT_TRUE(store_->DecisionsForTicket("56")->empty());
  EXPECT_EQ(store_->GetJob(job.id)->state, JobState::kRunning);
  ASSERT_TRUE(store_->CommitTriage(CommitOf(job, MakeAdvice("56", "{}")), 1500).ok());
  EXPECT_EQ(Latest(*store_, "56").value_or(AdviceRecord()).advice_json, "{}");
}

TEST_P(StoreContractTest, MegabyteAdviceRoundTripsByteForByte) {
  // Multi-byte UTF-8 (2, 3 and 4 bytes), escaped quotes and backslashes, newlines, and the
  // characters SQL quoting cares about.
  const std::string piece =
      "{\"title\":\"Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \\\"quoted\\\" back\\\\slash "
      "it's; -- DROP\",\"score\":0.5},\n";
  std::string json = "{\"kb\":[\n";
  while (json.size() < (size_t{1} << 20)) {
    json += piece;
  }
  json += "{}],\"summary\":\"end\"}";
  const Job job = EnqueueAndClaim(*store_, "57", "v");
  ASSERT_TRUE(store_->CommitTriage(CommitOf(job, MakeAdvice("57", json)), 1500).ok());
  const std::optional<AdviceRecord> stored = Latest(*store_, "57");
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->advice_json.size(), json.size());
  EXPECT_TRUE(stored->advice_json == json) << "the megabyte document changed on the way";
}

TEST_P(StoreContractTest, UpgradeFromSchema1KeepsDataAndAddsAdvice) {
  const Job job = EnqueueAndClaim(*store_, "58", "v");
  TriageCommit commit = CommitOf(job, std::nullopt);
  commit.audit = {MakeAudit("decision", "58", 1500)};
  ASSERT_TRUE(store_->CommitTriage(commit, 1500).ok());
  ASSERT_TRUE(store_->SetCursor("poll:rt", "17").ok());
  store_.reset();
  // Back to what schema 1 was: migration 3 undone, and migration 2 only added the advice table
  // and its index.
  const Status downgraded = DowngradeToSchema2(*db_);
  ASSERT_TRUE(downgraded.ok()) << downgraded.ToString();
  ASSERT_TRUE(db_->Exec("DROP TABLE advice; DELETE FROM schema_migrations WHERE version = 2").ok());
  ASSERT_EQ(QueryInt(*db_, "SELECT MAX(version) FROM schema_migrations"), 1);

  std::unique_ptr<Store> upgraded = OpenAnother();
  ASSERT_NE(upgraded, nullptr);
  EXPECT_EQ(QueryInt(*db_, "SELECT MAX(version) FROM schema_migrations"), 5);
  EXPECT_EQ(QueryInt(*db_, "SELECT COUNT(*) FROM schema_migrations"), 5);
  // The data written under schema 1 is all there.
  EXPECT_EQ(upgraded->GetJob(job.id)->state, JobState::kDone);
  EXPECT_EQ(upgraded->DecisionsForTicket("58")->size(), 1u);
  EXPECT_EQ(upgraded->GetCursor("poll:rt")->value_or(""), "17");
  const AuditVerifyReport report = VerifyTrail(*upgraded);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 2);  // event received + decision
  // And advice works on the upgraded database.
  EXPECT_FALSE(Latest(*upgraded, "58").has_value());
  const Job next = EnqueueAndClaim(*upgraded, "59", "v");
  ASSERT_TRUE(upgraded->CommitTriage(CommitOf(next, MakeAdvice("59", "{}")), 1600).ok());
  EXPECT_TRUE(Latest(*upgraded, "59").has_value());
  upgraded.reset();

  // The first version after this one is refused, naming itself.
  ASSERT_TRUE(db_->Exec("INSERT INTO schema_migrations (version, applied_ms) VALUES (6, 0)").ok());
  Result<std::unique_ptr<Store>> newer = OpenStore(db_->config());
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(newer.status().message(), HasSubstr("schema version 6"));
}

}  // namespace
}  // namespace autotriage
