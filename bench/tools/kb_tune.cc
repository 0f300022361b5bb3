// kb_tune: chooses the KB search settings (KbSearchOptions) by cross-validation over a query set
// (bench/knowledge/tune.py runs it on StackFAQ; the chosen values are the library defaults and
// are recorded in docs/knowledge.md).
//
// Queries are split into --folds folds by position (query i in fold i mod F, as `kb eval
// --history-folds` does). For every fold f, the settings are chosen on the other folds only (the
// training part) and measured on f:
//   1. cold start: coordinate ascent over k1, title weight, title b, body b and dense weight
//      (body weight is the unit), objective (P@1 + MRR) / 2 at depth 10;
//   2. linked text: linked weight x linked b by grid search, each setting measured by inner
//      folds of the training part (the other inner folds' queries linked to their articles);
//   3. relevance floor: the highest min_relevance that costs the training part at most
//      --recall-slack of recall@3.
// Held-out figures are measured at depth 100 like `kb eval`. The defaults the tool proposes are
// the per-setting medians of the folds' choices, measured the same way. With --unrelated (JSON
// lines {"query": ...} that no article answers) it also reports how many of those queries get
// no article at a floor. Prints one JSON object on stdout; progress goes to stderr.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autotriage/knowledge/kb_eval.h"
#include "autotriage/knowledge/kb_index.h"
#include "kb_tune_cv.h"

namespace autotriage::kb_tune {
namespace {

using Json = nlohmann::json;

struct Args {
  std::string index;
  std::string queries;
  std::string unrelated;
  int folds = 5;
  double recall_slack = 0.005;
};

Json ToJson(const Figures& f) {
  return {{"p_at_1", f.p1}, {"mrr", f.mrr}, {"recall_at_3", f.recall3}};
}

Json ToJson(const KbSearchOptions& o) {
  Json j;
  for (const auto* list : {&ColdSettings(), &LinkedSettings()}) {
    for (const Setting& s : *list) {
      j[s.name] = o.*s.field;
    }
  }
  j["body_weight"] = o.body_weight;
  j["min_relevance"] = o.min_relevance;
  return j;
}

std::vector<std::string> LoadUnrelated(const std::string& path) {
  std::vector<std::string> out;
  if (path.empty()) {
    return out;
  }
  std::ifstream in(path);
  if (!in) {
    Die("cannot read " + path);
  }
  std::string line;
  while (std::getline(in, line)) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("query") && j["query"].is_string()) {
      out.push_back(j["query"].get<std::string>());
    }
  }
  return out;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      Die("missing value after " + flag);
    }
    const std::string value = argv[++i];
    if (flag == "--index") {
      a.index = value;
    } else if (flag == "--queries") {
      a.queries = value;
    } else if (flag == "--unrelated") {
      a.unrelated = value;
    } else if (flag == "--folds") {
      a.folds = std::atoi(value.c_str());
    } else if (flag == "--recall-slack") {
      a.recall_slack = std::atof(value.c_str());
    } else {
      Die("unknown flag " + flag +
          " (usage: kb_tune --index F --queries Q.jsonl [--unrelated U.jsonl] [--folds 5] "
          "[--recall-slack 0.005])");
    }
  }
  if (a.index.empty() || a.queries.empty() || a.folds < 3) {
    Die("--index and --queries are required and --folds must be at least 3");
  }
  return a;
}

double Median(std::vector<double> values) {
  return Quantile(std::move(values), 0.5);
}

}  // namespace

int Main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  Result<std::vector<KbEvalQuery>> queries = LoadKbEvalQueries(args.queries);
  if (!queries.ok()) {
    Die(queries.status().ToString());
  }
  Result<std::unique_ptr<KbIndex>> opened = KbIndex::OpenInMemoryCopy(args.index, {});
  if (!opened.ok()) {
    Die(opened.status().ToString());
  }
  KbIndex* index = opened->get();
  const std::vector<std::string> unrelated = LoadUnrelated(args.unrelated);
  const KbSearchOptions start = APrioriSettings();
  std::vector<size_t> all(queries->size());
  for (size_t i = 0; i < all.size(); ++i) {
    all[i] = i;
  }
  const std::vector<std::vector<size_t>> folds = InnerFolds(all, args.folds);

  Json fold_reports = Json::array();
  std::vector<Outcome> held_cold, held_start;
  Figures history_sum, floor_sum;
  std::map<std::string, std::vector<double>> choices;
  for (int f = 0; f < args.folds; ++f) {
    std::vector<size_t> train;
    for (int g = 0; g < args.folds; ++g) {
      if (g != f) {
        train.insert(train.end(), folds[g].begin(), folds[g].end());
      }
    }
    const std::vector<size_t>& test = folds[f];
    std::fprintf(stderr, "fold %d: tuning on %zu queries\n", f, train.size());
    KbSearchOptions chosen = TuneCold(index, *queries, train, start);
    chosen = TuneLinked(index, *queries, train, args.folds, chosen);
    Link(index, *queries, {});
    chosen.min_relevance =
        ChooseFloor(Run(*index, *queries, train, chosen, kEvalDepth), args.recall_slack);
    const std::vector<Outcome> cold = Run(*index, *queries, test, chosen, kEvalDepth);
    const std::vector<Outcome> before = Run(*index, *queries, test, start, kEvalDepth);
    const Figures history = HistoryFigures(index, *queries, train, test, chosen, kEvalDepth);
    held_cold.insert(held_cold.end(), cold.begin(), cold.end());
    held_start.insert(held_start.end(), before.begin(), before.end());
    history_sum.p1 += history.p1 * test.size();
    history_sum.mrr += history.mrr * test.size();
    history_sum.recall3 += history.recall3 * test.size();
    const Figures floored = Summarise(cold, chosen.min_relevance);
    floor_sum.p1 += floored.p1 * test.size();
    floor_sum.mrr += floored.mrr * test.size();
    floor_sum.recall3 += floored.recall3 * test.size();
    const Json chosen_json = ToJson(chosen);
    for (const auto& [name, value] : chosen_json.items()) {
      choices[name].push_back(value.get<double>());
    }
    fold_reports.push_back({{"fold", f},
                            {"chosen", ToJson(chosen)},
                            {"held_out_cold", ToJson(Summarise(cold))},
                            {"held_out_cold_with_floor", ToJson(floored)},
                            {"held_out_history", ToJson(history)}});
    std::fprintf(stderr, "fold %d: %s\n", f, fold_reports.back().dump().c_str());
  }
  const double n = static_cast<double>(queries->size());
  KbSearchOptions defaults = start;
  for (const auto* list : {&ColdSettings(), &LinkedSettings()}) {
    for (const Setting& s : *list) {
      defaults.*s.field = Median(choices[s.name]);
    }
  }
  defaults.min_relevance = Median(choices["min_relevance"]);

  Json report;
  report["folds"] = fold_reports;
  report["cv_held_out_cold"] = ToJson(Summarise(held_cold));
  report["cv_held_out_cold_with_floor"] =
      ToJson(Figures{floor_sum.p1 / n, floor_sum.mrr / n, floor_sum.recall3 / n});
  report["cv_held_out_cold_start_settings"] = ToJson(Summarise(held_start));
  report["cv_held_out_history"] =
      ToJson(Figures{history_sum.p1 / n, history_sum.mrr / n, history_sum.recall3 / n});
  report["start_settings"] = ToJson(start);
  report["proposed_defaults"] = ToJson(defaults);

  // The proposed defaults on every query (not a held-out figure: each query was in 4 of the 5
  // training parts the medians come from), and the floor's effect.
  Link(index, *queries, {});
  const std::vector<Outcome> outcomes = Run(*index, *queries, all, defaults, kEvalDepth);
  report["all_queries_defaults"] = ToJson(Summarise(outcomes));
  const KbSearchOptions library;
  const std::vector<Outcome> library_outcomes = Run(*index, *queries, all, library, kEvalDepth);
  report["library_defaults"] = ToJson(library);
  report["all_queries_library_defaults_with_floor"] =
      ToJson(Summarise(library_outcomes, library.min_relevance));
  report["all_queries_defaults_with_floor"] = ToJson(Summarise(outcomes, defaults.min_relevance));
  std::vector<double> relevant_top1;
  for (const Outcome& o : outcomes) {
    if (o.rank == 0) {
      relevant_top1.push_back(o.relevance);
    }
  }
  report["relevance_of_correct_top_hits"] = {{"p05", Quantile(relevant_top1, 0.05)},
                                             {"p10", Quantile(relevant_top1, 0.10)},
                                             {"p50", Quantile(relevant_top1, 0.50)}};
  if (!unrelated.empty()) {
    const std::vector<double> top = TopRelevance(*index, unrelated, defaults);
    Json shares = Json::object();
    for (double floor : {0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, defaults.min_relevance}) {
      shares[std::to_string(floor).substr(0, 5)] = ShareBelow(top, floor);
    }
    report["unrelated"] = {{"queries", unrelated.size()},
                           {"top_relevance_p50", Quantile(top, 0.5)},
                           {"top_relevance_p90", Quantile(top, 0.9)},
                           {"share_without_articles_by_floor", shares}};
  }
  std::printf("%s\n", report.dump(2).c_str());
  return 0;
}

}  // namespace autotriage::kb_tune

int main(int argc, char** argv) {
  return autotriage::kb_tune::Main(argc, argv);
}
