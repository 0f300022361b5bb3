// autotriage train: trains one classifier head per label column and writes a model bundle.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/progress.h"
#include "autotriage/cli/version.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/ml/head_settings.h"

namespace autotriage {
namespace {

struct TrainArgs {
  std::string data;
  std::string text_columns;
  std::string label_columns;
  std::string out;
  bool json = false;
  bool verbose = false;
  bool strict = false;
  bool no_fasttext = false;
  bool fail_on_small_classes = false;
  int min_examples = 5;
  double target_precision = 0.90;
  double validation_fraction = 0.15;
  uint64_t seed = 1;
  int threads = 2;
};

void PrintHeadSummary(const HeadInfo& info) {
  std::printf("head '%s': %lld examples, %zu labels, %d features\n", info.field.c_str(),
              static_cast<long long>(info.training_examples), info.labels.size(),
              info.feature_count);
  for (const auto& excluded : info.excluded_classes) {
    std::printf("  excluded class '%s': only %lld examples\n", excluded.label.c_str(),
                static_cast<long long>(excluded.examples));
  }
  if (info.empty_texts_skipped > 0) {
    std::printf("  skipped %lld examples with empty text\n",
                static_cast<long long>(info.empty_texts_skipped));
  }
  std::printf(
      "  validation (%lld held out): accuracy %.4f, macro-F1 %.4f, ECE %.4f\n"
      "  mixture: %.0f%% linear (TF-IDF + LIBLINEAR), %.0f%% fastText\n"
      "  at target precision %.2f the head decides %.1f%% of tickets and abstains on the rest\n",
      static_cast<long long>(info.validation_examples), info.validation_accuracy,
      info.validation_macro_f1, info.validation_ece, info.linear_weight * 100,
      (1 - info.linear_weight) * 100, info.target_precision, info.validation_coverage * 100);
}

int RunTrain(const TrainArgs& args) {
  HeadOptions options;
  options.use_fasttext = !args.no_fasttext;
  options.min_examples_per_class = args.min_examples;
  options.exclude_small_classes = !args.fail_on_small_classes;
  options.target_precision = args.target_precision;
  options.validation_fraction = args.validation_fraction;
  options.seed = args.seed;
  options.threads = args.threads;
  options.linear.seed = static_cast<unsigned>(args.seed);
  options.fasttext.seed = static_cast<int>(args.seed);

  const auto text_columns = SplitCommaList(args.text_columns);
  const auto label_columns = SplitCommaList(args.label_columns);
  if (text_columns.empty() || label_columns.empty()) {
    PrintError(InvalidArgument("--text-column and --label-column need at least one name"));
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  ModelBundle bundle;
  nlohmann::json heads = nlohmann::json::object();
  int64_t examples = 0;
  std::vector<std::string> first_labels;
  ProgressBar progress(!args.json && !args.verbose && ProgressBar::StderrIsTerminal());
  for (size_t h = 0; h < label_columns.size(); ++h) {
    const std::string& field = label_columns[h];
    auto data = LoadLabelledData(args.data, text_columns, field, args.strict, args.json);
    if (!data.ok()) {
      progress.Finish();
      PrintError(data.status());
      return ExitCodeFor(data.status());
    }
    std::vector<std::string> texts;
    std::vector<std::string> labels;
    texts.reserve(data->rows.size());
    labels.reserve(data->rows.size());
    for (auto& row : data->rows) {
      texts.push_back(std::move(row.text));
      labels.push_back(std::move(row.label));
    }
    if (h == 0) {
      bundle.metadata().training_data_hash = HashTrainingData(texts, labels);
      bundle.metadata().training_data_examples = static_cast<int64_t>(texts.size());
      bundle.metadata().training_data_bytes = FileSize(args.data);
      examples = static_cast<int64_t>(texts.size());
    }
    if (h == 0 && label_columns.size() > 1) {
      // One vocabulary for every head (it is learnt without labels): a ticket's features are
      // then computed once for all fields when the engine predicts.
      progress.Update("fitting the shared features", 0.0);
      options.featurizer = FitSharedFeaturizer(texts, options.tfidf);
    }
    const std::string stage_prefix = "training '" + field + "': ";
    auto head = TrainHead(field, texts, labels, options, [&](std::string_view stage, double f) {
      if (args.verbose) {
        const double at =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "[%7.2fs] %s%.*s\n", at, stage_prefix.c_str(),
                     static_cast<int>(stage.size()), stage.data());
      }
      progress.Update(stage_prefix + std::string(stage),
                      (static_cast<double>(h) + f) / static_cast<double>(label_columns.size()));
    });
    if (!head.ok()) {
      progress.Finish();
      PrintError(head.status().WithContext("training '" + field + "'"));
      return ExitCodeFor(head.status());
    }
    const HeadInfo& info = (*head)->info();
    heads[field] = nlohmann::json::parse(HeadInfoToJson(info));
    if (h == 0) {
      first_labels = info.labels;
    }
    bundle.AddHead(std::move(head).value());
  }
  progress.Finish();
  BundleMetadata& meta = bundle.metadata();
  meta.created_at = NowIso8601();
  meta.autotriage_version = kVersion;
  meta.training_data_name = std::filesystem::path(args.data).filename().string();
  meta.settings_json = HeadSettingsJson(options);
  if (Status saved = bundle.Save(args.out); !saved.ok()) {
    PrintError(saved);
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.json) {
    nlohmann::json out;
    out["examples"] = examples;
    out["labels"] = first_labels;
    out["train_seconds"] = seconds;
    out["model"] = args.out;
    out["model_bytes"] = FileSize(args.out);
    out["heads"] = heads;
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  for (const auto& field : bundle.fields()) {
    PrintHeadSummary(bundle.head(field)->info());
  }
  std::printf("trained in %.1f s; model written to %s (%.1f MB)\n", seconds, args.out.c_str(),
              FileSize(args.out) / 1e6);
  return 0;
}

}  // namespace

void AddTrainCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train classifier heads (one per label column) and write a model bundle.\n"
      "Part of the training file is held out to calibrate probabilities and to solve per-class\n"
      "thresholds for the target precision; the final models are then trained on all of it.");
  cmd->add_option("--data", args->data, "Training data: CSV, CSV.gz or JSONL")->required();
  cmd->add_option("--text-column", args->text_columns,
                  "Text column(s), comma-separated; joined in order (e.g. subject,body)")
      ->required();
  cmd->add_option("--label-column", args->label_columns,
                  "Label column(s), comma-separated; one head per column (e.g. group,priority)")
      ->required();
  cmd->add_option("--out", args->out, "Model file to write")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object with the results");
  cmd->add_flag("-v,--verbose", args->verbose, "Print each training stage with its time to stderr");
  cmd->add_flag("--strict", args->strict, "Fail on the first malformed row instead of skipping");
  cmd->add_option("--min-examples", args->min_examples,
                  "Classes with fewer examples are excluded and reported")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000000));
  cmd->add_flag("--fail-on-small-classes", args->fail_on_small_classes,
                "Treat a class below --min-examples as an error instead of excluding it");
  cmd->add_option("--target-precision", args->target_precision,
                  "Precision the per-class thresholds are solved for")
      ->capture_default_str()
      ->check(CLI::Range(0.5, 1.0));
  cmd->add_option("--validation-fraction", args->validation_fraction,
                  "Share of the training data held out for calibration")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 0.5));
  cmd->add_flag("--no-fasttext", args->no_fasttext,
                "Train only the TF-IDF + LIBLINEAR model (faster, slightly less accurate)");
  cmd->add_option("--seed", args->seed, "Random seed (same data + seed = same model)")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Training threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->callback([args, exit_code] { *exit_code = RunTrain(*args); });
}

}  // namespace autotriage
