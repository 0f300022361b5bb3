// Store contract: inbox, job collapse, leases, takeover, triage commits, retries, throughput.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

TEST_P(StoreContractTest, EnqueueCollapsesEventsOfTheSameTicketVersion) {
  Result<std::vector<EnqueueResult>> first = store_->Enqueue({MakeEvent("7", "v1")});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE((*first)[0].new_job);

  Result<std::vector<EnqueueResult>> again = store_->Enqueue({MakeEvent("7", "v1")});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)[0].new_job);
  EXPECT_EQ((*again)[0].job_id, (*first)[0].job_id);

  Result<std::vector<EnqueueResult>> newer = store_->Enqueue({MakeEvent("7", "v2")});
  ASSERT_TRUE(newer.ok());
  EXPECT_TRUE((*newer)[0].new_job);
  EXPECT_NE((*newer)[0].job_id, (*first)[0].job_id);

  // Within one batch too: results in input order, one job per distinct key.
  Result<std::vector<EnqueueResult>> batch = store_->Enqueue(
      {MakeEvent("8", "v1"), MakeEvent("8", "v1"), MakeEvent("9", "v1"), MakeEvent("7", "v2")});
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 4u);
  EXPECT_TRUE((*batch)[0].new_job);
  EXPECT_FALSE((*batch)[1].new_job);
  EXPECT_EQ((*batch)[1].job_id, (*batch)[0].job_id);
  EXPECT_TRUE((*batch)[2].new_job);
  EXPECT_FALSE((*batch)[3].new_job);
  EXPECT_EQ((*batch)[3].job_id, (*newer)[0].job_id);

  Result<Job> job = store_->GetJob((*first)[0].job_id);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->events, 2);
  EXPECT_EQ(job->ticket_id, "7");
  EXPECT_EQ(job->version, "v1");
  EXPECT_EQ(job->source, "webhook:freshdesk");
  EXPECT_EQ(job->trace_id, "trace-7-v1");
  EXPECT_EQ(job->state, JobState::kPending);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_EQ(store_->GetJob((*batch)[0].job_id)->events, 2);
  EXPECT_EQ(store_->GetJob((*newer)[0].job_id)->events, 2);
  EXPECT_EQ(store_->Stats()->jobs_pending, 4);
  EXPECT_EQ(store_->Stats()->audit_entries, 7);  // one event_received per event
  EXPECT_EQ(store_->GetJob(999999).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreContractTest, EnqueueRejectsAnIncompleteBatchWhole) {
  InboxEvent bad = MakeEvent("5", "v1");
  bad.version.clear();
  Result<std::vector<EnqueueResult>> result = store_->Enqueue({MakeEvent("4", "v1"), bad});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Stats()->jobs_pending, 0);
  EXPECT_EQ(store_->Stats()->audit_entries, 0);
  EXPECT_TRUE(store_->Enqueue({})->empty());
}

TEST_P(StoreContractTest, ClaimsOldestFirstAndTakesOverExpiredLeases) {
  ASSERT_TRUE(
      store_->Enqueue({MakeEvent("1", "v"), MakeEvent("2", "v"), MakeEvent("3", "v")}).ok());
  Result<std::vector<Job>> first = store_->ClaimJobs("w1", 2, 500, 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].ticket_id, "1");
  EXPECT_EQ((*first)[1].ticket_id, "2");
  EXPECT_EQ((*first)[0].attempts, 1);
  EXPECT_EQ((*first)[0].state, JobState::kRunning);

  Result<std::vector<Job>> rest = store_->ClaimJobs("w1", 5, 500, 1100);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].ticket_id, "3");
  EXPECT_TRUE(store_->ClaimJobs("w1", 5, 500, 1499)->empty());  // all leased

  // w1 died: at 1500 the first two leases have expired, the third (until 1600) has not.
  Result<std::vector<Job>> taken = store_->ClaimJobs("w2", 5, 500, 1500);
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->size(), 2u);
  EXPECT_EQ((*taken)[0].id, (*first)[0].id);
  EXPECT_EQ((*taken)[0].attempts, 2);

  // Whichever holder commits first wins; the second commit is refused.
  TriageCommit commit;
  commit.job_id = (*taken)[0].id;
  commit.decisions = {MakeDecision("1", "group", "recorded")};
  ASSERT_TRUE(store_->CommitTriage(commit, 1600).ok());
  Status second = store_->CommitTriage(commit, 1700);
  EXPECT_EQ(second.code(), StatusCode::kFailedPrecondition) << second.ToString();
  EXPECT_EQ(store_->DecisionsForTicket("1")->size(), 1u);
  EXPECT_EQ(store_->GetJob(commit.job_id)->state, JobState::kDone);
  // A done job is never claimed again, however late.
  Result<std::vector<Job>> later = store_->ClaimJobs("w3", 5, 500, 1000000);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 2u);
  for (const Job& job : *later) {
    EXPECT_NE(job.id, commit.job_id);
  }
  EXPECT_EQ(store_->ClaimJobs("w", 0, 500, 1).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, CommitTriageStoresEverythingAtomically) {
  ASSERT_TRUE(store_->Enqueue({MakeEvent("10", "v")}).ok());
  const Job job = ClaimOne(1000);
  TriageCommit commit;
  commit.job_id = job.id;
  commit.decisions = {MakeDecision("10", "group", "autofill"),
                      MakeDecision("10", "priority", "pending"),
                      MakeDecision("10", "type", "autofill")};
  commit.write = WriteRecord{};
  commit.write->idempotency_key = "10:v:abc";
  commit.write->trace_id = "trace-10";
  commit.write->ticket_id = "10";
  commit.write->ticket_version = "v";
  commit.write->updates_json = "[{\"field\":\"group\",\"value\":\"Hardware\"}]";
  commit.write->note = "[autotriage:10:v:abc] set group";
  commit.audit = {MakeAudit("prediction", "10"), MakeAudit("decision", "10")};

  // Atomicity: with the audit table gone the commit fails at its last step and leaves nothing.
  ASSERT_TRUE(db_->Exec("ALTER TABLE audit RENAME TO audit_gone").ok());
  EXPECT_FALSE(store_->CommitTriage(commit, 2000).ok());
  ASSERT_TRUE(db_->Exec("ALTER TABLE audit_gone RENAME TO audit").ok());
  EXPECT_TRUE(store_->DecisionsForTicket("10")->empty());
  EXPECT_TRUE(store_->ListWrites("10")->empty());
  EXPECT_EQ(store_->GetJob(job.id)->state, JobState::kRunning);

  ASSERT_TRUE(store_->CommitTriage(commit, 2000).ok());
  Result<std::vector<DecisionRecord>> decisions = store_->DecisionsForTicket("10");
  ASSERT_TRUE(decisions.ok());
  ASSERT_EQ(decisions->size(), 3u);
  EXPECT_EQ((*decisions)[0].field, "group");
  EXPECT_EQ((*decisions)[0].confidence, 0.9375);
  EXPECT_EQ((*decisions)[0].explanation, "[{\"feature\":\"printer\",\"weight\":1.25}]");
  EXPECT_EQ((*decisions)[0].created_ms, 2000);
  Result<std::vector<WriteRecord>> writes = store_->ListWrites("10");
  ASSERT_TRUE(writes.ok());
  ASSERT_EQ(writes->size(), 1u);
  EXPECT_EQ((*writes)[0].state, WriteState::kPlanned);
  EXPECT_EQ((*writes)[0].note, "[autotriage:10:v:abc] set group");
  // No positions given: the write carries the commit's autofill decisions.
  EXPECT_EQ((*writes)[0].decision_ids,
            (std::vector<int64_t>{(*decisions)[0].id, (*decisions)[2].id}));
  EXPECT_EQ(store_->GetJob(job.id)->state, JobState::kDone);
  Result<std::vector<AuditEntry>> audit = store_->ReadAudit(1, 10);  // after event_received
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].kind, "prediction");
  EXPECT_EQ((*audit)[1].kind, "decision");

  EXPECT_EQ(store_->CommitTriage(commit, 3000).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->DecisionsForTicket("10")->size(), 3u);
  commit.job_id = 999999;
  EXPECT_EQ(store_->CommitTriage(commit, 3000).code(), StatusCode::kNotFound);
  // A job that was never claimed cannot be committed either.
  Result<std::vector<EnqueueResult>> unclaimed = store_->Enqueue({MakeEvent("11", "v")});
  ASSERT_TRUE(unclaimed.ok());
  commit.job_id = unclaimed->at(0).job_id;
  EXPECT_EQ(store_->CommitTriage(commit, 3000).code(), StatusCode::kFailedPrecondition);
  commit.write->decision_ids = {7};
  EXPECT_EQ(store_->CommitTriage(commit, 3000).code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, FailJobRetriesLaterThenGivesUp) {
  ASSERT_TRUE(store_->Enqueue({MakeEvent("20", "v")}).ok());
  const Job job = ClaimOne(1000);
  ASSERT_TRUE(store_->FailJob(job.id, "helpdesk 503", false, 5000, MakeAudit("error", "20")).ok());
  Result<Job> pending = store_->GetJob(job.id);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->state, JobState::kPending);
  EXPECT_EQ(pending->last_error, "helpdesk 503");
  EXPECT_TRUE(store_->ClaimJobs("w", 5, 1000, 4999)->empty());
  const Job retried = ClaimOne(5000);
  EXPECT_EQ(retried.id, job.id);
  EXPECT_EQ(retried.attempts, 2);

  ASSERT_TRUE(store_->FailJob(job.id, "ticket gone", true, 0, MakeAudit("error", "20")).ok());
  EXPECT_EQ(store_->GetJob(job.id)->state, JobState::kFailed);
  EXPECT_EQ(store_->GetJob(job.id)->last_error, "ticket gone");
  EXPECT_TRUE(store_->ClaimJobs("w", 5, 1000, 1000000000)->empty());
  EXPECT_EQ(store_->FailJob(job.id, "again", false, 0, AuditEntry()).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->FailJob(999999, "x", false, 0, AuditEntry()).code(), StatusCode::kNotFound);
  Result<std::vector<AuditEntry>> audit = store_->ReadAudit(0, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[1].kind, "error");
  EXPECT_EQ(store_->Stats()->jobs_failed, 1);
}

TEST_P(StoreContractTest, ConcurrentClaimersOnTwoInstancesNeverShareAJob) {
  constexpr int kThreads = 8;
  constexpr int kJobsPerThread = 500;
  constexpr int kJobs = kThreads * kJobsPerThread;
  for (int start = 0; start < kJobs; start += 64) {
    std::vector<InboxEvent> batch;
    for (int i = start; i < std::min(start + 64, kJobs); ++i) {
      batch.push_back(MakeEvent(std::to_string(i), "v", 32));
    }
    ASSERT_TRUE(store_->Enqueue(batch).ok());
  }
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  std::mutex mu;
  std::vector<int64_t> claimed;
  std::vector<Status> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 == 0 ? store_.get() : other.get();
    threads.emplace_back([&, store, t] {
      while (true) {
        Result<std::vector<Job>> jobs = store->ClaimJobs("w" + std::to_string(t), 4, 3600000, 1000);
        std::lock_guard<std::mutex> lock(mu);
        if (!jobs.ok()) {
          errors.push_back(jobs.status());
          return;
        }
        if (jobs->empty()) {
          return;
        }
        for (const Job& job : *jobs) {
          claimed.push_back(job.id);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (const Status& error : errors) {
    ADD_FAILURE() << error.ToString();
  }
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(store_->Stats()->jobs_running, kJobs);
}

// Group commit throughput: batches of 64 events of ~600 bytes, as the intake sends them.
TEST_P(StoreContractTest, EnqueueThroughputOfBatchesOf64) {
  constexpr int kBatches = 200;
  constexpr int kBatchSize = 64;
  std::vector<std::vector<InboxEvent>> batches(kBatches);
  for (int b = 0; b < kBatches; ++b) {
    for (int i = 0; i < kBatchSize; ++i) {
      batches[b].push_back(MakeEvent(std::to_string(b * kBatchSize + i), "1700000000", 600));
    }
  }
  std::vector<double> batch_ms;
  const auto start = std::chrono::steady_clock::now();
  for (const std::vector<InboxEvent>& batch : batches) {
    const auto batch_start = std::chrono::steady_clock::now();
    ASSERT_TRUE(store_->Enqueue(batch).ok());
    batch_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - batch_start)
            .count());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double events_per_second = kBatches * kBatchSize / seconds;
  std::sort(batch_ms.begin(), batch_ms.end());
  std::cout << GetParam().name << " Enqueue: " << static_cast<int64_t>(events_per_second)
            << " events/s (batches of " << kBatchSize << ", 600-byte payloads); per batch p50 "
            << batch_ms[kBatches / 2] << " ms, p99 " << batch_ms[kBatches * 99 / 100] << " ms, max "
            << batch_ms.back() << " ms\n";
  RecordProperty("events_per_second", static_cast<int>(events_per_second));
  Result<StoreStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->jobs_pending, kBatches * kBatchSize);
  EXPECT_EQ(stats->audit_entries, kBatches * kBatchSize);
}

}  // namespace
}  // namespace autotriage
