// User administration shared by `autotriage users`, the set-up page and the dashboard's admin
// pages: checks names, roles, Slack ids and passwords, hashes the password and records the
// change in the audit trail (kind "user", with the acting person; never a secret).
//
// Thread-safety: the functions are thread-safe when `store` is (every Store is).
// Errors: kInvalidArgument naming the bad name, Slack id or weak password; kAlreadyExists for a
// taken name or Slack id; kNotFound for an unknown user; store errors as they come.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "autotriage/auth/auth.h"
#include "autotriage/core/status.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct NewUser {
  std::string name;  // see ValidateUserName
  Role role = Role::kViewer;
  std::string password;       // Secret. At least 12 characters (HashPassword).
  std::string slack_user_id;  // "" = not mapped; else a Slack member id such as "U012AB3CD"
};

// 1 to 64 characters: letters, digits, '.', '_', '-', '@'.
Status ValidateUserName(std::string_view name);
// A Slack member id: 'U' or 'W' then upper-case letters and digits.
Status ValidateSlackUserId(std::string_view slack_user_id);

// Adds the user; `actor` ("cli", "user:NAME", "setup") is recorded in the audit entry.
// Returns the new user's id.
Result<int64_t> CreateUser(Store& store, const NewUser& user, const std::string& actor,
                           int64_t now_ms);

// Disables the user: their sessions end and their API tokens are revoked (Store::UpdateUser).
// Returns false, changing nothing, when the user was already disabled.
Result<bool> DisableUser(Store& store, const std::string& name, const std::string& actor,
                         int64_t now_ms);

}  // namespace autotriage
