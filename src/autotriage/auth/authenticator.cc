// The Authenticator (auth.h) over a Store: logins with rate limiting, sessions with CSRF tokens,
// API tokens, the one-time set-up link and Slack users.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

#include "autotriage/auth/auth.h"
#include "autotriage/auth/auth_internal.h"
#include "autotriage/auth/form.h"
#include "autotriage/auth/login_limiter.h"
#include "autotriage/auth/users.h"

namespace autotriage {
namespace {

constexpr char kWrongLogin[] = "wrong user name or password";
constexpr char kBearerScheme[] = "bearer";

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsStateChanging(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

const std::string* Header(const ServerRequest& request, const std::string& lower_name) {
  auto it = request.headers.find(lower_name);
  return it == request.headers.end() ? nullptr : &it->second;
}

// The token of "Authorization: Bearer TOKEN" (scheme in any letter case); nullopt without one.
std::optional<std::string> BearerToken(const ServerRequest& request) {
  const std::string* value = Header(request, "authorization");
  if (value == nullptr || value->size() <= sizeof(kBearerScheme)) {
    return std::nullopt;
  }
  for (size_t i = 0; i + 1 < sizeof(kBearerScheme); ++i) {
    if (std::tolower(static_cast<unsigned char>((*value)[i])) != kBearerScheme[i]) {
      return std::nullopt;
    }
  }
  if ((*value)[sizeof(kBearerScheme) - 1] != ' ') {
    return std::nullopt;
  }
  std::string token = value->substr(sizeof(kBearerScheme));
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) {
    token.pop_back();
  }
  return token;
}

// Ceiling in whole seconds, at least 1: "try again in 0 s" would invite an immediate retry.
int64_t WholeSeconds(int64_t ms) {
  return ms <= 1000 ? 1 : (ms + 999) / 1000;
}

class StoreAuthenticator : public Authenticator {
 public:
  StoreAuthenticator(Store* store, AuthOptions options, std::function<int64_t()> now_ms)
      : store_(store),
        options_(std::move(options)),
        now_ms_(now_ms ? std::move(now_ms) : SystemNowMs),
        limiter_(options_.max_login_failures, options_.login_window_ms) {}

  Result<LoginResult> Login(const std::string& name, const std::string& password,
                            const std::string& remote_address) override {
    const int64_t now = now_ms_();
    const std::string address_key = "addr:" + remote_address;
    const std::string name_key = "name:" + name;
    const int64_t wait_ms =
        std::max(limiter_.BlockedFor(address_key, now), limiter_.BlockedFor(name_key, now));
    if (wait_ms > 0) {
      return ResourceExhausted("too many failed logins; try again in " +
                               std::to_string(WholeSeconds(wait_ms)) + " s");
    }
    Result<std::optional<UserRecord>> found = store_->FindUserByName(name);
    if (!found.ok()) {
      return found.status();
    }
    bool ok = false;
    if (found->has_value() && !(*found)->password_hash.empty()) {
      ok = VerifyPassword((*found)->password_hash, password);
    } else {
      // Costs what a real check costs, so the time taken does not tell that the name is unknown.
      VerifyPassword(DummyHash(), password);
    }
    std::optional<Role> role = found->has_value() ? ParseRole((*found)->role) : std::nullopt;
    if (!ok || (*found)->disabled || !role.has_value()) {
      limiter_.RecordFailure(address_key, now);
      limiter_.RecordFailure(name_key, now);
      return Unauthenticated(kWrongLogin);
    }
    // Only the name's own count: a success must not clear what this address did to other names.
    limiter_.Reset(name_key);
    return StartSession(**found, *role, now);
  }

  std::string Logout(const ServerRequest& request) override {
    if (std::optional<std::string> token = SessionCookie(request)) {
      // Best effort: the cookie is cleared either way and an unknown session expires by itself.
      (void)store_->DeleteSession(HashToken(*token));
    }
    return CookieHeader("", 0);
  }

  Result<Principal> Require(const ServerRequest& request, Role need) override {
    Result<Principal> principal = Identify(request);
    if (!principal.ok()) {
      return principal.status();
    }
    if (principal->role < need) {
      return PermissionDenied("requires role " + std::string(ToString(need)) + "; you are " +
                              std::string(ToString(principal->role)));
    }
    return principal;
  }

  Result<std::optional<std::string>> EnsureSetupLink(const std::string& base_url) override {
    Result<bool> none = NoUserYet();
    if (!none.ok()) {
      return none.status();
    }
    if (!*none) {
      return std::optional<std::string>();
    }
    const std::string token = NewRandomToken();
    AUTOTRIAGE_RETURN_IF_ERROR(
        store_->PutSetupToken(HashToken(token), now_ms_() + options_.setup_link_ttl_ms));
    std::string base = base_url;
    while (!base.empty() && base.back() == '/') {
      base.pop_back();
    }
    return std::optional<std::string>(base + "/setup?token=" + token);
  }

  Result<LoginResult> CompleteSetup(const std::string& token, const std::string& name,
                                    const std::string& password) override {
    // Bad input is refused before the token is used up, so the person can correct it.
    AUTOTRIAGE_RETURN_IF_ERROR(ValidateUserName(name));
    Result<std::string> strong = HashPassword(password);
    if (!strong.ok()) {
      return strong.status();
    }
    const int64_t now = now_ms_();
    Result<bool> consumed = store_->ConsumeSetupToken(HashToken(token), now);
    if (!consumed.ok()) {
      return consumed.status();
    }
    if (!*consumed) {
      return Unauthenticated(
          "the set-up link is wrong, used or expired; restart autotriage for a "
          "new one, or add an admin with `autotriage users add`");
    }
    // An admin made meanwhile (`autotriage users add`) ends the set-up: the link must not make
    // a second, unknown admin.
    Result<bool> none = NoUserYet();
    if (!none.ok()) {
      return none.status();
    }
    if (!*none) {
      return Unauthenticated("the set-up link is no longer valid: a user exists; sign in instead");
    }
    NewUser admin;
    admin.name = name;
    admin.role = Role::kAdmin;
    admin.password = password;
    Result<int64_t> id = CreateUser(*store_, admin, "setup", now);
    if (!id.ok()) {
      return id.status();
    }
    Result<std::optional<UserRecord>> created = store_->FindUserById(*id);
    if (!created.ok()) {
      return created.status();
    }
    if (!created->has_value()) {
      return Internal("the user made by the set-up link cannot be read back");
    }
    return StartSession(**created, Role::kAdmin, now);
  }

  Result<std::string> CreateApiToken(const std::string& user_name,
                                     const std::string& label) override {
    Result<std::optional<UserRecord>> found = store_->FindUserByName(user_name);
    if (!found.ok()) {
      return found.status();
    }
    if (!found->has_value()) {
      return NotFound("no user named '" + user_name + "'");
    }
    if ((*found)->disabled) {
      return FailedPrecondition("user '" + user_name + "' is disabled");
    }
    const int64_t now = now_ms_();
    const std::string token = NewRandomToken();
    ApiTokenRecord record;
    record.token_hash = HashToken(token);
    record.user_id = (*found)->id;
    record.label = label;
    record.created_ms = now;
    Result<int64_t> id = store_->AddApiToken(
        record, UserAuditEntry(now, "token_created", {{"user", user_name}, {"label", label}}));
    if (!id.ok()) {
      return id.status();
    }
    return token;
  }

  Result<Principal> SlackPrincipal(const std::string& slack_user_id) override {
    Result<std::optional<UserRecord>> found = std::optional<UserRecord>();
    if (!slack_user_id.empty()) {  // "" is how a user without a Slack id is stored
      found = store_->FindUserBySlackId(slack_user_id);
    }
    if (!found.ok()) {
      return found.status();
    }
    std::optional<Role> role = found->has_value() ? ParseRole((*found)->role) : std::nullopt;
    if (!role.has_value() || (*found)->disabled) {
      return PermissionDenied("Slack user " + slack_user_id +
                              " is not mapped to an enabled autotriage user (map one with "
                              "`autotriage users add NAME --slack-id " +
                              slack_user_id + "`)");
    }
    return MakePrincipal(**found, *role, "slack", "");
  }

 private:
  static Principal MakePrincipal(const UserRecord& user, Role role, std::string via,
                                 std::string csrf_token) {
    Principal principal;
    principal.user_id = user.id;
    principal.name = user.name;
    principal.role = role;
    principal.via = std::move(via);
    principal.csrf_token = std::move(csrf_token);
    return principal;
  }

  Result<LoginResult> StartSession(const UserRecord& user, Role role, int64_t now) {
    const std::string token = NewRandomToken();
    SessionRecord session;
    session.token_hash = HashToken(token);
    session.user_id = user.id;
    session.csrf_token = NewRandomToken();
    session.created_ms = now;
    session.expires_ms = now + options_.session_ttl_ms;
    AUTOTRIAGE_RETURN_IF_ERROR(store_->PutSession(session));
    LoginResult result;
    result.principal = MakePrincipal(user, role, "session", session.csrf_token);
    result.set_cookie = CookieHeader(token, options_.session_ttl_ms / 1000);
    return result;
  }

  std::string CookieHeader(const std::string& value, int64_t max_age_s) const {
    std::string header =
        options_.cookie_name + "=" + value +
        "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
    if (options_.secure_cookie) {
      header += "; Secure";
    }
    return header;
  }

  std::optional<std::string> SessionCookie(const ServerRequest& request) const {
    const std::string* header = Header(request, "cookie");
    if (header == nullptr) {
      return std::nullopt;
    }
    std::optional<std::string> token = FindCookie(*header, options_.cookie_name);
    if (token.has_value() && token->empty()) {
      return std::nullopt;
    }
    return token;
  }

  // The enabled user `user_id` with a known role, or kUnauthenticated.
  Result<std::pair<UserRecord, Role>> EnabledUser(int64_t user_id) {
    Result<std::optional<UserRecord>> found = store_->FindUserById(user_id);
    if (!found.ok()) {
      return found.status();
    }
    if (!found->has_value() || (*found)->disabled) {
      return Unauthenticated("the account is disabled or removed");
    }
    std::optional<Role> role = ParseRole((*found)->role);
    if (!role.has_value()) {
      return Unauthenticated("the account has no valid role");
    }
    return std::make_pair(**found, *role);
  }

  Result<Principal> Identify(const ServerRequest& request) {
    if (std::optional<std::string> bearer = BearerToken(request)) {
      Result<std::optional<ApiTokenRecord>> token = store_->GetApiToken(HashToken(*bearer));
      if (!token.ok()) {
        return token.status();
      }
      if (!token->has_value()) {
        return Unauthenticated("unknown or revoked API token");
      }
      Result<std::pair<UserRecord, Role>> user = EnabledUser((*token)->user_id);
      if (!user.ok()) {
        return user.status();
      }
      // Exempt from CSRF: a browser never attaches an Authorization header by itself.
      return MakePrincipal(user->first, user->second, "token", "");
    }
    std::optional<std::string> cookie = SessionCookie(request);
    if (!cookie.has_value()) {
      return Unauthenticated("sign in required");
    }
    Result<std::optional<SessionRecord>> session =
        store_->GetSession(HashToken(*cookie), now_ms_());
    if (!session.ok()) {
      return session.status();
    }
    if (!session->has_value()) {
      return Unauthenticated("the session expired or was ended; sign in again");
    }
    Result<std::pair<UserRecord, Role>> user = EnabledUser((*session)->user_id);
    if (!user.ok()) {
      return user.status();
    }
    if (IsStateChanging(request.method) && !CsrfTokenMatches(request, (*session)->csrf_token)) {
      return PermissionDenied("missing or wrong CSRF token");
    }
    return MakePrincipal(user->first, user->second, "session", (*session)->csrf_token);
  }

  static bool CsrfTokenMatches(const ServerRequest& request, const std::string& expected) {
    if (expected.empty()) {
      return false;
    }
    if (const std::string* header = Header(request, "x-csrf-token")) {
      return SecretsEqual(*header, expected);
    }
    const std::string* content_type = Header(request, "content-type");
    if (content_type == nullptr || !IsFormContentType(*content_type)) {
      return false;
    }
    for (const auto& [name, value] : ParseFormPairs(request.body)) {
      if (name == "csrf_token") {
        return SecretsEqual(value, expected);
      }
    }
    return false;
  }

  Result<bool> NoUserYet() {
    Result<std::vector<UserRecord>> users = store_->ListUsers();
    if (!users.ok()) {
      return users.status();
    }
    return users->empty();
  }

  // An Argon2id string of a random password, made on first need (it costs one hash).
  const std::string& DummyHash() {
    std::call_once(dummy_once_, [this] {
      Result<std::string> hash = HashPassword(NewRandomToken());
      dummy_hash_ = hash.ok() ? *hash : "";
    });
    return dummy_hash_;
  }

  Store* const store_;
  const AuthOptions options_;
  const std::function<int64_t()> now_ms_;
  LoginLimiter limiter_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace

std::unique_ptr<Authenticator> Authenticator::Create(Store* store, AuthOptions options,
                                                     std::function<int64_t()> now_ms) {
  return std::make_unique<StoreAuthenticator>(store, std::move(options), std::move(now_ms));
}

}  // namespace autotriage
