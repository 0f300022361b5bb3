#include "autotriage/ml/thresholds.h"

#include <algorithm>
#include <utility>

#include "autotriage/core/status.h"

namespace autotriage {
namespace {

// Guards ">= target" against round-off (e.g. 19/20 against 0.95).
constexpr double kPrecisionSlack = 1e-12;

void Require(bool condition, const char* message) {
  if (!condition) {
    AbortWithMessage(message);
  }
}

// The upper envelope of the cuts (given by decreasing threshold): walking from the lowest
// threshold up, a cut is kept when it beats the precision of every lower threshold, because only
// then is it the lowest threshold for some precision level. Returned by ascending threshold.
std::vector<PrecisionPoint> Envelope(const std::vector<PrecisionPoint>& cuts) {
  std::vector<PrecisionPoint> envelope;
  double best = -1.0;
  for (auto it = cuts.rbegin(); it != cuts.rend(); ++it) {
    if (it->precision > best) {
      envelope.push_back(*it);
      best = it->precision;
    }
  }
  return envelope;
}

// Index of the first (lowest-threshold) envelope point reaching `target`; size() when none.
size_t FirstReaching(const std::vector<PrecisionPoint>& envelope, double target) {
  for (size_t i = 0; i < envelope.size(); ++i) {
    if (envelope[i].precision + kPrecisionSlack >= target) {
      return i;
    }
  }
  return envelope.size();
}

// Keeps at most kMaxCurvePoints: both ends, the point answering `target`, and the points
// answering evenly spaced precision levels in between. Dropping points only raises answers.
std::vector<PrecisionPoint> Thin(const std::vector<PrecisionPoint>& envelope, double target) {
  if (envelope.size() <= static_cast<size_t>(kMaxCurvePoints)) {
    return envelope;
  }
  std::vector<size_t> keep = {0, envelope.size() - 1};
  if (size_t at = FirstReaching(envelope, target); at < envelope.size()) {
    keep.push_back(at);
  }
  const double low = envelope.front().precision;
  const double high = envelope.back().precision;
  const int levels = kMaxCurvePoints - 3;
  for (int k = 1; k <= levels; ++k) {
    keep.push_back(FirstReaching(envelope, low + (high - low) * k / (levels + 1)));
  }
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  std::vector<PrecisionPoint> thinned;
  for (size_t index : keep) {
    if (index < envelope.size()) {
      thinned.push_back(envelope[index]);
    }
  }
  return thinned;
}

// Fills `out` for one class from its validation predictions, given as (confidence, correct).
void SolveOne(std::vector<std::pair<double, bool>> predictions, double target, int min_predictions,
              ClassThreshold* out) {
  const int64_t total = static_cast<int64_t>(predictions.size());
  out->validation_predictions = total;
  int64_t total_correct = 0;
  for (const auto& p : predictions) {
    total_correct += p.second ? 1 : 0;
  }
  // Unless a threshold is found below, report the precision of all the class's predictions.
  out->precision = total > 0 ? static_cast<double>(total_correct) / static_cast<double>(total) : 0;
  if (total == 0) {
    return;
  }
  std::sort(predictions.begin(), predictions.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<PrecisionPoint> cuts;  // by decreasing threshold
  int64_t passed = 0;
  int64_t passed_correct = 0;
  size_t i = 0;
  while (i < predictions.size()) {
    // Equal confidences pass or fail together, so only group boundaries are candidate cuts.
    const double group_confidence = predictions[i].first;
    while (i < predictions.size() && predictions[i].first == group_confidence) {
      ++passed;
      passed_correct += predictions[i].second ? 1 : 0;
      ++i;
    }
    if (passed < min_predictions) {
      continue;
    }
    const double precision = static_cast<double>(passed_correct) / static_cast<double>(passed);
    const double coverage = static_cast<double>(passed) / static_cast<double>(total);
    cuts.push_back({group_confidence, precision, coverage});
    if (precision + kPrecisionSlack >= target) {
      // Lower thresholds come later, so the last qualifying cut is the smallest threshold.
      out->threshold = group_confidence;
      out->precision = precision;
      out->coverage = coverage;
      out->reachable = true;
    }
  }
  out->curve = Thin(Envelope(cuts), target);
}

}  // namespace

std::vector<ClassThreshold> SolveThresholds(const std::vector<std::string>& labels,
                                            const std::vector<int>& predicted,
                                            const std::vector<int>& gold,
                                            const std::vector<double>& confidence,
                                            double target_precision, int min_predictions) {
  Require(predicted.size() == gold.size() && predicted.size() == confidence.size(),
          "SolveThresholds: predicted, gold and confidence differ in length");
  Require(target_precision > 0.0 && target_precision <= 1.0,
          "SolveThresholds: target precision must be in (0, 1]");
  const int num_labels = static_cast<int>(labels.size());
  std::vector<std::vector<std::pair<double, bool>>> per_class(num_labels);
  for (size_t i = 0; i < predicted.size(); ++i) {
    Require(predicted[i] >= 0 && predicted[i] < num_labels,
            "SolveThresholds: predicted label index out of range");
    per_class[predicted[i]].emplace_back(confidence[i], predicted[i] == gold[i]);
  }
  std::vector<ClassThreshold> out(num_labels);
  for (int c = 0; c < num_labels; ++c) {
    out[c].label = labels[c];
    out[c].threshold = kNeverDecide;
    SolveOne(std::move(per_class[c]), target_precision, min_predictions, &out[c]);
  }
  return out;
}

double ThresholdForPrecision(const ClassThreshold& threshold, double target) {
  Require(target > 0.0 && target <= 1.0, "ThresholdForPrecision: target must be in (0, 1]");
  if (threshold.curve.empty()) {
    const bool known = threshold.reachable && threshold.precision + kPrecisionSlack >= target;
    return known ? threshold.threshold : kNeverDecide;
  }
  const size_t at = FirstReaching(threshold.curve, target);
  return at < threshold.curve.size() ? threshold.curve[at].threshold : kNeverDecide;
}

double OverallCoverage(const std::vector<ClassThreshold>& thresholds,
                       const std::vector<int>& predicted, const std::vector<double>& confidence) {
  Require(predicted.size() == confidence.size(),
          "OverallCoverage: predicted and confidence differ in length");
  if (predicted.empty()) {
    return 0.0;
  }
  int64_t decided = 0;
  for (size_t i = 0; i < predicted.size(); ++i) {
    Require(predicted[i] >= 0 && static_cast<size_t>(predicted[i]) < thresholds.size(),
            "OverallCoverage: predicted label index out of range");
    if (confidence[i] >= thresholds[predicted[i]].threshold) {
      ++decided;
    }
  }
  return static_cast<double>(decided) / static_cast<double>(predicted.size());
}

}  // namespace autotriage
