// similar_eval: how often the nearest resolved tickets share the query's label
// (bench/knowledge/similar.py).
//
// Reads a labelled history file (the training split) into SimilarTickets, then asks for the top
// --k neighbours of every ticket in the query file (the test split) and counts neighbours whose
// label equals the query's true label. Always measures the plain cosine ranking; with --model
// (a bundle written by `autotriage train`) it also measures the class-aware ranking, where the
// model's predicted label and its probability are passed as the preferred label. Find latency
// is measured per call on the plain ranking (the class-aware one is reported beside it; the
// model's own prediction time is not included). Prints one JSON object on stdout.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autotriage/dataset/dataset.h"
#include "autotriage/knowledge/similar_tickets.h"
#include "autotriage/ml/bundle.h"

namespace autotriage {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

struct Options {
  std::string history;
  std::string queries;
  std::string text_column = "Document";
  std::string label_column = "Topic_group";
  std::string model;
  std::string field;  // head to use; default: the label column, or the only head
  int k = 5;
  int64_t max_queries = 0;
  SimilarOptions similar;  // the library defaults unless flags say otherwise
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "similar_eval: %s\n"
               "usage: similar_eval --history TRAIN --queries TEST [--text-column Document]\n"
               "         [--label-column Topic_group] [--model BUNDLE [--field NAME]] [--k 5]\n"
               "         [--max-queries N] [--max-query-terms 32] [--min-score 0.05]\n"
               "         [--label-boost 1.0]\n",
               problem.c_str());
  std::exit(2);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        Usage(flag + " needs a value");
      }
      return argv[++i];
    };
    if (flag == "--history") {
      o.history = value();
    } else if (flag == "--queries") {
      o.queries = value();
    } else if (flag == "--text-column") {
      o.text_column = value();
    } else if (flag == "--label-column") {
      o.label_column = value();
    } else if (flag == "--model") {
      o.model = value();
    } else if (flag == "--field") {
      o.field = value();
    } else if (flag == "--k") {
      o.k = std::atoi(value().c_str());
    } else if (flag == "--max-query-terms") {
      o.similar.max_query_terms = std::atoi(value().c_str());
    } else if (flag == "--min-score") {
      o.similar.min_score = std::atof(value().c_str());
    } else if (flag == "--label-boost") {
      o.similar.label_boost = std::atof(value().c_str());
    } else if (flag == "--max-queries") {
      o.max_queries = std::atoll(value().c_str());
    } else {
      Usage("unknown flag " + flag);
    }
  }
  if (o.history.empty() || o.queries.empty()) {
    Usage("--history and --queries are required");
  }
  if (o.k <= 0) {
    Usage("--k must be a positive number");
  }
  return o;
}

Dataset ReadOrDie(const std::string& path, const Options& o) {
  DatasetOptions options;
  options.text_columns = {o.text_column};
  options.label_column = o.label_column;
  auto data = ReadDataset(path, options);
  if (!data.ok()) {
    std::fprintf(stderr, "similar_eval: cannot read %s: %s\n", path.c_str(),
                 data.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*data);
}

double ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(q * values.size()));
  return values[index];
}

// Neighbour counts for one ranking.
struct Tally {
  int64_t same = 0;
  int64_t returned = 0;
  int64_t short_queries = 0;  // fewer than k neighbours above min_score
  std::vector<double> micros;
  std::vector<double> cpu_micros;  // this thread's CPU time: robust on a busy machine

  void Add(const std::vector<SimilarHit>& hits, const std::string& truth, int k) {
    returned += static_cast<int64_t>(hits.size());
    short_queries += hits.size() < static_cast<size_t>(k) ? 1 : 0;
    for (const SimilarHit& h : hits) {
      same += h.label == truth ? 1 : 0;
    }
  }
  double SameShare() const { return returned > 0 ? static_cast<double>(same) / returned : 0.0; }
};

const Head* ChooseHead(const ModelBundle& bundle, const Options& o) {
  const std::string field = o.field.empty() ? o.label_column : o.field;
  const Head* head = bundle.head(field);
  if (head == nullptr && o.field.empty() && bundle.fields().size() == 1) {
    head = bundle.head(bundle.fields()[0]);
  }
  if (head == nullptr) {
    std::fprintf(stderr, "similar_eval: model %s has no head for '%s'\n", o.model.c_str(),
                 field.c_str());
    std::exit(1);
  }
  return head;
}

int Run(const Options& o) {
  const Dataset history_data = ReadOrDie(o.history, o);
  Dataset query_data = ReadOrDie(o.queries, o);
  if (o.max_queries > 0 && static_cast<int64_t>(query_data.rows.size()) > o.max_queries) {
    query_data.rows.resize(static_cast<size_t>(o.max_queries));
  }

  std::unique_ptr<ModelBundle> bundle;
  const Head* head = nullptr;
  if (!o.model.empty()) {
    auto loaded = ModelBundle::Load(o.model);
    if (!loaded.ok()) {
      std::fprintf(stderr, "similar_eval: cannot load %s: %s\n", o.model.c_str(),
                   loaded.status().ToString().c_str());
      return 1;
    }
    bundle = std::make_unique<ModelBundle>(std::move(*loaded));
    head = ChooseHead(*bundle, o);
  }

  std::vector<HistoryTicket> history;
  history.reserve(history_data.rows.size());
  for (const DatasetRow& row : history_data.rows) {
    HistoryTicket t;
    t.id = std::to_string(row.line);
    t.text = row.text;
    t.label = row.label;
    history.push_back(std::move(t));
  }
  const auto build_start = Clock::now();
  auto index = SimilarTickets::Build(std::move(history), o.similar);
  const double build_seconds = std::chrono::duration<double>(Clock::now() - build_start).count();
  std::fprintf(stderr, "similar_eval: indexed %zu tickets in %.2f s; querying %zu tickets\n",
               index->size(), build_seconds, query_data.rows.size());

  Tally plain;
  Tally aware;
  int64_t classifier_correct = 0;
  // One warm-up call so the first measured query does not pay for the scratch allocation.
  if (!query_data.rows.empty()) {
    (void)index->Find(query_data.rows[0].text, o.k);
  }
  for (const DatasetRow& row : query_data.rows) {
    auto start = Clock::now();
    double cpu_start = ThreadCpuMicros();
    const auto hits = index->Find(row.text, o.k);
    plain.micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    plain.cpu_micros.push_back(ThreadCpuMicros() - cpu_start);
    plain.Add(hits, row.label, o.k);
    if (head == nullptr) {
      continue;
    }
    const Prediction prediction = head->Predict(row.text, 1, 0);
    std::string predicted;
    double confidence = 0;
    if (!prediction.top.empty()) {
      predicted = prediction.top[0].label;
      confidence = prediction.top[0].probability;
    }
    classifier_correct += predicted == row.label ? 1 : 0;
    start = Clock::now();
    cpu_start = ThreadCpuMicros();
    const auto aware_hits = index->Find(row.text, o.k, predicted, confidence);
    aware.micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    aware.cpu_micros.push_back(ThreadCpuMicros() - cpu_start);
    aware.Add(aware_hits, row.label, o.k);
  }

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto queries = static_cast<double>(query_data.rows.size());
  Json out;
  out["similar_top5_same_label"] = head != nullptr ? aware.SameShare() : plain.SameShare();
  out["similar_top5_same_label_plain"] = plain.SameShare();
  out["class_aware"] = head != nullptr;
  out["k"] = o.k;
  out["max_query_terms"] = o.similar.max_query_terms;
  out["min_score"] = o.similar.min_score;
  out["label_boost"] = o.similar.label_boost;
  out["find_us_p50"] = Percentile(plain.micros, 0.50);
  out["find_us_p99"] = Percentile(plain.micros, 0.99);
  out["find_us_max"] = Percentile(plain.micros, 1.0);
  out["find_cpu_us_p50"] = Percentile(plain.cpu_micros, 0.50);
  out["find_cpu_us_p99"] = Percentile(plain.cpu_micros, 0.99);
  out["history"] = index->size();
  out["queries"] = query_data.rows.size();
  out["build_seconds"] = build_seconds;
  out["neighbours_returned_plain"] = plain.returned;
  out["queries_short_plain"] = plain.short_queries;
  out["peak_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  if (head != nullptr) {
    out["find_class_aware_us_p50"] = Percentile(aware.micros, 0.50);
    out["find_class_aware_us_p99"] = Percentile(aware.micros, 0.99);
    out["find_class_aware_cpu_us_p50"] = Percentile(aware.cpu_micros, 0.50);
    out["find_class_aware_cpu_us_p99"] = Percentile(aware.cpu_micros, 0.99);
    out["neighbours_returned"] = aware.returned;
    out["queries_short"] = aware.short_queries;
    out["classifier_accuracy"] = queries > 0 ? classifier_correct / queries : 0.0;
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

}  // namespace
}  // namespace autotriage

int main(int argc, char** argv) {
  return autotriage::Run(autotriage::ParseArgs(argc, argv));
}
