// The audit chain's verification status for the audit page, kept between page views.
//
// Verifying a long trail from record 1 reads and hashes every record (about half a second for
// 200,000 records), too slow for every page view. The cache keeps the verifier's state: a view
// verifies only the records appended since the last one (they must link to the last verified
// hash), and the whole chain again from record 1 when the last full check is older than the
// interval, so an edit of an old record is found within that interval. VerifyAll (the REST
// API's audit/verify) always checks everything.
// Thread-safety: thread-safe; one verification runs at a time.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "autotriage/core/status.h"
#include "autotriage/store/audit.h"
#include "autotriage/store/store.h"

namespace autotriage::dashboard {

struct AuditChainStatus {
  bool ok = true;
  int64_t entries = 0;        // records verified (the chain's length when ok)
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;        // AuditVerifier's description of the first problem
  int64_t last_seq = 0;       // the newest record seen
  int64_t checked_ms = 0;     // when new records were last verified
  int64_t full_check_ms = 0;  // when the whole chain was last verified from record 1
};

class AuditStatusCache {
 public:
  Result<AuditChainStatus> Refresh(Store& store, int64_t now_ms, int64_t full_interval_ms);
  Result<AuditChainStatus> VerifyAll(Store& store, int64_t now_ms);

 private:
  Result<AuditChainStatus> RefreshLocked(Store& store, int64_t now_ms, bool full);
  // Feeds `verifier` the records after `*last_seq`; updates it.
  static Status Feed(Store& store, AuditVerifier& verifier, int64_t* last_seq);

  std::mutex mutex_;
  bool started_ = false;
  AuditVerifier verifier_;
  AuditChainStatus status_;
};

}  // namespace autotriage::dashboard
