// kb_tune's cross-validation steps (kb_tune_cv.h).
#include "kb_tune_cv.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace autotriage::kb_tune {

const std::vector<Setting>& ColdSettings() {
  static const std::vector<Setting> settings = {
      {"k1", &KbSearchOptions::k1, {0.6, 0.9, 1.2, 1.6, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20}},
      {"title_weight",
       &KbSearchOptions::title_weight,
       {1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30}},
      {"title_b", &KbSearchOptions::title_b, {0, 0.25, 0.5, 0.75, 1}},
      {"body_b", &KbSearchOptions::body_b, {0.2, 0.35, 0.5, 0.65, 0.75, 0.85, 1}},
      {"dense_weight", &KbSearchOptions::dense_weight, {0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0}}};
  return settings;
}
const std::vector<Setting>& LinkedSettings() {
  static const std::vector<Setting> settings = {
      {"linked_weight", &KbSearchOptions::linked_weight, {0.5, 1, 2, 3, 5, 8, 12}},
      {"linked_b", &KbSearchOptions::linked_b, {0, 0.25, 0.5, 0.75, 1}}};
  return settings;
}

// Where the search starts: the settings chosen before any measurement (FTS5-era defaults), so
// that no fold starts from a point chosen on all queries.
KbSearchOptions APrioriSettings() {
  KbSearchOptions o;
  o.k1 = 1.2;
  o.title_weight = 5;
  o.body_weight = 1;
  o.linked_weight = 2;
  o.title_b = o.body_b = o.linked_b = 0.75;
  o.dense_weight = 0.3;
  o.min_relevance = 0;
  return o;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "kb_tune: %s\n", message.c_str());
  std::exit(1);
}

std::vector<Outcome> Run(const KbIndex& index, const std::vector<KbEvalQuery>& queries,
                         const std::vector<size_t>& which, KbSearchOptions options, int depth) {
  options.min_relevance = 0;
  std::vector<Outcome> outcomes;
  for (size_t i : which) {
    Result<std::vector<KbHit>> hits = index.Search(queries[i].query, depth, options);
    if (!hits.ok()) {
      Die(hits.status().ToString());
    }
    Outcome outcome;
    for (size_t rank = 0; rank < hits->size(); ++rank) {
      const KbHit& hit = (*hits)[rank];
      if (std::find(queries[i].relevant.begin(), queries[i].relevant.end(), hit.id) !=
          queries[i].relevant.end()) {
        outcome = {static_cast<int>(rank), hit.relevance};
        break;
      }
    }
    outcomes.push_back(outcome);
  }
  return outcomes;
}

Figures Summarise(const std::vector<Outcome>& outcomes, double floor) {
  Figures f;
  for (const Outcome& o : outcomes) {
    if (o.rank < 0 || o.relevance < floor) {
      continue;
    }
    f.p1 += o.rank == 0;
    f.mrr += 1.0 / (o.rank + 1);
    f.recall3 += o.rank < 3;
  }
  const double n = std::max<double>(1, static_cast<double>(outcomes.size()));
  return {f.p1 / n, f.mrr / n, f.recall3 / n};
}

// Links every query of `linked` to its relevant articles (and nothing else).
void Link(KbIndex* index, const std::vector<KbEvalQuery>& queries,
          const std::vector<size_t>& linked) {
  if (!index->ClearLinkedText().ok()) {
    Die("cannot clear linked text");
  }
  for (size_t i : linked) {
    for (const std::string& id : queries[i].relevant) {
      (void)index->AddLinkedText(id, queries[i].query);  // an absent article is skipped
    }
  }
}

KbSearchOptions TuneCold(KbIndex* index, const std::vector<KbEvalQuery>& queries,
                         const std::vector<size_t>& train, KbSearchOptions best) {
  Link(index, queries, {});
  double best_objective = Summarise(Run(*index, queries, train, best, kTuneDepth)).objective();
  for (int round = 0; round < 4; ++round) {
    bool improved = false;
    for (const Setting& s : ColdSettings()) {
      for (double value : s.grid) {
        KbSearchOptions trial = best;
        trial.*s.field = value;
        if (value == best.*s.field) {
          continue;
        }
        const double objective =
            Summarise(Run(*index, queries, train, trial, kTuneDepth)).objective();
        if (objective > best_objective + 1e-9) {
          best_objective = objective;
          best = trial;
          improved = true;
        }
      }
    }
    if (!improved) {
      break;
    }
  }
  return best;
}

// Splits `part` by position into `folds` inner folds.
std::vector<std::vector<size_t>> InnerFolds(const std::vector<size_t>& part, int folds) {
  std::vector<std::vector<size_t>> out(static_cast<size_t>(folds));
  for (size_t j = 0; j < part.size(); ++j) {
    out[j % static_cast<size_t>(folds)].push_back(part[j]);
  }
  return out;
}

// Figures of `test` with every query of `linked` linked to its articles.
Figures HistoryFigures(KbIndex* index, const std::vector<KbEvalQuery>& queries,
                       const std::vector<size_t>& linked, const std::vector<size_t>& test,
                       const KbSearchOptions& options, int depth) {
  Link(index, queries, linked);
  return Summarise(Run(*index, queries, test, options, depth));
}

KbSearchOptions TuneLinked(KbIndex* index, const std::vector<KbEvalQuery>& queries,
                           const std::vector<size_t>& train, int folds, KbSearchOptions base) {
  const std::vector<std::vector<size_t>> inner = InnerFolds(train, folds - 1);
  std::map<std::pair<double, double>, double> objective;
  for (size_t g = 0; g < inner.size(); ++g) {
    std::vector<size_t> linked;
    for (size_t h = 0; h < inner.size(); ++h) {
      if (h != g) {
        linked.insert(linked.end(), inner[h].begin(), inner[h].end());
      }
    }
    Link(index, queries, linked);
    for (double weight : LinkedSettings()[0].grid) {
      for (double b : LinkedSettings()[1].grid) {
        KbSearchOptions trial = base;
        trial.linked_weight = weight;
        trial.linked_b = b;
        objective[{weight, b}] +=
            Summarise(Run(*index, queries, inner[g], trial, kTuneDepth)).objective();
      }
    }
  }
  auto best = std::max_element(objective.begin(), objective.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  base.linked_weight = best->first.first;
  base.linked_b = best->first.second;
  return base;
}

std::vector<double> FloorGrid() {
  std::vector<double> grid;
  for (int i = 0; i <= 100; ++i) {
    grid.push_back(i * 0.005);
  }
  return grid;
}

double ChooseFloor(const std::vector<Outcome>& train, double slack) {
  const double recall = Summarise(train).recall3;
  double chosen = 0;
  for (double floor : FloorGrid()) {
    if (Summarise(train, floor).recall3 >= recall - slack) {
      chosen = floor;
    }
  }
  return chosen;
}

// The best relevance each unrelated query reaches (0: no hit at all).
std::vector<double> TopRelevance(const KbIndex& index, const std::vector<std::string>& unrelated,
                                 KbSearchOptions options) {
  options.min_relevance = 0;
  std::vector<double> top;
  for (const std::string& query : unrelated) {
    Result<std::vector<KbHit>> hits = index.Search(query, kEvalDepth, options);
    double best = 0;
    for (const KbHit& hit : hits.ok() ? *hits : std::vector<KbHit>()) {
      best = std::max(best, hit.relevance);
    }
    top.push_back(best);
  }
  return top;
}

double ShareBelow(const std::vector<double>& values, double floor) {
  if (values.empty()) {
    return 0;
  }
  return static_cast<double>(
             std::count_if(values.begin(), values.end(), [&](double v) { return v < floor; })) /
         static_cast<double>(values.size());
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1) + 0.5)];
}

}  // namespace autotriage::kb_tune
