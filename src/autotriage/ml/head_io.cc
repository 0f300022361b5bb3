// Serialisation of a Head: a JSON metadata block followed by the binary model blocks.
#include <nlohmann/json.hpp>

#include "autotriage/ml/binary_io.h"
#include "autotriage/ml/head.h"

namespace autotriage {
namespace {

constexpr uint32_t kHeadFormatVersion = 1;

nlohmann::json InfoToJson(const HeadInfo& info) {
  nlohmann::json j;
  j["field"] = info.field;
  j["labels"] = info.labels;
  j["training_examples"] = info.training_examples;
  j["validation_examples"] = info.validation_examples;
  j["empty_texts_skipped"] = info.empty_texts_skipped;
  j["excluded_classes"] = nlohmann::json::array();
  for (const auto& e : info.excluded_classes) {
    j["excluded_classes"].push_back({{"label", e.label}, {"examples", e.examples}});
  }
  j["linear_c"] = info.linear_c;
  j["linear_temperature"] = info.linear_temperature;
  j["fasttext_temperature"] = info.fasttext_temperature;
  j["linear_weight"] = info.linear_weight;
  j["validation_accuracy"] = info.validation_accuracy;
  j["validation_macro_f1"] = info.validation_macro_f1;
  j["validation_ece"] = info.validation_ece;
  j["validation_log_loss"] = info.validation_log_loss;
  j["target_precision"] = info.target_precision;
  j["validation_coverage"] = info.validation_coverage;
  j["thresholds"] = nlohmann::json::array();
  for (const auto& t : info.thresholds) {
    // The curve as [threshold, precision, coverage] triples: compact, and older readers
    // ignore the key.
    nlohmann::json curve = nlohmann::json::array();
    for (const PrecisionPoint& point : t.curve) {
      curve.push_back({point.threshold, point.precision, point.coverage});
    }
    j["thresholds"].push_back({{"label", t.label},
                               {"threshold", t.threshold},
                               {"precision", t.precision},
                               {"coverage", t.coverage},
                               {"validation_predictions", t.validation_predictions},
                               {"reachable", t.reachable},
                               {"curve", std::move(curve)}});
  }
  j["feature_count"] = info.feature_count;
  j["train_seconds"] = info.train_seconds;
  return j;
}

HeadInfo InfoFromJson(const nlohmann::json& j) {
  HeadInfo info;
  info.field = j.at("field").get<std::string>();
  info.labels = j.at("labels").get<std::vector<std::string>>();
  info.training_examples = j.at("training_examples").get<int64_t>();
  info.validation_examples = j.at("validation_examples").get<int64_t>();
  info.empty_texts_skipped = j.at("empty_texts_skipped").get<int64_t>();
  for (const auto& e : j.at("excluded_classes")) {
    info.excluded_classes.push_back(
        {e.at("label").get<std::string>(), e.at("examples").get<int64_t>()});
  }
  info.linear_c = j.value("linear_c", 0.0);
  info.linear_temperature = j.at("linear_temperature").get<double>();
  info.fasttext_temperature = j.at("fasttext_temperature").get<double>();
  info.linear_weight = j.at("linear_weight").get<double>();
  info.validation_accuracy = j.at("validation_accuracy").get<double>();
  info.validation_macro_f1 = j.at("validation_macro_f1").get<double>();
  info.validation_ece = j.at("validation_ece").get<double>();
  info.validation_log_loss = j.at("validation_log_loss").get<double>();
  info.target_precision = j.at("target_precision").get<double>();
  info.validation_coverage = j.at("validation_coverage").get<double>();
  for (const auto& t : j.at("thresholds")) {
    ClassThreshold threshold;
    threshold.label = t.at("label").get<std::string>();
    threshold.threshold = t.at("threshold").get<double>();
    threshold.precision = t.at("precision").get<double>();
    threshold.coverage = t.at("coverage").get<double>();
    threshold.validation_predictions = t.at("validation_predictions").get<int64_t>();
    threshold.reachable = t.at("reachable").get<bool>();
    // Absent in models trained before curves existed: only the threshold is known then.
    if (t.contains("curve")) {
      for (const auto& point : t.at("curve")) {
        threshold.curve.push_back(
            {point.at(0).get<double>(), point.at(1).get<double>(), point.at(2).get<double>()});
      }
    }
    info.thresholds.push_back(std::move(threshold));
  }
  info.feature_count = j.at("feature_count").get<int32_t>();
  info.train_seconds = j.at("train_seconds").get<double>();
  return info;
}

}  // namespace

std::string HeadInfoToJson(const HeadInfo& info) {
  return InfoToJson(info).dump();
}

Result<std::string> Head::ToBytes() const {
  BinaryWriter writer;
  writer.U32(kHeadFormatVersion);
  writer.Str(InfoToJson(info_).dump());
  featurizer_->Save(&writer);
  linear_.Save(&writer);
  writer.U32(fasttext_ ? 1 : 0);
  if (fasttext_) {
    auto bytes = fasttext_->ToBytes();
    if (!bytes.ok()) {
      return bytes.status();
    }
    writer.Str(*bytes);
  }
  return writer.Take();
}

Result<std::unique_ptr<Head>> LoadHead(std::string_view bytes) {
  BinaryReader reader(bytes);
  uint32_t version = reader.U32();
  if (!reader.ok()) {
    return Corruption("head block is truncated");
  }
  if (version != kHeadFormatVersion) {
    return Corruption("head block has format version " + std::to_string(version) +
                      ", this build reads version " + std::to_string(kHeadFormatVersion));
  }
  auto head = std::unique_ptr<Head>(new Head());
  std::string metadata = reader.Str();
  nlohmann::json j = nlohmann::json::parse(metadata, nullptr, false);
  if (!reader.ok() || j.is_discarded() || !j.is_object()) {
    return Corruption("head metadata is not valid JSON");
  }
  try {
    head->info_ = InfoFromJson(j);
  } catch (const nlohmann::json::exception& e) {
    return Corruption(std::string("head metadata is incomplete: ") + e.what());
  }
  auto featurizer = TfidfFeaturizer::Load(&reader);
  if (!featurizer.ok()) {
    return featurizer.status();
  }
  head->featurizer_ = std::make_shared<const TfidfFeaturizer>(std::move(featurizer).value());
  auto linear = LinearModel::Load(&reader);
  if (!linear.ok()) {
    return linear.status();
  }
  head->linear_ = std::move(linear).value();
  const auto& info = head->info_;
  if (head->linear_.n_classes() != static_cast<int>(info.labels.size()) ||
      head->linear_.n_features() != head->featurizer_->feature_count() ||
      info.thresholds.size() != info.labels.size()) {
    return Corruption("head blocks disagree on the number of labels or features");
  }
  if (reader.U32() == 1) {
    std::string_view model_bytes = reader.StrView();
    if (!reader.ok()) {
      return Corruption("fastText block is truncated");
    }
    auto fasttext = FastTextModel::FromBytes(model_bytes, info.labels);
    if (!fasttext.ok()) {
      return fasttext.status();
    }
    head->fasttext_ = std::move(fasttext).value();
  }
  if (!reader.ok() || !reader.AtEnd()) {
    return Corruption("head block is truncated or has trailing bytes");
  }
  return head;
}

}  // namespace autotriage
