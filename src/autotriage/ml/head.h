// Head: one trained classifier for one ticket field (for example "group"), combining a TF-IDF +
// LIBLINEAR model and, where it helps on validation data, a fastText model. Probabilities are
// calibrated on a validation part of the training data and per-class thresholds are solved there
// for a target precision; below its class threshold the head abstains.
//
// Thread-safety: TrainHead is single-caller (it uses up to `threads` threads itself); a trained
// Head is immutable and Predict is safe from many threads.
// Errors: TrainHead returns kInvalidArgument when too little usable data remains (with the
// reason); LoadHead returns kCorruption for damaged bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/ml/classifier.h"
#include "autotriage/ml/fasttext_model.h"
#include "autotriage/ml/linear_model.h"
#include "autotriage/ml/metrics.h"
#include "autotriage/ml/tfidf.h"
#include "autotriage/ml/thresholds.h"

namespace autotriage {

struct HeadOptions {
  TfidfOptions tfidf;
  LinearOptions linear;
  // Candidate regularisation strengths, chosen by validation accuracy; empty = linear.c only.
  std::vector<double> c_grid = {0.3, 1.0};
  FastTextOptions fasttext;
  // Train fastText too and mix its probabilities in when that lowers validation log-loss.
  bool use_fasttext = true;
  double validation_fraction = 0.15;  // held out (stratified) for calibration and thresholds
  double target_precision = 0.90;     // per-class thresholds are solved for this precision
  int min_examples_per_class = 5;     // smaller classes are excluded and reported
  bool exclude_small_classes = true;  // false: a small class is an error instead
  // After calibration, train the final models on all data (validation part included).
  bool refit_on_all_data = true;
  uint64_t seed = 1;
  int threads = 2;
};

struct ExcludedClass {
  std::string label;
  int64_t examples = 0;
};

// What a head knows about itself; stored in the model file.
struct HeadInfo {
  std::string field;
  std::vector<std::string> labels;
  int64_t training_examples = 0;  // usable examples (after exclusions and empty texts)
  int64_t validation_examples = 0;
  int64_t empty_texts_skipped = 0;
  std::vector<ExcludedClass> excluded_classes;
  double linear_c = 0.0;  // regularisation strength chosen on validation data
  double linear_temperature = 1.0;
  double fasttext_temperature = 1.0;
  double linear_weight = 1.0;  // share of the linear model in the mixture; 1 = linear only
  double validation_accuracy = 0.0;
  double validation_macro_f1 = 0.0;
  double validation_ece = 0.0;
  double validation_log_loss = 0.0;
  double target_precision = 0.9;
  double validation_coverage = 0.0;  // share decided (not abstained) at the thresholds
  std::vector<ClassThreshold> thresholds;
  int32_t feature_count = 0;
  double train_seconds = 0.0;
};

// Progress report: stage name and completed share of the whole job in [0, 1].
using ProgressFn = std::function<void(std::string_view stage, double fraction)>;

class Head : public Classifier {
 public:
  ~Head() override;
  Prediction Predict(const std::string& raw_text, int k = 3,
                     int explain_features = 8) const override;
  const std::vector<std::string>& labels() const override { return info_.labels; }
  const HeadInfo& info() const { return info_; }

  // Probabilities for already-normalised text, in labels() order (empty text → uniform).
  std::vector<double> Probabilities(std::string_view normalized_text) const;

  // Serialised head (features, models, calibration, metadata).
  Result<std::string> ToBytes() const;

 private:
  friend Result<std::unique_ptr<Head>> TrainHead(const std::string&,
                                                 const std::vector<std::string>&,
                                                 const std::vector<std::string>&,
                                                 const HeadOptions&, const ProgressFn&);
  friend Result<std::unique_ptr<Head>> LoadHead(std::string_view);
  Head();
  // Probabilities from the features `x` of `normalized_text` (computed once per prediction).
  std::vector<double> ProbabilitiesFrom(std::string_view normalized_text,
                                        const SparseVector& x) const;
  // The top `count` contributions for classes `best` and `runner_up` (-1 = none) in one pass.
  // REQUIRES: origins and x from one Transform call.
  void Explain(const OriginRefs& origins, const SparseVector& x, int best, int runner_up, int count,
               Prediction* prediction) const;

  HeadInfo info_;
  TfidfFeaturizer featurizer_;
  LinearModel linear_;
  std::unique_ptr<FastTextModel> fasttext_;  // null when the mixture is linear only
};

// Trains a head on raw texts (normalised here) and their labels.
// REQUIRES: texts.size() == labels.size().
Result<std::unique_ptr<Head>> TrainHead(const std::string& field,
                                        const std::vector<std::string>& texts,
                                        const std::vector<std::string>& labels,
                                        const HeadOptions& options,
                                        const ProgressFn& progress = nullptr);

Result<std::unique_ptr<Head>> LoadHead(std::string_view bytes);

// The metadata as a JSON object text (labels, calibration, validation metrics, thresholds).
std::string HeadInfoToJson(const HeadInfo& info);

}  // namespace autotriage
