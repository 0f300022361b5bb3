// The autonomy matrix, gates 1-7 in order, thresholds from cell targets, and CheckWrite.
#include "autotriage/policy/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "autotriage/policy/testing/policy_fixtures.h"

namespace autotriage {
namespace {

using testing::GroupHead;
using ::testing::HasSubstr;
using testing::MakeTicket;
using testing::Predicted;

PolicyCell Cell(std::string queue, std::string field, AutonomyMode mode,
                std::optional<double> target = std::nullopt,
                std::optional<double> margin = std::nullopt) {
  return PolicyCell{std::move(queue), std::move(field), mode, target, margin};
}

PolicyOptions AutofillGroups() {
  PolicyOptions options;
  options.cells = {Cell("*", "group", AutonomyMode::kAutofill)};
  return options;
}

const LiveSchema& Schema() {
  static const LiveSchema schema = {{"group", {"Network", "Access", "Hardware"}},
                                    {"priority", {"Low", "Medium", "High", "Urgent"}}};
  return schema;
}

class DecideTest : public ::testing::Test {
 protected:
  FieldDecision Decide(const Policy& policy, const Ticket& ticket,
                       const std::vector<std::pair<std::string, double>>& top,
                       const std::vector<std::pair<std::string, std::string>>& overrides = {},
                       const LiveSchema& schema = Schema()) {
    prediction_ = Predicted(head_, top);
    return policy.Decide(ticket, {head_.field, &prediction_, &head_}, schema, overrides);
  }

  HeadInfo head_ = GroupHead();
  Prediction prediction_;
};

TEST(PolicyMatrixTest, DefaultModeAppliesWithoutACell) {
  PolicyOptions options;
  options.default_mode = AutonomyMode::kSuggest;
  Policy policy(options);
  EXPECT_EQ(policy.CellFor("Network", "group"), nullptr);
  EXPECT_EQ(policy.ModeFor("Network", "group"), AutonomyMode::kSuggest);
  EXPECT_EQ(policy.ModeFor("", "priority"), AutonomyMode::kSuggest);
}

TEST(PolicyMatrixTest, NamedQueueBeatsStarWhicheverComesFirst) {
  for (bool star_first : {true, false}) {
    PolicyOptions options;
    options.cells = {Cell("Network", "group", AutonomyMode::kAutofill, 0.95),
                     Cell("*", "group", AutonomyMode::kSuggest)};
    if (star_first) {
      std::swap(options.cells[0], options.cells[1]);
    }
    Policy policy(options);
    EXPECT_EQ(policy.ModeFor("Network", "group"), AutonomyMode::kAutofill) << star_first;
    ASSERT_NE(policy.CellFor("Network", "group"), nullptr);
    EXPECT_EQ(policy.CellFor("Network", "group")->target_precision, 0.95);
    EXPECT_EQ(policy.ModeFor("Access", "group"), AutonomyMode::kSuggest) << star_first;
    EXPECT_EQ(policy.ModeFor("", "group"), AutonomyMode::kSuggest) << star_first;
    // Cells for one field say nothing about another.
    EXPECT_EQ(policy.ModeFor("Network", "priority"), AutonomyMode::kMonitor);
  }
}

TEST(PolicyMatrixTest, QueueNamesAreExact) {
  PolicyOptions options;
  options.cells = {Cell("Network", "group", AutonomyMode::kAutofill)};
  Policy policy(options);
  EXPECT_EQ(policy.ModeFor("network", "group"), AutonomyMode::kMonitor);
  EXPECT_EQ(policy.ModeFor("", "group"), AutonomyMode::kMonitor);
}

TEST_F(DecideTest, ConfidentPredictionIsAutofilled) {
  Policy policy(AutofillGroups());
  FieldDecision d = Decide(policy, MakeTicket(), {{"Network", 0.75}, {"Access", 0.15}});
  EXPECT_EQ(d.outcome, outcome::kAutofill);
  EXPECT_EQ(d.field, "group");
  EXPECT_EQ(d.mode, AutonomyMode::kAutofill);
  EXPECT_EQ(d.old_value, "");
  EXPECT_EQ(d.new_value, "Network");
  EXPECT_DOUBLE_EQ(d.confidence, 0.75);
  EXPECT_DOUBLE_EQ(d.margin, 0.60);
  EXPECT_DOUBLE_EQ(d.threshold, 0.6);
  EXPECT_EQ(d.reason, "0.75 >= threshold 0.60 for 'Network'");
}

TEST_F(DecideTest, SuggestWaitsForApproval) {
  PolicyOptions options;
  options.cells = {Cell("*", "group", AutonomyMode::kSuggest)};
  FieldDecision d = Decide(Policy(options), MakeTicket(), {{"Network", 0.75}, {"Access", 0.15}});
  EXPECT_EQ(d.outcome, outcome::kPending);
  EXPECT_EQ(d.mode, AutonomyMode::kSuggest);
}

TEST_F(DecideTest, OffCellPredictsNothing) {
  PolicyOptions options;
  options.cells = {Cell("*", "group", AutonomyMode::kOff)};
  FieldDecision d = Decide(Policy(options), MakeTicket(), {{"Network", 0.99}});
  EXPECT_EQ(d.outcome, outcome::kOff);
  EXPECT_EQ(d.mode, AutonomyMode::kOff);
  EXPECT_EQ(d.new_value, "");
  EXPECT_THAT(d.reason, HasSubstr("off for 'group'"));
}

TEST_F(DecideTest, MonitorRecordsAndSaysWhatWouldHaveHappened) {
  Policy policy{PolicyOptions{}};  // default_mode monitor
  FieldDecision acts = Decide(policy, MakeTicket(), {{"Network", 0.75}, {"Access", 0.15}});
  EXPECT_EQ(acts.outcome, outcome::kRecorded);
  EXPECT_EQ(acts.mode, AutonomyMode::kMonitor);
  EXPECT_EQ(acts.new_value, "Network");
  EXPECT_EQ(acts.reason, "monitor only; would act: 0.75 >= threshold 0.60 for 'Network'");
  FieldDecision low = Decide(policy, MakeTicket(), {{"Network", 0.55}, {"Access", 0.35}});
  EXPECT_EQ(low.outcome, outcome::kRecorded);
  EXPECT_THAT(low.reason, HasSubstr("monitor only; would stop at abstain: "));
  FieldDecision same = Decide(policy, MakeTicket("Network"), {{"Network", 0.75}});
  EXPECT_EQ(same.outcome, outcome::kRecorded);
  EXPECT_THAT(same.reason, HasSubstr("would stop at unchanged"));
}

TEST_F(DecideTest, Gate1BelowThresholdAbstainsNeverADefaultLabel) {
  Policy policy(AutofillGroups());
  FieldDecision d = Decide(policy, MakeTicket(), {{"Network", 0.55}, {"Access", 0.35}});
  EXPECT_EQ(d.outcome, outcome::kAbstain);
  EXPECT_EQ(d.new_value, "Network");  // recorded for review, not acted on
  EXPECT_DOUBLE_EQ(d.threshold, 0.6);
  EXPECT_EQ(d.reason, "the model abstained: below the threshold for 'Network'");
}

TEST_F(DecideTest, Gate1EmptyPredictionAbstains) {
  Policy policy(AutofillGroups());
  FieldDecision d = Decide(policy, MakeTicket(), {});
  EXPECT_EQ(d.outcome, outcome::kAbstain);
  EXPECT_EQ(d.new_value, "");
  EXPECT_EQ(d.reason, "the model abstained: empty text");
}

TEST_F(DecideTest, Gate1UnreachableLabelNeedsACellTargetItCanMeet) {
  FieldDecision d = Decide(Policy(AutofillGroups()), MakeTicket(), {{"Hardware", 0.95}});
  EXPECT_EQ(d.outcome, outcome::kAbstain);
  EXPECT_GT(d.threshold, 1.0);
  PolicyOptions reachable;
  reachable.cells = {Cell("*", "group", AutonomyMode::kAutofill, 0.85)};
  d = Decide(Policy(reachable), MakeTicket(), {{"Hardware", 0.95}});
  EXPECT_EQ(d.outcome, outcome::kAutofill);
  EXPECT_DOUBLE_EQ(d.threshold, 0.9);
  PolicyOptions strict;
  strict.cells = {Cell("*", "group", AutonomyMode::kAutofill, 0.9)};
  d = Decide(Policy(strict), MakeTicket(), {{"Hardware", 0.95}});
  EXPECT_EQ(d.outcome, outcome::kAbstain);
  EXPECT_EQ(d.reason, "'Hardware' never reached precision 0.90 in validation");
}

TEST_F(DecideTest, Gate1CellTargetMovesTheThresholdBothWays) {
  PolicyOptions lower;
  lower.cells = {Cell("*", "group", AutonomyMode::kAutofill, 0.8)};
  // 0.5 is below the head's own 0.60 (the model abstained), but the cell accepts 0.80 precision.
  FieldDecision d = Decide(Policy(lower), MakeTicket(), {{"Network", 0.5}, {"Access", 0.3}});
  EXPECT_EQ(d.outcome, outcome::kAutofill);
  EXPECT_DOUBLE_EQ(d.threshold, 0.4);
  PolicyOptions higher;
  higher.cells = {Cell("*", "group", AutonomyMode::kAutofill, 0.95)};
  d = Decide(Policy(higher), MakeTicket(), {{"Network", 0.7}, {"Access", 0.2}});
  EXPECT_EQ(d.outcome, outcome::kAbstain);
  EXPECT_DOUBLE_EQ(d.threshold, 0.8);
  EXPECT_EQ(d.reason, "0.70 < threshold 0.80 for 'Network'");
}

TEST_F(DecideTest, Gate1ModelWithoutCurvesOnlyServesTargetsItKnows) {
  PolicyOptions known;
  known.cells = {Cell("*", "group", AutonomyMode::kAutofill, 0.85)};
  FieldDecision d = Decide(Policy(known), MakeTicket(), {{"Access", 0.75}, {"Network", 0.2}});
  EXPECT_EQ(d.outcome, outcome::kAutofill);
  EXPECT_DOUBLE_EQ(d.threshold, 0.7);  // the stored threshold, which reached 0.93
  PolicyOptions unknown;
  unknown.cells = {Cell("*", "group", AutonomyMode::kAutofill, 0.95)};
  d = Decide(Policy(unknown), MakeTicket(), {{"Access", 0.99}, {"Network", 0.01}});
  EXPECT_EQ(d.outcome, outcome::kAbstain);
  EXPECT_GT(d.threshold, 1.0);
}

TEST_F(DecideTest, Gate1MarginBetweenTopTwo) {
  PolicyOptions options;
  options.cells = {Cell("*", "group", AutonomyMode::kAutofill, std::nullopt, 0.3)};
  Policy policy(options);
  FieldDecision close = Decide(policy, MakeTicket(), {{"Network", 0.62}, {"Access", 0.36}});
  EXPECT_EQ(close.outcome, outcome::kAbstain);
  EXPECT_NEAR(close.margin, 0.26, 1e-12);
  EXPECT_EQ(close.reason, "margin 0.26 < min_margin 0.30 between 'Network' and 'Access'");
  FieldDecision clear = Decide(policy, MakeTicket(), {{"Network", 0.66}, {"Access", 0.2}});
  EXPECT_EQ(clear.outcome, outcome::kAutofill);
  // Without a runner-up the margin is the top probability itself.
  FieldDecision alone = Decide(policy, MakeTicket(), {{"Network", 0.66}});
  EXPECT_EQ(alone.outcome, outcome::kAutofill);
  EXPECT_DOUBLE_EQ(alone.margin, 0.66);
  // A lone label below the margin (possible when a cell target lowers the threshold).
  PolicyOptions lenient;
  lenient.cells = {Cell("*", "group", AutonomyMode::kAutofill, 0.8, 0.5)};
  FieldDecision lone = Decide(Policy(lenient), MakeTicket(), {{"Network", 0.45}});
  EXPECT_EQ(lone.outcome, outcome::kAbstain);
  EXPECT_EQ(lone.reason, "margin 0.45 < min_margin 0.50 between 'Network' and no runner-up");
}

TEST_F(DecideTest, Gate2LabelMustExistInTheLiveSchema) {
  Policy policy(AutofillGroups());
  const LiveSchema renamed = {{"group", {"Networking", "Access"}}};
  FieldDecision d = Decide(policy, MakeTicket(), {{"Network", 0.9}}, {}, renamed);
  EXPECT_EQ(d.outcome, outcome::kInvalidLabel);
  EXPECT_EQ(d.reason,
            "'Network' is not a value of 'group' in the helpdesk (allowed: Networking, Access)");
  d = Decide(policy, MakeTicket(), {{"Network", 0.9}}, {}, LiveSchema{});
  EXPECT_EQ(d.outcome, outcome::kInvalidLabel);
  EXPECT_THAT(d.reason, HasSubstr("has no field 'group'"));
  // Free text (no choices) accepts any label.
  d = Decide(policy, MakeTicket(), {{"Network", 0.9}}, {}, LiveSchema{{"group", {}}});
  EXPECT_EQ(d.outcome, outcome::kAutofill);
}

TEST_F(DecideTest, Gate3OnlyAllowListedFieldsAreWritten) {
  PolicyOptions options = AutofillGroups();
  options.writable_fields = {"priority"};
  FieldDecision d = Decide(Policy(options), MakeTicket(), {{"Network", 0.9}});
  EXPECT_EQ(d.outcome, outcome::kNotWritable);
  EXPECT_EQ(d.reason, "'group' is not in policy.writable_fields (priority)");
}

TEST_F(DecideTest, Gate3StatusIsNeverWrittenWhateverTheConfigSays) {
  head_.field = "status";
  PolicyOptions options;
  options.cells = {Cell("*", "status", AutonomyMode::kAutofill)};
  options.writable_fields = {"status"};  // the loader rejects this; the policy refuses anyway
  const LiveSchema schema = {{"status", {"Network", "Access", "Hardware"}}};
  FieldDecision d = Decide(Policy(options), MakeTicket(), {{"Network", 0.9}}, {}, schema);
  EXPECT_EQ(d.outcome, outcome::kNotWritable);
  EXPECT_THAT(d.reason, HasSubstr("never closes, resolves, deletes or merges"));
}

TEST_F(DecideTest, Gate4SameValueIsUnchanged) {
  FieldDecision d = Decide(Policy(AutofillGroups()), MakeTicket("Network"), {{"Network", 0.9}});
  EXPECT_EQ(d.outcome, outcome::kUnchanged);
  EXPECT_EQ(d.old_value, "Network");
}

TEST_F(DecideTest, Gate5HumanValueIsKeptUnlessOverwritable) {
  FieldDecision d = Decide(Policy(AutofillGroups()), MakeTicket("Hardware"), {{"Network", 0.9}});
  EXPECT_EQ(d.outcome, outcome::kKeptHuman);
  EXPECT_EQ(d.reason, "'group' is already 'Hardware' and is not in policy.overwrite_fields");
  PolicyOptions options = AutofillGroups();
  options.overwrite_fields = {"group"};
  d = Decide(Policy(options), MakeTicket("Hardware"), {{"Network", 0.9}});
  EXPECT_EQ(d.outcome, outcome::kAutofill);
  EXPECT_EQ(d.old_value, "Hardware");
}

TEST_F(DecideTest, Gate6OverrideMemoryIsNeverReapplied) {
  Policy policy(AutofillGroups());
  FieldDecision d = Decide(policy, MakeTicket(), {{"Network", 0.9}}, {{"group", "Network"}});
  EXPECT_EQ(d.outcome, outcome::kOverridden);
  EXPECT_EQ(d.reason, "a human changed 'group' away from 'Network' on this ticket before");
  // Another value, or the same value of another field, does not count.
  d = Decide(policy, MakeTicket(), {{"Network", 0.9}},
             {{"group", "Access"}, {"priority", "Network"}});
  EXPECT_EQ(d.outcome, outcome::kAutofill);
}

TEST_F(DecideTest, Gate7KillSwitchStopsAutofillAndSuggest) {
  for (AutonomyMode mode : {AutonomyMode::kAutofill, AutonomyMode::kSuggest}) {
    PolicyOptions options;
    options.kill_switch = true;
    options.cells = {Cell("*", "group", mode)};
    FieldDecision d = Decide(Policy(options), MakeTicket(), {{"Network", 0.9}});
    EXPECT_EQ(d.outcome, outcome::kKillSwitch);
    EXPECT_EQ(d.reason, "the kill switch is on (policy.kill_switch)");
    EXPECT_EQ(d.new_value, "Network");  // still recorded
  }
}

TEST_F(DecideTest, GatesRunInOrderAndTheFirstOneTells) {
  PolicyOptions options = AutofillGroups();
  options.kill_switch = true;
  options.writable_fields = {};
  Policy everything_fails(options);
  const std::vector<std::pair<std::string, std::string>> override_memory = {{"group", "Network"}};
  const LiveSchema no_network = {{"group", {"Access"}}};
  EXPECT_EQ(Decide(everything_fails, MakeTicket("Network"), {{"Network", 0.5}}, override_memory,
                   no_network)
                .outcome,
            outcome::kAbstain);
  EXPECT_EQ(Decide(everything_fails, MakeTicket("Network"), {{"Network", 0.9}}, override_memory,
                   no_network)
                .outcome,
            outcome::kInvalidLabel);
  EXPECT_EQ(
      Decide(everything_fails, MakeTicket("Network"), {{"Network", 0.9}}, override_memory).outcome,
      outcome::kNotWritable);
  options.writable_fields = {"group"};
  Policy writable(options);
  EXPECT_EQ(Decide(writable, MakeTicket("Network"), {{"Network", 0.9}}, override_memory).outcome,
            outcome::kUnchanged);
  EXPECT_EQ(Decide(writable, MakeTicket("Access"), {{"Network", 0.9}}, override_memory).outcome,
            outcome::kKeptHuman);
  EXPECT_EQ(Decide(writable, MakeTicket(), {{"Network", 0.9}}, override_memory).outcome,
            outcome::kOverridden);
  EXPECT_EQ(Decide(writable, MakeTicket(), {{"Network", 0.9}}).outcome, outcome::kKillSwitch);
}

TEST_F(DecideTest, TheTicketsGroupPicksTheCell) {
  PolicyOptions options;
  options.cells = {Cell("Network", "group", AutonomyMode::kAutofill),
                   Cell("*", "group", AutonomyMode::kSuggest)};
  options.overwrite_fields = {"group"};
  Policy policy(options);
  EXPECT_EQ(Decide(policy, MakeTicket("Network"), {{"Access", 0.9}}).outcome, outcome::kAutofill);
  EXPECT_EQ(Decide(policy, MakeTicket("Hardware"), {{"Access", 0.9}}).outcome, outcome::kPending);
  EXPECT_EQ(Decide(policy, MakeTicket(), {{"Access", 0.9}}).outcome, outcome::kPending);
}

TEST(PolicyThresholdTest, HeadThresholdCellTargetAndUnknownLabel) {
  const HeadInfo head = GroupHead();
  Policy policy{PolicyOptions{}};
  EXPECT_DOUBLE_EQ(policy.ThresholdFor(head, "Network", nullptr), 0.6);
  const PolicyCell no_target = Cell("*", "group", AutonomyMode::kAutofill);
  EXPECT_DOUBLE_EQ(policy.ThresholdFor(head, "Network", &no_target), 0.6);
  const PolicyCell target = Cell("*", "group", AutonomyMode::kAutofill, 0.97);
  EXPECT_DOUBLE_EQ(policy.ThresholdFor(head, "Network", &target), 0.8);
  EXPECT_EQ(policy.ThresholdFor(head, "Printers", nullptr), kNeverDecide);
}

TEST(PolicyCheckWriteTest, RefusesForbiddenAndUnlistedFields) {
  Policy policy{PolicyOptions{}};
  EXPECT_TRUE(policy.CheckWrite({{"group", "Network"}, {"priority", "High"}}).ok());
  EXPECT_TRUE(policy.CheckWrite({}).ok());
  Status status = policy.CheckWrite({{"group", "Network"}, {"status", "closed"}});
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "refusing to write 'status': the engine never closes, resolves, deletes or merges "
            "tickets");
  status = policy.CheckWrite({{"agent", "ana"}});
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "refusing to write 'agent': it is not in policy.writable_fields (group, priority, "
            "type)");
  // Even a configuration that lists them cannot make these writable.
  PolicyOptions careless;
  careless.writable_fields = {"Status", "deleted", "merged_into"};
  Policy permissive(careless);
  for (const char* field : {"Status", "deleted", "merged_into"}) {
    EXPECT_EQ(permissive.CheckWrite({{field, "x"}}).code(), StatusCode::kPermissionDenied) << field;
  }
}

TEST(PolicyCostTest, DecideIsCheapEnoughForTheEngineBudget) {
  PolicyOptions options;
  for (int q = 0; q < 20; ++q) {
    options.cells.push_back(Cell("Queue" + std::to_string(q), "group", AutonomyMode::kSuggest));
  }
  options.cells.push_back(Cell("*", "group", AutonomyMode::kAutofill, 0.8, 0.1));
  Policy policy(options);
  const HeadInfo head = GroupHead();
  const Prediction prediction = Predicted(head, {{"Network", 0.7}, {"Access", 0.2}});
  const Ticket ticket = MakeTicket();
  const int kRounds = 20000;
  int autofill = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    FieldDecision d = policy.Decide(ticket, {"group", &prediction, &head}, Schema(), {});
    autofill += d.outcome == outcome::kAutofill ? 1 : 0;
  }
  const double micros =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      kRounds;
  EXPECT_EQ(autofill, kRounds);
  // The engine's whole budget is 1 ms per ticket for every head; a decision must be a sliver.
  EXPECT_LT(micros, 50.0);
  RecordProperty("decide_microseconds", std::to_string(micros));
}

}  // namespace
}  // namespace autotriage
