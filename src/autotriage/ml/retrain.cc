#include "autotriage/ml/retrain.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>

#include "autotriage/core/ids.h"
#include "autotriage/ml/head_settings.h"
#include "autotriage/ml/metrics.h"

namespace autotriage {
namespace {

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string Figure(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4f", value);
  return buffer;
}

struct Split {
  std::vector<std::string> train_texts, train_labels, test_texts, test_labels;
  std::vector<std::string> reference_texts, reference_labels;  // base labels, slice left out
};

Split SplitByHoldout(const std::vector<MergedExample>& examples, const HoldoutRule& rule) {
  Split s;
  for (const MergedExample& e : examples) {
    if (rule.Contains(e.key)) {
      s.test_texts.push_back(e.text);
      s.test_labels.push_back(e.label);
      continue;
    }
    s.train_texts.push_back(e.text);
    s.train_labels.push_back(e.label);
    if (!e.base_label.empty()) {
      s.reference_texts.push_back(e.text);
      s.reference_labels.push_back(e.base_label);
    }
  }
  return s;
}

}  // namespace

bool IsHumanVerifiedSource(std::string_view source) {
  return source == "approved" || source == "edited" || source == "replaced" ||
         source == "reverted" || source == "human_set";
}

Result<std::vector<CorrectionExample>> ReadCorrectionsJsonl(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFound("cannot read the corrections file " + path);
  }
  std::vector<CorrectionExample> out;
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    auto bad = [&](const std::string& what) {
      return InvalidArgument(path + " line " + std::to_string(number) + ": " + what);
    };
    if (!j.is_object()) {
      return bad("not a JSON object");
    }
    CorrectionExample c;
    for (auto [key, target] : {std::pair{"ticket_id", &c.ticket_id}, std::pair{"field", &c.field},
                               std::pair{"label", &c.label}, std::pair{"text", &c.text},
                               std::pair{"source", &c.source}}) {
      auto it = j.find(key);
      if (it == j.end() || it->is_null()) {
        continue;
      }
      if (it->is_number_integer()) {
        *target = it->dump();  // numeric ticket ids
      } else if (it->is_string()) {
        *target = it->get<std::string>();
      } else {
        return bad(std::string("\"") + key + "\" must be a string");
      }
    }
    if (c.field.empty() || c.label.empty() || c.source.empty()) {
      return bad("needs \"field\", \"label\" and \"source\"");
    }
    if (c.ticket_id.empty() && c.text.empty()) {
      return bad("needs \"ticket_id\" or \"text\"");
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<MergedExample> MergeCorrections(const std::vector<BaseExample>& base,
                                            const std::vector<CorrectionExample>& corrections,
                                            const std::string& field, MergeReport* report) {
  std::vector<MergedExample> merged;
  merged.reserve(base.size());
  std::unordered_map<std::string, size_t> by_id;
  std::unordered_map<std::string, size_t> by_text;
  for (const BaseExample& b : base) {
    merged.push_back({b.ticket_id.empty() ? b.text : b.ticket_id, b.text, b.label, b.label});
    if (!b.ticket_id.empty()) {
      by_id.emplace(b.ticket_id, merged.size() - 1);
    } else {
      by_text.emplace(b.text, merged.size() - 1);
    }
  }
  report->base = static_cast<int64_t>(base.size());
  std::unordered_map<std::string, size_t> appended;  // key -> index of an appended example
  for (const CorrectionExample& c : corrections) {
    if (c.field != field) {
      continue;
    }
    if (!IsHumanVerifiedSource(c.source)) {
      ++report->ignored_unverified;
      continue;
    }
    std::optional<size_t> hit;
    if (auto it = by_id.find(c.ticket_id); !c.ticket_id.empty() && it != by_id.end()) {
      hit = it->second;
    } else if (auto by = by_text.find(c.text); !c.text.empty() && by != by_text.end()) {
      hit = by->second;
    }
    if (hit.has_value()) {
      merged[*hit].label = c.label;
      ++report->overridden;
      continue;
    }
    const std::string key = c.ticket_id.empty() ? c.text : c.ticket_id;
    if (auto again = appended.find(key); again != appended.end()) {
      merged[again->second].label = c.label;  // a later correction of the same ticket wins
      if (!c.text.empty()) {
        merged[again->second].text = c.text;
      }
      continue;
    }
    if (c.text.empty()) {
      ++report->ignored_no_text;
      continue;
    }
    merged.push_back({key, c.text, c.label, ""});
    appended.emplace(key, merged.size() - 1);
    ++report->appended;
  }
  return merged;
}

bool HoldoutRule::Contains(std::string_view key) const {
  uint64_t h = Fnv1a64(std::to_string(seed) + ":" + std::string(key));
  // FNV's high bits barely change with the last bytes of short keys; a SplitMix64 finaliser
  // spreads every input bit over all output bits.
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  h ^= h >> 31;
  // The top 53 bits as a uniform number in [0, 1).
  const double u = static_cast<double>(h >> 11) / static_cast<double>(uint64_t{1} << 53);
  return u < fraction;
}

std::string HoldoutRule::Id() const {
  return "hash:" + std::to_string(seed) + ":" + Figure(fraction);
}

std::string HoldoutRule::Describe() const {
  return std::to_string(static_cast<int>(std::lround(fraction * 100))) +
         "% held back by a hash of the ticket id (or text), seed " + std::to_string(seed);
}

HeadFigures EvaluateHead(const Head& head, const std::vector<std::string>& texts,
                         const std::vector<std::string>& labels, int threads) {
  HeadFigures figures;
  const size_t n = texts.size();
  figures.examples = static_cast<int64_t>(n);
  if (n == 0) {
    return figures;
  }
  std::vector<std::string> names = head.labels();
  std::unordered_map<std::string, int> index;
  for (size_t c = 0; c < names.size(); ++c) {
    index[names[c]] = static_cast<int>(c);
  }
  std::vector<int> gold(n);
  for (size_t i = 0; i < n; ++i) {
    auto [it, inserted] = index.try_emplace(labels[i], static_cast<int>(names.size()));
    if (inserted) {
      names.push_back(labels[i]);
    }
    gold[i] = it->second;
  }
  std::vector<int> predicted(n, -1);
  std::vector<double> confidence(n, 0.0);
  const int workers = std::max(1, threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < workers; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < n; i += static_cast<size_t>(workers)) {
        Prediction p = head.Predict(texts[i], 1, 0);
        if (!p.top.empty()) {
          predicted[i] = index.at(p.top[0].label);
          confidence[i] = p.top[0].probability;
        }
      }
    });
  }
  for (std::thread& t : pool) {
    t.join();
  }
  for (size_t i = 0; i < n; ++i) {
    if (predicted[i] < 0) {  // empty text: no label, a miss
      predicted[i] = gold[i] == 0 ? 1 % static_cast<int>(names.size()) : 0;
    }
  }
  const EvalReport report = Evaluate(names, gold, predicted, confidence);
  figures.accuracy = report.accuracy;
  figures.macro_f1 = report.macro_f1;
  return figures;
}

void JudgeEvaluation(ModelEvaluation* e) {
  double worst = 0;
  std::string worst_text;
  for (const auto& [field, candidate] : e->candidate) {
    auto base = e->baseline.find(field);
    if (base == e->baseline.end()) {
      continue;
    }
    for (auto [name, c, b] : {std::tuple{"accuracy", candidate.accuracy, base->second.accuracy},
                              std::tuple{"macro-F1", candidate.macro_f1, base->second.macro_f1}}) {
      const double drop = b - c;
      if (drop > worst || worst_text.empty()) {
        worst = std::max(worst, drop);
        worst_text = field + " " + name + " " + Figure(c) + " vs " + Figure(b);
      }
    }
  }
  e->worse = worst > e->tolerance;
  if (worst_text.empty()) {
    e->verdict = "nothing to compare with";
  } else if (e->worse) {
    e->verdict = "worse: " + worst_text + " (allowed drop " + Figure(e->tolerance) + ")";
  } else {
    e->verdict = "not worse: largest drop " + Figure(worst) + " (" + worst_text + "), allowed " +
                 Figure(e->tolerance);
  }
}

Result<RetrainOutcome> RunRetrain(const RetrainInput& input) {
  Result<HeadOptions> options = HeadOptionsFromSettingsJson(input.live->metadata().settings_json);
  if (!options.ok()) {
    return options.status();
  }
  options->threads = input.threads;
  options->linear.threads = input.threads;
  RetrainOutcome outcome;
  ModelEvaluation& evaluation = outcome.evaluation;
  evaluation.slice = input.holdout.Describe();
  evaluation.compared_with = input.live_version;
  evaluation.baseline_kind = input.live_saw_holdout ? "reference" : "live";
  evaluation.tolerance = input.tolerance;
  const double steps = static_cast<double>(input.fields.size()) * (input.live_saw_holdout ? 2 : 1);
  double step = 0;
  for (size_t f = 0; f < input.fields.size(); ++f) {
    const RetrainField& field = input.fields[f];
    const Head* live_head = input.live->head(field.field);
    if (live_head == nullptr) {
      return InvalidArgument("the live model has no head for '" + field.field + "'");
    }
    const Split split = SplitByHoldout(field.examples, input.holdout);
    if (split.test_texts.empty()) {
      return InvalidArgument("the held-back slice for '" + field.field +
                             "' is empty; retraining needs more examples");
    }
    auto report = [&](const std::string& what) {
      return [&, what](std::string_view stage, double share) {
        if (input.progress) {
          input.progress(what + ": " + std::string(stage), (step + share) / steps);
        }
      };
    };
    if (f == 0 && input.fields.size() > 1) {
      // The heads share one vocabulary, as `autotriage train` builds them (head.h).
      options->featurizer = FitSharedFeaturizer(split.train_texts, options->tfidf);
    }
    auto head = TrainHead(field.field, split.train_texts, split.train_labels, *options,
                          report("candidate '" + field.field + "'"));
    if (!head.ok()) {
      return head.status().WithContext("training the candidate's '" + field.field + "' head");
    }
    step += 1;
    if (f == 0) {
      outcome.training_examples = static_cast<int64_t>(split.train_texts.size());
      BundleMetadata& meta = outcome.candidate.metadata();
      meta.training_data_hash = HashTrainingData(split.train_texts, split.train_labels);
      meta.training_data_examples = outcome.training_examples;
    }
    evaluation.candidate[field.field] =
        EvaluateHead(**head, split.test_texts, split.test_labels, input.threads);
    outcome.live_on_slice[field.field] =
        EvaluateHead(*live_head, split.test_texts, split.test_labels, input.threads);
    if (input.live_saw_holdout) {
      auto reference = TrainHead(field.field, split.reference_texts, split.reference_labels,
                                 *options, report("reference '" + field.field + "'"));
      if (!reference.ok()) {
        return reference.status().WithContext("training the reference '" + field.field + "' head");
      }
      step += 1;
      evaluation.baseline[field.field] =
          EvaluateHead(**reference, split.test_texts, split.test_labels, input.threads);
    } else {
      evaluation.baseline[field.field] = outcome.live_on_slice[field.field];
    }
    outcome.candidate.AddHead(std::move(head).value());
  }
  JudgeEvaluation(&evaluation);
  BundleMetadata& meta = outcome.candidate.metadata();
  meta.created_at = NowUtc();
  meta.autotriage_version = input.live->metadata().autotriage_version;
  meta.training_data_name = input.training_data_name;
  meta.settings_json = input.live->metadata().settings_json;
  return outcome;
}

}  // namespace autotriage
