// insights_bench: figures for bench/insights (recurring issues and spikes, issue 7).
//
//   insights_bench cluster --data-dir DIR [--total 50000] [--train-only] [--batch N]
//                  [--assign-threshold X] [--merge-threshold X] [--texts-out FILE]
//     Clusters the tickets (see LoadTickets) with timestamps spread evenly over 30 days, in one
//     AddBatch (or in batches of N, as the engine would every few minutes), and prints
//     cluster_seconds, the cluster counts and the label purity. --texts-out writes the same
//     texts (one JSON string per line) for the scikit-learn peer.
//   insights_bench stream --data-dir DIR [--seed S] [--weeks W] [--trials T] [--peak-rate R]
//                  [--tick-minutes 1] [--near-duplicate-min-count N] [--near-duplicate-cosine X]
//                  [--near-duplicate-prior X] [--extra-windows M,M,...|none]
//     Simulated stream with clustering and spike detection every tick (insights_bench_stream.cc).
//
// Prints one JSON object on stdout; progress goes to stderr.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "autotriage/dataset/dataset.h"
#include "autotriage/insights/clusterer.h"
#include "insights_bench_data.h"

namespace autotriage::insights_bench {
namespace {

using Json = nlohmann::json;
constexpr int64_t kStart = 1'700'000'000;
constexpr int64_t kThirtyDays = 30 * 86400;

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(
      stderr,
      "insights_bench: %s\n"
      "usage: insights_bench cluster --data-dir DIR [--total 50000] [--train-only]\n"
      "         [--batch N] [--assign-threshold X] [--merge-threshold X]\n"
      "         [--texts-out FILE]\n"
      "       insights_bench stream --data-dir DIR [--seed S] [--weeks W] [--trials T]\n"
      "         [--peak-rate R] [--assign-threshold X] [--min-count N] [--significance P]\n"
      "         [--floor-rate R] [--tick-minutes M] [--near-duplicate-min-count N]\n"
      "         [--near-duplicate-cosine X] [--near-duplicate-prior X]\n"
      "         [--extra-windows M,M,...|none]\n",
      problem.c_str());
  std::exit(2);
}

std::vector<DatasetRow> ReadOrExit(const std::string& path, std::vector<std::string> text_columns,
                                   const std::string& label) {
  DatasetOptions options;
  options.text_columns = std::move(text_columns);
  options.label_column = label;
  auto data = ReadDataset(path, options);
  if (!data.ok()) {
    std::fprintf(stderr, "insights_bench: cannot read %s: %s\n", path.c_str(),
                 data.status().ToString().c_str());
    std::exit(data.status().code() == StatusCode::kNotFound ? 3 : 1);
  }
  return std::move(data->rows);
}

struct Purity {
  double all = 0.0;      // size-weighted majority share over every cluster
  double multi = 0.0;    // the same over clusters of 2 or more
  int64_t in_multi = 0;  // tickets in clusters of 2 or more
  int64_t multi_clusters = 0;
  int64_t clusters = 0;
};

Purity MeasurePurity(const std::vector<int64_t>& assignment,
                     const std::vector<LabelledText>& tickets) {
  std::map<int64_t, std::map<std::string, int64_t>> labels;
  for (size_t i = 0; i < assignment.size(); ++i) {
    ++labels[assignment[i]][tickets[i].label];
  }
  Purity p;
  int64_t majority_all = 0;
  int64_t majority_multi = 0;
  for (const auto& [cluster, counts] : labels) {
    int64_t size = 0;
    int64_t best = 0;
    for (const auto& [label, n] : counts) {
      size += n;
      best = std::max(best, n);
    }
    ++p.clusters;
    majority_all += best;
    if (size >= 2) {
      ++p.multi_clusters;
      p.in_multi += size;
      majority_multi += best;
    }
  }
  p.all = static_cast<double>(majority_all) / static_cast<double>(assignment.size());
  p.multi =
      p.in_multi > 0 ? static_cast<double>(majority_multi) / static_cast<double>(p.in_multi) : 0.0;
  return p;
}

int RunCluster(const std::string& data_dir, size_t total, bool with_test, size_t batch,
               insights::ClustererOptions options, const std::string& texts_out) {
  const std::vector<LabelledText> tickets = LoadTickets(data_dir, with_test, total);
  if (!texts_out.empty()) {
    std::ofstream out(texts_out);
    for (const LabelledText& t : tickets) {
      out << Json(t.text).dump() << '\t' << Json(t.label).dump() << '\n';
    }
  }
  std::vector<insights::TicketText> input;
  input.reserve(tickets.size());
  for (size_t i = 0; i < tickets.size(); ++i) {
    const int64_t at = kStart + static_cast<int64_t>(i) * kThirtyDays /
                                    static_cast<int64_t>(std::max<size_t>(tickets.size(), 1));
    input.push_back({"t" + std::to_string(i), at, tickets[i].text});
  }
  std::fprintf(stderr, "insights_bench: clustering %zu tickets\n", input.size());
  const auto start = std::chrono::steady_clock::now();
  insights::Clusterer clusterer(options);
  int64_t rejected = 0;
  if (batch == 0) {
    rejected = clusterer.AddBatch(input).rejected;
  } else {
    for (size_t i = 0; i < input.size(); i += batch) {
      const size_t end = std::min(input.size(), i + batch);
      rejected +=
          clusterer
              .AddBatch(std::vector<insights::TicketText>(input.begin() + i, input.begin() + end))
              .rejected;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto summaries_start = std::chrono::steady_clock::now();
  const auto summaries = clusterer.Clusters(kStart + kThirtyDays, 2);
  const double summary_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - summaries_start).count();

  std::vector<int64_t> assignment(input.size(), -1);
  std::vector<LabelledText> clustered;
  std::vector<int64_t> clustered_assignment;
  for (size_t i = 0; i < input.size(); ++i) {
    if (auto id = clusterer.ClusterOf(input[i].ticket_id)) {
      clustered.push_back(tickets[i]);
      clustered_assignment.push_back(*id);
    }
  }
  const Purity purity = MeasurePurity(clustered_assignment, clustered);
  int64_t at_least_5 = 0;
  for (const auto& s : summaries) {
    at_least_5 += s.size >= 5 ? 1 : 0;
  }
  Json top = Json::array();
  for (size_t i = 0; i < summaries.size() && i < 15; ++i) {
    top.push_back({{"name", summaries[i].name}, {"size", summaries[i].size}});
  }
  Json result = {
      {"tickets", input.size()},
      {"rejected", rejected},
      {"batch", batch},
      {"cluster_seconds", seconds},
      {"summaries_seconds", summary_seconds},
      {"clusters", purity.clusters},
      {"clusters_2plus", purity.multi_clusters},
      {"clusters_5plus", at_least_5},
      {"tickets_in_clusters_2plus", purity.in_multi},
      {"purity", purity.all},
      {"purity_2plus", purity.multi},
      {"assign_threshold", options.assign_threshold},
      {"merge_threshold", options.merge_threshold},
      {"top_clusters", top},
  };
  std::printf("%s\n", result.dump().c_str());
  return 0;
}

}  // namespace

std::vector<LabelledText> LoadTickets(const std::string& data_dir, bool with_test, size_t total) {
  const std::string it = data_dir + "/it-service-tickets/";
  std::vector<LabelledText> out;
  std::vector<std::string> files = {"train.csv.gz"};
  if (with_test) {
    files.push_back("test.csv.gz");
  }
  for (const std::string& file : files) {
    for (DatasetRow& row : ReadOrExit(it + file, {"Document"}, "Topic_group")) {
      out.push_back({std::move(row.text), std::move(row.label)});
    }
  }
  const size_t english = out.size();
  if (total > out.size()) {
    const std::string tobi = data_dir + "/tobi-tickets-de/dataset-tickets-german_normalized.csv";
    for (DatasetRow& row : ReadOrExit(tobi, {"subject", "body"}, "queue")) {
      if (out.size() >= total) {
        break;
      }
      out.push_back({std::move(row.text), "de:" + row.label});
    }
  }
  for (size_t i = 0, round = 1; out.size() < total; ++i) {
    if (i == english) {
      i = 0;
      ++round;
    }
    out.push_back({out[i].text + " (repeat " + std::to_string(round) + ")", out[i].label});
  }
  if (total > 0 && out.size() > total) {
    out.resize(total);
  }
  return out;
}

}  // namespace autotriage::insights_bench

int main(int argc, char** argv) {
  using namespace autotriage::insights_bench;
  if (argc < 2) {
    Usage("say cluster or stream");
  }
  const std::string mode = argv[1];
  std::string data_dir;
  std::string texts_out;
  size_t total = 50000;
  size_t batch = 0;
  bool with_test = true;
  autotriage::insights::ClustererOptions options;
  StreamOptions stream;
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        Usage(flag + " needs a value");
      }
      return argv[++i];
    };
    if (flag == "--data-dir") {
      data_dir = value();
    } else if (flag == "--total") {
      total = std::stoul(value());
    } else if (flag == "--train-only") {
      with_test = false;
    } else if (flag == "--batch") {
      batch = std::stoul(value());
    } else if (flag == "--assign-threshold") {
      options.assign_threshold = std::stod(value());
      stream.assign_threshold = options.assign_threshold;
    } else if (flag == "--merge-threshold") {
      options.merge_threshold = std::stod(value());
    } else if (flag == "--texts-out") {
      texts_out = value();
    } else if (flag == "--seed") {
      stream.seed = std::stoull(value());
    } else if (flag == "--weeks") {
      stream.measured_weeks = std::stoi(value());
    } else if (flag == "--trials") {
      stream.trials = std::stoi(value());
    } else if (flag == "--min-count") {
      stream.min_count = std::stoll(value());
    } else if (flag == "--floor-rate") {
      stream.floor_rate = std::stod(value());
    } else if (flag == "--significance") {
      stream.significance = std::stod(value());
    } else if (flag == "--tick-minutes") {
      stream.tick_minutes = std::stoll(value());
      if (stream.tick_minutes <= 0) {
        Usage("--tick-minutes must be positive");
      }
    } else if (flag == "--near-duplicate-min-count") {
      stream.near_duplicate_min_count = std::stoll(value());
    } else if (flag == "--near-duplicate-cosine") {
      stream.near_duplicate_cosine = std::stod(value());
    } else if (flag == "--near-duplicate-prior") {
      stream.near_duplicate_prior = std::stod(value());
    } else if (flag == "--extra-windows") {
      stream.extra_windows_set = true;
      const std::string list = value();
      for (size_t at = 0; list != "none" && at < list.size();) {
        const size_t comma = std::min(list.find(',', at), list.size());
        stream.extra_windows_minutes.push_back(std::stoll(list.substr(at, comma - at)));
        at = comma + 1;
      }
    } else if (flag == "--peak-rate") {
      stream.peak_per_hour = std::stod(value());
    } else {
      Usage("unknown flag " + flag);
    }
  }
  if (data_dir.empty()) {
    Usage("--data-dir is required");
  }
  if (mode == "cluster") {
    return RunCluster(data_dir, total, with_test, batch, options, texts_out);
  }
  if (mode == "stream") {
    const auto pool = LoadTickets(data_dir, true, 0);
    std::printf("%s\n", RunStream(pool, stream).dump().c_str());
    return 0;
  }
  Usage("unknown mode " + mode);
}
