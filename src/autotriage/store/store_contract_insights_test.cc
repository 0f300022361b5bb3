// Store contract: the clusterer's members (put, replace, list, delete, bad input) and proposed
// Problems (round trip, listing, dedupe, bad input, human decisions, concurrent deciders on two
// Store instances), and the upgrade of a schema-4 database. Claims and finishes:
// store_contract_problem_creation_test.cc.
#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {

ProblemProposalRecord MakeProposal(const std::string& key, int64_t cluster) {
  ProblemProposalRecord p;
  p.dedupe_key = key;
  p.cluster_id = cluster;
  p.cluster_name = "vpn disconnecting timeout";
  p.window_start_ms = 1700000000000;
  p.window_end_ms = 1700003600000;
  p.observed = 9;
  p.expected = 1.25;
  p.p_value = 3.0517578125e-05;
  p.subject = "Recurring issue: vpn disconnecting timeout";
  p.priority = "High";
  p.evidence_json = R"({"member_ticket_ids":["11","12"],"kb_article":null})";
  p.ticket_ids = {"11", "12", "T-ü"};
  p.created_ms = 1700003600500;
  return p;
}

AuditEntry MakeInsightAudit(const std::string& kind, int64_t time_ms) {
  return MakeAudit(kind, "", time_ms);
}

// Proposes and approves `key`; returns its id (0 with a test failure).
int64_t ProposeApproved(Store& store, const std::string& key) {
  Result<int64_t> id = store.ProposeProblem(MakeProposal(key), AuditEntry());
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  if (!id.ok()) {
    return 0;
  }
  const Status decided = store.DecideProblemProposal(*id, true, "user:alice", "", 2000, {});
  EXPECT_TRUE(decided.ok()) << decided.ToString();
  return *id;
}

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kLeaseMs = 60000;

ClusterMemberRecord Member(const std::string& ticket, int64_t created_at, int64_t cluster,
                           const std::string& text = "printer offline again") {
  return ClusterMemberRecord{ticket, created_at, cluster, text};
}

std::vector<std::string> TicketsOf(const std::vector<ClusterMemberRecord>& members) {
  std::vector<std::string> out;
  for (const ClusterMemberRecord& m : members) {
    out.push_back(m.ticket_id + "@" + std::to_string(m.created_at) + "/c" +
                  std::to_string(m.cluster_id));
  }
  return out;
}

std::vector<int64_t> IdsOf(const std::vector<ProblemProposalRecord>& proposals) {
  std::vector<int64_t> ids;
  for (const ProblemProposalRecord& p : proposals) {
    ids.push_back(p.id);
  }
  return ids;
}

TEST_P(StoreInsightsTest, ClusterMembersArePutReplacedListedAndDeleted) {
  ASSERT_TRUE(store_
                  ->PutClusterMembers({Member("t2", 200, 1), Member("t1", 100, 1),
                                       Member("t10", 200, 2), Member("t3", 300, 3)})
                  .ok());
  EXPECT_THAT(TicketsOf(Must(store_->ListClusterMembers(0))),
              ElementsAre("t1@100/c1", "t10@200/c2", "t2@200/c1", "t3@300/c3"));
  EXPECT_THAT(TicketsOf(Must(store_->ListClusterMembers(200))),
              ElementsAre("t10@200/c2", "t2@200/c1", "t3@300/c3"));

  // Replaced by ticket id; within one batch the last version of a ticket wins.
  ASSERT_TRUE(store_
                  ->PutClusterMembers({Member("t1", 150, 4, "first"), Member("t4", 400, 4),
                                       Member("t1", 150, 5, "Drucker — offline")})
                  .ok());
  const std::vector<ClusterMemberRecord> all = Must(store_->ListClusterMembers(0));
  EXPECT_THAT(TicketsOf(all),
              ElementsAre("t1@150/c5", "t10@200/c2", "t2@200/c1", "t3@300/c3", "t4@400/c4"));
  EXPECT_EQ(all[0].text, "Drucker — offline");
  EXPECT_TRUE(store_->PutClusterMembers({}).ok());

  EXPECT_EQ(Must(store_->DeleteClusterMembers(300)), 3);
  EXPECT_EQ(Must(store_->DeleteClusterMembers(300)), 0);
  EXPECT_THAT(TicketsOf(Must(store_->ListClusterMembers(0))),
              ElementsAre("t3@300/c3", "t4@400/c4"));
}

TEST_P(StoreInsightsTest, BadClusterMembersAreRefusedNamingTheFieldAndNothingChanges) {
  const struct {
    ClusterMemberRecord bad;
    const char* names;
  } cases[] = {
      {Member("", 100, 1), "ticket_id"},
      {Member("t9", 0, 1), "created_at"},
      {Member("t9", -5, 1), "created_at"},
      {Member("t9", 100, 0), "cluster_id"},
      {Member("t9", 100, 1, "bad \xff byte"), "text"},
      {Member("t9", 100, 1, std::string("nul\0byte", 8)), "text"},
  };
  for (const auto& c : cases) {
    const Status status = store_->PutClusterMembers({Member("good", 100, 1), c.bad});
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.names;
    EXPECT_THAT(status.message(), HasSubstr(c.names));
    EXPECT_THAT(status.message(), HasSubstr("cluster member 1"));
  }
  EXPECT_TRUE(Must(store_->ListClusterMembers(0)).empty());
}

TEST_P(StoreInsightsTest, AProposalRoundTripsEveryFieldAndStartsPending) {
  ProblemProposalRecord sent = MakeProposal("cluster:7:1700003600000");
  sent.state = problem_state::kCreated;  // ignored: a proposal starts pending
  sent.decided_by = "user:mallory";
  sent.attempts = 3;
  sent.problem_id = "P-1";
  const int64_t id = Must(store_->ProposeProblem(sent, MakeInsightAudit("problem_proposed")));
  ASSERT_GT(id, 0);

  const ProblemProposalRecord got = Must(store_->GetProblemProposal(id));
  EXPECT_EQ(got.id, id);
  EXPECT_EQ(got.dedupe_key, sent.dedupe_key);
  EXPECT_EQ(got.cluster_id, 7);
  EXPECT_EQ(got.cluster_name, sent.cluster_name);
  EXPECT_EQ(got.state, problem_state::kPending);
  EXPECT_EQ(got.window_start_ms, sent.window_start_ms);
  EXPECT_EQ(got.window_end_ms, sent.window_end_ms);
  EXPECT_EQ(got.observed, 9);
  EXPECT_DOUBLE_EQ(got.expected, 1.25);
  EXPECT_DOUBLE_EQ(got.p_value, 3.0517578125e-05);
  EXPECT_EQ(got.subject, sent.subject);
  EXPECT_EQ(got.priority, "High");
  EXPECT_EQ(got.evidence_json, sent.evidence_json);
  EXPECT_THAT(got.ticket_ids, ElementsAre("11", "12", "T-ü"));
  EXPECT_EQ(got.decided_by, "");
  EXPECT_EQ(got.decision_reason, "");
  EXPECT_EQ(got.decided_ms, 0);
  EXPECT_EQ(got.problem_id, "");
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.last_error, "");
  EXPECT_EQ(got.lease_until_ms, 0);
  EXPECT_EQ(got.created_ms, sent.created_ms);
  EXPECT_EQ(got.updated_ms, sent.created_ms);

  const std::vector<ProblemProposalRecord> listed = Must(store_->ListProblemProposals({}));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].dedupe_key, sent.dedupe_key);
  EXPECT_THAT(listed[0].ticket_ids, ElementsAre("11", "12", "T-ü"));
  EXPECT_EQ(store_->GetProblemProposal(id + 100).status().code(), StatusCode::kNotFound);

  // created_ms 0 is the time of the call.
  ProblemProposalRecord unstamped = MakeProposal("unstamped");
  unstamped.created_ms = 0;
  const int64_t unstamped_id = Must(store_->ProposeProblem(unstamped, AuditEntry()));
  EXPECT_GT(Must(store_->GetProblemProposal(unstamped_id)).created_ms, 1700000000000);
}

TEST_P(StoreInsightsTest, ListingFiltersByStateClusterAndTimeNewestFirst) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ProblemProposalRecord p = MakeProposal("k" + std::to_string(i), i % 2 == 0 ? 7 : 8);
    p.created_ms = 1000 * (i + 1);
    ids.push_back(Must(store_->ProposeProblem(p, AuditEntry())));
  }
  ASSERT_TRUE(store_->DecideProblemProposal(ids[1], true, "user:a", "", 9000, {}).ok());
  ASSERT_TRUE(store_->DecideProblemProposal(ids[2], false, "user:a", "", 9000, {}).ok());

  EXPECT_THAT(IdsOf(Must(store_->ListProblemProposals({}))),
              ElementsAre(ids[4], ids[3], ids[2], ids[1], ids[0]));
  EXPECT_THAT(IdsOf(Must(store_->ListProblemProposals({problem_state::kPending}))),
              ElementsAre(ids[4], ids[3], ids[0]));
  EXPECT_THAT(IdsOf(Must(store_->ListProblemProposals({"", 8}))), ElementsAre(ids[3], ids[1]));
  EXPECT_THAT(IdsOf(Must(store_->ListProblemProposals({"", 0, 3000}))),
              ElementsAre(ids[4], ids[3], ids[2]));
  EXPECT_THAT(IdsOf(Must(store_->ListProblemProposals({"", 0, 0, 2}))),
              ElementsAre(ids[4], ids[3]));
  EXPECT_THAT(IdsOf(Must(store_->ListProblemProposals({problem_state::kRejected, 7}))),
              ElementsAre(ids[2]));
  const Result<std::vector<ProblemProposalRecord>> unknown =
      store_->ListProblemProposals({"maybe"});
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("'maybe'"));
}

TEST_P(StoreInsightsTest, ADuplicateDedupeKeyIsAlreadyExistsAndChangesNothing) {
  const int64_t id =
      Must(store_->ProposeProblem(MakeProposal("cluster:7:1"), MakeInsightAudit("p")));
  ProblemProposalRecord again = MakeProposal("cluster:7:1", 9);
  again.subject = "another subject";
  const Result<int64_t> second = store_->ProposeProblem(again, MakeInsightAudit("p"));
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(second.status().message(), HasSubstr("cluster:7:1"));
  const std::vector<ProblemProposalRecord> listed = Must(store_->ListProblemProposals({}));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, id);
  EXPECT_EQ(listed[0].cluster_id, 7);
  EXPECT_EQ(listed[0].subject, MakeProposal("x").subject);
  EXPECT_EQ(store_->Stats()->audit_entries, 1);
}

TEST_P(StoreInsightsTest, ABadProposalIsRefusedNamingTheField) {
  const struct {
    void (*spoil)(ProblemProposalRecord*);
    const char* names;
  } cases[] = {
      {[](ProblemProposalRecord* p) { p->dedupe_key.clear(); }, "dedupe_key"},
      {[](ProblemProposalRecord* p) { p->subject.clear(); }, "subject"},
      {[](ProblemProposalRecord* p) { p->cluster_id = 0; }, "cluster_id"},
      {[](ProblemProposalRecord* p) { p->ticket_ids.clear(); }, "ticket_ids"},
      {[](ProblemProposalRecord* p) { p->ticket_ids.push_back(""); }, "ticket_ids"},
      {[](ProblemProposalRecord* p) { p->evidence_json = "{\"x\":\"\xc3\"}"; }, "evidence_json"},
      {[](ProblemProposalRecord* p) { p->cluster_name = std::string("a\0b", 3); }, "cluster_name"},
  };
  for (const auto& c : cases) {
    ProblemProposalRecord p = MakeProposal("bad");
    c.spoil(&p);
    const Result<int64_t> id = store_->ProposeProblem(p, MakeInsightAudit("p"));
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << c.names;
    EXPECT_THAT(id.status().message(), HasSubstr(c.names));
  }
  EXPECT_TRUE(Must(store_->ListProblemProposals({})).empty());
  EXPECT_EQ(store_->Stats()->audit_entries, 0);
}

TEST_P(StoreInsightsTest, AHumanApprovesOrRejectsOnceAndASecondDecisionNamesTheFirst) {
  const int64_t approved = Must(store_->ProposeProblem(MakeProposal("a"), AuditEntry()));
  const int64_t rejected = Must(store_->ProposeProblem(MakeProposal("r"), AuditEntry()));
  ASSERT_TRUE(store_
                  ->DecideProblemProposal(approved, true, "user:alice", "real outage", 5000,
                                          MakeInsightAudit("problem_approved", 5000))
                  .ok());
  ASSERT_TRUE(store_
                  ->DecideProblemProposal(rejected, false, "user:bob", "noise", 6000,
                                          MakeInsightAudit("problem_rejected", 6000))
                  .ok());
  const ProblemProposalRecord a = Must(store_->GetProblemProposal(approved));
  EXPECT_EQ(a.state, problem_state::kApproved);
  EXPECT_EQ(a.decided_by, "user:alice");
  EXPECT_EQ(a.decision_reason, "real outage");
  EXPECT_EQ(a.decided_ms, 5000);
  EXPECT_EQ(a.updated_ms, 5000);
  const ProblemProposalRecord r = Must(store_->GetProblemProposal(rejected));
  EXPECT_EQ(r.state, problem_state::kRejected);
  EXPECT_EQ(r.decided_by, "user:bob");
  EXPECT_EQ(r.decision_reason, "noise");

  Status again = store_->DecideProblemProposal(approved, false, "user:carol", "", 7000,
                                               MakeInsightAudit("problem_rejected"));
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("already approved by user:alice"));
  again = store_->DecideProblemProposal(rejected, true, "user:carol", "", 7000, {});
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("already rejected by user:bob"));
  // Creating (after approval) is still "already approved".
  ASSERT_EQ(Must(store_->ClaimProblemCreations(5, kLeaseMs, 8000)).size(), 1u);
  again = store_->DecideProblemProposal(approved, true, "user:carol", "", 9000, {});
  EXPECT_THAT(again.message(), HasSubstr("already approved by user:alice (now creating)"));
  EXPECT_EQ(Must(store_->GetProblemProposal(approved)).decided_by, "user:alice");

  EXPECT_EQ(store_->DecideProblemProposal(approved + 100, true, "user:a", "", 1, {}).code(),
            StatusCode::kNotFound);
  const Status no_actor = store_->DecideProblemProposal(approved, true, "", "", 1, {});
  EXPECT_EQ(no_actor.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_actor.message(), HasSubstr("actor"));
  EXPECT_EQ(store_->Stats()->audit_entries, 2);  // refused decisions append nothing
}

TEST_P(StoreInsightsTest, OfSixteenConcurrentDecisionsExactlyOneWins) {
  const int64_t id = Must(store_->ProposeProblem(MakeProposal("race"), AuditEntry()));
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  constexpr int kThreads = 16;
  std::vector<Status> results(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Store& store = i % 2 == 0 ? *store_ : *other;
      // Some without an audit entry: the conditional UPDATE alone must decide.
      const AuditEntry audit = i % 4 == 1 ? AuditEntry() : MakeInsightAudit("problem_decided", i);
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
        std::this_thread::yield();
      }
      results[i] = store.DecideProblemProposal(id, i % 3 != 0, "user:u" + std::to_string(i), "",
                                               10000 + i, audit);
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
  const ProblemProposalRecord p = Must(store_->GetProblemProposal(id));
  EXPECT_EQ(p.decided_by, "user:u" + std::to_string(won));
  EXPECT_EQ(p.state, won % 3 != 0 ? problem_state::kApproved : problem_state::kRejected);
  EXPECT_EQ(p.decided_ms, 10000 + won);
  EXPECT_EQ(store_->Stats()->audit_entries, won % 4 == 1 ? 0 : 1);
}

TEST_P(StoreInsightsTest, UpgradeFromSchema4AddsInsightsAndKeepsOutcomes) {
  ASSERT_TRUE(Must(
      store_->RecordResolution({"90", "Hardware", 1000, 61000, 1, true, 61000}, AuditEntry())));
  store_.reset();
  const Status downgraded = DowngradeToSchema4(*db_);
  ASSERT_TRUE(downgraded.ok()) << downgraded.ToString();
  ASSERT_EQ(Must(db_->QueryInt("SELECT MAX(version) FROM schema_migrations")), 4);

  std::unique_ptr<Store> upgraded = OpenAnother();
  ASSERT_NE(upgraded, nullptr);
  EXPECT_EQ(Must(db_->QueryInt("SELECT MAX(version) FROM schema_migrations")), 5);
  EXPECT_EQ(Must(upgraded->CountResolutions(0)).size(), 1u);
  EXPECT_TRUE(upgraded->PutClusterMembers({Member("90", 100, 1)}).ok());
  EXPECT_GT(Must(upgraded->ProposeProblem(MakeProposal("after-upgrade"), AuditEntry())), 0);
}

}  // namespace
}  // namespace autotriage
