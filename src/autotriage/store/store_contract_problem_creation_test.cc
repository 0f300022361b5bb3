// Store contract: creating proposed Problems: claims with leases (16 concurrent claimers on two
// Store instances take each proposal once), a creator whose lease expired finishes nothing,
// finishes check state, claim and problem id, retries wait for their time, and every step
// appends the caller's audit entry to a chain that verifies.
#include <gmock/gmock.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kLeaseMs = 60000;

TEST_P(StoreInsightsTest, SixteenConcurrentClaimersTakeEachProposalOnce) {
  constexpr int kProposals = 40;
  for (int i = 0; i < kProposals; ++i) {
    ASSERT_GT(ProposeApproved(*store_, "claim-" + std::to_string(i)), 0);
  }
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  constexpr int kThreads = 16;
  std::mutex mu;
  std::map<int64_t, int> claims;
  std::vector<Status> errors;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Store& store = i % 2 == 0 ? *store_ : *other;
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
        std::this_thread::yield();
      }
      while (true) {
        Result<std::vector<ProblemProposalRecord>> got =
            store.ClaimProblemCreations(3, kLeaseMs, 5000);
        std::lock_guard<std::mutex> lock(mu);
        if (!got.ok()) {
          errors.push_back(got.status());
          return;
        }
        if (got->empty()) {
          return;
        }
        for (const ProblemProposalRecord& p : *got) {
          ++claims[p.id];
          EXPECT_EQ(p.state, problem_state::kCreating);
          EXPECT_EQ(p.attempts, 1);
          EXPECT_EQ(p.lease_until_ms, 5000 + kLeaseMs);
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
  EXPECT_EQ(claims.size(), static_cast<size_t>(kProposals));
  for (const auto& [id, count] : claims) {
    EXPECT_EQ(count, 1) << "proposal " << id << " claimed " << count << " times";
  }
  EXPECT_TRUE(Must(store_->ClaimProblemCreations(10, kLeaseMs, 5000 + kLeaseMs - 1)).empty());
  EXPECT_EQ(Must(store_->ListProblemProposals({problem_state::kCreating})).size(),
            static_cast<size_t>(kProposals));
}

TEST_P(StoreInsightsTest, AnExpiredLeaseIsTakenOverAndTheFirstClaimFinishesNothing) {
  const int64_t pending = Must(store_->ProposeProblem(MakeProposal("pending"), AuditEntry()));
  const int64_t id = ProposeApproved(*store_, "lease");
  const std::vector<ProblemProposalRecord> first =
      Must(store_->ClaimProblemCreations(5, 500, 1000));
  ASSERT_EQ(first.size(), 1u);  // the pending proposal is not claimable
  EXPECT_EQ(first[0].id, id);
  EXPECT_EQ(first[0].attempts, 1);
  EXPECT_EQ(first[0].lease_until_ms, 1500);
  EXPECT_TRUE(Must(store_->ClaimProblemCreations(5, 500, 1499)).empty());

  const std::vector<ProblemProposalRecord> second =
      Must(store_->ClaimProblemCreations(5, 500, 1500));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, id);
  EXPECT_EQ(second[0].attempts, 2);
  EXPECT_EQ(second[0].lease_until_ms, 2000);

  const Status late = store_->FinishProblemCreation(id, 1, problem_state::kCreated, "P-1", "", 0,
                                                    MakeInsightAudit("problem_created"));
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.message(), HasSubstr("taken over by claim 2"));
  EXPECT_EQ(Must(store_->GetProblemProposal(id)).state, problem_state::kCreating);

  ASSERT_TRUE(store_
                  ->FinishProblemCreation(id, 2, problem_state::kCreated, "P-2", "", 0,
                                          MakeInsightAudit("problem_created"))
                  .ok());
  const ProblemProposalRecord done = Must(store_->GetProblemProposal(id));
  EXPECT_EQ(done.state, problem_state::kCreated);
  EXPECT_EQ(done.problem_id, "P-2");
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.lease_until_ms, 0);
  EXPECT_TRUE(Must(store_->ClaimProblemCreations(5, 500, 1000000)).empty());
  EXPECT_EQ(Must(store_->GetProblemProposal(pending)).state, problem_state::kPending);
  EXPECT_EQ(store_->Stats()->audit_entries, 1);
}

TEST_P(StoreInsightsTest, FinishingChecksTheStateTheClaimAndTheProblemId) {
  const int64_t created = ProposeApproved(*store_, "created");
  const int64_t failed = ProposeApproved(*store_, "failed");
  const int64_t no_records = ProposeApproved(*store_, "no-records");
  const int64_t unclaimed = Must(store_->ProposeProblem(MakeProposal("unclaimed"), AuditEntry()));
  ASSERT_EQ(Must(store_->ClaimProblemCreations(10, kLeaseMs, 1000)).size(), 3u);

  Status status = store_->FinishProblemCreation(created, 1, problem_state::kCreated, "", "", 0, {});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("problem_id"));
  for (const char* state :
       {problem_state::kPending, problem_state::kCreating, problem_state::kRejected, "done"}) {
    status = store_->FinishProblemCreation(created, 1, state, "P-1", "", 0, {});
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << state;
    EXPECT_THAT(status.message(), HasSubstr(state));
  }
  EXPECT_EQ(store_->FinishProblemCreation(unclaimed + 100, 1, problem_state::kFailed, "", "", 0, {})
                .code(),
            StatusCode::kNotFound);
  status = store_->FinishProblemCreation(unclaimed, 0, problem_state::kFailed, "", "", 0, {});
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("is pending, not creating"));

  ASSERT_TRUE(
      store_->FinishProblemCreation(created, 1, problem_state::kCreated, "P-7", "", 0, {}).ok());
  ASSERT_TRUE(
      store_->FinishProblemCreation(failed, 1, problem_state::kFailed, "", "HTTP 500 x3", 0, {})
          .ok());
  ASSERT_TRUE(
      store_->FinishProblemCreation(no_records, 1, problem_state::kNoProblems, "", "", 0, {}).ok());
  EXPECT_EQ(Must(store_->GetProblemProposal(created)).problem_id, "P-7");
  EXPECT_EQ(Must(store_->GetProblemProposal(failed)).state, problem_state::kFailed);
  EXPECT_EQ(Must(store_->GetProblemProposal(failed)).last_error, "HTTP 500 x3");
  EXPECT_EQ(Must(store_->GetProblemProposal(no_records)).state, problem_state::kNoProblems);
  // Finished once: a second finish of the same claim is refused.
  status = store_->FinishProblemCreation(created, 1, problem_state::kCreated, "P-8", "", 0, {});
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("is created, not creating"));
  EXPECT_EQ(Must(store_->GetProblemProposal(created)).problem_id, "P-7");
}

TEST_P(StoreInsightsTest, ARetryIsClaimableAtItsTimeAndNotBefore) {
  const int64_t id = ProposeApproved(*store_, "retry");
  ASSERT_EQ(Must(store_->ClaimProblemCreations(1, kLeaseMs, 1000)).size(), 1u);
  ASSERT_TRUE(store_
                  ->FinishProblemCreation(id, 1, problem_state::kApproved, "", "HTTP 503", 5000,
                                          MakeInsightAudit("problem_retry"))
                  .ok());
  const ProblemProposalRecord waiting = Must(store_->GetProblemProposal(id));
  EXPECT_EQ(waiting.state, problem_state::kApproved);
  EXPECT_EQ(waiting.lease_until_ms, 5000);
  EXPECT_EQ(waiting.last_error, "HTTP 503");
  EXPECT_TRUE(Must(store_->ClaimProblemCreations(1, kLeaseMs, 4999)).empty());
  const std::vector<ProblemProposalRecord> again =
      Must(store_->ClaimProblemCreations(1, kLeaseMs, 5000));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_EQ(again[0].last_error, "HTTP 503");
  // "" clears the error.
  ASSERT_TRUE(store_->FinishProblemCreation(id, 2, problem_state::kCreated, "P-3", "", 0, {}).ok());
  EXPECT_EQ(Must(store_->GetProblemProposal(id)).last_error, "");
  EXPECT_EQ(store_->ClaimProblemCreations(0, kLeaseMs, 1).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(StoreInsightsTest, EveryStepAppendsTheCallersAuditEntryAndTheChainVerifies) {
  const int64_t id = Must(
      store_->ProposeProblem(MakeProposal("audited"), MakeInsightAudit("problem_proposed", 1000)));
  ASSERT_TRUE(store_
                  ->DecideProblemProposal(id, true, "user:alice", "", 2000,
                                          MakeInsightAudit("problem_approved", 2000))
                  .ok());
  ASSERT_EQ(Must(store_->ClaimProblemCreations(1, kLeaseMs, 3000)).size(), 1u);
  ASSERT_TRUE(store_
                  ->FinishProblemCreation(id, 1, problem_state::kApproved, "", "timeout", 4000,
                                          MakeInsightAudit("problem_creation_retry", 3500))
                  .ok());
  ASSERT_EQ(Must(store_->ClaimProblemCreations(1, kLeaseMs, 4000)).size(), 1u);
  ASSERT_TRUE(store_
                  ->FinishProblemCreation(id, 2, problem_state::kCreated, "P-9", "", 0,
                                          MakeInsightAudit("problem_created", 4500))
                  .ok());
  // An entry without a kind is not appended.
  ASSERT_TRUE(Must(store_->ProposeProblem(MakeProposal("silent"), AuditEntry())) > 0);

  std::vector<std::string> kinds;
  for (const AuditEntry& entry : Must(store_->ReadAudit(0, 100))) {
    kinds.push_back(entry.kind);
  }
  EXPECT_THAT(kinds, ElementsAre("problem_proposed", "problem_approved", "problem_creation_retry",
                                 "problem_created"));
  // updated_ms of a finish is the audit entry's time.
  EXPECT_EQ(Must(store_->GetProblemProposal(id)).updated_ms, 4500);
  const AuditVerifyReport report = VerifyTrail(*store_);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 4);
}

}  // namespace
}  // namespace autotriage
