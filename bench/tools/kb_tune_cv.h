// kb_tune's steps: running a query set against a KbIndex with given settings, the figures, and
// choosing settings on a training part (coordinate ascent for the cold-start settings, grid search
// with inner folds for the linked-text settings, the relevance floor from recall@3). Used by
// kb_tune.cc only. Errors end the program (Die): this is a benchmark tool.
// Thread-safety: none; one thread.
#pragma once

#include <string>
#include <vector>

#include "autotriage/knowledge/kb_eval.h"
#include "autotriage/knowledge/kb_index.h"

namespace autotriage::kb_tune {

inline constexpr int kTuneDepth = 10;   // hits looked at while tuning (MRR@10)
inline constexpr int kEvalDepth = 100;  // as `kb eval`

// One setting of KbSearchOptions and the values tried.
struct Setting {
  const char* name;
  double KbSearchOptions::*field;
  std::vector<double> grid;
};
const std::vector<Setting>& ColdSettings();    // k1, title weight, title b, body b, dense weight
const std::vector<Setting>& LinkedSettings();  // linked weight, linked b
// The settings chosen before any measurement (the FTS5-era defaults): where every fold starts.
KbSearchOptions APrioriSettings();

// Where a query's first relevant article ranked (-1: not in the hits) and its relevance.
struct Outcome {
  int rank = -1;
  double relevance = 0;
};

struct Figures {
  double p1 = 0, mrr = 0, recall3 = 0;
  double objective() const { return (p1 + mrr) / 2; }
};

[[noreturn]] void Die(const std::string& message);

// Searches every query of `which` with `options` (floor off) down to `depth` hits.
std::vector<Outcome> Run(const KbIndex& index, const std::vector<KbEvalQuery>& queries,
                         const std::vector<size_t>& which, KbSearchOptions options, int depth);
// P@1, MRR and recall@3, counting a hit only if its relevance reaches `floor`.
Figures Summarise(const std::vector<Outcome>& outcomes, double floor = 0);

// Replaces all linked text by the queries of `linked`, each on its relevant articles.
void Link(KbIndex* index, const std::vector<KbEvalQuery>& queries,
          const std::vector<size_t>& linked);
// Splits `part` by position into `folds` folds.
std::vector<std::vector<size_t>> InnerFolds(const std::vector<size_t>& part, int folds);

// Cold-start settings by coordinate ascent from `start` on the `train` queries (no linked text).
KbSearchOptions TuneCold(KbIndex* index, const std::vector<KbEvalQuery>& queries,
                         const std::vector<size_t>& train, KbSearchOptions start);
// Linked weight and b by grid search over `folds - 1` inner folds of `train`.
KbSearchOptions TuneLinked(KbIndex* index, const std::vector<KbEvalQuery>& queries,
                           const std::vector<size_t>& train, int folds, KbSearchOptions base);
// Figures of `test` with the queries of `linked` linked to their articles.
Figures HistoryFigures(KbIndex* index, const std::vector<KbEvalQuery>& queries,
                       const std::vector<size_t>& linked, const std::vector<size_t>& test,
                       const KbSearchOptions& options, int depth);
// The highest floor (steps of 0.005) whose recall@3 is within `slack` of no floor.
double ChooseFloor(const std::vector<Outcome>& train, double slack);

// The best relevance each query reaches (0: no hit at all).
std::vector<double> TopRelevance(const KbIndex& index, const std::vector<std::string>& queries,
                                 KbSearchOptions options);
double ShareBelow(const std::vector<double>& values, double floor);
double Quantile(std::vector<double> values, double q);

}  // namespace autotriage::kb_tune
