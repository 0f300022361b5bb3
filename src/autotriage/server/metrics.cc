#include "autotriage/server/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "autotriage/core/status.h"

namespace autotriage {
namespace {

bool ValidName(const std::string& name, bool allow_colon) {
  if (name.empty()) {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) {
      return false;
    }
  }
  return true;
}

[[noreturn]] void Die(const std::string& message) {
  AbortWithMessage(("metrics: " + message).c_str());
}

// Shortest text that reads back as the same double; Prometheus spellings for the specials.
std::string FormatValue(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// HELP text escapes backslash and newline; label values also escape the double quote.
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// {a="x",b="y"} plus an optional extra label (le), or "" when there are no labels at all.
std::string LabelText(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      const std::string& extra_name = "", const std::string& extra_value = "") {
  if (names.empty() && extra_name.empty()) {
    return "";
  }
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : ",") + names[i] + "=\"" + Escape(values[i], true) + "\"";
  }
  if (!extra_name.empty()) {
    out += (names.empty() ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

std::vector<double> NormalizedBounds(std::vector<double> bounds) {
  for (double b : bounds) {
    if (std::isnan(b)) {
      Die("a histogram bucket bound is NaN");
    }
  }
  // +Inf is always the implicit last bucket.
  bounds.erase(std::remove_if(bounds.begin(), bounds.end(), [](double b) { return std::isinf(b); }),
               bounds.end());
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}

}  // namespace

void Counter::Increment(double by) {
  value_.fetch_add(by, std::memory_order_relaxed);
}

void Gauge::Add(double by) {
  value_.fetch_add(by, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(NormalizedBounds(std::move(upper_bounds))),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double value) {
  // Bucket i holds bounds_[i-1] < value <= bounds_[i] (Prometheus' "le").
  const size_t index = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::bucket_counts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  return counts;
}

double Histogram::Quantile(double quantile) const {
  const std::vector<uint64_t> counts = bucket_counts();
  uint64_t total = 0;
  for (uint64_t c : counts) {
    total += c;
  }
  if (total == 0 || std::isnan(quantile)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double rank = std::clamp(quantile, 0.0, 1.0) * static_cast<double>(total);
  uint64_t below = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0 || static_cast<double>(below + counts[i]) < rank) {
      below += counts[i];
      continue;
    }
    if (i == bounds_.size()) {  // the +Inf bucket has no upper bound to interpolate to
      return bounds_.empty() ? std::numeric_limits<double>::quiet_NaN() : bounds_.back();
    }
    const double lower = i == 0 ? std::min(0.0, bounds_[0]) : bounds_[i - 1];
    const double upper = bounds_[i];
    const double within = (rank - static_cast<double>(below)) / static_cast<double>(counts[i]);
    return lower + (upper - lower) * within;
  }
  return bounds_.empty() ? std::numeric_limits<double>::quiet_NaN() : bounds_.back();
}

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

struct MetricsRegistry::Series {
  std::vector<std::string> label_values;
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
};

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  std::string type;  // "counter", "gauge", "histogram"
  std::vector<std::string> label_names;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family* MetricsRegistry::FindOrAdd(const std::string& name,
                                                    const std::string& help,
                                                    const std::string& type,
                                                    const std::vector<std::string>& label_names) {
  for (const auto& family : families_) {
    if (family->name != name) {
      continue;
    }
    if (family->type != type || family->label_names != label_names) {
      Die("metric '" + name + "' registered again as a different " + type +
          " or with different label names");
    }
    return family.get();
  }
  if (!ValidName(name, true)) {
    Die("invalid metric name '" + name + "'");
  }
  for (const std::string& label : label_names) {
    if (!ValidName(label, false) || label.rfind("__", 0) == 0 ||
        (type == "histogram" && label == "le")) {
      Die("invalid label name '" + label + "' for metric '" + name + "'");
    }
  }
  auto family = std::make_unique<Family>();
  family->name = name;
  family->help = help;
  family->type = type;
  family->label_names = label_names;
  families_.push_back(std::move(family));
  return families_.back().get();
}

MetricsRegistry::Series* MetricsRegistry::SeriesOf(Family* family,
                                                   const std::vector<std::string>& label_values,
                                                   const std::vector<double>& upper_bounds) {
  if (label_values.size() != family->label_names.size()) {
    Die("metric '" + family->name + "' takes " + std::to_string(family->label_names.size()) +
        " label values, got " + std::to_string(label_values.size()));
  }
  std::unique_ptr<Series>& slot = family->series[label_values];
  if (slot == nullptr) {
    slot = std::make_unique<Series>();
    slot->label_values = label_values;
    if (family->type == "counter") {
      slot->counter = std::make_unique<Counter>();
    } else if (family->type == "gauge") {
      slot->gauge = std::make_unique<Gauge>();
    } else {
      slot->histogram = std::make_unique<Histogram>(upper_bounds);
    }
  }
  return slot.get();
}

Counter* MetricsRegistry::AddCounter(const std::string& name, const std::string& help) {
  return LabeledCounter(name, help, {}, {});
}

Gauge* MetricsRegistry::AddGauge(const std::string& name, const std::string& help) {
  return LabeledGauge(name, help, {}, {});
}

Histogram* MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                         std::vector<double> upper_bounds) {
  return LabeledHistogram(name, help, {}, {}, std::move(upper_bounds));
}

Counter* MetricsRegistry::LabeledCounter(const std::string& name, const std::string& help,
                                         const std::vector<std::string>& label_names,
                                         const std::vector<std::string>& label_values) {
  std::lock_guard<std::mutex> lock(mutex_);
  return SeriesOf(FindOrAdd(name, help, "counter", label_names), label_values, {})->counter.get();
}

Gauge* MetricsRegistry::LabeledGauge(const std::string& name, const std::string& help,
                                     const std::vector<std::string>& label_names,
                                     const std::vector<std::string>& label_values) {
  std::lock_guard<std::mutex> lock(mutex_);
  return SeriesOf(FindOrAdd(name, help, "gauge", label_names), label_values, {})->gauge.get();
}

Histogram* MetricsRegistry::LabeledHistogram(const std::string& name, const std::string& help,
                                             const std::vector<std::string>& label_names,
                                             const std::vector<std::string>& label_values,
                                             std::vector<double> upper_bounds) {
  std::lock_guard<std::mutex> lock(mutex_);
  return SeriesOf(FindOrAdd(name, help, "histogram", label_names), label_values, upper_bounds)
      ->histogram.get();
}

void MetricsRegistry::AddCollectHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mutex_);
  hooks_.push_back(std::move(hook));
}

std::string MetricsRegistry::RenderText() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    hooks = hooks_;
  }
  for (const auto& hook : hooks) {
    hook();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& family : families_) {
    out += "# HELP " + family->name + " " + Escape(family->help, false) + "\n";
    out += "# TYPE " + family->name + " " + family->type + "\n";
    for (const auto& [values, series] : family->series) {
      const std::string labels = LabelText(family->label_names, values);
      if (series->counter != nullptr) {
        out += family->name + labels + " " + FormatValue(series->counter->value()) + "\n";
      } else if (series->gauge != nullptr) {
        out += family->name + labels + " " + FormatValue(series->gauge->value()) + "\n";
      } else {
        const Histogram& histogram = *series->histogram;
        const std::vector<uint64_t> counts = histogram.bucket_counts();
        const std::vector<double>& bounds = histogram.upper_bounds();
        // _count is the +Inf bucket (read from the same snapshot) so the two always agree.
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          const std::string le = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
          out += family->name + "_bucket" + LabelText(family->label_names, values, "le", le) + " " +
                 std::to_string(cumulative) + "\n";
        }
        out += family->name + "_sum" + labels + " " + FormatValue(histogram.sum()) + "\n";
        out += family->name + "_count" + labels + " " + std::to_string(cumulative) + "\n";
      }
    }
  }
  return out;
}

}  // namespace autotriage
