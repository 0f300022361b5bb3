// The backtest's readiness report: counts, rates, per-queue cells and what each cell qualifies for.
#include "autotriage/policy/readiness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/policy/testing/policy_fixtures.h"

namespace autotriage {
namespace {

using testing::GroupHead;
using ::testing::HasSubstr;
using testing::Predicted;

const ReadinessRow* Find(const ReadinessReport& report, const std::string& queue,
                         const std::string& field) {
  for (const ReadinessRow& row : report.rows) {
    if (row.queue == queue && row.field == field) {
      return &row;
    }
  }
  return nullptr;
}

// Adds `count` predictions of `label` at `confidence` for tickets whose truth is `truth`.
void AddMany(ReadinessTally* tally, const HeadInfo& head, const std::string& queue, int count,
             const std::string& label, double confidence, const std::string& truth) {
  const Prediction prediction = Predicted(head, {{label, confidence}, {"Access", 0.01}});
  for (int i = 0; i < count; ++i) {
    tally->Add(head, queue, truth, prediction);
  }
}

TEST(ReadinessTest, CountsAndRatesPerQueueAndForAllQueues) {
  const HeadInfo head = GroupHead();
  Policy policy{PolicyOptions{}};
  ReadinessTally tally(&policy, ReadinessOptions{});
  // Network queue: 40 decided right, 2 decided wrong, 8 abstained (4 of them right).
  AddMany(&tally, head, "Network", 40, "Network", 0.9, "Network");
  AddMany(&tally, head, "Network", 2, "Network", 0.9, "Access");
  AddMany(&tally, head, "Network", 4, "Network", 0.5, "Network");
  AddMany(&tally, head, "Network", 4, "Network", 0.5, "Hardware");
  // Hardware queue: the model never decides Hardware; all 10 right.
  AddMany(&tally, head, "Hardware", 10, "Hardware", 0.95, "Hardware");
  // No truth: not scored.
  tally.Add(head, "Network", "", Predicted(head, {{"Network", 0.9}}));
  EXPECT_EQ(tally.unlabelled(), 1);

  const ReadinessReport report = tally.Report();
  ASSERT_EQ(report.rows.size(), 3u);
  EXPECT_EQ(report.rows[0].queue, kAllQueues);  // the all-queues row comes first
  EXPECT_EQ(report.rows[1].queue, "Hardware");  // then queues by name
  EXPECT_EQ(report.rows[2].queue, "Network");

  const ReadinessRow* network = Find(report, "Network", "group");
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->examples, 50);
  EXPECT_EQ(network->decided, 42);
  EXPECT_EQ(network->decided_correct, 40);
  EXPECT_EQ(network->correct, 44);
  EXPECT_DOUBLE_EQ(network->precision, 40.0 / 42.0);
  EXPECT_DOUBLE_EQ(network->coverage, 42.0 / 50.0);
  EXPECT_DOUBLE_EQ(network->abstain_rate, 8.0 / 50.0);
  EXPECT_DOUBLE_EQ(network->accuracy, 44.0 / 50.0);
  EXPECT_EQ(network->mode, AutonomyMode::kMonitor);
  EXPECT_DOUBLE_EQ(network->target_precision, 0.9);  // the head's own target

  const ReadinessRow* hardware = Find(report, "Hardware", "group");
  ASSERT_NE(hardware, nullptr);
  EXPECT_EQ(hardware->decided, 0);
  EXPECT_EQ(hardware->precision, 0.0);
  EXPECT_DOUBLE_EQ(hardware->accuracy, 1.0);
  EXPECT_EQ(hardware->qualifies, AutonomyMode::kMonitor);
  EXPECT_EQ(hardware->reason, "nothing decided in 10 examples");

  const ReadinessRow* all = Find(report, kAllQueues, "group");
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(all->examples, 60);
  EXPECT_EQ(all->decided, 42);
  EXPECT_DOUBLE_EQ(all->coverage, 42.0 / 60.0);
  EXPECT_DOUBLE_EQ(all->accuracy, 54.0 / 60.0);
  EXPECT_EQ(report.overall.examples, 60);
  EXPECT_DOUBLE_EQ(report.overall.precision, 40.0 / 42.0);
}

TEST(ReadinessTest, QualificationFollowsTargetsAndEvidence) {
  const HeadInfo head = GroupHead();
  PolicyOptions options;
  options.cells = {{"Strict", "group", AutonomyMode::kSuggest, 0.97, std::nullopt}};
  Policy policy(options);
  ReadinessTally tally(&policy, ReadinessOptions{30, 0.8});
  // Ready: 95% precision >= 0.90 target, 40 decided.
  AddMany(&tally, head, "Ready", 38, "Network", 0.9, "Network");
  AddMany(&tally, head, "Ready", 2, "Network", 0.9, "Access");
  // Small: perfect, but 10 decided < 30.
  AddMany(&tally, head, "Small", 10, "Network", 0.9, "Network");
  // Strict: 95% precision but its cell wants 0.97.
  AddMany(&tally, head, "Strict", 38, "Network", 0.9, "Network");
  AddMany(&tally, head, "Strict", 2, "Network", 0.9, "Access");
  // Poor: 70% precision.
  AddMany(&tally, head, "Poor", 28, "Network", 0.9, "Network");
  AddMany(&tally, head, "Poor", 12, "Network", 0.9, "Access");
  const ReadinessReport report = tally.Report();

  const ReadinessRow* ready = Find(report, "Ready", "group");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->qualifies, AutonomyMode::kAutofill);
  EXPECT_EQ(ready->reason, "precision 0.95 >= target 0.90 on 40 decided");
  const ReadinessRow* small = Find(report, "Small", "group");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->qualifies, AutonomyMode::kSuggest);
  EXPECT_THAT(small->reason, HasSubstr("autofill needs 30 decided"));
  const ReadinessRow* strict = Find(report, "Strict", "group");
  ASSERT_NE(strict, nullptr);
  EXPECT_EQ(strict->mode, AutonomyMode::kSuggest);
  EXPECT_DOUBLE_EQ(strict->target_precision, 0.97);
  EXPECT_EQ(strict->qualifies, AutonomyMode::kSuggest);
  EXPECT_THAT(strict->reason, HasSubstr("autofill needs precision 0.97"));
  const ReadinessRow* poor = Find(report, "Poor", "group");
  ASSERT_NE(poor, nullptr);
  EXPECT_EQ(poor->qualifies, AutonomyMode::kMonitor);
  EXPECT_EQ(poor->reason, "precision 0.70 < 0.80 on 40 decided");
}

TEST(ReadinessTest, TheCellsThresholdDecidesWhatCounts) {
  const HeadInfo head = GroupHead();
  PolicyOptions options;
  // Network tickets at confidence 0.5: below the head's 0.60, above 0.40 for target 0.80.
  options.cells = {{"Lenient", "group", AutonomyMode::kAutofill, 0.8, std::nullopt},
                   {"*", "group", AutonomyMode::kSuggest, std::nullopt, 0.9}};
  Policy policy(options);
  ReadinessTally tally(&policy, ReadinessOptions{});
  AddMany(&tally, head, "Lenient", 5, "Network", 0.5, "Network");
  AddMany(&tally, head, "Other", 5, "Network", 0.5, "Network");
  AddMany(&tally, head, "Other", 5, "Network", 0.7, "Network");  // margin 0.69 < 0.9
  const ReadinessReport report = tally.Report();
  EXPECT_EQ(Find(report, "Lenient", "group")->decided, 5);
  EXPECT_EQ(Find(report, "Lenient", "group")->mode, AutonomyMode::kAutofill);
  EXPECT_EQ(Find(report, "Other", "group")->decided, 0);
  const ReadinessRow* all = Find(report, kAllQueues, "group");
  EXPECT_EQ(all->decided, 5);
  EXPECT_EQ(all->mode, AutonomyMode::kSuggest);  // the "*" cell
}

TEST(ReadinessTest, FieldsKeepTheirOrderAndTicketsWithoutAQueueComeLast) {
  HeadInfo group = GroupHead();
  HeadInfo priority = GroupHead();
  priority.field = "priority";
  Policy policy{PolicyOptions{}};
  ReadinessTally tally(&policy, ReadinessOptions{});
  AddMany(&tally, priority, "Network", 1, "Network", 0.9, "Network");
  AddMany(&tally, group, "", 1, "Network", 0.9, "Network");
  AddMany(&tally, group, "Access", 1, "Network", 0.9, "Network");
  const ReadinessReport report = tally.Report();
  ASSERT_EQ(report.rows.size(), 5u);
  EXPECT_EQ(report.rows[0].field, "priority");
  EXPECT_EQ(report.rows[2].field, "group");
  EXPECT_EQ(report.rows[2].queue, kAllQueues);
  EXPECT_EQ(report.rows[3].queue, "Access");
  EXPECT_EQ(report.rows[4].queue, "");
  EXPECT_EQ(report.overall.examples, 3);
}

TEST(ReadinessTest, EmptyTallyReportsNothing) {
  Policy policy{PolicyOptions{}};
  ReadinessTally tally(&policy, ReadinessOptions{});
  const ReadinessReport report = tally.Report();
  EXPECT_TRUE(report.rows.empty());
  EXPECT_EQ(report.overall.examples, 0);
  EXPECT_EQ(report.overall.precision, 0.0);
  EXPECT_EQ(report.overall.abstain_rate, 0.0);
}

}  // namespace
}  // namespace autotriage
