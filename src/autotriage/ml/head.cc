#include "autotriage/ml/head.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <random>
#include <thread>
#include <unordered_map>

#include "autotriage/ml/calibration.h"
#include "autotriage/ml/head_internal.h"
#include "autotriage/text/normalize.h"

namespace autotriage {

Head::Head() = default;
Head::~Head() = default;

bool Head::ShareFeaturizerWith(const Head& other) {
  if (featurizer_ == other.featurizer_ ||
      featurizer_->fingerprint() != other.featurizer_->fingerprint()) {
    return false;
  }
  featurizer_ = other.featurizer_;
  return true;
}

std::shared_ptr<const TfidfFeaturizer> FitSharedFeaturizer(const std::vector<std::string>& texts,
                                                           const TfidfOptions& options) {
  std::vector<std::string> normalized;
  normalized.reserve(texts.size());
  for (const std::string& text : texts) {
    std::string n = NormalizeForClassifier(text);
    if (!n.empty()) {
      normalized.push_back(std::move(n));
    }
  }
  return std::make_shared<const TfidfFeaturizer>(TfidfFeaturizer::Fit(normalized, options));
}

namespace {

// Runs fn(i) for i in [0, n) on up to `threads` threads.
template <typename Fn>
void ParallelFor(size_t n, int threads, Fn fn) {
  threads = std::max(1, std::min<int>(threads, static_cast<int>(n / 256) + 1));
  if (threads == 1) {
    for (size_t i = 0; i < n; ++i) {
      fn(i);
    }
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = t; i < n; i += threads) {
        fn(i);
      }
    });
  }
  for (auto& th : pool) {
    th.join();
  }
}

int CountCorrect(const LinearModel& model, const std::vector<SparseVector>& x,
                 const std::vector<int>& y) {
  std::vector<float> scores(model.n_classes());
  int correct = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    model.Scores(x[i], scores.data());
    const auto best = std::max_element(scores.begin(), scores.end()) - scores.begin();
    correct += best == y[i] ? 1 : 0;
  }
  return correct;
}

struct LinearPart {
  std::shared_ptr<const TfidfFeaturizer> featurizer;
  LinearModel linear;
};

}  // namespace

Result<std::unique_ptr<Head>> TrainHead(const std::string& field,
                                        const std::vector<std::string>& texts,
                                        const std::vector<std::string>& labels,
                                        const HeadOptions& options, const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  auto report = [&](std::string_view stage, double fraction) {
    if (progress) {
      progress(stage, fraction);
    }
  };
  if (texts.size() != labels.size()) {
    return InvalidArgument("texts and labels differ in length");
  }
  auto head = std::unique_ptr<Head>(new Head());
  HeadInfo& info = head->info_;
  info.field = field;
  info.target_precision = options.target_precision;

  // 1. Normalise (the same function Predict uses) and drop texts with nothing left.
  report("normalising", 0.0);
  std::vector<std::string> normalized(texts.size());
  ParallelFor(texts.size(), options.threads,
              [&](size_t i) { normalized[i] = NormalizeForClassifier(texts[i]); });

  // 2. Labels: count, exclude classes that are too small to learn and calibrate.
  std::map<std::string, int64_t> counts;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (normalized[i].empty()) {
      ++info.empty_texts_skipped;
    } else {
      ++counts[labels[i]];
    }
  }
  for (const auto& [label, count] : counts) {
    if (count < options.min_examples_per_class) {
      if (!options.exclude_small_classes) {
        return InvalidArgument("class '" + label + "' has " + std::to_string(count) +
                               " examples, fewer than the minimum of " +
                               std::to_string(options.min_examples_per_class));
      }
      info.excluded_classes.push_back({label, count});
    } else {
      info.labels.push_back(label);
    }
  }
  if (info.labels.size() < 2) {
    return InvalidArgument(
        "need at least two classes with " + std::to_string(options.min_examples_per_class) +
        " or more non-empty examples each; found " + std::to_string(info.labels.size()));
  }
  std::unordered_map<std::string, int> label_index;
  for (size_t c = 0; c < info.labels.size(); ++c) {
    label_index[info.labels[c]] = static_cast<int>(c);
  }
  std::vector<std::string> kept_texts;
  std::vector<int> kept_y;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto it = label_index.find(labels[i]);
    if (!normalized[i].empty() && it != label_index.end()) {
      kept_texts.push_back(std::move(normalized[i]));
      kept_y.push_back(it->second);
    }
  }
  const int n_classes = static_cast<int>(info.labels.size());
  info.training_examples = static_cast<int64_t>(kept_texts.size());

  // 3. Stratified validation split with a fixed seed.
  std::vector<std::vector<size_t>> by_class(n_classes);
  for (size_t i = 0; i < kept_y.size(); ++i) {
    by_class[kept_y[i]].push_back(i);
  }
  std::mt19937_64 rng(options.seed);
  std::vector<bool> is_validation(kept_y.size(), false);
  for (auto& members : by_class) {
    std::shuffle(members.begin(), members.end(), rng);
    size_t take = static_cast<size_t>(std::ceil(options.validation_fraction * members.size()));
    take = std::min(take, members.size() - 1);  // keep at least one training example
    for (size_t k = 0; k < take; ++k) {
      is_validation[members[k]] = true;
    }
  }
  std::vector<std::string> fit_texts;
  std::vector<int> fit_y;
  std::vector<std::string> val_texts;
  std::vector<int> val_y;
  for (size_t i = 0; i < kept_y.size(); ++i) {
    (is_validation[i] ? val_texts : fit_texts).push_back(kept_texts[i]);
    (is_validation[i] ? val_y : fit_y).push_back(kept_y[i]);
  }
  info.validation_examples = static_cast<int64_t>(val_y.size());
  std::vector<std::string> label_ids(info.labels);

  // 4. Train on the fit part and score the validation part. fastText trains on its own thread
  // meanwhile; every job is deterministic for a seed whatever the thread count.
  report("training on the fit part", 0.05);
  std::future<Result<std::unique_ptr<FastTextModel>>> fasttext_job;
  if (options.use_fasttext) {
    fasttext_job = std::async(std::launch::async, [&] {
      return FastTextModel::Train(fit_texts, fit_y, label_ids, options.fasttext);
    });
  }
  LinearPart part;
  part.featurizer =
      options.featurizer != nullptr
          ? options.featurizer
          : std::make_shared<const TfidfFeaturizer>(TfidfFeaturizer::Fit(fit_texts, options.tfidf));
  std::vector<SparseVector> fit_x(fit_texts.size());
  std::vector<SparseVector> val_x(val_texts.size());
  for (size_t i = 0; i < fit_texts.size(); ++i) {
    part.featurizer->Transform(fit_texts[i], &fit_x[i]);
  }
  for (size_t i = 0; i < val_texts.size(); ++i) {
    part.featurizer->Transform(val_texts[i], &val_x[i]);
  }
  LinearOptions linear_options = options.linear;
  // While fastText occupies one core, LIBLINEAR gets the others.
  linear_options.threads = std::max(1, options.threads - (options.use_fasttext ? 1 : 0));
  const int32_t n_features = part.featurizer->feature_count();
  // Regularisation strength: each candidate C is trained on the fit part (the first from
  // scratch, the next ones warm-started from the previous solution, which is cheap) and the one
  // with the best validation accuracy is kept.
  std::vector<double> c_grid = options.c_grid;
  if (c_grid.empty()) {
    c_grid.push_back(options.linear.c);
  }
  Result<LinearModel> linear_fit = Internal("no linear model trained");
  int best_correct = -1;
  std::unique_ptr<FastTextModel> fasttext;
  for (double c : c_grid) {
    if (linear_fit.ok() && fasttext_job.valid()) {
      // fastText (the smaller job) is normally done by now: collect it so the remaining
      // candidates get every thread.
      auto trained = fasttext_job.get();
      if (!trained.ok()) {
        return trained.status();
      }
      fasttext = std::move(trained).value();
      linear_options.threads = options.threads;
    }
    linear_options.c = c;
    auto candidate = LinearModel::Train(fit_x, fit_y, n_classes, n_features, linear_options,
                                        linear_fit.ok() ? &linear_fit.value() : nullptr);
    if (!candidate.ok()) {
      return candidate.status();
    }
    const int correct = CountCorrect(*candidate, val_x, val_y);
    if (correct > best_correct) {  // ties keep the stronger regularisation (earlier C)
      best_correct = correct;
      info.linear_c = c;
      linear_fit = std::move(candidate);
    }
  }
  linear_options.c = info.linear_c;
  if (fasttext_job.valid()) {
    auto trained = fasttext_job.get();
    if (!trained.ok()) {
      return trained.status();
    }
    fasttext = std::move(trained).value();
  }
  report("calibrating", 0.6);
  std::vector<std::vector<float>> linear_scores(val_y.size());
  std::vector<std::vector<float>> fasttext_scores(val_y.size());
  for (size_t i = 0; i < val_y.size(); ++i) {
    linear_scores[i].resize(n_classes);
    linear_fit->Scores(val_x[i], linear_scores[i].data());
    if (fasttext) {
      fasttext_scores[i] = fasttext->Scores(val_texts[i]);
    }
  }
  auto calibration = CalibrateMixture(linear_scores, fasttext_scores, val_y, fasttext != nullptr);
  info.linear_temperature = calibration.linear_temperature;
  info.fasttext_temperature = calibration.fasttext_temperature;
  info.linear_weight = calibration.linear_weight;
  info.validation_log_loss = calibration.log_loss;

  std::vector<int> val_pred(val_y.size());
  std::vector<double> val_conf(val_y.size());
  for (size_t i = 0; i < val_y.size(); ++i) {
    auto p = MixProbabilities(linear_scores[i], fasttext_scores[i], calibration);
    val_pred[i] = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
    val_conf[i] = p[val_pred[i]];
  }
  EvalReport report_val = Evaluate(info.labels, val_y, val_pred, val_conf);
  info.validation_accuracy = report_val.accuracy;
  info.validation_macro_f1 = report_val.macro_f1;
  info.validation_ece = report_val.ece;
  info.thresholds =
      SolveThresholds(info.labels, val_pred, val_y, val_conf, options.target_precision);
  info.validation_coverage = OverallCoverage(info.thresholds, val_pred, val_conf);

  // 5. Final linear model: the validation part joins the training data, with the vocabulary
  // and calibration learnt above, warm-started from the fit-part weights (few solver steps).
  // fastText keeps its fit-part model, which is exactly the one the mixture was calibrated on.
  head->featurizer_ = std::move(part.featurizer);
  if (options.refit_on_all_data) {
    report("training on all data", 0.7);
    std::vector<SparseVector> all_x = std::move(fit_x);
    std::vector<int> all_y = fit_y;
    for (size_t i = 0; i < val_x.size(); ++i) {
      all_x.push_back(std::move(val_x[i]));
      all_y.push_back(val_y[i]);
    }
    linear_options.threads = options.threads;
    auto refit = LinearModel::Train(all_x, all_y, n_classes, n_features, linear_options,
                                    &linear_fit.value());
    if (!refit.ok()) {
      return refit.status();
    }
    head->linear_ = std::move(refit).value();
  } else {
    head->linear_ = std::move(linear_fit).value();
  }
  if (fasttext != nullptr && info.linear_weight < 1.0) {
    head->fasttext_ = std::move(fasttext);
  } else {
    info.linear_weight = 1.0;
  }
  info.feature_count = head->featurizer_->feature_count();
  info.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("done", 1.0);
  return head;
}

std::vector<double> Head::Probabilities(std::string_view normalized_text) const {
  const int n_classes = static_cast<int>(info_.labels.size());
  if (normalized_text.empty()) {
    return std::vector<double>(n_classes, 1.0 / n_classes);
  }
  thread_local SparseVector x;
  featurizer_->Transform(normalized_text, &x, /*sorted=*/false);
  return ProbabilitiesFrom(normalized_text, x);
}

std::vector<double> Head::ProbabilitiesFrom(std::string_view normalized_text,
                                            const SparseVector& x) const {
  const int n_classes = static_cast<int>(info_.labels.size());
  std::vector<float> linear(n_classes);
  linear_.Scores(x, linear.data());
  std::vector<float> fasttext;
  if (fasttext_) {
    fasttext = fasttext_->Scores(std::string(normalized_text));
  }
  MixtureCalibration calibration{info_.linear_temperature, info_.fasttext_temperature,
                                 info_.linear_weight, 0.0};
  return MixProbabilities(linear, fasttext, calibration);
}

Prediction Head::Predict(const std::string& raw_text, int k, int explain_features) const {
  thread_local PredictionScratch scratch;
  scratch.Reset();
  return Predict(raw_text, k, explain_features, &scratch);
}

Prediction Head::Predict(const std::string& raw_text, int k, int explain_features,
                         PredictionScratch* scratch) const {
  Prediction prediction;
  if (!scratch->has_text_ || scratch->raw_ != raw_text) {
    scratch->raw_ = raw_text;
    scratch->normalized_ = NormalizeForClassifier(raw_text);
    scratch->has_text_ = true;
    scratch->features_of_ = 0;
  }
  const std::string& normalized = scratch->normalized_;
  if (normalized.empty()) {
    prediction.abstain = true;
    prediction.abstain_reason = "empty text";
    return prediction;
  }
  // One pass gives the features and, when explaining, where each came from; a head with the
  // same featurizer as the previous one on this text reuses both.
  const bool explain = explain_features > 0;
  if (scratch->features_of_ != featurizer_->fingerprint() || (explain && !scratch->has_origins_)) {
    featurizer_->Transform(normalized, &scratch->x_, /*sorted=*/false,
                           explain ? &scratch->origins_ : nullptr);
    scratch->features_of_ = featurizer_->fingerprint();
    scratch->has_origins_ = explain;
  }
  const SparseVector& x = scratch->x_;
  const OriginRefs& origins = scratch->origins_;
  std::vector<double> p = ProbabilitiesFrom(normalized, x);
  std::vector<int> order(p.size());
  for (size_t c = 0; c < p.size(); ++c) {
    order[c] = static_cast<int>(c);
  }
  const size_t top_k = std::min<size_t>(std::max(k, 1), p.size());
  std::partial_sort(order.begin(), order.begin() + std::max<size_t>(top_k, 2), order.end(),
                    [&](int a, int b) { return p[a] > p[b]; });
  for (size_t i = 0; i < top_k; ++i) {
    prediction.top.push_back({info_.labels[order[i]], p[order[i]]});
  }
  const int best = order[0];
  const ClassThreshold& threshold = info_.thresholds[best];
  if (p[best] < threshold.threshold) {
    prediction.abstain = true;
    prediction.abstain_reason =
        threshold.reachable
            ? FormatBelowThreshold(info_.labels[best], p[best], threshold.threshold)
            : "'" + info_.labels[best] + "' never reached the target precision in validation";
  }
  if (explain_features > 0) {
    Explain(origins, x, best, p.size() > 1 ? order[1] : -1, explain_features, &prediction);
  }
  return prediction;
}

void Head::Explain(const OriginRefs& origins, const SparseVector& x, int best, int runner_up,
                   int count, Prediction* prediction) const {
  // Exact decomposition of the linear score: value × weight per feature, each feature's value
  // split evenly across its occurrences and summed per word (or word pair). Words are integer
  // indices here; text is built only for the words that are reported.
  thread_local std::vector<int32_t> occurrences;  // per entry of x
  occurrences.assign(x.index.size(), 0);
  for (const OriginRefs::Ref& ref : origins.refs) {
    ++occurrences[ref.entry];
  }
  // Per feature present: its value per occurrence times the two classes' weights. The weight
  // matrix is large, so it is read once per feature, not once per occurrence.
  thread_local std::vector<double> to_best;
  thread_local std::vector<double> to_runner_up;
  to_best.assign(x.index.size(), 0.0);
  to_runner_up.assign(x.index.size(), 0.0);
  for (size_t e = 0; e < x.index.size(); ++e) {
    if (occurrences[e] == 0) {
      continue;
    }
    const double value = static_cast<double>(x.value[e]) / occurrences[e];
    to_best[e] = value * linear_.Weight(x.index[e], best);
    to_runner_up[e] = runner_up >= 0 ? value * linear_.Weight(x.index[e], runner_up) : 0.0;
  }
  // Words: one slot per token (only canonical tokens collect); word pairs: a short list.
  struct Share {
    int64_t key;  // first * 2^32 + (second + 1); second = -1 for single words
    double best = 0;
    double runner_up = 0;
  };
  thread_local std::vector<Share> words;
  thread_local std::vector<Share> pairs;
  words.assign(origins.tokens.size(), Share{0, 0, 0});
  pairs.clear();
  for (size_t r = 0; r < origins.refs.size(); ++r) {
    const OriginRefs::Ref& ref = origins.refs[r];
    const int entry = ref.entry;
    if (ref.second < 0) {
      Share& word = words[ref.first];
      word.key = static_cast<int64_t>(ref.first) << 32;
      word.best += to_best[entry];
      word.runner_up += to_runner_up[entry];
    } else {
      const int64_t key = (static_cast<int64_t>(ref.first) << 32) + (ref.second + 1);
      pairs.push_back({key, to_best[entry], to_runner_up[entry]});
    }
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const Share& a, const Share& b) { return a.key < b.key; });
  thread_local std::vector<Share> shares;
  shares.clear();
  for (size_t t = 0; t < words.size(); ++t) {
    if (words[t].best != 0 || words[t].runner_up != 0) {
      shares.push_back(words[t]);
    }
  }
  for (const Share& pair : pairs) {
    if (!shares.empty() && shares.back().key == pair.key) {
      shares.back().best += pair.best;
      shares.back().runner_up += pair.runner_up;
    } else {
      shares.push_back(pair);
    }
  }
  auto text_of = [&](int64_t key) {
    std::string text(origins.tokens[static_cast<size_t>(key >> 32)]);
    const int64_t second = (key & 0xffffffffLL) - 1;
    if (second >= 0) {
      text += ' ';
      text += origins.tokens[static_cast<size_t>(second)];
    }
    return text;
  };
  auto top = [&](double Share::*weight) {
    std::vector<Contribution> out;
    const size_t n = std::min(shares.size(), static_cast<size_t>(std::max(count, 0)));
    std::vector<size_t> order(shares.size());
    for (size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    // Ties by text, so explanations do not depend on token positions.
    std::partial_sort(order.begin(), order.begin() + n, order.end(), [&](size_t a, size_t b) {
      const double wa = std::abs(shares[a].*weight);
      const double wb = std::abs(shares[b].*weight);
      if (wa != wb) {
        return wa > wb;
      }
      return text_of(shares[a].key) < text_of(shares[b].key);
    });
    for (size_t i = 0; i < n; ++i) {
      out.push_back({text_of(shares[order[i]].key), shares[order[i]].*weight});
    }
    return out;
  };
  prediction->explanation = top(&Share::best);
  if (runner_up >= 0) {
    prediction->runner_up_explanation = top(&Share::runner_up);
  }
}

}  // namespace autotriage
