// Group commit in the SQLite store (sqlite_store.h): many threads writing at once share
// transactions, yet each call keeps its own outcome, the audit chain stays linear, and a failed
// call changes nothing. Also a short benchmark of the engine's write pattern (8 threads, one
// ticket = Enqueue, ClaimJobs, CommitTriage, ClaimWrites, FinishWrite) that prints its figures.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A database file in a per-test directory, removed again at the end.
class TempStore {
 public:
  TempStore()
      : dir_(fs::temp_directory_path() /
             ("autotriage-gc-" + CurrentTestTag() + "-" + std::to_string(getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_.sqlite_path = (dir_ / "store.db").string();
    Result<std::unique_ptr<Store>> store = OpenStore(config_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) {
      store_ = std::move(*store);
    }
  }
  ~TempStore() {
    store_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  Store* store() { return store_.get(); }
  const std::string& path() const { return config_.sqlite_path; }
  int64_t commits() { return dynamic_cast<SqliteStore&>(*store_).commits(); }

 private:
  fs::path dir_;
  StoreConfig config_;
  std::unique_ptr<Store> store_;
};

int64_t CountRows(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY, 30000);
  return db.execAndGet(sql).getInt64();
}

TriageCommit MakeCommit(const Job& job, const std::string& key, const std::string& audit_ticket) {
  TriageCommit commit;
  commit.job_id = job.id;
  commit.decisions = {MakeDecision(job.ticket_id, "group", "autofill"),
                      MakeDecision(job.ticket_id, "priority", "autofill")};
  WriteRecord write;
  write.idempotency_key = key;
  write.trace_id = job.trace_id;
  write.ticket_id = job.ticket_id;
  write.ticket_version = job.version;
  write.updates_json = R"([{"field":"group","value":"value-of-group","old":""}])";
  write.note = "[autotriage:" + key + "]";
  commit.write = write;
  commit.audit = {MakeAudit("prediction", audit_ticket), MakeAudit("decision", audit_ticket)};
  return commit;
}

// Claims exactly one job; the caller enqueued one before, so one is always pending.
Result<Job> ClaimOneJob(Store& store, const std::string& owner) {
  Result<std::vector<Job>> jobs = store.ClaimJobs(owner, 1, 60000, 1000);
  if (!jobs.ok()) {
    return jobs.status();
  }
  if (jobs->size() != 1) {
    return Internal("claimed " + std::to_string(jobs->size()) + " jobs, expected 1");
  }
  return (*jobs)[0];
}

// 16 threads append audit entries, enqueue events and commit triages at once: every call
// succeeds, nothing is lost, the chain verifies, and the calls shared commits.
TEST(SqliteGroupCommitTest, SixteenWritersKeepTheChainLinear) {
  TempStore db;
  ASSERT_NE(db.store(), nullptr);
  constexpr int kThreads = 16;
  constexpr int kRounds = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = *db.store();
      for (int i = 0; i < kRounds; ++i) {
        const std::string ticket = std::to_string(t) + "-" + std::to_string(i);
        bool ok = store.AppendAudit({MakeAudit("error", ticket), MakeAudit("error", ticket)}).ok();
        ok = ok && store.Enqueue({MakeEvent(ticket, "v")}).ok();
        Result<Job> job = ClaimOneJob(store, "w" + std::to_string(t));
        ok =
            ok && job.ok() && store.CommitTriage(MakeCommit(*job, "k" + ticket, ticket), 2000).ok();
        if (!ok) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  constexpr int64_t kTickets = kThreads * kRounds;
  Result<StoreStats> stats = db.store()->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->jobs_done, kTickets);
  EXPECT_EQ(stats->decisions, 2 * kTickets);
  EXPECT_EQ(stats->writes_open, kTickets);
  // Per ticket: 2 appended, 1 event received, 2 with the triage.
  const AuditVerifyReport report = VerifyTrail(*db.store(), 500);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 5 * kTickets);
  // 4 write calls per ticket; with 16 writers waiting on each fsync, batches form.
  EXPECT_LT(db.commits(), 4 * kTickets);
}

// A call that fails half way (here a trigger rejects its last audit insert, after its decisions,
// write and job update ran) is rolled back alone: the calls batched with it still commit.
TEST(SqliteGroupCommitTest, AFailedCallIsRolledBackAloneInItsBatch) {
  TempStore db;
  ASSERT_NE(db.store(), nullptr);
  {
    SQLite::Database raw(db.path(), SQLite::OPEN_READWRITE, 30000);
    raw.exec(
        "CREATE TRIGGER poison BEFORE INSERT ON audit WHEN NEW.ticket_id = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'poisoned entry'); END");
  }
  constexpr int kThreads = 12;
  constexpr int kRounds = 30;
  std::atomic<int> unexpected{0};
  std::atomic<int> poisoned{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = *db.store();
      for (int i = 0; i < kRounds; ++i) {
        const std::string ticket = std::to_string(t) + "-" + std::to_string(i);
        if (!store.Enqueue({MakeEvent(ticket, "v")}).ok()) {
          unexpected.fetch_add(1);
          continue;
        }
        Result<Job> job = ClaimOneJob(store, "w");
        if (!job.ok()) {
          unexpected.fetch_add(1);
          continue;
        }
        // Every third thread poisons every other commit of its own.
        const bool poison = t % 3 == 0 && i % 2 == 0;
        Status status =
            store.CommitTriage(MakeCommit(*job, "k" + ticket, poison ? "poison" : ticket), 2000);
        if (poison) {
          const bool rejected =
              !status.ok() && status.message().find("poisoned entry") != std::string::npos;
          (rejected ? poisoned : unexpected).fetch_add(1);
        } else if (!status.ok()) {
          unexpected.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(unexpected.load(), 0);
  const int64_t kPoisoned = (kThreads / 3) * (kRounds / 2);
  const int64_t kTickets = kThreads * kRounds;
  EXPECT_EQ(poisoned.load(), kPoisoned);
  Result<StoreStats> stats = db.store()->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  // The poisoned jobs stay running with nothing of their triage stored.
  EXPECT_EQ(stats->jobs_running, kPoisoned);
  EXPECT_EQ(stats->jobs_done, kTickets - kPoisoned);
  EXPECT_EQ(stats->decisions, 2 * (kTickets - kPoisoned));
  EXPECT_EQ(stats->writes_open, kTickets - kPoisoned);
  EXPECT_EQ(CountRows(db.path(), "SELECT COUNT(*) FROM audit WHERE kind = 'prediction'"),
            kTickets - kPoisoned);
  const AuditVerifyReport report = VerifyTrail(*db.store(), 500);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, kTickets + 2 * (kTickets - kPoisoned));
}

// A call sees the writes of the calls before it in its batch: two claims in one batch never
// take the same job, and a second commit of a job done earlier in the batch is refused.
TEST(SqliteGroupCommitTest, LaterCallsSeeEarlierCallsOfTheirBatch) {
  TempStore db;
  ASSERT_NE(db.store(), nullptr);
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  std::atomic<int> unexpected{0};
  std::vector<std::vector<int64_t>> claimed(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = *db.store();
      for (int i = 0; i < kRounds; ++i) {
        const std::string ticket = std::to_string(t) + "-" + std::to_string(i);
        Result<Job> job = store.Enqueue({MakeEvent(ticket, "v")}).ok()
                              ? ClaimOneJob(store, "w")
                              : Result<Job>(Internal("enqueue failed"));
        if (!job.ok()) {
          unexpected.fetch_add(1);
          continue;
        }
        claimed[t].push_back(job->id);
        if (!store.CommitTriage(MakeCommit(*job, "k" + ticket, ticket), 2000).ok() ||
            store.CommitTriage(MakeCommit(*job, "again" + ticket, ticket), 2000).code() !=
                StatusCode::kFailedPrecondition) {
          unexpected.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(unexpected.load(), 0);
  std::vector<int64_t> all;
  for (const std::vector<int64_t>& ids : claimed) {
    all.insert(all.end(), ids.begin(), ids.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a job was claimed twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kRounds));
  Result<StoreStats> stats = db.store()->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->jobs_done, kThreads * kRounds);
  EXPECT_EQ(stats->writes_open, kThreads * kRounds);
}

struct Latencies {
  std::vector<double> enqueue, claim_jobs, commit, claim_writes, finish;
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[index];
}

void Print(const char* name, const std::vector<double>& values) {
  std::printf("  %-13s p50 %7.3f ms  p99 %7.3f ms  (%zu calls)\n", name, Percentile(values, 0.5),
              Percentile(values, 0.99), values.size());
}

// The engine's write pattern for ~1.5 s: 8 threads, each ticket one Enqueue (1 event), ClaimJobs,
// CommitTriage (2 decisions, 2 audit entries, a write), ClaimWrites, FinishWrite. Prints
// tickets/s and per-call latencies; checks that every ticket went through exactly once.
TEST(SqliteGroupCommitBenchmark, EightThreadsFullTicketCycle) {
  TempStore db;
  ASSERT_NE(db.store(), nullptr);
  constexpr int kThreads = 8;
  const auto run_for = std::chrono::milliseconds(1500);
  std::vector<Latencies> latencies(kThreads);
  std::atomic<int> failures{0};
  std::atomic<int64_t> tickets{0};
  const int64_t commits_before = db.commits();
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = *db.store();
      Latencies& mine = latencies[t];
      const std::string owner = "w" + std::to_string(t);
      auto timed = [](std::vector<double>* out, auto&& call) {
        const Clock::time_point begin = Clock::now();
        const bool ok = call();
        out->push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
        return ok;
      };
      for (int i = 0; Clock::now() - start < run_for; ++i) {
        const std::string ticket = owner + "-" + std::to_string(i);
        Result<Job> job = Internal("not claimed");
        Result<std::vector<WriteRecord>> writes = Internal("not claimed");
        const bool ok =
            timed(&mine.enqueue, [&] { return store.Enqueue({MakeEvent(ticket, "v")}).ok(); }) &&
            timed(&mine.claim_jobs, [&] { return (job = ClaimOneJob(store, owner)).ok(); }) &&
            timed(&mine.commit,
                  [&] {
                    return store.CommitTriage(MakeCommit(*job, "k" + ticket, ticket), 2000).ok();
                  }) &&
            timed(&mine.claim_writes,
                  [&] {
                    writes = store.ClaimWrites(owner, 1, 60000, 3000);
                    return writes.ok() && writes->size() == 1;
                  }) &&
            timed(&mine.finish, [&] {
              return store
                  .FinishWrite((*writes)[0].id, WriteState::kApplied, "", 0,
                               MakeAudit("write", ticket))
                  .ok();
            });
        if (!ok) {
          failures.fetch_add(1);
          return;
        }
        tickets.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_EQ(failures.load(), 0);
  Latencies all;
  for (const Latencies& mine : latencies) {
    all.enqueue.insert(all.enqueue.end(), mine.enqueue.begin(), mine.enqueue.end());
    all.claim_jobs.insert(all.claim_jobs.end(), mine.claim_jobs.begin(), mine.claim_jobs.end());
    all.commit.insert(all.commit.end(), mine.commit.begin(), mine.commit.end());
    all.claim_writes.insert(all.claim_writes.end(), mine.claim_writes.begin(),
                            mine.claim_writes.end());
    all.finish.insert(all.finish.end(), mine.finish.begin(), mine.finish.end());
  }
  const int64_t calls = 5 * tickets.load();
  const int64_t commits = db.commits() - commits_before;
  std::printf(
      "group commit benchmark: %d threads, %lld tickets in %.2f s = %.0f tickets/s, "
      "%lld write calls in %lld commits (%.1f calls per commit)\n",
      kThreads, static_cast<long long>(tickets.load()), seconds, tickets.load() / seconds,
      static_cast<long long>(calls), static_cast<long long>(commits),
      commits > 0 ? static_cast<double>(calls) / commits : 0.0);
  Print("Enqueue", all.enqueue);
  Print("ClaimJobs", all.claim_jobs);
  Print("CommitTriage", all.commit);
  Print("ClaimWrites", all.claim_writes);
  Print("FinishWrite", all.finish);

  Result<StoreStats> stats = db.store()->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GT(tickets.load(), 0);
  EXPECT_EQ(stats->jobs_done, tickets.load());
  EXPECT_EQ(stats->jobs_pending + stats->jobs_running, 0);
  EXPECT_EQ(stats->writes_open, 0);
  EXPECT_EQ(CountRows(db.path(), "SELECT COUNT(*) FROM decisions WHERE outcome = 'applied'"),
            2 * tickets.load());
  const AuditVerifyReport report = VerifyTrail(*db.store(), 1000);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 4 * tickets.load());
}

}  // namespace
}  // namespace autotriage
