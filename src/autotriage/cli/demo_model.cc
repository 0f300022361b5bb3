#include "autotriage/cli/demo_model.h"

#include <cstdio>

#include "autotriage/cli/common.h"
#include "autotriage/cli/progress.h"
#include "autotriage/cli/version.h"
#include "autotriage/ml/metrics.h"

namespace autotriage {
namespace {

void EvaluateField(const Head& head, const std::vector<SynthTicket>& tickets,
                   const std::string& field) {
  std::vector<std::string> labels = head.labels();
  std::vector<int> gold;
  std::vector<int> predicted;
  std::vector<double> confidence;
  int abstained = 0;
  auto index_of = [&](const std::string& label) {
    for (size_t c = 0; c < labels.size(); ++c) {
      if (labels[c] == label) {
        return static_cast<int>(c);
      }
    }
    labels.push_back(label);
    return static_cast<int>(labels.size() - 1);
  };
  for (const SynthTicket& t : tickets) {
    Prediction p = head.Predict(t.subject + "\n" + t.body_html, 1, 0);
    gold.push_back(index_of(DemoLabel(t, field)));
    predicted.push_back(p.top.empty() ? 0 : index_of(p.top[0].label));
    confidence.push_back(p.top.empty() ? 0.0 : p.top[0].probability);
    abstained += p.abstain ? 1 : 0;
  }
  EvalReport r = Evaluate(labels, gold, predicted, confidence);
  std::printf(
      "   %-9s accuracy %.3f  macro-F1 %.3f  ECE %.3f  decides %.0f%% at its thresholds "
      "(target precision %.2f)\n",
      field.c_str(), r.accuracy, r.macro_f1, r.ece,
      100.0 * (1.0 - static_cast<double>(abstained) / static_cast<double>(tickets.size())),
      head.info().target_precision);
}

}  // namespace

const std::string& DemoLabel(const SynthTicket& ticket, const std::string& field) {
  return field == "group" ? ticket.group : field == "priority" ? ticket.priority : ticket.type;
}

Result<ModelBundle> TrainDemoBundle(const std::vector<SynthTicket>& history, uint64_t seed,
                                    const std::string& model_path) {
  const std::vector<std::string>& fields = DemoFields();
  ModelBundle bundle;
  ProgressBar progress(ProgressBar::StderrIsTerminal());
  std::vector<std::string> texts;
  for (const SynthTicket& t : history) {
    texts.push_back(t.subject + "\n" + t.body_html);
  }
  // One vocabulary for the three heads, so the engine computes a ticket's features once.
  const std::shared_ptr<const TfidfFeaturizer> features =
      FitSharedFeaturizer(texts, HeadOptions().tfidf);
  for (size_t f = 0; f < fields.size(); ++f) {
    const std::string& field = fields[f];
    std::vector<std::string> labels;
    for (const SynthTicket& t : history) {
      labels.push_back(DemoLabel(t, field));
    }
    HeadOptions options;
    options.seed = seed;
    options.featurizer = features;
    auto head = TrainHead(field, texts, labels, options, [&](std::string_view stage, double x) {
      progress.Update(field + ": " + std::string(stage), (f + x) / fields.size());
    });
    if (!head.ok()) {
      progress.Finish();
      return head.status().WithContext("training the " + field + " head");
    }
    bundle.AddHead(std::move(head).value());
  }
  progress.Finish();
  bundle.metadata().created_at = NowIso8601();
  bundle.metadata().autotriage_version = kVersion;
  bundle.metadata().training_data_name = "history.csv";
  bundle.metadata().training_data_examples = static_cast<int64_t>(history.size());
  AUTOTRIAGE_RETURN_IF_ERROR(bundle.Save(model_path));
  return bundle;
}

void PrintDemoEvaluation(const ModelBundle& bundle, const std::vector<SynthTicket>& held_back) {
  for (const std::string& field : DemoFields()) {
    EvaluateField(*bundle.head(field), held_back, field);
  }
}

}  // namespace autotriage
