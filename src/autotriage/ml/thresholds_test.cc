#include "autotriage/ml/thresholds.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace autotriage {
namespace {

constexpr double kTol = 1e-9;

// Validation set: class 0 ("A") reachable at 0.8, class 1 ("B") with three correct predictions,
// class 2 ("C") always wrong, class 3 ("D") never predicted.
struct Validation {
  std::vector<std::string> labels = {"A", "B", "C", "D"};
  std::vector<int> predicted;
  std::vector<int> gold;
  std::vector<double> confidence;

  void Add(int pred, bool correct, double conf) {
    predicted.push_back(pred);
    gold.push_back(correct ? pred : (pred + 1) % 4);
    confidence.push_back(conf);
  }
};

Validation MakeValidation() {
  Validation v;
  // A, by decreasing confidence, prefix precision: 1 1 1 .75 .8 .833 .714 .625
  v.Add(0, true, 0.95);
  v.Add(0, true, 0.90);
  v.Add(0, true, 0.85);
  v.Add(0, false, 0.80);
  v.Add(0, true, 0.75);
  v.Add(0, true, 0.70);
  v.Add(0, false, 0.60);
  v.Add(0, false, 0.50);
  v.Add(1, true, 0.9);
  v.Add(1, true, 0.8);
  v.Add(1, true, 0.7);
  v.Add(2, false, 0.99);
  v.Add(2, false, 0.98);
  v.Add(2, false, 0.97);
  v.Add(2, false, 0.96);
  v.Add(2, false, 0.95);
  return v;
}

TEST(SolveThresholdsTest, ReachableClassGetsSmallestPassingThreshold) {
  const Validation v = MakeValidation();
  const auto t = SolveThresholds(v.labels, v.predicted, v.gold, v.confidence, 0.8, 1);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].label, "A");
  EXPECT_TRUE(t[0].reachable);
  // 0.75 also passes (4/5 = 0.8) but 0.70 is lower and passes too (5/6); 0.6 fails (5/7).
  EXPECT_EQ(t[0].threshold, 0.70);
  EXPECT_NEAR(t[0].precision, 5.0 / 6.0, kTol);
  EXPECT_NEAR(t[0].coverage, 6.0 / 8.0, kTol);
  EXPECT_EQ(t[0].validation_predictions, 8);

  EXPECT_TRUE(t[1].reachable);
  EXPECT_EQ(t[1].threshold, 0.7);
  EXPECT_EQ(t[1].precision, 1.0);
  EXPECT_EQ(t[1].coverage, 1.0);
}

TEST(SolveThresholdsTest, UnreachableClassNeverDecides) {
  const Validation v = MakeValidation();
  const auto t = SolveThresholds(v.labels, v.predicted, v.gold, v.confidence, 0.8, 1);
  EXPECT_FALSE(t[2].reachable);
  EXPECT_GT(t[2].threshold, 1.0);
  EXPECT_EQ(t[2].coverage, 0.0);
  EXPECT_EQ(t[2].precision, 0.0);
  EXPECT_EQ(t[2].validation_predictions, 5);

  // Never predicted at all.
  EXPECT_FALSE(t[3].reachable);
  EXPECT_GT(t[3].threshold, 1.0);
  EXPECT_EQ(t[3].validation_predictions, 0);
  EXPECT_EQ(t[3].label, "D");
}

TEST(SolveThresholdsTest, MinPredictionsRespected) {
  const Validation v = MakeValidation();
  // B has only 3 predictions: unreachable with the default minimum of 5.
  const auto t5 = SolveThresholds(v.labels, v.predicted, v.gold, v.confidence, 0.8);
  EXPECT_FALSE(t5[1].reachable);
  EXPECT_GT(t5[1].threshold, 1.0);
  EXPECT_EQ(t5[1].precision, 1.0);  // precision of all its predictions, for reporting
  EXPECT_TRUE(t5[0].reachable);
  EXPECT_EQ(t5[0].threshold, 0.70);

  // A with 7 required: the only cuts with >= 7 passing have precision 5/7 and 5/8.
  const auto t7 = SolveThresholds(v.labels, v.predicted, v.gold, v.confidence, 0.8, 7);
  EXPECT_FALSE(t7[0].reachable);
  EXPECT_NEAR(t7[0].precision, 5.0 / 8.0, kTol);
}

TEST(SolveThresholdsTest, MinPredictionsAppliesToThePassingSet) {
  // Two confident right answers, then two wrong: 2/2 passes only when 2 examples are enough.
  const std::vector<std::string> labels = {"only"};
  const std::vector<int> predicted = {0, 0, 0, 0};
  const std::vector<int> gold = {0, 0, 1, 1};
  const std::vector<double> confidence = {0.99, 0.98, 0.5, 0.4};
  const auto loose = SolveThresholds(labels, predicted, gold, confidence, 0.9, 2);
  EXPECT_TRUE(loose[0].reachable);
  EXPECT_EQ(loose[0].threshold, 0.98);
  const auto strict = SolveThresholds(labels, predicted, gold, confidence, 0.9, 3);
  EXPECT_FALSE(strict[0].reachable);
}

TEST(SolveThresholdsTest, TiesPassTogether) {
  const std::vector<std::string> labels = {"x"};
  const auto t = SolveThresholds(labels, {0, 0, 0}, {0, 1, 0}, {0.9, 0.9, 0.95}, 0.9, 1);
  // 0.95 alone is right (1/1); adding both 0.9s gives 2/3, so the threshold stays at 0.95.
  EXPECT_TRUE(t[0].reachable);
  EXPECT_EQ(t[0].threshold, 0.95);
  EXPECT_NEAR(t[0].coverage, 1.0 / 3.0, kTol);
}

TEST(OverallCoverageTest, ConsistentWithPerClassCoverage) {
  const Validation v = MakeValidation();
  const auto t = SolveThresholds(v.labels, v.predicted, v.gold, v.confidence, 0.8, 1);
  const double overall = OverallCoverage(t, v.predicted, v.confidence);
  // A decides 6 of 8, B 3 of 3, C none: 9 of 16.
  EXPECT_NEAR(overall, 9.0 / 16.0, kTol);
  double from_classes = 0.0;
  for (const ClassThreshold& c : t) {
    from_classes += c.coverage * static_cast<double>(c.validation_predictions);
  }
  EXPECT_NEAR(overall, from_classes / static_cast<double>(v.predicted.size()), kTol);
  EXPECT_EQ(OverallCoverage(t, {}, {}), 0.0);
}

TEST(OverallCoverageTest, NeverThresholdDecidesNothing) {
  std::vector<ClassThreshold> t(2);
  EXPECT_EQ(OverallCoverage(t, {0, 1, 1}, {1.0, 1.0, 0.99}), 0.0);
  t[1].threshold = 0.5;
  EXPECT_NEAR(OverallCoverage(t, {0, 1, 1}, {1.0, 1.0, 0.4}), 1.0 / 3.0, kTol);
}

TEST(PrecisionCurveTest, KeepsTheLowestThresholdForEachPrecisionLevel) {
  const Validation v = MakeValidation();
  const auto t = SolveThresholds(v.labels, v.predicted, v.gold, v.confidence, 0.8, 1);
  // A's cuts (threshold: precision) 0.95:1 0.9:1 0.85:1 0.8:.75 0.75:.8 0.7:.833 0.6:.714
  // 0.5:.625; only those beating every lower threshold stay.
  const std::vector<PrecisionPoint>& curve = t[0].curve;
  ASSERT_EQ(curve.size(), 4u);
  EXPECT_EQ(curve[0].threshold, 0.50);
  EXPECT_NEAR(curve[0].precision, 5.0 / 8.0, kTol);
  EXPECT_NEAR(curve[0].coverage, 1.0, kTol);
  EXPECT_EQ(curve[1].threshold, 0.60);
  EXPECT_NEAR(curve[1].precision, 5.0 / 7.0, kTol);
  EXPECT_EQ(curve[2].threshold, 0.70);
  EXPECT_NEAR(curve[2].coverage, 6.0 / 8.0, kTol);
  EXPECT_EQ(curve[3].threshold, 0.85);
  EXPECT_EQ(curve[3].precision, 1.0);
  EXPECT_NEAR(curve[3].coverage, 3.0 / 8.0, kTol);
}

TEST(PrecisionCurveTest, ThresholdForPrecisionReadsTheCurve) {
  const Validation v = MakeValidation();
  const auto t = SolveThresholds(v.labels, v.predicted, v.gold, v.confidence, 0.8, 1);
  EXPECT_EQ(ThresholdForPrecision(t[0], 0.8), t[0].threshold);  // the solved target
  EXPECT_EQ(ThresholdForPrecision(t[0], 0.9), 0.85);
  EXPECT_EQ(ThresholdForPrecision(t[0], 1.0), 0.85);
  EXPECT_EQ(ThresholdForPrecision(t[0], 0.7), 0.60);
  EXPECT_EQ(ThresholdForPrecision(t[0], 0.5), 0.50);
  // 19/20-style round-off: a target equal to a point's precision reaches it.
  EXPECT_EQ(ThresholdForPrecision(t[0], 5.0 / 6.0), 0.70);
  // C is always wrong: its curve is one point at precision 0, useless for any target.
  EXPECT_EQ(ThresholdForPrecision(t[2], 0.1), kNeverDecide);
  // D was never predicted: no curve, not reachable.
  EXPECT_TRUE(t[3].curve.empty());
  EXPECT_EQ(ThresholdForPrecision(t[3], 0.5), kNeverDecide);
}

TEST(PrecisionCurveTest, UnreachableAtTheHeadTargetCanServeALowerOne) {
  const Validation v = MakeValidation();
  // At 0.9 with 4 predictions needed, A is unreachable (the 1.0 cuts have only 3 passing)...
  const auto t = SolveThresholds(v.labels, v.predicted, v.gold, v.confidence, 0.9, 4);
  EXPECT_FALSE(t[0].reachable);
  // ...but a cell asking for 0.8 can use the curve: 0.75 passes 4/5, 0.70 passes 5/6.
  EXPECT_EQ(ThresholdForPrecision(t[0], 0.8), 0.70);
  EXPECT_EQ(ThresholdForPrecision(t[0], 0.9), kNeverDecide);
  // B has 3 predictions, fewer than 4 needed: no point at all.
  EXPECT_TRUE(t[1].curve.empty());
  EXPECT_EQ(ThresholdForPrecision(t[1], 0.5), kNeverDecide);
}

TEST(PrecisionCurveTest, WithoutACurveOnlyTheStoredThresholdIsKnown) {
  ClassThreshold old;  // as loaded from a model made before curves existed
  old.threshold = 0.8;
  old.precision = 0.92;
  old.reachable = true;
  EXPECT_EQ(ThresholdForPrecision(old, 0.9), 0.8);
  EXPECT_EQ(ThresholdForPrecision(old, 0.92), 0.8);
  EXPECT_EQ(ThresholdForPrecision(old, 0.5), 0.8);  // lower targets keep the known threshold
  EXPECT_EQ(ThresholdForPrecision(old, 0.95), kNeverDecide);
  old.reachable = false;
  EXPECT_EQ(ThresholdForPrecision(old, 0.5), kNeverDecide);
}

// Precision of the class's predictions with confidence >= threshold, by brute force.
double PrecisionAt(const std::vector<std::pair<double, bool>>& data, double threshold) {
  int passed = 0;
  int correct = 0;
  for (const auto& [confidence, ok] : data) {
    if (confidence >= threshold) {
      ++passed;
      correct += ok ? 1 : 0;
    }
  }
  return passed == 0 ? 0.0 : static_cast<double>(correct) / passed;
}

TEST(PrecisionCurveTest, LongCurvesAreThinnedWithoutOverpromising) {
  // 2,000 predictions whose chance of being right grows with confidence.
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<std::pair<double, bool>> data;
  std::vector<int> predicted;
  std::vector<int> gold;
  std::vector<double> confidence;
  for (int i = 0; i < 2000; ++i) {
    const double c = 0.3 + 0.7 * uniform(rng);
    const bool ok = uniform(rng) < c;
    data.emplace_back(c, ok);
    predicted.push_back(0);
    gold.push_back(ok ? 0 : 1);
    confidence.push_back(c);
  }
  const auto t = SolveThresholds({"x", "y"}, predicted, gold, confidence, 0.9, 5);
  const std::vector<PrecisionPoint>& curve = t[0].curve;
  ASSERT_FALSE(curve.empty());
  EXPECT_LE(curve.size(), static_cast<size_t>(kMaxCurvePoints));
  EXPECT_GT(curve.size(), 10u);
  for (size_t i = 1; i < curve.size(); ++i) {
    EXPECT_GT(curve[i].threshold, curve[i - 1].threshold);
    EXPECT_GT(curve[i].precision, curve[i - 1].precision);
    EXPECT_LT(curve[i].coverage, curve[i - 1].coverage);
  }
  ASSERT_TRUE(t[0].reachable);
  EXPECT_EQ(ThresholdForPrecision(t[0], 0.9), t[0].threshold);
  // Every answer keeps its promise on the data, and is never below the exact lowest threshold.
  std::vector<std::pair<double, bool>> sorted = data;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a > b; });
  // The full envelope is longer than a curve may be, so thinning really happened.
  size_t envelope = 0;
  {
    double best = -1.0;
    int passed = 0;
    int correct = 0;
    std::vector<double> precisions;  // by decreasing threshold, cuts with >= 5 passing
    for (size_t i = 0; i < sorted.size(); ++i) {
      ++passed;
      correct += sorted[i].second ? 1 : 0;
      if (passed >= 5) {
        precisions.push_back(static_cast<double>(correct) / passed);
      }
    }
    for (auto it = precisions.rbegin(); it != precisions.rend(); ++it) {
      if (*it > best) {
        best = *it;
        ++envelope;
      }
    }
  }
  EXPECT_GT(envelope, static_cast<size_t>(kMaxCurvePoints));
  for (double target = 0.55; target <= 0.99; target += 0.01) {
    const double answer = ThresholdForPrecision(t[0], target);
    double exact = kNeverDecide;
    int passed = 0;
    int correct = 0;
    for (size_t i = 0; i < sorted.size(); ++i) {
      ++passed;
      correct += sorted[i].second ? 1 : 0;
      const bool boundary = i + 1 == sorted.size() || sorted[i + 1].first != sorted[i].first;
      if (boundary && passed >= 5 && static_cast<double>(correct) / passed + 1e-12 >= target) {
        exact = sorted[i].first;
      }
    }
    EXPECT_GE(answer, exact) << target;
    if (answer <= 1.0) {
      EXPECT_GE(PrecisionAt(data, answer) + 1e-12, target) << target;
    }
  }
}

}  // namespace
}  // namespace autotriage
