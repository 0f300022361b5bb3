// InsightsService and ProblemCreator against a real in-memory store and a scripted helpdesk:
// bootstrap from the helpdesk and restore from the store with the same cluster ids, a spike
// proposed once with its evidence (also across a restart), and an approved Problem created
// exactly once even when the helpdesk's answer is lost.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "autotriage/engine/insights_service.h"
#include "autotriage/engine/problems.h"
#include "autotriage/engine/scripted_helpdesk.h"

namespace autotriage {
namespace {

using testing::ScriptedHelpdesk;

constexpr int64_t kNow = 1800000000;  // Unix seconds, a Friday 08:00 UTC in 2027

const char* const kTopics[] = {
    "vpn connection drops every few minutes when working from home",
    "outlook mailbox full cannot send email quota exceeded",
    "password reset link expired for the hr portal account",
    "laptop battery swollen needs replacement urgently",
    "monitor flickering after docking station firmware update",
    "sap invoice posting fails with authorisation error",
};
const char* const kVariants[] = {"since monday",      "again today",         "for the whole team",
                                 "after the weekend", "on my second device", "intermittently"};

Ticket MakeTicket(const std::string& id, int64_t created_at, const std::string& text) {
  Ticket t;
  t.id = id;
  t.subject = text;
  t.description_html = "<p>Hello, " + text + ". Thanks</p>";
  t.created_at = created_at;
  t.updated_at = created_at;
  return t;
}

// Four days of steady traffic: a ticket every 30 minutes, the topics in turn.
std::vector<Ticket> Background() {
  std::vector<Ticket> tickets;
  int n = 0;
  for (int64_t t = kNow - 4 * 86400; t < kNow - 3600; t += 1800, ++n) {
    tickets.push_back(MakeTicket("b" + std::to_string(n), t,
                                 std::string(kTopics[n % 6]) + " " + kVariants[(n / 6) % 6]));
  }
  return tickets;
}

Ticket BurstTicket(int i) {
  return MakeTicket(
      "s" + std::to_string(i), kNow + 60 * i,
      std::string("printer toner cartridge empty on the third floor ") + kVariants[i % 6]);
}

class InsightsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreConfig config;
    config.sqlite_path = ":memory:";
    auto store = OpenStore(config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    helpdesk_ = std::make_shared<ScriptedHelpdesk>();
    helpdesk_->listing = Background();
    helpdesk_->page_size = 50;
  }

  std::unique_ptr<InsightsService> NewService() {
    return std::make_unique<InsightsService>(
        InsightsOptions{}, store_, helpdesk_, nullptr,
        [this](const std::string& text) { announcements_.push_back(text); },
        "https://triage.example");
  }

  std::vector<ProblemProposalRecord> Proposals() {
    auto list = store_->ListProblemProposals(ProblemProposalFilter{});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<ProblemProposalRecord>{};
  }

  std::shared_ptr<Store> store_;
  std::shared_ptr<ScriptedHelpdesk> helpdesk_;
  std::vector<std::string> announcements_;
};

TEST_F(InsightsServiceTest, BootstrapsFromTheHelpdeskThenRestoresTheSameClustersFromTheStore) {
  auto first = NewService();
  Result<InsightsBootstrapReport> boot = first->Bootstrap(kNow);
  ASSERT_TRUE(boot.ok()) << boot.status().ToString();
  EXPECT_EQ(boot->source, "helpdesk");
  EXPECT_EQ(boot->tickets, static_cast<int64_t>(Background().size()));
  const auto before = first->Clusters(kNow);
  ASSERT_GE(before.size(), 6u);
  const auto members = store_->ListClusterMembers(0);
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(members->size(), Background().size());

  // A restart: the store has the members; the helpdesk is asked only for what came since.
  helpdesk_->queries.clear();
  auto second = NewService();
  boot = second->Bootstrap(kNow);
  ASSERT_TRUE(boot.ok()) << boot.status().ToString();
  EXPECT_EQ(boot->source, "store");
  ASSERT_FALSE(helpdesk_->queries.empty());
  EXPECT_GE(helpdesk_->queries.front().updated_since, members->back().created_at);
  const auto after = second->Clusters(kNow);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].size, before[i].size);
    EXPECT_EQ(after[i].name, before[i].name);
  }
}

TEST_F(InsightsServiceTest, ASpikeIsProposedOnceWithItsEvidenceAlsoAfterARestart) {
  auto service = NewService();
  ASSERT_TRUE(service->Bootstrap(kNow).ok());
  Result<InsightsCycleReport> quiet = service->RunCycle(kNow);
  ASSERT_TRUE(quiet.ok()) << quiet.status().ToString();
  EXPECT_EQ(quiet->spikes, 0) << "steady traffic is not a spike";

  for (int i = 0; i < 10; ++i) {
    service->Observe(BurstTicket(i));
  }
  Result<InsightsCycleReport> cycle = service->RunCycle(kNow + 600);
  ASSERT_TRUE(cycle.ok()) << cycle.status().ToString();
  EXPECT_EQ(cycle->clustered, 10);
  EXPECT_EQ(cycle->proposed, 1);
  std::vector<ProblemProposalRecord> proposals = Proposals();
  ASSERT_EQ(proposals.size(), 1u);
  const ProblemProposalRecord& p = proposals[0];
  EXPECT_EQ(p.state, problem_state::kPending);
  EXPECT_NE(p.subject.find("Recurring issue:"), std::string::npos) << p.subject;
  EXPECT_GE(p.observed, 4);
  EXPECT_LT(p.expected, 1.0);
  EXPECT_LT(p.p_value, 1e-5);
  EXPECT_GE(p.ticket_ids.size(), 4u);
  for (const std::string& id : p.ticket_ids) {
    EXPECT_EQ(id[0], 's') << "only burst tickets are evidence: " << id;
  }
  const nlohmann::json evidence = nlohmann::json::parse(p.evidence_json);
  EXPECT_NE(evidence["representative_text"].get<std::string>().find("toner"), std::string::npos);
  EXPECT_TRUE(evidence["kb_article"].is_null()) << "no KB configured: no article";
  EXPECT_TRUE(evidence["test"] == "near_duplicates" || evidence["test"] == "cluster_rate");
  ASSERT_EQ(announcements_.size(), 1u);
  EXPECT_NE(announcements_[0].find("https://triage.example/problems/" + std::to_string(p.id)),
            std::string::npos)
      << announcements_[0];
  bool audited = false;
  Result<std::vector<AuditEntry>> audit = store_->ReadAudit(0, 10000);
  ASSERT_TRUE(audit.ok());
  for (const AuditEntry& e : *audit) {
    audited = audited || e.kind == "problem_proposed";
  }
  EXPECT_TRUE(audited);

  // More of the same while the proposal waits: no second proposal.
  for (int i = 10; i < 14; ++i) {
    service->Observe(BurstTicket(i));
  }
  cycle = service->RunCycle(kNow + 900);
  ASSERT_TRUE(cycle.ok());
  EXPECT_EQ(cycle->proposed, 0);

  // A restart re-detects the spike from the stored history, but proposes nothing new.
  auto restarted = NewService();
  ASSERT_TRUE(restarted->Bootstrap(kNow + 960).ok());
  cycle = restarted->RunCycle(kNow + 960);
  ASSERT_TRUE(cycle.ok()) << cycle.status().ToString();
  EXPECT_EQ(cycle->proposed, 0);
  EXPECT_EQ(Proposals().size(), 1u);
}

TEST_F(InsightsServiceTest, TicketTextIsMadeStorableBeforeItIsStored) {
  auto service = NewService();
  ASSERT_TRUE(service->Bootstrap(kNow).ok());
  Ticket broken = BurstTicket(0);
  broken.subject = std::string("toner \0 cartridge", 17);  // a NUL byte: not storable text
  service->Observe(broken);
  Result<InsightsCycleReport> cycle = service->RunCycle(kNow + 60);
  // NUL bytes are dropped before storing, so the ticket is stored, not lost.
  ASSERT_TRUE(cycle.ok()) << cycle.status().ToString();
  const auto members = store_->ListClusterMembers(kNow);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ(members->front().ticket_id, "s0");
  EXPECT_EQ(members->front().text.find('\0'), std::string::npos);
}

// --- ProblemCreator ---

class ProblemCreatorTest : public InsightsServiceTest {
 protected:
  int64_t Propose(const std::string& cluster_name = "printer toner empty") {
    ProblemProposalRecord r;
    r.dedupe_key = "cluster:7:" + std::to_string(next_key_++);
    r.cluster_id = 7;
    r.cluster_name = cluster_name;
    r.subject = "Recurring issue: " + cluster_name;
    r.priority = "Medium";
    r.window_start_ms = kNow * 1000;
    r.window_end_ms = (kNow + 3600) * 1000;
    r.observed = 9;
    r.expected = 0.2;
    r.p_value = 1e-9;
    r.ticket_ids = {"101", "102", "103"};
    r.evidence_json = R"({"representative_text":"toner <b>empty</b>","kb_article":null})";
    AuditEntry audit;
    audit.kind = "problem_proposed";
    Result<int64_t> id = store_->ProposeProblem(r, audit);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
  void Approve(int64_t id) {
    AuditEntry audit;
    audit.kind = "problem_approved";
    ASSERT_TRUE(store_->DecideProblemProposal(id, true, "user:alice", "", kNow * 1000, audit).ok());
  }
  ProblemProposalRecord Get(int64_t id) { return *store_->GetProblemProposal(id); }

  int next_key_ = 1;
};

TEST_F(ProblemCreatorTest, OnlyApprovedProposalsAreCreated) {
  helpdesk_->problems_supported = true;
  const int64_t pending = Propose();
  const int64_t rejected = Propose();
  AuditEntry audit;
  audit.kind = "problem_rejected";
  ASSERT_TRUE(
      store_->DecideProblemProposal(rejected, false, "user:bob", "noise", kNow * 1000, audit).ok());
  const int64_t approved = Propose();
  Approve(approved);

  ProblemCreator creator(store_, helpdesk_);
  Result<ProblemCreatorReport> report = creator.RunOnce(kNow * 1000);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, 1);
  ASSERT_EQ(helpdesk_->problems.size(), 1u);
  EXPECT_NE(helpdesk_->problems[0].description_html.find(ProblemMarker(approved)),
            std::string::npos);
  EXPECT_EQ(helpdesk_->problems[0].ticket_ids, (std::vector<std::string>{"101", "102", "103"}));
  EXPECT_EQ(Get(approved).state, problem_state::kCreated);
  EXPECT_EQ(Get(approved).problem_id, "1");
  EXPECT_EQ(Get(pending).state, problem_state::kPending);
  EXPECT_EQ(Get(rejected).state, problem_state::kRejected);
  report = creator.RunOnce(kNow * 1000 + 1000);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->created, 0);
  EXPECT_EQ(helpdesk_->problems.size(), 1u);
}

TEST_F(ProblemCreatorTest, ALostAnswerIsRecoveredByItsMarkerNotCreatedTwice) {
  helpdesk_->problems_supported = true;
  // The helpdesk creates the Problem, but the answer never arrives.
  helpdesk_->problem_failures.push_back({Unavailable("connection reset"), /*applied=*/true});
  const int64_t id = Propose();
  Approve(id);
  ProblemCreator creator(store_, helpdesk_);
  Result<ProblemCreatorReport> report = creator.RunOnce(kNow * 1000);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->retried, 1);
  EXPECT_EQ(Get(id).state, problem_state::kApproved);
  EXPECT_EQ(creator.RunOnce(kNow * 1000 + 10000)->retried, 0) << "not before the retry time";
  report = creator.RunOnce(kNow * 1000 + 31000);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->recovered, 1);
  EXPECT_EQ(report->created, 0);
  EXPECT_EQ(helpdesk_->problems.size(), 1u);
  EXPECT_EQ(Get(id).state, problem_state::kCreated);
  EXPECT_EQ(Get(id).problem_id, "1");
}

TEST_F(ProblemCreatorTest, WithoutALookupAnUncertainAttemptFailsInsteadOfCreatingTwice) {
  helpdesk_->problems_supported = true;
  helpdesk_->problem_lookup_supported = false;
  helpdesk_->problem_failures.push_back({DeadlineExceeded("timed out"), /*applied=*/true});
  const int64_t id = Propose();
  Approve(id);
  ProblemCreator creator(store_, helpdesk_);
  ASSERT_TRUE(creator.RunOnce(kNow * 1000).ok());
  ASSERT_TRUE(creator.RunOnce(kNow * 1000 + 31000).ok());
  EXPECT_EQ(helpdesk_->problems.size(), 1u);
  const ProblemProposalRecord after = Get(id);
  EXPECT_EQ(after.state, problem_state::kFailed);
  EXPECT_NE(after.last_error.find("check the helpdesk"), std::string::npos) << after.last_error;
}

TEST_F(ProblemCreatorTest, AHelpdeskWithoutProblemRecordsKeepsTheApprovedInsight) {
  const int64_t id = Propose();
  Approve(id);
  ProblemCreator creator(store_, helpdesk_);
  Result<ProblemCreatorReport> report = creator.RunOnce(kNow * 1000);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->no_problem_records, 1);
  EXPECT_EQ(Get(id).state, problem_state::kNoProblems);
  EXPECT_TRUE(helpdesk_->problems.empty());
}

TEST(ProblemRecordTest, TheDescriptionCarriesTheEvidenceEscapedAndTheMarker) {
  ProblemProposalRecord p;
  p.id = 42;
  p.cluster_name = "<script>alert(1)</script>";
  p.subject = "Recurring issue";
  p.observed = 9;
  p.expected = 0.2;
  p.p_value = 1e-9;
  p.window_start_ms = kNow * 1000;
  p.window_end_ms = (kNow + 3600) * 1000;
  p.evidence_json = R"({"representative_text":"toner <img src=x>","kb_article":null})";
  ProblemRecord record = BuildProblemRecord(p);
  EXPECT_EQ(record.description_html.find("<script>"), std::string::npos);
  EXPECT_EQ(record.description_html.find("<img"), std::string::npos);
  EXPECT_NE(record.description_html.find("[autotriage:problem-42]"), std::string::npos);
  EXPECT_NE(record.description_html.find("No KB article"), std::string::npos);
  EXPECT_NE(record.description_html.find("9 tickets where about 0.2 were expected"),
            std::string::npos)
      << record.description_html;

  p.evidence_json =
      R"({"representative_text":"x","kb_article":{"id":"5","title":"Toner","url":"https://kb/5"}})";
  record = BuildProblemRecord(p);
  EXPECT_NE(record.description_html.find("<a href=\"https://kb/5\">Toner</a>"), std::string::npos);
}

}  // namespace
}  // namespace autotriage
