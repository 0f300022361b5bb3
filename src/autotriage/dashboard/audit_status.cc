#include "autotriage/dashboard/audit_status.h"

#include <vector>

namespace autotriage::dashboard {
namespace {

constexpr int kChunk = 5000;

}  // namespace

Status AuditStatusCache::Feed(Store& store, AuditVerifier& verifier, int64_t* last_seq) {
  while (true) {
    Result<std::vector<AuditEntry>> chunk = store.ReadAudit(*last_seq, kChunk);
    if (!chunk.ok()) {
      return chunk.status();
    }
    for (const AuditEntry& entry : *chunk) {
      verifier.Add(entry);
      *last_seq = entry.seq;
    }
    if (static_cast<int>(chunk->size()) < kChunk) {
      return Status::Ok();
    }
  }
}

Result<AuditChainStatus> AuditStatusCache::Refresh(Store& store, int64_t now_ms,
                                                   int64_t full_interval_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  return RefreshLocked(store, now_ms,
                       !started_ || now_ms - status_.full_check_ms >= full_interval_ms);
}

Result<AuditChainStatus> AuditStatusCache::VerifyAll(Store& store, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  return RefreshLocked(store, now_ms, true);
}

Result<AuditChainStatus> AuditStatusCache::RefreshLocked(Store& store, int64_t now_ms, bool full) {
  AuditVerifier verifier = full ? AuditVerifier() : verifier_;
  int64_t last_seq = full ? 0 : status_.last_seq;
  AUTOTRIAGE_RETURN_IF_ERROR(Feed(store, verifier, &last_seq));
  const AuditVerifyReport report = verifier.Finish();
  verifier_ = verifier;
  started_ = true;
  status_.ok = report.ok;
  status_.entries = report.entries;
  status_.first_bad_seq = report.first_bad_seq;
  status_.problem = report.problem;
  status_.last_seq = last_seq;
  status_.checked_ms = now_ms;
  if (full) {
    status_.full_check_ms = now_ms;
  }
  return status_;
}

}  // namespace autotriage::dashboard
