// The digest on a real in-memory SQLite store: figures, KB gaps, escaping and the standalone
// file's independence from the network.
#include "autotriage/digest/digest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "autotriage/dashboard/testing/seed.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kNowMs = 1773144000000;  // 2026-03-10 12:00 UTC
constexpr int64_t kHourMs = 3600 * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr char kEvil[] = "<script>alert(1)</script> & <!channel>";

insights::ClusterSummary Cluster(int64_t id, const std::string& name, int64_t size,
                                 int64_t last_24h, int64_t previous_24h, const std::string& text) {
  insights::ClusterSummary c;
  c.id = id;
  c.name = name;
  c.size = size;
  c.last_24h = last_24h;
  c.previous_24h = previous_24h;
  c.trend_ratio = static_cast<double>(last_24h + 1) / static_cast<double>(previous_24h + 1);
  c.representative_text = text;
  c.first_seen = kNowMs / 1000 - 86400 * 5;
  c.last_seen = kNowMs / 1000 - 3600;
  return c;
}

class DigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreConfig config;
    config.sqlite_path = ":memory:";
    Result<std::unique_ptr<Store>> store = OpenStore(config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    SeedMembers();
    SeedProblems();
    SeedOutcomes();
    SeedDecisions();
    clusters_ = {Cluster(1, "vpn connection timeout", 10, 6, 1, "vpn drops every hour"),
                 Cluster(2, kEvil, 5, 0, 2, std::string("text ") + kEvil),
                 Cluster(3, "printer paper jam", 4, 1, 1, "printer on floor 2 jams"),
                 Cluster(4, "tiny", 2, 2, 0, "tiny cluster")};
    kb_ = [this](const std::string& text) {
      ++searches_;
      std::vector<KbHit> hits;
      if (text.find("vpn") != std::string::npos) {
        KbHit hit;
        hit.id = "kb-7";
        hit.title = "Fixing VPN drops";
        hit.url = "https://kb.example/7";
        hits.push_back(hit);
      }
      return hits;
    };
  }

  void SeedMembers() {
    const int64_t now_s = kNowMs / 1000;
    std::vector<ClusterMemberRecord> members;
    int n = 0;
    for (int64_t ago_s : {3600LL, 7200LL, 23 * 3600LL,   // last 24 h (2 today, 1 yesterday)
                          25 * 3600LL, 47 * 3600LL,      // the 24 h before
                          5 * 86400LL, 20 * 86400LL}) {  // older; the last beyond 14 days
      members.push_back({"t" + std::to_string(++n), now_s - ago_s, 1, "vpn ticket"});
    }
    ASSERT_TRUE(store_->PutClusterMembers(members).ok());
  }

  int64_t Propose(const std::string& key, int64_t created_ms, const std::string& name) {
    ProblemProposalRecord p;
    p.dedupe_key = key;
    p.cluster_id = 2;
    p.cluster_name = name;
    p.subject = "Recurring issue: " + name;
    p.priority = "Medium";
    p.observed = 7;
    p.expected = 0.5;
    p.p_value = 1e-8;
    p.window_start_ms = created_ms - kHourMs;
    p.window_end_ms = created_ms;
    p.ticket_ids = {"t1", "t2"};
    p.evidence_json = "{}";
    p.created_ms = created_ms;
    AuditEntry audit;
    audit.kind = "problem_proposed";
    audit.time_ms = created_ms;
    Result<int64_t> id = store_->ProposeProblem(p, audit);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  void SeedProblems() {
    Propose("old", kNowMs - 3 * kDayMs, "old spike");
    pending_id_ = Propose("pending", kNowMs - 2 * kHourMs, kEvil);
    approved_id_ = Propose("approved", kNowMs - kHourMs, "mail outage");
    AuditEntry audit;
    audit.kind = "problem_approved";
    ASSERT_TRUE(
        store_->DecideProblemProposal(approved_id_, true, "user:alice", "", kNowMs, audit).ok());
  }

  void Outcome(int64_t id, const std::string& field, const std::string& kind, int64_t at) {
    OutcomeRecord o;
    o.decision_id = id;
    o.ticket_id = "o" + std::to_string(id);
    o.queue = "Service Desk";
    o.field = field;
    o.mode = "suggest";
    o.kind = kind;
    o.observed_ms = at;
    AuditEntry audit;
    audit.kind = "outcome";
    ASSERT_TRUE(store_->RecordOutcome(o, audit).ok());
  }

  void SeedOutcomes() {
    const int64_t week = kNowMs - kDayMs;
    const int64_t before = kNowMs - 10 * kDayMs;
    Outcome(1, "group", outcome_kind::kAccepted, week);
    Outcome(2, "group", outcome_kind::kAccepted, week);
    Outcome(3, "group", outcome_kind::kAccepted, week);
    Outcome(4, "group", outcome_kind::kReplaced, week);
    Outcome(5, "group", outcome_kind::kSkipped, week);
    Outcome(6, "group", outcome_kind::kAccepted, before);
    Outcome(7, "group", outcome_kind::kReverted, before);
    Outcome(8, "priority", outcome_kind::kAccepted, before);
    Outcome(9, "group", outcome_kind::kAccepted, kNowMs - 20 * kDayMs);  // beyond both periods
  }

  void SeedDecisions() {
    ASSERT_TRUE(
        SeedTickets(*store_, {ExampleProposal("d1", "1", "Service Desk", kNowMs - kDayMs),
                              ExampleProposal("d2", "1", "Service Desk", kNowMs - 9 * kDayMs)})
            .ok());
  }

  DigestData Collect(bool with_kb = true) {
    Result<DigestData> data =
        CollectDigest(*store_, clusters_, with_kb ? kb_ : KbSearchFunction(), kNowMs);
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    return data.ok() ? *data : DigestData{};
  }

  std::unique_ptr<Store> store_;
  std::vector<insights::ClusterSummary> clusters_;
  KbSearchFunction kb_;
  int searches_ = 0;
  int64_t pending_id_ = 0;
  int64_t approved_id_ = 0;
};

TEST_F(DigestTest, CountsVolumesPerUtcDayAndTheLastTwoDays) {
  DigestData data = Collect();
  EXPECT_EQ(data.day, "2026-03-10");
  ASSERT_EQ(data.volumes.size(), 14u);
  EXPECT_EQ(data.volumes.front().day, "2026-02-25");
  EXPECT_EQ(data.volumes.back().day, "2026-03-10");
  std::map<std::string, int64_t> by_day;
  int64_t total = 0;
  for (const DigestDayVolume& v : data.volumes) {
    by_day[v.day] = v.tickets;
    total += v.tickets;
  }
  EXPECT_EQ(by_day["2026-03-10"], 2);
  EXPECT_EQ(by_day["2026-03-09"], 2);
  EXPECT_EQ(by_day["2026-03-08"], 1);
  EXPECT_EQ(by_day["2026-03-05"], 1);
  EXPECT_EQ(total, 6);  // the ticket of 20 days ago is outside the chart
  EXPECT_EQ(data.last_24h, 3);
  EXPECT_EQ(data.previous_24h, 2);
}

TEST_F(DigestTest, ListsClustersBySizeAndTrendAndOnlyUncoveredOnesAsKbGaps) {
  DigestData data = Collect();
  EXPECT_EQ(data.clusters, 3);  // "tiny" has fewer than min_cluster_size tickets
  ASSERT_EQ(data.top_by_size.size(), 3u);
  EXPECT_EQ(data.top_by_size[0].name, "vpn connection timeout");
  EXPECT_EQ(data.top_by_size[0].kb_article_id, "kb-7");
  EXPECT_EQ(data.top_by_size[1].id, 2);
  EXPECT_EQ(data.top_by_size[2].id, 3);
  ASSERT_EQ(data.top_by_trend.size(), 1u);  // only cluster 1 grows (ratio 3.5)
  EXPECT_EQ(data.top_by_trend[0].id, 1);
  EXPECT_TRUE(data.kb_loaded);
  ASSERT_EQ(data.kb_gaps.size(), 2u);
  EXPECT_EQ(data.kb_gaps[0].id, 2);
  EXPECT_EQ(data.kb_gaps[1].id, 3);
  EXPECT_EQ(searches_, 3);  // once per listed cluster, not once per list

  DigestData without = Collect(false);
  EXPECT_FALSE(without.kb_loaded);
  EXPECT_TRUE(without.kb_gaps.empty());
  EXPECT_THAT(RenderDigestHtml(without, false), HasSubstr("KB not loaded"));
  EXPECT_THAT(RenderDigestSlack(without, ""), HasSubstr("KB not loaded"));
}

TEST_F(DigestTest, ListsTheProblemsOfThePeriodWithTheirState) {
  DigestData data = Collect();
  ASSERT_EQ(data.problems.size(), 2u);  // the one of 3 days ago is not in the period
  EXPECT_EQ(data.problems[0].id, approved_id_);
  EXPECT_EQ(data.problems[0].state, problem_state::kApproved);
  EXPECT_EQ(data.problems[0].decided_by, "user:alice");
  EXPECT_EQ(data.problems[1].id, pending_id_);
  EXPECT_EQ(data.problems[1].state, problem_state::kPending);
}

TEST_F(DigestTest, ComparesAcceptanceAndDecisionsWithThePreviousSevenDays) {
  DigestData data = Collect();
  EXPECT_EQ(data.kpi_from_day, "2026-03-04");
  EXPECT_EQ(data.kpi_previous_from_day, "2026-02-25");
  ASSERT_EQ(data.acceptance.size(), 2u);
  const DigestFieldAcceptance& group = data.acceptance[0];
  EXPECT_EQ(group.field, "group");
  EXPECT_EQ(group.accepted, 3);
  EXPECT_EQ(group.judged, 4);
  EXPECT_EQ(group.skipped, 1);
  EXPECT_DOUBLE_EQ(group.acceptance, 0.75);
  EXPECT_EQ(group.previous_judged, 2);
  EXPECT_DOUBLE_EQ(group.previous_acceptance, 0.5);
  const DigestFieldAcceptance& priority = data.acceptance[1];
  EXPECT_EQ(priority.field, "priority");
  EXPECT_DOUBLE_EQ(priority.acceptance, -1);
  EXPECT_DOUBLE_EQ(priority.previous_acceptance, 1.0);
  ASSERT_EQ(data.decisions.size(), 1u);
  EXPECT_EQ(data.decisions[0].outcome, "pending");
  EXPECT_EQ(data.decisions[0].count, 2);  // group and priority of d1
  EXPECT_EQ(data.decisions[0].previous, 2);

  const std::string html = RenderDigestHtml(data, false);
  EXPECT_THAT(html, HasSubstr("75%"));
  EXPECT_THAT(html, HasSubstr("+25 pp"));
  nlohmann::json json = nlohmann::json::parse(DigestToJson(data));
  EXPECT_EQ(json["acceptance"][0]["acceptance"], 0.75);
  EXPECT_TRUE(json["acceptance"][1]["acceptance"].is_null());
  EXPECT_EQ(json["last_24h"], 3);
  EXPECT_EQ(json["kb_gaps"].size(), 2u);
}

TEST_F(DigestTest, EscapesTicketTextInHtmlAndSlack) {
  DigestData data = Collect();
  for (bool standalone : {false, true}) {
    const std::string html = RenderDigestHtml(data, standalone, "https://triage.example");
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  }
  const std::string slack = RenderDigestSlack(data, "https://triage.example");
  nlohmann::json message = nlohmann::json::parse(slack);
  EXPECT_THAT(message["text"].get<std::string>(), HasSubstr("2026-03-10"));
  EXPECT_EQ(message["blocks"][0]["type"], "header");
  EXPECT_THAT(slack, Not(HasSubstr("<script")));
  EXPECT_THAT(slack, Not(HasSubstr("<!channel>")));
  EXPECT_THAT(slack, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(slack, HasSubstr("<https://triage.example/digest|"));
  EXPECT_THAT(slack,
              HasSubstr("<https://triage.example/problems/" + std::to_string(pending_id_) + "|"));
}

TEST_F(DigestTest, StandaloneFileFetchesNothing) {
  const std::string html = RenderDigestHtml(Collect(), true, "https://triage.example");
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<style>"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  // The only http(s) references are plain links people may follow.
  const std::regex reference(R"re(<([a-zA-Z]+)[^>]*(?:href|src)="https?://)re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), reference);
       it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[1].str(), "a") << it->str();
  }
  EXPECT_THAT(html, HasSubstr("href=\"https://triage.example/problems/"));
  EXPECT_THAT(html, HasSubstr("href=\"https://kb.example/7\""));

  const std::string fragment = RenderDigestHtml(Collect(), false);
  EXPECT_THAT(fragment, Not(HasSubstr("<style")));
  EXPECT_THAT(fragment, Not(HasSubstr("style=")));
  EXPECT_THAT(fragment, HasSubstr("href=\"/problems/"));
}

TEST_F(DigestTest, RefusesANonPositiveTime) {
  Result<DigestData> data = CollectDigest(*store_, clusters_, kb_, 0);
  EXPECT_EQ(data.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace autotriage
