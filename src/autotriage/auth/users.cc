#include "autotriage/auth/users.h"

#include <nlohmann/json.hpp>

#include "autotriage/auth/auth_internal.h"

namespace autotriage {
namespace {

constexpr size_t kMaxUserNameLength = 64;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '@';
}

}  // namespace

AuditEntry UserAuditEntry(int64_t now_ms, const std::string& action,
                          const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::json detail = {{"action", action}};
  for (const auto& [key, value] : fields) {
    detail[key] = value;
  }
  AuditEntry entry;
  entry.time_ms = now_ms;
  entry.kind = "user";
  // Names come from operators and may hold any byte; the store keeps text.
  entry.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return entry;
}

Status ValidateUserName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxUserNameLength;
  for (char c : name) {
    ok = ok && IsNameChar(c);
  }
  if (ok) {
    return Status::Ok();
  }
  if (name.empty()) {
    return InvalidArgument("the user name is empty");
  }
  return InvalidArgument("user name '" + std::string(name.substr(0, kMaxUserNameLength)) +
                         "' is not allowed: use 1 to 64 letters, digits, '.', '_', '-' or '@'");
}

Status ValidateSlackUserId(std::string_view slack_user_id) {
  bool ok = slack_user_id.size() >= 3 && slack_user_id.size() <= 32 &&
            (slack_user_id[0] == 'U' || slack_user_id[0] == 'W');
  for (char c : slack_user_id.substr(ok ? 1 : 0)) {
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  }
  if (ok) {
    return Status::Ok();
  }
  return InvalidArgument("Slack user id '" + std::string(slack_user_id.substr(0, 32)) +
                         "' is not a Slack member id (like U012AB3CD: 'U' or 'W', then upper-case "
                         "letters and digits; find it in the person's Slack profile)");
}

Result<int64_t> CreateUser(Store& store, const NewUser& user, const std::string& actor,
                           int64_t now_ms) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateUserName(user.name));
  if (!user.slack_user_id.empty()) {
    AUTOTRIAGE_RETURN_IF_ERROR(ValidateSlackUserId(user.slack_user_id));
  }
  // Checked before the slow password hash, with a clearer message than the store's.
  Result<std::optional<UserRecord>> existing = store.FindUserByName(user.name);
  if (!existing.ok()) {
    return existing.status();
  }
  if (existing->has_value()) {
    return AlreadyExists("a user named '" + user.name + "' already exists");
  }
  if (!user.slack_user_id.empty()) {
    Result<std::optional<UserRecord>> mapped = store.FindUserBySlackId(user.slack_user_id);
    if (!mapped.ok()) {
      return mapped.status();
    }
    if (mapped->has_value()) {
      return AlreadyExists("Slack user id " + user.slack_user_id + " is already mapped to user '" +
                           (*mapped)->name + "'");
    }
  }
  Result<std::string> hash = HashPassword(user.password);
  if (!hash.ok()) {
    return hash.status();
  }
  UserRecord record;
  record.name = user.name;
  record.role = std::string(ToString(user.role));
  record.password_hash = std::move(*hash);
  record.slack_user_id = user.slack_user_id;
  record.created_ms = now_ms;
  record.updated_ms = now_ms;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"user", user.name}, {"role", record.role}, {"actor", actor}};
  if (!user.slack_user_id.empty()) {
    fields.emplace_back("slack_user_id", user.slack_user_id);
  }
  return store.AddUser(record, UserAuditEntry(now_ms, "user_added", fields));
}

Result<bool> DisableUser(Store& store, const std::string& name, const std::string& actor,
                         int64_t now_ms) {
  Result<std::optional<UserRecord>> found = store.FindUserByName(name);
  if (!found.ok()) {
    return found.status();
  }
  if (!found->has_value()) {
    return NotFound("no user named '" + name + "'");
  }
  UserRecord user = **found;
  if (user.disabled) {
    return false;
  }
  user.disabled = true;
  user.updated_ms = now_ms;
  AUTOTRIAGE_RETURN_IF_ERROR(store.UpdateUser(
      user, UserAuditEntry(now_ms, "user_disabled", {{"user", name}, {"actor", actor}})));
  return true;
}

}  // namespace autotriage
