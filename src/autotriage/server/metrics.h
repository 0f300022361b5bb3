// Metrics: counters, gauges and histograms rendered in the Prometheus text exposition format
// (version 0.0.4) for GET /metrics.
//
// Metrics are created once (at start-up) and then updated lock-free from any thread; a metric
// with labels is one series per label set, created on first use (that lookup takes a mutex).
// Label values are escaped (\\, \", \n). Histograms use fixed buckets and render cumulatively
// with _bucket{le=...}, _sum and _count.
// Thread-safety: everything is thread-safe. Ownership: the registry owns its metrics; pointers
// returned stay valid for the registry's lifetime.
// Errors: registering a name twice returns the existing metric when type and label names agree
// (the first help text is kept); an invalid name, a wrong number of label values or a
// conflicting registration is a programming error and aborts with a message.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace autotriage {

class Counter {
 public:
  void Increment(double by = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  // Value below which `quantile` (0..1) of the observations fall, interpolated linearly within
  // its bucket as Prometheus' histogram_quantile does (the first bucket starts at 0; a quantile
  // in the +Inf bucket is the largest finite bound). NaN when nothing was observed.
  double Quantile(double quantile) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& upper_bounds() const { return bounds_; }
  std::vector<uint64_t> bucket_counts() const;  // per bucket (not cumulative), +Inf last

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Default latency buckets in seconds: 0.0001 .. 10.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Names follow Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*); help is one line.
  // Label names are fixed per metric; Labeled* takes the values in the same order.
  Counter* AddCounter(const std::string& name, const std::string& help);
  Gauge* AddGauge(const std::string& name, const std::string& help);
  Histogram* AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> upper_bounds = LatencyBuckets());
  Counter* LabeledCounter(const std::string& name, const std::string& help,
                          const std::vector<std::string>& label_names,
                          const std::vector<std::string>& label_values);
  Gauge* LabeledGauge(const std::string& name, const std::string& help,
                      const std::vector<std::string>& label_names,
                      const std::vector<std::string>& label_values);
  Histogram* LabeledHistogram(const std::string& name, const std::string& help,
                              const std::vector<std::string>& label_names,
                              const std::vector<std::string>& label_values,
                              std::vector<double> upper_bounds = LatencyBuckets());

  // `hook` runs at the start of every RenderText (outside the registry's lock), e.g. to set a
  // gauge from the store's inbox depth at scrape time. Hooks must be thread-safe.
  void AddCollectHook(std::function<void()> hook);

  // Families in registration order, series sorted by label values.
  std::string RenderText() const;

 private:
  struct Family;
  struct Series;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
  std::vector<std::function<void()>> hooks_;
  Family* FindOrAdd(const std::string& name, const std::string& help, const std::string& type,
                    const std::vector<std::string>& label_names);
  // REQUIRES: mutex_ held.
  Series* SeriesOf(Family* family, const std::vector<std::string>& label_values,
                   const std::vector<double>& upper_bounds);
};

}  // namespace autotriage
