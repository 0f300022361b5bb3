// Shared by the insights_bench tool (bench/insights): the labelled ticket texts it clusters and
// streams, and the simulated stream with spike detection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace autotriage::insights_bench {

struct LabelledText {
  std::string text;
  std::string label;
};

// it-service-tickets train (+ test) rows, topped up to `total` (0 = no top-up) with the
// tobi-tickets-de texts (subject + body, label "de:" + queue) and then, if still short, by
// repeating the English rows in order with a " (repeat N)" suffix so every text stays distinct.
// Exits with code 3 and a message naming the missing file when the data set is absent.
std::vector<LabelledText> LoadTickets(const std::string& data_dir, bool with_test, size_t total);

struct StreamOptions {
  uint64_t seed = 1;
  int warmup_weeks = 2;            // first week bootstrapped as history, the second run live
  int measured_weeks = 8;          // normal traffic where every spike is a false one
  int trials = 10;                 // injected bursts, one every other day after the measured weeks
  double peak_per_hour = 100.0;    // weekday 09-17 arrival rate; nights 10%, weekends 30%
  double assign_threshold = -1.0;  // < 0: library default
  int64_t min_count = -1;          // < 0: library default
  double significance = -1.0;      // < 0: library default
  double floor_rate = -1.0;        // < 0: library default
  int64_t tick_minutes = 1;        // clustering and Detect every this many simulated minutes
  // Spike options; < 0 (or absent) means the library default.
  int64_t near_duplicate_min_count = -1;  // 0 turns the near-duplicate test off
  double near_duplicate_cosine = -1.0;
  double near_duplicate_prior = -1.0;
  std::vector<int64_t> extra_windows_minutes;  // empty: library default
  bool extra_windows_set = false;
};

// Runs the simulated stream; returns the figures as one JSON object.
nlohmann::json RunStream(const std::vector<LabelledText>& pool, const StreamOptions& options);

}  // namespace autotriage::insights_bench
