// Per-class decision thresholds solved for a target precision.
//
// For each class, the smallest confidence threshold t is chosen such that, on validation
// examples predicted as that class with confidence >= t, precision is at least the target and at
// least `min_predictions` examples pass. t is always one of the observed confidences (the lowest
// one that still passes); equal confidences pass or fail together. A class that never reaches
// the target gets threshold kNeverDecide (> 1: the head always abstains on it) and
// reachable = false. Pure functions; thread-safe; nothing is retained. Violated REQUIRES lines
// are programming errors and abort with a message.
//
// Each class also keeps a compact precision curve so that a different target (a policy cell's
// target_precision) can be met without the validation data: ThresholdForPrecision answers from
// it, never promising more precision than validation showed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace autotriage {

// Threshold of a class that is never decided automatically (no probability exceeds 1).
inline constexpr double kNeverDecide = 1.01;

// One point of a class's precision curve: deciding the class when its confidence is >= threshold
// gave `precision` on the validation predictions of the class, deciding `coverage` of them.
struct PrecisionPoint {
  double threshold = kNeverDecide;
  double precision = 0.0;
  double coverage = 0.0;
};

// The most points a curve keeps (the model file stores every class's curve).
inline constexpr int kMaxCurvePoints = 32;

struct ClassThreshold {
  std::string label;
  double threshold = kNeverDecide;  // confidence needed to decide this class; > 1 means never
  // Validation precision at that threshold; for an unreachable class, the precision of all its
  // validation predictions (0 when there are none), for reporting.
  double precision = 0.0;
  double coverage = 0.0;  // share of validation predictions of this class that pass; 0 if never
  int64_t validation_predictions = 0;  // validation examples predicted as this class
  bool reachable = false;              // false when the target could not be met
  // Ascending threshold with strictly ascending precision: for each precision level the lowest
  // threshold that reached it (with at least min_predictions passing), thinned to at most
  // kMaxCurvePoints; the point of `threshold` is always kept. Empty when no cut had enough
  // predictions, and in models trained before curves existed.
  std::vector<PrecisionPoint> curve;
};

// predicted[i], gold[i] index into labels; confidence[i] is the calibrated top-1 probability.
// min_predictions: a threshold is only accepted when at least this many validation predictions
// pass it, so classes with fewer validation predictions are unreachable (too little evidence to
// promise a precision).
// REQUIRES: predicted, gold and confidence have equal length; predicted[i] indexes labels;
// target in (0, 1].
std::vector<ClassThreshold> SolveThresholds(const std::vector<std::string>& labels,
                                            const std::vector<int>& predicted,
                                            const std::vector<int>& gold,
                                            const std::vector<double>& confidence,
                                            double target_precision, int min_predictions = 5);

// The lowest threshold whose validation precision reached `target`: from the curve when there is
// one (no point reaching it: kNeverDecide). Without a curve only the stored threshold is known:
// it is returned when the class is reachable and its stored precision reaches `target`, else
// kNeverDecide. Thinning only ever raises the answer, so the promise holds on validation data.
// REQUIRES: target in (0, 1].
double ThresholdForPrecision(const ClassThreshold& threshold, double target);

// Share of examples that would be decided (not abstained) with these thresholds, i.e. with
// confidence[i] >= thresholds[predicted[i]].threshold; 0 for empty input.
// REQUIRES: thresholds.size() equals the number of labels; predicted and confidence have equal
// length.
double OverallCoverage(const std::vector<ClassThreshold>& thresholds,
                       const std::vector<int>& predicted, const std::vector<double>& confidence);

}  // namespace autotriage
