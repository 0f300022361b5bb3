// autotriage retrain: trains a candidate from base training data plus human corrections,
// compares it with the live model on a held-back slice and promotes it only when it is not
// worse (docs/models.md).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/cli/progress.h"
#include "autotriage/cli/version.h"
#include "autotriage/ml/registry.h"
#include "autotriage/ml/retrain.h"

namespace autotriage {
namespace {

struct RetrainArgs {
  std::string config;
  std::vector<std::string> data;
  std::string text_columns;
  std::string id_column;
  std::string label_columns;  // field=column,...
  std::string corrections;
  std::string live;
  double holdout = 0.10;
  double tolerance = 0.005;
  uint64_t seed = 1;
  int threads = 2;
  bool dry_run = false;
  bool json = false;
  bool strict = false;
  bool from_store = false;
};

// The store's corrections log (store.backend of --config), oldest first.
Result<std::vector<CorrectionExample>> CorrectionsFromStore(const Config& config) {
  Result<std::unique_ptr<Store>> store = OpenConfiguredStore(config);
  if (!store.ok()) {
    return store.status().WithContext("opening the store for its corrections log");
  }
  std::vector<CorrectionExample> out;
  int64_t after = 0;
  constexpr int kPage = 5000;
  while (true) {
    auto page = (*store)->ListCorrections(after, kPage);
    if (!page.ok()) {
      return page.status().WithContext("reading the corrections log");
    }
    for (CorrectionRecord& c : *page) {
      after = std::max(after, c.id);
      out.push_back({std::move(c.ticket_id), std::move(c.field), std::move(c.label),
                     std::move(c.text), std::move(c.source)});
    }
    if (static_cast<int>(page->size()) < kPage) {
      return out;
    }
  }
}

// field -> label column: --label-column, else models.heads[].label_column, else the field.
std::string LabelColumnFor(const std::string& field, const RetrainArgs& args,
                           const Config& config) {
  for (const std::string& pair : SplitCommaList(args.label_columns)) {
    const size_t eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == field) {
      return pair.substr(eq + 1);
    }
  }
  for (const ModelHeadOptions& head : config.models.heads) {
    if (head.field == field && !head.label_column.empty()) {
      return head.label_column;
    }
  }
  return field;
}

// The base examples of one label column over every --data file, with ticket ids when
// --id-column is given (read as a second pass and matched by line number).
Result<std::vector<BaseExample>> LoadBase(const RetrainArgs& args, const std::string& column) {
  std::vector<BaseExample> base;
  for (const std::string& path : args.data) {
    auto data = LoadLabelledData(path, SplitCommaList(args.text_columns), column, args.strict,
                                 /*quiet=*/false);
    if (!data.ok()) {
      return data.status();
    }
    std::unordered_map<int64_t, std::string> ids;
    if (!args.id_column.empty()) {
      auto id_rows = LoadLabelledData(path, {args.id_column}, column, args.strict, true);
      if (!id_rows.ok()) {
        return id_rows.status().WithContext("--id-column");
      }
      for (DatasetRow& row : id_rows->rows) {
        ids[row.line] = std::move(row.text);
      }
    }
    for (DatasetRow& row : data->rows) {
      auto id = ids.find(row.line);
      base.push_back(
          {id == ids.end() ? "" : id->second, std::move(row.text), std::move(row.label)});
    }
  }
  return base;
}

nlohmann::json FiguresJson(const std::map<std::string, HeadFigures>& figures) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [field, f] : figures) {
    out[field] = {{"accuracy", f.accuracy}, {"macro_f1", f.macro_f1}, {"examples", f.examples}};
  }
  return out;
}

int RunRetrainCommand(const RetrainArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  Result<Config> config = LoadConfigForCommand(args.config);
  if (!config.ok()) {
    PrintError(config.status());
    return 2;
  }
  const std::string directory = config->models.directory;
  Result<ModelRegistry> registry = ModelRegistry::Open(directory);
  if (!registry.ok()) {
    PrintError(registry.status());
    return 1;
  }
  HoldoutRule rule;
  rule.fraction = args.holdout;
  rule.seed = args.seed;
  // The live model: the registry's, else --live, else models.active (registered on success).
  std::string live_path;
  bool live_registered = false;
  bool live_saw_holdout = true;
  if (const ModelEntry* live = registry->live(); live != nullptr) {
    live_path = registry->BundlePath(*live);
    live_registered = true;
    live_saw_holdout = live->holdout_rule != rule.Id();
  } else {
    live_path = !args.live.empty() ? args.live : config->models.active;
  }
  if (live_path.empty()) {
    PrintError(FailedPrecondition(
        "no live model to compare with: the registry in " + directory +
        " has none and models.active is empty; pass --live MODEL (a bundle from `autotriage "
        "train`)"));
    return 2;
  }
  Result<ModelBundle> live = ModelBundle::Load(live_path);
  if (!live.ok()) {
    PrintError(live.status().WithContext("live model " + live_path));
    return 1;
  }
  std::vector<CorrectionExample> corrections;
  if (!args.corrections.empty()) {
    auto read = ReadCorrectionsJsonl(args.corrections);
    if (!read.ok()) {
      PrintError(read.status());
      return ExitCodeFor(read.status());
    }
    corrections = std::move(*read);
  }
  if (args.from_store) {
    auto stored = CorrectionsFromStore(*config);
    if (!stored.ok()) {
      PrintError(stored.status());
      return 1;
    }
    std::fprintf(stderr, "[%6.1fs] %zu corrections from the store\n", seconds(), stored->size());
    corrections.insert(corrections.end(), std::make_move_iterator(stored->begin()),
                       std::make_move_iterator(stored->end()));
  }
  RetrainInput input;
  input.live = &*live;
  input.live_version = ModelVersionId(*live);
  input.live_saw_holdout = live_saw_holdout;
  input.holdout = rule;
  input.tolerance = args.tolerance;
  input.threads = args.threads;
  std::string names;
  for (const std::string& path : args.data) {
    names += (names.empty() ? "" : " + ") + std::filesystem::path(path).filename().string();
  }
  nlohmann::json merge_json = nlohmann::json::object();
  int64_t verified = 0;
  for (const std::string& field : live->fields()) {
    std::fprintf(stderr, "[%6.1fs] reading the training data for '%s'\n", seconds(), field.c_str());
    auto base = LoadBase(args, LabelColumnFor(field, args, *config));
    if (!base.ok()) {
      PrintError(base.status().WithContext("field '" + field + "'"));
      return ExitCodeFor(base.status());
    }
    MergeReport report;
    input.fields.push_back({field, MergeCorrections(*base, corrections, field, &report)});
    verified = std::max(verified, report.overridden + report.appended);
    merge_json[field] = {{"base", report.base},
                         {"overridden", report.overridden},
                         {"appended", report.appended},
                         {"ignored_unverified", report.ignored_unverified},
                         {"ignored_no_text", report.ignored_no_text}};
  }
  input.training_data_name = names + " + " + std::to_string(verified) + " corrections";
  ProgressBar bar(ProgressBar::StderrIsTerminal());
  std::string last_stage;
  input.progress = [&](std::string_view stage, double fraction) {
    bar.Update(stage, fraction);
    const std::string what(stage.substr(0, stage.find(':')));
    if (!ProgressBar::StderrIsTerminal() && what != last_stage) {
      std::fprintf(stderr, "[%6.1fs] training the %s head\n", seconds(), what.c_str());
      last_stage = what;
    }
  };
  std::fprintf(stderr, "[%6.1fs] comparing with %s (%s)\n", seconds(), input.live_version.c_str(),
               live_saw_holdout ? "it may have seen the held-back slice: a reference model is "
                                  "trained without it"
                                : "trained without the held-back slice");
  auto outcome = RunRetrain(input);
  bar.Finish();
  if (!outcome.ok()) {
    PrintError(outcome.status());
    return ExitCodeFor(outcome.status());
  }
  outcome->candidate.metadata().autotriage_version = kVersion;
  const ModelEvaluation& evaluation = outcome->evaluation;
  const std::string candidate_version = ModelVersionId(outcome->candidate);
  std::string state =
      args.dry_run ? "not registered (--dry-run)" : (evaluation.worse ? "refused" : "live");
  if (!args.dry_run) {
    Status updated = ModelRegistry::Update(directory, [&](ModelRegistry& r) -> Status {
      if (!live_registered && r.live() == nullptr) {
        ModelEntry entry;
        entry.state = ModelState::kLive;
        entry.training_data = live->metadata().training_data_name + " (" +
                              std::to_string(live->metadata().training_data_examples) +
                              " examples)";
        if (auto added = r.Add(*live, entry);
            !added.ok() && added.status().code() != StatusCode::kAlreadyExists) {
          return added.status();
        }
      }
      ModelEntry entry;
      entry.state = evaluation.worse ? ModelState::kRefused : ModelState::kCandidate;
      entry.training_data = input.training_data_name + " (" +
                            std::to_string(outcome->training_examples) + " examples)";
      entry.holdout_rule = rule.Id();
      entry.evaluation = evaluation;
      auto added = r.Add(outcome->candidate, entry);
      if (!added.ok()) {
        return added.status();
      }
      return evaluation.worse ? Status::Ok() : r.Promote(*added, false, "autotriage retrain");
    });
    if (!updated.ok()) {
      PrintError(updated);
      return 1;
    }
  }
  const double took = seconds();
  if (args.json) {
    nlohmann::json out = {{"candidate", candidate_version},
                          {"compared_with", evaluation.compared_with},
                          {"baseline_kind", evaluation.baseline_kind},
                          {"slice", evaluation.slice},
                          {"candidate_figures", FiguresJson(evaluation.candidate)},
                          {"baseline_figures", FiguresJson(evaluation.baseline)},
                          {"live_figures", FiguresJson(outcome->live_on_slice)},
                          {"tolerance", evaluation.tolerance},
                          {"worse", evaluation.worse},
                          {"verdict", evaluation.verdict},
                          {"state", state},
                          {"training_examples", outcome->training_examples},
                          {"merge", merge_json},
                          {"retrain_seconds", took},
                          {"peak_rss_mb", PeakRssMb()}};
    std::printf("%s\n", out.dump().c_str());
  } else {
    std::printf("held-back slice: %s\n", evaluation.slice.c_str());
    for (const auto& [field, c] : evaluation.candidate) {
      const HeadFigures& b = evaluation.baseline.at(field);
      const HeadFigures& l = outcome->live_on_slice.at(field);
      std::printf(
          "  %s (%lld examples): candidate accuracy %.4f macro-F1 %.4f | %s accuracy %.4f "
          "macro-F1 %.4f | live bundle itself %.4f / %.4f\n",
          field.c_str(), static_cast<long long>(c.examples), c.accuracy, c.macro_f1,
          evaluation.baseline_kind.c_str(), b.accuracy, b.macro_f1, l.accuracy, l.macro_f1);
    }
    std::printf("%s\ncandidate %s: %s\nretrained in %.1f s\n", evaluation.verdict.c_str(),
                candidate_version.c_str(), state.c_str(), took);
  }
  if (evaluation.worse) {
    std::fprintf(
        stderr,
        "autotriage: error: the candidate %s is worse than the live model %s on the "
        "held-back slice (%s); it was %s and the live model stays. Promote it anyway "
        "with `autotriage models promote %s --force`\n",
        candidate_version.c_str(), evaluation.compared_with.c_str(), evaluation.verdict.c_str(),
        args.dry_run ? "not registered" : "registered as refused", candidate_version.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void AddRetrainCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RetrainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "retrain",
      "Train a candidate model from base training data plus human-verified corrections,\n"
      "compare it with the live model on a held-back slice, and promote it only when it is\n"
      "not worse (accuracy and macro-F1 per head within --tolerance). A worse candidate is\n"
      "registered as refused and the command exits 1. Models live in models.directory;\n"
      "see `autotriage models list`.");
  cmd->add_option("--config", args->config, "Configuration file (models.directory, heads)");
  cmd->add_option("--data", args->data, "Base training data: CSV, CSV.gz or JSONL (repeatable)")
      ->required();
  cmd->add_option("--text-column", args->text_columns, "Text column(s), comma-separated")
      ->required();
  cmd->add_option("--id-column", args->id_column,
                  "Ticket id column, so corrections replace the base label of the same ticket "
                  "(without it they match by identical text)");
  cmd->add_option("--label-column", args->label_columns,
                  "field=column pairs, comma-separated (default: models.heads[].label_column, "
                  "else the field name)");
  cmd->add_option(
      "--corrections", args->corrections,
      "Corrections log, JSON Lines: {\"ticket_id\",\"field\",\"label\",\"text\","
      "\"source\"}; only sources approved, edited, replaced, reverted, human_set count");
  cmd->add_flag("--from-store", args->from_store,
                "Also read the corrections log of the configured store (after --corrections)");
  cmd->add_option("--live", args->live,
                  "Live model when the registry has none yet (default: models.active)");
  cmd->add_option("--holdout", args->holdout, "Share of examples held back for the comparison")
      ->capture_default_str()
      ->check(CLI::Range(0.02, 0.5));
  cmd->add_option("--tolerance", args->tolerance,
                  "Largest allowed drop of accuracy or macro-F1 of any head")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.2));
  cmd->add_option("--seed", args->seed, "Seed of the held-back slice")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Training threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--dry-run", args->dry_run, "Train and compare, but register nothing");
  cmd->add_flag("--json", args->json, "Print one JSON object with the results");
  cmd->add_flag("--strict", args->strict, "Fail on the first malformed row instead of skipping");
  cmd->callback([args, exit_code] { *exit_code = RunRetrainCommand(*args); });
}

}  // namespace autotriage
