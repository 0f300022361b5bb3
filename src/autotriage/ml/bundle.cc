#include "autotriage/ml/bundle.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "autotriage/core/ids.h"
#include "autotriage/ml/binary_io.h"

namespace autotriage {
namespace {

constexpr char kMagic[8] = {'A', 'T', 'M', 'O', 'D', 'E', 'L', '\n'};
constexpr size_t kHeaderSize = sizeof(kMagic) + 4 + 8 + 8;

}  // namespace

void ModelBundle::AddHead(std::unique_ptr<Head> head) {
  std::string field = head->info().field;
  heads_[field] = std::move(head);
}

const Head* ModelBundle::head(const std::string& field) const {
  auto it = heads_.find(field);
  return it == heads_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ModelBundle::fields() const {
  std::vector<std::string> out;
  for (const auto& [field, head] : heads_) {
    out.push_back(field);
  }
  return out;
}

std::string ModelVersionId(const ModelBundle& bundle) {
  return "m-" + ToHex64(Fnv1a64(bundle.DescribeJson())).substr(0, 12);
}

std::string HashTrainingData(const std::vector<std::string>& texts,
                             const std::vector<std::string>& labels) {
  uint64_t h = Fnv1a64("");
  for (size_t i = 0; i < texts.size(); ++i) {
    h = h * 31 + Fnv1a64(texts[i]);
    h = h * 31 + Fnv1a64(i < labels.size() ? labels[i] : std::string());
  }
  return ToHex64(h);
}

std::string ModelBundle::DescribeJson() const {
  nlohmann::json j;
  j["format_version"] = metadata_.format_version;
  j["created_at"] = metadata_.created_at;
  j["autotriage_version"] = metadata_.autotriage_version;
  j["training_data"] = {{"name", metadata_.training_data_name},
                        {"hash", metadata_.training_data_hash},
                        {"examples", metadata_.training_data_examples},
                        {"bytes", metadata_.training_data_bytes}};
  j["settings"] = nlohmann::json::parse(
      metadata_.settings_json.empty() ? "{}" : metadata_.settings_json, nullptr, false);
  j["heads"] = nlohmann::json::object();
  for (const auto& [field, head] : heads_) {
    j["heads"][field] = nlohmann::json::parse(HeadInfoToJson(head->info()));
  }
  return j.dump();
}

Status ModelBundle::Save(const std::string& path) const {
  BinaryWriter payload;
  nlohmann::json meta;
  meta["format_version"] = metadata_.format_version;
  meta["created_at"] = metadata_.created_at;
  meta["autotriage_version"] = metadata_.autotriage_version;
  meta["training_data_name"] = metadata_.training_data_name;
  meta["training_data_hash"] = metadata_.training_data_hash;
  meta["training_data_examples"] = metadata_.training_data_examples;
  meta["training_data_bytes"] = metadata_.training_data_bytes;
  meta["settings"] = metadata_.settings_json;
  payload.Str(meta.dump());
  payload.U32(static_cast<uint32_t>(heads_.size()));
  for (const auto& [field, head] : heads_) {
    auto bytes = head->ToBytes();
    if (!bytes.ok()) {
      return bytes.status().WithContext("saving head '" + field + "'");
    }
    payload.Str(field);
    payload.Str(*bytes);
  }
  const std::string& body = payload.bytes();
  BinaryWriter header;
  header.U32(kModelFormatVersion);
  header.U64(body.size());
  header.U64(Fnv1a64(body));

  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      return IoError("cannot write model file " + path + ": " + std::strerror(errno));
    }
    out.write(kMagic, sizeof(kMagic));
    out.write(header.bytes().data(), static_cast<std::streamsize>(header.bytes().size()));
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      return IoError("writing model file " + path + " failed (disk full?)");
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return IoError("cannot move model file into place at " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<ModelBundle> ModelBundle::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFound("model file " + path + " cannot be opened: " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return FromBytes(content.str(), path);
}

Result<ModelBundle> ModelBundle::FromBytes(const std::string& bytes, const std::string& name) {
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return Corruption(name +
                      " is not an autotriage model file (train one with 'autotriage train')");
  }
  if (bytes.size() < kHeaderSize) {
    return Corruption(name + " is truncated: its header is incomplete");
  }
  BinaryReader header(std::string_view(bytes).substr(sizeof(kMagic), kHeaderSize - sizeof(kMagic)));
  const uint32_t version = header.U32();
  const uint64_t length = header.U64();
  const uint64_t checksum = header.U64();
  if (version != kModelFormatVersion) {
    return FailedPrecondition(name + " has model format version " + std::to_string(version) +
                              " but this autotriage reads version " +
                              std::to_string(kModelFormatVersion) + ": retrain the model");
  }
  const std::string_view body = std::string_view(bytes).substr(kHeaderSize);
  if (body.size() != length) {
    return Corruption(name + " is truncated or padded: expected " + std::to_string(length) +
                      " payload bytes, found " + std::to_string(body.size()));
  }
  if (Fnv1a64(body) != checksum) {
    return Corruption(name + " is corrupt: checksum mismatch");
  }
  BinaryReader reader(body);
  ModelBundle bundle;
  nlohmann::json meta = nlohmann::json::parse(reader.Str(), nullptr, false);
  if (!reader.ok() || meta.is_discarded() || !meta.is_object()) {
    return Corruption(name + " has unreadable metadata");
  }
  BundleMetadata& m = bundle.metadata_;
  m.format_version = version;
  m.created_at = meta.value("created_at", "");
  m.autotriage_version = meta.value("autotriage_version", "");
  m.training_data_name = meta.value("training_data_name", "");
  m.training_data_hash = meta.value("training_data_hash", "");
  m.training_data_examples = meta.value("training_data_examples", int64_t{0});
  m.training_data_bytes = meta.value("training_data_bytes", int64_t{0});
  m.settings_json = meta.value("settings", "");
  const uint32_t head_count = reader.U32();
  for (uint32_t i = 0; i < head_count && reader.ok(); ++i) {
    std::string field = reader.Str();
    std::string_view head_bytes = reader.StrView();
    if (!reader.ok()) {
      break;
    }
    auto head = LoadHead(head_bytes);
    if (!head.ok()) {
      return head.status().WithContext(name + ": head '" + field + "'");
    }
    for (const auto& [other_field, other] : bundle.heads_) {
      if ((*head)->ShareFeaturizerWith(*other)) {
        break;  // one copy in memory of a vocabulary the heads share
      }
    }
    bundle.heads_[field] = std::move(head).value();
  }
  if (!reader.ok() || !reader.AtEnd() || bundle.heads_.empty()) {
    return Corruption(name + " has a damaged head table");
  }
  return bundle;
}

}  // namespace autotriage
