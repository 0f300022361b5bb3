// Audit chain: append-only records of every engine step, each carrying the hash of the one
// before it, so that an edited, removed, inserted or reordered record is detected.
//
// hash = hex(SHA-256(prev_hash || "\n" || CanonicalAuditText(entry))); the first record's
// prev_hash is 64 zeros. The canonical text covers every field except `hash` itself, in a fixed
// order with lengths, so no two different entries share a text.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, ... assigned by the store
  int64_t time_ms = 0;
  // "event_received", "prediction", "decision", "approval", "write", "superseded", "override",
  // "skipped", "error"
  std::string kind;
  std::string trace_id;
  std::string ticket_id;
  std::string model_version;
  std::string input_hash;  // hash of the text the models saw ("" when none)
  std::string detail;      // JSON object: the diff {field: {old, new}}, outcome, error, ...
  std::string prev_hash;   // filled by the store
  std::string hash;        // filled by the store
};

inline constexpr char kAuditGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

std::string CanonicalAuditText(const AuditEntry& entry);
// Hash of `entry` given its prev_hash (entry.hash is ignored).
std::string AuditHash(const AuditEntry& entry);

struct AuditVerifyReport {
  int64_t entries = 0;
  bool ok = true;
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;        // "record 17 was edited (hash mismatch)", "record 18 is missing"
};

// Feeds records in seq order, chunk by chunk (so a large trail needs no memory), then Finish.
// Problems it names (the first one found; checking stops there):
//   "record N is missing"             a gap in seq, or records after N renumbered to close it
//   "record N was edited (hash mismatch)"
//   "records N and M were reordered"  record N's content sits at another position
//   "record N was inserted"           an extra record, the records after it renumbered
//   "record N does not link to record N-1 (prev_hash mismatch)"  e.g. N-1 replaced, rehashed
// A problem found at record N may need one more record to be told apart (removal vs reorder);
// Finish settles it when the trail ends there.
class AuditVerifier {
 public:
  void Add(const AuditEntry& entry);  // stops checking after the first problem
  AuditVerifyReport Finish() const;

 private:
  void Fail(int64_t seq, std::string problem);

  AuditVerifyReport report_;
  std::string expected_prev_ = kAuditGenesisHash;
  int64_t expected_seq_ = 1;
  // Set when the record at position pending_at_ carries the content of record pending_was_.
  int64_t pending_at_ = 0;
  int64_t pending_was_ = 0;
};

// One JSON object per line (the export format); every field, hash included.
std::string AuditEntryToJson(const AuditEntry& entry);
Result<AuditEntry> AuditEntryFromJson(const std::string& line);

}  // namespace autotriage
