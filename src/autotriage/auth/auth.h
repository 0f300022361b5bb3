// Auth: who is calling the dashboard, the REST API or the Slack callback, and may they do it.
//
// People are local users (Store::AddUser) with a role: viewer (read), approver (read + decide
// approvals), admin (everything, including the autonomy matrix and users). Passwords are kept
// as Argon2id strings (libsodium crypto_pwhash_str, interactive limits); sessions, API tokens
// and the set-up token are random 256-bit values of which the store keeps only a BLAKE2b hash.
//
// A request is authenticated by the session cookie (browsers) or "Authorization: Bearer TOKEN"
// (REST clients). A state-changing request (POST, PUT, PATCH, DELETE: any method but GET, HEAD
// and OPTIONS) on a session must also carry the session's CSRF token, in the X-CSRF-Token header
// or the `csrf_token` field of an application/x-www-form-urlencoded body (compared in constant
// time); bearer requests are exempt (a browser never attaches them on its own).
// A request carrying an Authorization: Bearer header is judged by that token alone (a cookie
// next to it is ignored).
// Logins are rate-limited per remote address and per user name: after max_login_failures
// failures within login_window_ms (a sliding window) further attempts get kResourceExhausted
// until the window passes, even with the right password. A successful login clears only its
// name's count, never its address's (so an attacker's own account cannot reset the address
// limit). The counts live in memory, per process.
// Related headers: users.h (adding and disabling users, shared with `autotriage users`),
// form.h (form bodies and cookies).
// There is never a default password: while no user exists, EnsureSetupLink makes a one-time
// set-up link (printed by `serve` and `demo` at start) through which the first admin is created.
//
// Thread-safety: an Authenticator is thread-safe. Secrets (passwords, tokens, cookies) never
// appear in a Status message or log line.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "autotriage/core/status.h"
#include "autotriage/server/http_server.h"
#include "autotriage/store/store.h"

namespace autotriage {

enum class Role { kViewer = 0, kApprover = 1, kAdmin = 2 };

std::string_view ToString(Role role);
// "viewer", "approver", "admin"; nullopt otherwise.
std::optional<Role> ParseRole(std::string_view name);

// Argon2id string for `password`. kInvalidArgument when the password is shorter than 12
// characters (UTF-8 code points); kResourceExhausted when libsodium cannot get the memory
// (64 MiB). Takes about 0.1 s: call it off latency-critical paths.
Result<std::string> HashPassword(std::string_view password);
// Constant-time check of `password` against an Argon2id string; false for a malformed hash.
bool VerifyPassword(std::string_view password_hash, std::string_view password);
// 32 random bytes, base64url without padding (43 characters).
std::string NewRandomToken();
// Hex BLAKE2b-256 of a token: what the store keeps.
std::string HashToken(std::string_view token);

struct Principal {
  int64_t user_id = 0;
  std::string name;
  Role role = Role::kViewer;
  std::string via;         // "session", "token" or "slack"
  std::string csrf_token;  // the session's; "" for tokens
  // "user:NAME" (session), "token:NAME" (API token), "slack:NAME"; stored as the actor.
  std::string Actor() const;
};

struct AuthOptions {
  std::string cookie_name = "autotriage_session";
  int64_t session_ttl_ms = 12LL * 3600 * 1000;
  // Adds the Secure attribute; set when the dashboard is served over https.
  bool secure_cookie = false;
  int max_login_failures = 5;
  int64_t login_window_ms = 15LL * 60 * 1000;
  int64_t setup_link_ttl_ms = 24LL * 3600 * 1000;
};

struct LoginResult {
  Principal principal;
  std::string set_cookie;  // the whole Set-Cookie header value (HttpOnly; SameSite=Strict)
};

class Authenticator {
 public:
  // `store` must outlive the authenticator. `now_ms` = nullptr: the system clock.
  static std::unique_ptr<Authenticator> Create(Store* store, AuthOptions options,
                                               std::function<int64_t()> now_ms = nullptr);
  virtual ~Authenticator() = default;

  // kUnauthenticated "wrong user name or password" (which one is not said, and an unknown name
  // costs the same time as a wrong password), also for a disabled user or one without a
  // password; kResourceExhausted when rate-limited (the message says how long to wait).
  virtual Result<LoginResult> Login(const std::string& name, const std::string& password,
                                    const std::string& remote_address) = 0;
  // Deletes the request's session (if any); returns the Set-Cookie value that clears the cookie.
  virtual std::string Logout(const ServerRequest& request) = 0;

  // kUnauthenticated without a valid session or token (or a disabled user); kPermissionDenied
  // "missing or wrong CSRF token" for a state-changing session request without the token, or
  // when the principal's role is below `need`.
  virtual Result<Principal> Require(const ServerRequest& request, Role need) = 0;

  // While no user exists: a new one-time set-up URL `base_url` + "/setup?token=..." (trailing
  // '/' of base_url dropped; an earlier link stops working; valid for setup_link_ttl_ms).
  // nullopt once a user exists.
  virtual Result<std::optional<std::string>> EnsureSetupLink(const std::string& base_url) = 0;
  // Consumes the set-up token, creates the admin (audited with actor "setup") and signs them
  // in. kInvalidArgument for a weak password or a bad name (users.h ValidateUserName), checked
  // before the token is used up; kUnauthenticated for a wrong, used or expired token, or when a
  // user was created meanwhile by other means.
  virtual Result<LoginResult> CompleteSetup(const std::string& token, const std::string& name,
                                            const std::string& password) = 0;

  // A new API token for an existing, enabled user; returned once, only its hash is stored
  // (audited as "token_created" with the label). kNotFound for an unknown user,
  // kFailedPrecondition for a disabled one. Tokens end when their user is disabled.
  virtual Result<std::string> CreateApiToken(const std::string& user_name,
                                             const std::string& label) = 0;
  // The user mapped to a Slack user id, as a principal with via "slack"; kPermissionDenied
  // naming the Slack id when none (or a disabled one) is mapped.
  virtual Result<Principal> SlackPrincipal(const std::string& slack_user_id) = 0;
};

}  // namespace autotriage
