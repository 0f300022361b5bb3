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
  // A featurizer fitted already (FitSharedFeaturizer): used instead of fitting one on this
  // head's fit part. The heads of one bundle trained on the same texts share it, so a ticket's
  // features are computed once for all of them (PredictionScratch). Null: fit per head.
  std::shared_ptr<const TfidfFeaturizer> featurizer;
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

// What the heads of one bundle can share while predicting the same text: the normalised text
// and, for heads with the same featurizer fingerprint, the features and where they came from.
// Pass one scratch to every head's Predict for one text, then Reset (or drop) it before the next
// text. Not thread-safe: one per thread.
class PredictionScratch {
 public:
  void Reset() {
    has_text_ = false;
    features_of_ = 0;
  }

 private:
  friend class Head;
  bool has_text_ = false;
  std::string raw_;  // the text the rest was computed for
  std::string normalized_;
  uint64_t features_of_ = 0;  // fingerprint of the featurizer that filled x_; 0 = none
  bool has_origins_ = false;
  SparseVector x_;
  OriginRefs origins_;  // views into normalized_
};

// Progress report: stage name and completed share of the whole job in [0, 1].
using ProgressFn = std::function<void(std::string_view stage, double fraction)>;

class Head : public Classifier {
 public:
  ~Head() override;
  Prediction Predict(const std::string& raw_text, int k = 3,
                     int explain_features = 8) const override;
  // The same prediction, reusing (and filling) `scratch` for the next head on the same text.
  Prediction Predict(const std::string& raw_text, int k, int explain_features,
                     PredictionScratch* scratch) const;
  const std::vector<std::string>& labels() const override { return info_.labels; }
  const HeadInfo& info() const { return info_; }

  // Probabilities for already-normalised text, in labels() order (empty text → uniform).
  std::vector<double> Probabilities(std::string_view normalized_text) const;

  // Serialised head (features, models, calibration, metadata).
  Result<std::string> ToBytes() const;

  const TfidfFeaturizer& featurizer() const { return *featurizer_; }
  // Makes this head use `other`'s featurizer object when their fingerprints match (the same
  // vocabulary loaded twice is kept once in memory). Returns whether it did.
  bool ShareFeaturizerWith(const Head& other);

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
  std::shared_ptr<const TfidfFeaturizer> featurizer_;
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

// A featurizer for HeadOptions::featurizer, fitted on raw texts (normalised here, empty ones
// skipped). The vocabulary is learnt without labels, so one fit serves every head of a bundle.
std::shared_ptr<const TfidfFeaturizer> FitSharedFeaturizer(const std::vector<std::string>& texts,
                                                           const TfidfOptions& options);

// The metadata as a JSON object text (labels, calibration, validation metrics, thresholds).
std::string HeadInfoToJson(const HeadInfo& info);

}  // namespace autotriage
