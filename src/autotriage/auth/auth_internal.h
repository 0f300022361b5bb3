// Helpers shared by the auth module's .cc files; not part of its interface.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autotriage/store/audit.h"

namespace autotriage {

// sodium_init, once per process, thread-safe; aborts if libsodium cannot start.
void EnsureSodium();

// Constant-time equality of two secrets of the same length (false when lengths differ).
bool SecretsEqual(std::string_view a, std::string_view b);

// An audit entry of kind "user": detail {"action": action, key: value, ...}. Callers pass names,
// roles and labels only, never a secret.
AuditEntry UserAuditEntry(int64_t now_ms, const std::string& action,
                          const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace autotriage
