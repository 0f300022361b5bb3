#include "autotriage/store/audit.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

namespace autotriage {
namespace {

// How far from its position a record's content is looked for when its hash does not match
// (tells a reordered or renumbered record from an edited one).
constexpr int64_t kReorderWindow = 64;

void InitSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      AbortWithMessage("libsodium could not be initialised");
    }
  });
}

void AppendField(std::string* out, const char* name, const std::string& value) {
  out->append(name);
  out->push_back('=');
  out->append(std::to_string(value.size()));
  out->push_back(':');
  out->append(value);
  out->push_back('\n');
}

std::string HashWithSeq(const AuditEntry& entry, int64_t seq) {
  AuditEntry copy = entry;
  copy.seq = seq;
  return AuditHash(copy);
}

}  // namespace

std::string CanonicalAuditText(const AuditEntry& entry) {
  std::string out = "autotriage-audit-v1\n";
  out.reserve(out.size() + entry.detail.size() + entry.kind.size() + entry.trace_id.size() +
              entry.ticket_id.size() + entry.model_version.size() + entry.input_hash.size() +
              entry.prev_hash.size() + 160);
  AppendField(&out, "seq", std::to_string(entry.seq));
  AppendField(&out, "time_ms", std::to_string(entry.time_ms));
  AppendField(&out, "kind", entry.kind);
  AppendField(&out, "trace_id", entry.trace_id);
  AppendField(&out, "ticket_id", entry.ticket_id);
  AppendField(&out, "model_version", entry.model_version);
  AppendField(&out, "input_hash", entry.input_hash);
  AppendField(&out, "detail", entry.detail);
  AppendField(&out, "prev_hash", entry.prev_hash);
  return out;
}

std::string AuditHash(const AuditEntry& entry) {
  InitSodium();
  const std::string text = CanonicalAuditText(entry);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(entry.prev_hash.data()),
                            entry.prev_hash.size());
  const unsigned char newline = '\n';
  crypto_hash_sha256_update(&state, &newline, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                            text.size());
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

void AuditVerifier::Fail(int64_t seq, std::string problem) {
  report_.ok = false;
  report_.first_bad_seq = seq;
  report_.problem = std::move(problem);
}

void AuditVerifier::Add(const AuditEntry& entry) {
  ++report_.entries;
  if (!report_.ok) {
    return;
  }
  const int64_t position = expected_seq_;
  if (pending_at_ != 0) {
    // The previous record held another record's content. If this one is shifted by the same
    // amount, records were removed (or inserted) and the rest renumbered; else two swapped.
    const int64_t shift = pending_was_ - pending_at_;
    const bool same_shift =
        entry.seq == position && HashWithSeq(entry, position + shift) == entry.hash;
    if (same_shift && shift > 0) {
      Fail(pending_at_, "record " + std::to_string(pending_at_) +
                            " is missing (the records after it were renumbered)");
    } else if (same_shift && shift < 0) {
      Fail(pending_at_ + shift, "record " + std::to_string(pending_at_ + shift) +
                                    " was inserted (the records after it were renumbered)");
    } else {
      Fail(pending_at_, "records " + std::to_string(pending_at_) + " and " +
                            std::to_string(pending_was_) + " were reordered");
    }
    return;
  }
  if (entry.seq > position) {
    Fail(position, entry.seq == position + 1 ? "record " + std::to_string(position) + " is missing"
                                             : "records " + std::to_string(position) + " to " +
                                                   std::to_string(entry.seq - 1) + " are missing");
    return;
  }
  if (entry.seq < position) {
    Fail(position, "record " + std::to_string(entry.seq) + " is out of order (expected record " +
                       std::to_string(position) + ")");
    return;
  }
  if (AuditHash(entry) != entry.hash) {
    for (int64_t was = std::max<int64_t>(1, position - kReorderWindow);
         was <= position + kReorderWindow; ++was) {
      if (was != position && HashWithSeq(entry, was) == entry.hash) {
        pending_at_ = position;
        pending_was_ = was;
        ++expected_seq_;
        return;
      }
    }
    Fail(position, "record " + std::to_string(position) + " was edited (hash mismatch)");
    return;
  }
  if (entry.prev_hash != expected_prev_) {
    Fail(position, "record " + std::to_string(position) + " does not link to record " +
                       std::to_string(position - 1) + " (prev_hash mismatch)");
    return;
  }
  expected_prev_ = entry.hash;
  ++expected_seq_;
}

AuditVerifyReport AuditVerifier::Finish() const {
  if (!report_.ok || pending_at_ == 0) {
    return report_;
  }
  // The trail ended right after a record holding another record's content.
  AuditVerifier settled = *this;
  const int64_t shift = pending_was_ - pending_at_;
  if (shift > 0) {
    settled.Fail(pending_at_, "record " + std::to_string(pending_at_) +
                                  " is missing (the records after it were renumbered)");
  } else {
    settled.Fail(pending_at_ + shift, "record " + std::to_string(pending_at_ + shift) +
                                          " was inserted (the records after it were renumbered)");
  }
  return settled.report_;
}

std::string AuditEntryToJson(const AuditEntry& entry) {
  nlohmann::json json = {
      {"seq", entry.seq},
      {"time_ms", entry.time_ms},
      {"kind", entry.kind},
      {"trace_id", entry.trace_id},
      {"ticket_id", entry.ticket_id},
      {"model_version", entry.model_version},
      {"input_hash", entry.input_hash},
      {"detail", entry.detail},
      {"prev_hash", entry.prev_hash},
      {"hash", entry.hash},
  };
  // Invalid UTF-8 in a detail must not throw: it is replaced, and the hash still tells.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<AuditEntry> AuditEntryFromJson(const std::string& line) {
  const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded()) {
    return InvalidArgument("audit record is not valid JSON");
  }
  if (!json.is_object()) {
    return InvalidArgument("audit record is not a JSON object");
  }
  AuditEntry entry;
  const std::pair<const char*, int64_t*> ints[] = {{"seq", &entry.seq},
                                                   {"time_ms", &entry.time_ms}};
  for (const auto& [name, target] : ints) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_number_integer()) {
      return InvalidArgument(std::string("audit record field '") + name +
                             "' is missing or not an integer");
    }
    *target = it->get<int64_t>();
  }
  const std::pair<const char*, std::string*> strings[] = {
      {"kind", &entry.kind},
      {"trace_id", &entry.trace_id},
      {"ticket_id", &entry.ticket_id},
      {"model_version", &entry.model_version},
      {"input_hash", &entry.input_hash},
      {"detail", &entry.detail},
      {"prev_hash", &entry.prev_hash},
      {"hash", &entry.hash},
  };
  for (const auto& [name, target] : strings) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_string()) {
      return InvalidArgument(std::string("audit record field '") + name +
                             "' is missing or not a string");
    }
    *target = it->get<std::string>();
  }
  return entry;
}

}  // namespace autotriage
