// Outcome classification (outcomes.h), resolution facts, and automatic demotion (demotion.h)
// against a real in-memory store: demotion below the floor, none above it or under
// min_outcomes, audited, never a promotion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/engine/approvals.h"
#include "autotriage/engine/demotion.h"
#include "autotriage/engine/outcomes.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kNowMs = 1700000000000;

DecisionRecord Decision(int64_t id, const std::string& field, const std::string& mode,
                        const std::string& outcome, const std::string& old_value,
                        const std::string& new_value) {
  DecisionRecord d;
  d.id = id;
  d.ticket_id = "7";
  d.ticket_version = "100";
  d.queue = "Hardware";
  d.field = field;
  d.mode = mode;
  d.outcome = outcome;
  d.old_value = old_value;
  d.new_value = new_value;
  d.created_ms = 100000;
  d.updated_ms = 200000;
  return d;
}

Ticket TicketWith(const std::map<std::string, std::string>& fields, const std::string& status) {
  Ticket t;
  t.id = "7";
  t.subject = "Printer broken";
  t.description_html = "It jams on every page";
  t.status = status;
  t.fields = fields;
  t.created_at = 50;
  t.updated_at = 500;
  return t;
}

const ClassifiedOutcome* Of(const std::vector<ClassifiedOutcome>& all, int64_t id) {
  for (const ClassifiedOutcome& c : all) {
    if (c.outcome.decision_id == id) {
      return &c;
    }
  }
  return nullptr;
}

TEST(ClassifyOutcomesTest, AnUnreviewedAutofillIsNoVerdictAndNeverACorrection) {
  const std::vector<DecisionRecord> decisions = {
      Decision(1, "group", "autofill", "applied", "", "Hardware")};
  // The engine's own write came back (its note is the only conversation): nothing yet.
  Ticket t = TicketWith({{"group", "Hardware"}}, "open");
  t.conversations.push_back({"c1", "bot", "[autotriage:abc] set group", true, false, 300});
  EXPECT_TRUE(ClassifyOutcomes(t, decisions, {}, {}, kNowMs).empty());
  // An agent replied: the value stands after a human touched the ticket -> accepted, but the
  // ticket is not resolved, so the label is not verified: no correction.
  t.conversations.push_back({"c2", "agent", "On it", false, false, 400});
  std::vector<ClassifiedOutcome> out = ClassifyOutcomes(t, decisions, {}, {}, kNowMs);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].outcome.kind, "accepted");
  EXPECT_EQ(out[0].outcome.mode, "autofill");
  EXPECT_FALSE(out[0].correction.has_value());
  // Resolved by a human with the value in place: accepted, and a human_set correction.
  t.status = "Resolved";
  out = ClassifyOutcomes(t, decisions, {}, {}, kNowMs);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].correction.has_value());
  EXPECT_EQ(out[0].correction->source, "human_set");
  EXPECT_EQ(out[0].correction->label, "Hardware");
  EXPECT_EQ(out[0].correction->text, "Printer broken\nIt jams on every page");
  // Already recorded: nothing again.
  EXPECT_TRUE(ClassifyOutcomes(t, decisions, {}, {1}, kNowMs).empty());
}

TEST(ClassifyOutcomesTest, ReplacedAndRevertedAutofillsYieldCorrections) {
  const std::vector<DecisionRecord> decisions = {
      Decision(1, "group", "autofill", "applied", "Access", "Hardware"),
      Decision(2, "priority", "autofill", "applied", "Low", "High"),
      Decision(3, "type", "autofill", "autofill", "", "Incident")};  // never written
  const Ticket t = TicketWith({{"group", "Network"}, {"priority", "Low"}}, "open");
  const std::vector<ClassifiedOutcome> out = ClassifyOutcomes(t, decisions, {}, {}, kNowMs);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Of(out, 1)->outcome.kind, "replaced");
  EXPECT_EQ(Of(out, 1)->outcome.human_value, "Network");
  EXPECT_EQ(Of(out, 1)->correction->source, "replaced");
  EXPECT_EQ(Of(out, 1)->correction->label, "Network");
  EXPECT_EQ(Of(out, 2)->outcome.kind, "reverted");
  EXPECT_EQ(Of(out, 2)->correction->source, "reverted");
  EXPECT_EQ(Of(out, 2)->correction->label, "Low");
  EXPECT_EQ(Of(out, 3), nullptr);
}

TEST(ClassifyOutcomesTest, SuggestionsByApprovalHumanValueAndSkip) {
  std::vector<DecisionRecord> decisions = {
      Decision(1, "group", "suggest", "applied", "", "Hardware"),
      Decision(2, "priority", "suggest", "applied", "Low", "High"),
      Decision(3, "type", "suggest", "superseded", "", "Incident"),
      Decision(4, "category", "suggest", "pending", "", "Printer"),
      Decision(5, "subcategory", "suggest", "rejected", "", "Toner"),
      Decision(6, "impact", "monitor", "recorded", "", "High")};  // monitor: never an outcome
  ApprovalActionRecord approved;
  approved.id = 10;
  approved.decision_id = 1;
  approved.action = approval_action::kApproved;
  ApprovalActionRecord edited;
  edited.id = 11;
  edited.decision_id = 2;
  edited.action = approval_action::kEdited;
  edited.human_value = "Urgent";
  Ticket t =
      TicketWith({{"group", "Hardware"}, {"priority", "Urgent"}, {"type", "Incident"}}, "open");
  std::vector<ClassifiedOutcome> out = ClassifyOutcomes(t, decisions, {approved, edited}, {}, 1);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(Of(out, 1)->outcome.kind, "accepted");
  EXPECT_EQ(Of(out, 1)->correction->source, "approved");
  EXPECT_EQ(Of(out, 2)->outcome.kind, "replaced");
  EXPECT_EQ(Of(out, 2)->outcome.human_value, "Urgent");
  EXPECT_EQ(Of(out, 2)->correction->source, "edited");
  EXPECT_EQ(Of(out, 2)->correction->label, "Urgent");
  EXPECT_EQ(Of(out, 3)->outcome.kind, "accepted");  // a human set the suggested value
  EXPECT_EQ(Of(out, 3)->correction->source, "human_set");
  // Pending and rejected suggestions with the field untouched: no verdict while open ...
  EXPECT_EQ(Of(out, 4), nullptr);
  EXPECT_EQ(Of(out, 5), nullptr);
  // ... and at resolution both are skipped (no correction): the team closed the ticket without
  // the suggestion.
  t.status = "closed";
  out = ClassifyOutcomes(t, decisions, {approved, edited}, {1, 2, 3}, 1);
  ASSERT_EQ(out.size(), 2u);
  for (const int64_t id : {4, 5}) {
    ASSERT_NE(Of(out, id), nullptr) << id;
    EXPECT_EQ(Of(out, id)->outcome.kind, "skipped");
    EXPECT_FALSE(Of(out, id)->correction.has_value());
  }
}

TEST(ResolutionOfTest, FirstContactAndTimeToResolveFromTheTicket) {
  Ticket t = TicketWith({{"group", "Network"}}, "open");
  EXPECT_FALSE(ResolutionOf(t, "Hardware", kNowMs).has_value());
  t.status = "resolved";
  t.conversations.push_back({"c1", "agent", "Fixed", false, false, 200});
  t.conversations.push_back({"c2", "agent", "internal", true, false, 150});
  std::optional<ResolutionRecord> r = ResolutionOf(t, "Hardware", kNowMs);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->first_contact);
  EXPECT_EQ(r->queue, "Network");
  EXPECT_EQ(r->created_ms, 50000);
  EXPECT_EQ(r->resolved_ms, 500000);
  EXPECT_EQ(r->conversations, 2);
  t.conversations.push_back({"c3", "requester", "Still broken", false, true, 300});
  EXPECT_FALSE(ResolutionOf(t, "Hardware", kNowMs)->first_contact);
}

class DemotionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreConfig config;
    config.sqlite_path = ":memory:";
    auto store = OpenStore(config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    PolicyOptions options;
    options.cells = {{"Hardware", "group", AutonomyMode::kAutofill, std::nullopt, std::nullopt},
                     {"Access", "group", AutonomyMode::kAutofill, std::nullopt, std::nullopt},
                     {"*", "priority", AutonomyMode::kSuggest, std::nullopt, std::nullopt}};
    policy_ = std::make_unique<PolicyHolder>(options);
  }

  // `accepted` accepted and `rejected` replaced outcomes of (queue, field) in `mode`.
  void AddOutcomes(const std::string& queue, const std::string& field, const std::string& mode,
                   int accepted, int replaced) {
    for (int i = 0; i < accepted + replaced; ++i) {
      OutcomeRecord o;
      o.decision_id = ++next_id_;
      o.ticket_id = "t" + std::to_string(next_id_);
      o.queue = queue;
      o.field = field;
      o.mode = mode;
      o.kind = i < accepted ? outcome_kind::kAccepted : outcome_kind::kReplaced;
      o.observed_ms = kNowMs - 3600000;
      ASSERT_TRUE(store_->RecordOutcome(o, AuditEntry()).ok());
    }
  }

  std::vector<AuditEntry> Demoted() {
    std::vector<AuditEntry> demoted;
    Result<std::vector<AuditEntry>> entries = store_->ReadAudit(0, 1000);
    EXPECT_TRUE(entries.ok());
    if (!entries.ok()) {
      return demoted;
    }
    for (const AuditEntry& e : *entries) {
      if (e.kind == "demoted") {
        demoted.push_back(e);
      }
    }
    return demoted;
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<PolicyHolder> policy_;
  LearningOptions options_;
  int64_t next_id_ = 0;
};

TEST_F(DemotionTest, BelowTheFloorDemotesOneStepAndAudits) {
  AddOutcomes("Hardware", "group", "autofill", 17, 8);    // 0.68 < 0.9 over 25
  AddOutcomes("Access", "group", "autofill", 23, 1);      // 0.958: stays
  AddOutcomes("Hardware", "priority", "suggest", 5, 10);  // 0.33 but only 15 < 20 outcomes
  Result<std::vector<Demotion>> demoted = RunDemotionCheck(*store_, *policy_, options_, kNowMs);
  ASSERT_TRUE(demoted.ok()) << demoted.status().ToString();
  ASSERT_EQ(demoted->size(), 1u);
  EXPECT_EQ(DescribeDemotion((*demoted)[0]),
            "group in Hardware: autofill -> suggest (acceptance 0.68 < 0.90 over 25 outcomes, "
            "14 days)");
  EXPECT_EQ(policy_->current()->ModeFor("Hardware", "group"), AutonomyMode::kSuggest);
  EXPECT_EQ(policy_->current()->ModeFor("Access", "group"), AutonomyMode::kAutofill);
  EXPECT_EQ(policy_->current()->ModeFor("Hardware", "priority"), AutonomyMode::kSuggest);
  const std::vector<MatrixCellRecord> cells = *store_->ListMatrixCells();
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].mode, "suggest");
  EXPECT_EQ(cells[0].actor, "system:demotion");
  const std::vector<AuditEntry> audit = Demoted();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_THAT(audit[0].detail, HasSubstr("\"accepted\":17"));
  EXPECT_THAT(audit[0].detail, HasSubstr("\"judged\":25"));
  EXPECT_THAT(audit[0].detail, HasSubstr("\"to\":\"suggest\""));

  // Judged again: the cell is suggest now and its autofill outcomes no longer count, so nothing
  // more happens until suggestions themselves fall below the suggest floor.
  EXPECT_TRUE(RunDemotionCheck(*store_, *policy_, options_, kNowMs)->empty());
  AddOutcomes("Hardware", "group", "suggest", 10, 11);  // 0.476 < 0.6 over 21
  demoted = RunDemotionCheck(*store_, *policy_, options_, kNowMs);
  ASSERT_EQ(demoted->size(), 1u);
  EXPECT_EQ((*demoted)[0].to, "monitor");
  EXPECT_EQ(policy_->current()->ModeFor("Hardware", "group"), AutonomyMode::kMonitor);
  // Monitor is the floor of demotion, and it never promotes.
  EXPECT_TRUE(RunDemotionCheck(*store_, *policy_, options_, kNowMs)->empty());
  EXPECT_EQ(Demoted().size(), 2u);
}

TEST_F(DemotionTest, OutcomesOutsideTheWindowAndSwitchedOffDoNothing) {
  AddOutcomes("Hardware", "group", "autofill", 0, 30);
  // 15 days later the outcomes are out of the 14-day window.
  EXPECT_TRUE(RunDemotionCheck(*store_, *policy_, options_, kNowMs + 15 * 86400000LL)->empty());
  LearningOptions off = options_;
  off.auto_demotion = false;
  EXPECT_TRUE(RunDemotionCheck(*store_, *policy_, off, kNowMs)->empty());
  EXPECT_TRUE(Demoted().empty());
  EXPECT_EQ(policy_->current()->ModeFor("Hardware", "group"), AutonomyMode::kAutofill);
}

}  // namespace
}  // namespace autotriage
