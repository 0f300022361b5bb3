#include "autotriage/ml/retrain.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "autotriage/ml/head_settings.h"
#include "autotriage/ml/testing/toy_data.h"

namespace autotriage {
namespace {

namespace fs = std::filesystem;

std::vector<BaseExample> ToyBase(int count, uint64_t seed) {
  const auto data = testing::MakeToyData(count, seed);
  std::vector<BaseExample> base;
  for (size_t i = 0; i < data.texts.size(); ++i) {
    base.push_back({"t" + std::to_string(i), data.texts[i], data.labels[i]});
  }
  return base;
}

HeadOptions FastOptions() {
  HeadOptions options;
  options.use_fasttext = false;
  return options;
}

// A live bundle trained on `base` (all of it, as `autotriage train` does).
ModelBundle LiveBundle(const std::vector<BaseExample>& base) {
  std::vector<std::string> texts, labels;
  for (const BaseExample& b : base) {
    texts.push_back(b.text);
    labels.push_back(b.label);
  }
  auto head = TrainHead("group", texts, labels, FastOptions());
  EXPECT_TRUE(head.ok()) << head.status().ToString();
  ModelBundle bundle;
  bundle.AddHead(std::move(head).value());
  bundle.metadata().settings_json = HeadSettingsJson(FastOptions());
  return bundle;
}

TEST(CorrectionsTest, OverrideBaseLabelsByTicketIdAndAppendNewTickets) {
  const std::vector<BaseExample> base = {{"1", "vpn down", "Network"},
                                         {"2", "password reset", "Access"},
                                         {"3", "printer", "Hardware"}};
  const std::vector<CorrectionExample> corrections = {
      {"2", "group", "Network", "", "replaced"},
      {"2", "group", "Hardware", "", "edited"},  // the last correction of a ticket wins
      {"9", "group", "Access", "cannot log in", "approved"},
      {"3", "priority", "High", "", "approved"},  // another field
  };
  MergeReport report;
  auto merged = MergeCorrections(base, corrections, "group", &report);
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[1].label, "Hardware");
  EXPECT_EQ(merged[1].base_label, "Access");
  EXPECT_EQ(merged[3].key, "9");
  EXPECT_EQ(merged[3].text, "cannot log in");
  EXPECT_EQ(merged[3].base_label, "");
  EXPECT_EQ(report.overridden, 2);
  EXPECT_EQ(report.appended, 1);
}

TEST(CorrectionsTest, WithoutIdsCorrectionsMatchByText) {
  const std::vector<BaseExample> base = {{"", "vpn down", "Network"}};
  MergeReport report;
  auto merged = MergeCorrections(base, {{"77", "group", "Access", "vpn down", "human_set"}},
                                 "group", &report);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].label, "Access");
}

TEST(CorrectionsTest, EngineOwnUnreviewedWritesAreExcluded) {
  const std::vector<BaseExample> base = {{"1", "vpn down", "Network"}};
  const std::vector<CorrectionExample> corrections = {
      {"1", "group", "Access", "", "autofill"},
      {"2", "group", "Access", "new ticket", "engine"},
      {"3", "group", "Access", "other ticket", ""},
  };
  MergeReport report;
  auto merged = MergeCorrections(base, corrections, "group", &report);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].label, "Network");
  EXPECT_EQ(report.ignored_unverified, 3);
  for (const char* source : {"approved", "edited", "replaced", "reverted", "human_set"}) {
    EXPECT_TRUE(IsHumanVerifiedSource(source)) << source;
  }
  EXPECT_FALSE(IsHumanVerifiedSource("autofill"));
}

TEST(CorrectionsTest, ReadsJsonlAndNamesTheBadLine) {
  const std::string path =
      (fs::temp_directory_path() / ("corrections_" + std::to_string(::getpid()) + ".jsonl"))
          .string();
  {
    std::ofstream out(path);
    out << R"({"ticket_id": 12, "field": "group", "label": "Access", "text": "x", "source": "approved"})"
        << "\n\n"
        << R"({"ticket_id": "13", "field": "group", "source": "edited"})"
        << "\n";
  }
  auto read = ReadCorrectionsJsonl(path);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find(path + " line 3"), std::string::npos)
      << read.status().ToString();
  {
    std::ofstream out(path, std::ios::trunc);
    out << R"({"ticket_id": 12, "field": "group", "label": "Access", "text": "x", "source": "approved"})"
        << "\n";
  }
  read = ReadCorrectionsJsonl(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].ticket_id, "12");
  fs::remove(path);
}

TEST(HoldoutTest, MembershipIsStableAndNearTheFraction) {
  HoldoutRule rule;
  int inside = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string key = "ticket-" + std::to_string(i);
    inside += rule.Contains(key) ? 1 : 0;
    EXPECT_EQ(rule.Contains(key), rule.Contains(key));
  }
  EXPECT_NEAR(inside, 1000, 120);
  HoldoutRule other = rule;
  other.seed = 2;
  int same = 0;
  for (int i = 0; i < 1000; ++i) {
    same += rule.Contains(std::to_string(i)) == other.Contains(std::to_string(i)) ? 1 : 0;
  }
  EXPECT_LT(same, 1000);
}

TEST(JudgeTest, ToleranceDecides) {
  ModelEvaluation e;
  e.tolerance = 0.01;
  e.candidate["group"] = {0.895, 0.89, 100};
  e.baseline["group"] = {0.90, 0.89, 100};
  JudgeEvaluation(&e);
  EXPECT_FALSE(e.worse) << e.verdict;
  e.candidate["group"].macro_f1 = 0.85;
  JudgeEvaluation(&e);
  EXPECT_TRUE(e.worse);
  EXPECT_NE(e.verdict.find("group macro-F1"), std::string::npos) << e.verdict;
}

TEST(RetrainTest, HonestCandidateIsNotWorse) {
  const auto base = ToyBase(900, 3);
  const ModelBundle live = LiveBundle(base);
  RetrainInput input;
  input.live = &live;
  input.live_version = ModelVersionId(live);
  MergeReport report;
  input.fields.push_back({"group", MergeCorrections(base, {}, "group", &report)});
  input.tolerance = 0.02;
  auto outcome = RunRetrain(input);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_FALSE(outcome->evaluation.worse) << outcome->evaluation.verdict;
  EXPECT_EQ(outcome->evaluation.baseline_kind, "reference");
  EXPECT_GT(outcome->evaluation.candidate.at("group").accuracy, 0.9);
  EXPECT_GT(outcome->evaluation.candidate.at("group").examples, 50);
  EXPECT_EQ(outcome->candidate.fields(), std::vector<std::string>{"group"});
  EXPECT_EQ(outcome->candidate.metadata().settings_json, live.metadata().settings_json);
}

TEST(RetrainTest, CandidateTrainedOnShuffledLabelsIsWorse) {
  const auto base = ToyBase(900, 3);
  const ModelBundle live = LiveBundle(base);
  RetrainInput input;
  input.live = &live;
  input.live_version = ModelVersionId(live);
  input.live_saw_holdout = false;  // compare with the live bundle itself
  // Corrections that shuffle the labels of every ticket outside the held-back slice.
  std::vector<std::string> labels;
  for (const BaseExample& b : base) {
    labels.push_back(b.label);
  }
  std::mt19937 rng(42);
  std::shuffle(labels.begin(), labels.end(), rng);
  std::vector<CorrectionExample> corrections;
  for (size_t i = 0; i < base.size(); ++i) {
    if (!input.holdout.Contains(base[i].ticket_id)) {
      corrections.push_back({base[i].ticket_id, "group", labels[i], "", "replaced"});
    }
  }
  MergeReport report;
  input.fields.push_back({"group", MergeCorrections(base, corrections, "group", &report)});
  auto outcome = RunRetrain(input);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->evaluation.worse) << outcome->evaluation.verdict;
  EXPECT_EQ(outcome->evaluation.baseline_kind, "live");
  EXPECT_LT(outcome->evaluation.candidate.at("group").accuracy,
            outcome->evaluation.baseline.at("group").accuracy - 0.2);
}

}  // namespace
}  // namespace autotriage
