// ModelBundle: the model file. One Head per ticket field plus metadata (labels, feature
// settings, training-data hash and size, metrics, creation time, format version).
//
// File layout: an 8-byte magic "ATMODEL\n", a format version, the payload length and a 64-bit
// checksum of the payload, then the payload. Damage of any kind (wrong file, truncation, a
// flipped byte, a newer format) is reported as kCorruption or kFailedPrecondition with a message
// saying what to do; loading never crashes.
// Heads trained with one shared featurizer (HeadOptions::featurizer) keep one copy of it in
// memory after loading, and can share the features of a text (PredictionScratch).
// Thread-safety: a loaded bundle is immutable; its heads may be used from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/ml/head.h"

namespace autotriage {

inline constexpr uint32_t kModelFormatVersion = 1;

struct BundleMetadata {
  uint32_t format_version = kModelFormatVersion;
  std::string created_at;  // ISO 8601 UTC
  std::string autotriage_version;
  std::string training_data_name;  // file name the heads were trained on (no directories)
  std::string training_data_hash;  // 16 hex digits over texts and labels
  int64_t training_data_examples = 0;
  int64_t training_data_bytes = 0;
  std::string settings_json;  // feature and model settings used for training
};

class ModelBundle {
 public:
  ModelBundle() = default;
  ModelBundle(ModelBundle&&) noexcept = default;
  ModelBundle& operator=(ModelBundle&&) noexcept = default;

  BundleMetadata& metadata() { return metadata_; }
  const BundleMetadata& metadata() const { return metadata_; }

  // Takes ownership; replaces an existing head for the same field.
  void AddHead(std::unique_ptr<Head> head);
  // Null when the bundle has no head for `field`.
  const Head* head(const std::string& field) const;
  std::vector<std::string> fields() const;

  // Writes atomically (temporary file, then rename).
  Status Save(const std::string& path) const;
  static Result<ModelBundle> Load(const std::string& path);
  static Result<ModelBundle> FromBytes(const std::string& bytes, const std::string& name);

  // Metadata and every head's info as one JSON object text.
  std::string DescribeJson() const;

 private:
  BundleMetadata metadata_;
  std::map<std::string, std::unique_ptr<Head>> heads_;
};

// The bundle's identity, "m-<12 hex>": a hash of DescribeJson() (metadata and every head's info,
// which includes the training-data hash and creation time). Decisions, audit entries, the
// dashboard and the model registry (registry.h) all name a bundle by it.
std::string ModelVersionId(const ModelBundle& bundle);

// Hash used for BundleMetadata::training_data_hash.
std::string HashTrainingData(const std::vector<std::string>& texts,
                             const std::vector<std::string>& labels);

}  // namespace autotriage
