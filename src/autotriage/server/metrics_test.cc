#include "autotriage/server/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace autotriage {
namespace {

TEST(MetricsRegistryTest, RendersPrometheusTextFormat) {
  MetricsRegistry registry;
  Counter* events = registry.AddCounter("autotriage_events_total", "Events received");
  events->Increment();
  events->Increment(2);
  registry.AddGauge("autotriage_inbox_depth", "Jobs waiting\nsecond \\ line")->Set(-1.5);
  registry
      .LabeledCounter("autotriage_requests_total", "Requests", {"kind", "status"},
                      {"freshdesk", "202"})
      ->Increment(5);
  registry
      .LabeledCounter("autotriage_requests_total", "Requests", {"kind", "status"},
                      {"fresh\"desk\\\n", "400"})
      ->Increment();
  Histogram* latency =
      registry.AddHistogram("autotriage_latency_seconds", "Latency", {0.125, 0.5, 1});
  for (double v : {0.0625, 0.125, 0.25, 2.0}) {
    latency->Observe(v);
  }
  registry
      .LabeledHistogram("autotriage_call_seconds", "Calls", {"endpoint"}, {"tickets"}, {1e-4, 10})
      ->Observe(3);
  registry.LabeledGauge("autotriage_unused", "Registered with one series", {"x"}, {"1"});

  const std::string expected =
      "# HELP autotriage_events_total Events received\n"
      "# TYPE autotriage_events_total counter\n"
      "autotriage_events_total 3\n"
      "# HELP autotriage_inbox_depth Jobs waiting\\nsecond \\\\ line\n"
      "# TYPE autotriage_inbox_depth gauge\n"
      "autotriage_inbox_depth -1.5\n"
      "# HELP autotriage_requests_total Requests\n"
      "# TYPE autotriage_requests_total counter\n"
      "autotriage_requests_total{kind=\"fresh\\\"desk\\\\\\n\",status=\"400\"} 1\n"
      "autotriage_requests_total{kind=\"freshdesk\",status=\"202\"} 5\n"
      "# HELP autotriage_latency_seconds Latency\n"
      "# TYPE autotriage_latency_seconds histogram\n"
      "autotriage_latency_seconds_bucket{le=\"0.125\"} 2\n"
      "autotriage_latency_seconds_bucket{le=\"0.5\"} 3\n"
      "autotriage_latency_seconds_bucket{le=\"1\"} 3\n"
      "autotriage_latency_seconds_bucket{le=\"+Inf\"} 4\n"
      "autotriage_latency_seconds_sum 2.4375\n"
      "autotriage_latency_seconds_count 4\n"
      "# HELP autotriage_call_seconds Calls\n"
      "# TYPE autotriage_call_seconds histogram\n"
      "autotriage_call_seconds_bucket{endpoint=\"tickets\",le=\"1e-04\"} 0\n"
      "autotriage_call_seconds_bucket{endpoint=\"tickets\",le=\"10\"} 1\n"
      "autotriage_call_seconds_bucket{endpoint=\"tickets\",le=\"+Inf\"} 1\n"
      "autotriage_call_seconds_sum{endpoint=\"tickets\"} 3\n"
      "autotriage_call_seconds_count{endpoint=\"tickets\"} 1\n"
      "# HELP autotriage_unused Registered with one series\n"
      "# TYPE autotriage_unused gauge\n"
      "autotriage_unused{x=\"1\"} 0\n";
  EXPECT_EQ(registry.RenderText(), expected);
}

TEST(MetricsRegistryTest, SameNameReturnsTheSameMetric) {
  MetricsRegistry registry;
  Counter* a = registry.AddCounter("c_total", "first help");
  Counter* b = registry.AddCounter("c_total", "other help");
  EXPECT_EQ(a, b);
  Counter* x = registry.LabeledCounter("l_total", "h", {"k"}, {"x"});
  EXPECT_EQ(x, registry.LabeledCounter("l_total", "h", {"k"}, {"x"}));
  EXPECT_NE(x, registry.LabeledCounter("l_total", "h", {"k"}, {"y"}));
  EXPECT_NE(registry.RenderText().find("# HELP c_total first help\n"), std::string::npos);
}

TEST(MetricsRegistryDeathTest, ProgrammingErrorsAbort) {
  MetricsRegistry registry;
  registry.AddCounter("taken_total", "h");
  EXPECT_DEATH(registry.AddGauge("taken_total", "h"), "taken_total");
  EXPECT_DEATH(registry.AddCounter("9starts_with_digit", "h"), "invalid metric name");
  EXPECT_DEATH(registry.LabeledCounter("x_total", "h", {"a"}, {"1", "2"}), "label values");
  EXPECT_DEATH(registry.LabeledHistogram("h_seconds", "h", {"le"}, {"1"}), "invalid label");
}

TEST(MetricsRegistryTest, CollectHooksRunBeforeRendering) {
  MetricsRegistry registry;
  Gauge* depth = registry.AddGauge("depth", "inbox depth");
  int calls = 0;
  registry.AddCollectHook([&] { depth->Set(++calls * 10); });
  EXPECT_NE(registry.RenderText().find("depth 10\n"), std::string::npos);
  EXPECT_NE(registry.RenderText().find("depth 20\n"), std::string::npos);
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreNotLost) {
  MetricsRegistry registry;
  Counter* counter = registry.AddCounter("n_total", "n");
  Gauge* gauge = registry.AddGauge("g", "g");
  Histogram* histogram = registry.AddHistogram("h_seconds", "h");
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        counter->Increment();
        gauge->Add(t % 2 == 0 ? 1 : -1);
        histogram->Observe(0.001);
        registry.LabeledCounter("by_thread_total", "b", {"t"}, {std::to_string(t)})->Increment();
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(counter->value(), kThreads * kEach);
  EXPECT_EQ(gauge->value(), 0);
  EXPECT_EQ(histogram->count(), static_cast<uint64_t>(kThreads * kEach));
  EXPECT_EQ(registry.LabeledCounter("by_thread_total", "b", {"t"}, {"3"})->value(), kEach);
}

TEST(HistogramTest, QuantileInterpolatesWithinTheBucket) {
  Histogram histogram({1, 2, 4});
  EXPECT_TRUE(std::isnan(histogram.Quantile(0.5)));
  histogram.Observe(0.5);
  histogram.Observe(1.0);  // le=1 is inclusive
  histogram.Observe(1.5);
  histogram.Observe(2.0);
  EXPECT_EQ(histogram.bucket_counts(), (std::vector<uint64_t>{2, 2, 0, 0}));
  EXPECT_DOUBLE_EQ(histogram.Quantile(0.25), 0.5);  // rank 1 of 2 in [0, 1]
  EXPECT_DOUBLE_EQ(histogram.Quantile(0.75), 1.5);  // rank 3: 1 of 2 in (1, 2]
  EXPECT_DOUBLE_EQ(histogram.Quantile(1.0), 2.0);
  EXPECT_DOUBLE_EQ(histogram.sum(), 5.0);
  histogram.Observe(100);  // +Inf bucket: reported as the largest finite bound
  EXPECT_DOUBLE_EQ(histogram.Quantile(1.0), 4.0);
}

TEST(HistogramTest, BoundsAreSortedAndDeduplicated) {
  Histogram histogram({2, 1, 2, INFINITY});
  EXPECT_EQ(histogram.upper_bounds(), (std::vector<double>{1, 2}));
  EXPECT_EQ(histogram.bucket_counts().size(), 3u);
}

}  // namespace
}  // namespace autotriage
