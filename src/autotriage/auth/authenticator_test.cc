// Sessions, CSRF, API tokens, roles and Slack users through the Authenticator.
#include <gtest/gtest.h>

#include "autotriage/auth/auth_test_util.h"

namespace autotriage {
namespace {

TEST_F(AuthTest, LoginSetsAStrictHttpOnlyCookieThatAuthenticates) {
  AddUser("alice", Role::kApprover);
  Result<LoginResult> login = auth_->Login("alice", kPassword, "10.0.0.1");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  const std::string& cookie = login->set_cookie;
  ASSERT_EQ(cookie.rfind("autotriage_session=", 0), 0u) << cookie;
  const std::string token = cookie.substr(19, cookie.find(';') - 19);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(cookie.substr(19 + 43), "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200");
  EXPECT_EQ(login->principal.name, "alice");
  EXPECT_EQ(login->principal.role, Role::kApprover);
  EXPECT_EQ(login->principal.via, "session");
  EXPECT_EQ(login->principal.csrf_token.size(), 43u);
  EXPECT_NE(login->principal.csrf_token, token);

  Result<Principal> me =
      auth_->Require(Request("GET", "autotriage_session=" + token), Role::kViewer);
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ(me->name, "alice");
  EXPECT_EQ(me->via, "session");
  EXPECT_EQ(me->Actor(), "user:alice");
  EXPECT_EQ(me->csrf_token, login->principal.csrf_token);
}

TEST_F(AuthTest, SecureCookieOptionAddsSecureAndTheConfiguredName) {
  AuthOptions options;
  options.secure_cookie = true;
  options.cookie_name = "at";
  options.session_ttl_ms = 60 * 1000;
  UseOptions(options);
  AddUser("alice", Role::kViewer);
  Result<LoginResult> login = auth_->Login("alice", kPassword, "10.0.0.1");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->set_cookie.rfind("at=", 0), 0u);
  EXPECT_EQ(login->set_cookie.substr(3 + 43),
            "; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
}

TEST_F(AuthTest, WrongPasswordUnknownNameAndDisabledUserLookAlike) {
  AddUser("alice", Role::kAdmin);
  AddUser("bob", Role::kViewer);
  ASSERT_TRUE(DisableUser(*store_, "bob", "test", now_).ok());
  const Result<LoginResult> wrong = auth_->Login("alice", "wrong password!!", "10.0.0.1");
  const Result<LoginResult> unknown = auth_->Login("nobody", kPassword, "10.0.0.2");
  const Result<LoginResult> disabled = auth_->Login("bob", kPassword, "10.0.0.3");
  for (const auto* result : {&wrong, &unknown, &disabled}) {
    ASSERT_FALSE(result->ok());
    EXPECT_EQ(result->status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(result->status().message(), "wrong user name or password");
  }
}

TEST_F(AuthTest, SessionEndsAtItsTtlAndOnLogout) {
  AddUser("alice", Role::kViewer);
  std::string cookie;
  LogIn("alice", &cookie);
  now_ += options_.session_ttl_ms - 1;
  EXPECT_TRUE(auth_->Require(Request("GET", cookie), Role::kViewer).ok());
  now_ += 1;
  Result<Principal> expired = auth_->Require(Request("GET", cookie), Role::kViewer);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);

  LogIn("alice", &cookie);
  ASSERT_TRUE(auth_->Require(Request("GET", cookie), Role::kViewer).ok());
  EXPECT_EQ(auth_->Logout(Request("POST", cookie)),
            "autotriage_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(auth_->Require(Request("GET", cookie), Role::kViewer).status().code(),
            StatusCode::kUnauthenticated);
  // Without a session Logout still clears the cookie.
  EXPECT_EQ(auth_->Logout(Request("POST", "")),
            "autotriage_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

TEST_F(AuthTest, MissingOrForgedCredentialsAreUnauthenticated) {
  AddUser("alice", Role::kAdmin);
  std::string cookie;
  LogIn("alice", &cookie);
  EXPECT_EQ(auth_->Require(Request("GET", ""), Role::kViewer).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->Require(Request("GET", "autotriage_session=" + NewRandomToken()), Role::kViewer)
                .status()
                .code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->Require(Request("GET", "autotriage_session="), Role::kViewer).status().code(),
            StatusCode::kUnauthenticated);
  // The session's hash (what the store holds) is not a credential.
  const std::string token = cookie.substr(cookie.find('=') + 1);
  EXPECT_EQ(auth_->Require(Request("GET", "autotriage_session=" + HashToken(token)), Role::kViewer)
                .status()
                .code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->Require(Bearer("GET", token), Role::kViewer).status().code(),
            StatusCode::kUnauthenticated);  // a session token is not an API token
}

TEST_F(AuthTest, StateChangingSessionRequestsNeedTheCsrfToken) {
  AddUser("alice", Role::kAdmin);
  std::string cookie;
  const std::string csrf = LogIn("alice", &cookie).csrf_token;
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    Result<Principal> bare = auth_->Require(Request(method, cookie), Role::kViewer);
    ASSERT_FALSE(bare.ok()) << method;
    EXPECT_EQ(bare.status().code(), StatusCode::kPermissionDenied) << method;
    EXPECT_EQ(bare.status().message(), "missing or wrong CSRF token");

    ServerRequest with_header = Request(method, cookie);
    with_header.headers["x-csrf-token"] = csrf;
    EXPECT_TRUE(auth_->Require(with_header, Role::kViewer).ok()) << method;
    with_header.headers["x-csrf-token"] = NewRandomToken();
    EXPECT_EQ(auth_->Require(with_header, Role::kViewer).status().code(),
              StatusCode::kPermissionDenied);
    with_header.headers["x-csrf-token"] = csrf.substr(1);
    EXPECT_EQ(auth_->Require(with_header, Role::kViewer).status().code(),
              StatusCode::kPermissionDenied);
  }
  for (const char* method : {"GET", "HEAD"}) {
    EXPECT_TRUE(auth_->Require(Request(method, cookie), Role::kViewer).ok()) << method;
  }
}

TEST_F(AuthTest, CsrfTokenMayComeAsAFormField) {
  AddUser("alice", Role::kApprover);
  std::string cookie;
  const std::string csrf = LogIn("alice", &cookie).csrf_token;
  ServerRequest form = Request("POST", cookie);
  form.headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8";
  form.body = "decision=approve&csrf_token=" + csrf + "&note=ok+then";
  EXPECT_TRUE(auth_->Require(form, Role::kApprover).ok());

  form.body = "decision=approve&csrf_token=" + NewRandomToken();
  EXPECT_EQ(auth_->Require(form, Role::kApprover).status().code(), StatusCode::kPermissionDenied);
  form.body = "decision=approve";
  EXPECT_EQ(auth_->Require(form, Role::kApprover).status().code(), StatusCode::kPermissionDenied);
  // A JSON body is not searched for the field.
  ServerRequest json = Request("POST", cookie);
  json.headers["content-type"] = "application/json";
  json.body = "csrf_token=" + csrf;
  EXPECT_EQ(auth_->Require(json, Role::kApprover).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, BearerTokensAuthenticateWithoutCsrf) {
  AddUser("bot", Role::kApprover);
  Result<std::string> token = auth_->CreateApiToken("bot", "ci");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->size(), 43u);
  Result<Principal> me = auth_->Require(Bearer("POST", *token), Role::kApprover);
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ(me->name, "bot");
  EXPECT_EQ(me->via, "token");
  EXPECT_EQ(me->csrf_token, "");
  EXPECT_EQ(me->Actor(), "token:bot");
  ServerRequest lower = Bearer("DELETE", *token);
  lower.headers["authorization"] = "bearer " + *token;
  EXPECT_TRUE(auth_->Require(lower, Role::kViewer).ok());

  Result<Principal> wrong = auth_->Require(Bearer("GET", NewRandomToken()), Role::kViewer);
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  ServerRequest basic = Request("GET", "");
  basic.headers["authorization"] = "Basic " + *token;
  EXPECT_EQ(auth_->Require(basic, Role::kViewer).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, DisablingAUserRevokesTokensAndEndsSessions) {
  AddUser("carol", Role::kAdmin);
  std::string cookie;
  LogIn("carol", &cookie);
  Result<std::string> token = auth_->CreateApiToken("carol", "laptop");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(auth_->Require(Bearer("GET", *token), Role::kAdmin).ok());

  Result<bool> disabled = DisableUser(*store_, "carol", "cli", now_);
  ASSERT_TRUE(disabled.ok());
  EXPECT_TRUE(*disabled);
  EXPECT_EQ(auth_->Require(Bearer("GET", *token), Role::kViewer).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->Require(Request("GET", cookie), Role::kViewer).status().code(),
            StatusCode::kUnauthenticated);
  Result<std::optional<ApiTokenRecord>> stored = store_->GetApiToken(HashToken(*token));
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());

  Result<std::string> refused = auth_->CreateApiToken("carol", "again");
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(auth_->CreateApiToken("nobody", "x").status().code(), StatusCode::kNotFound);
}

TEST_F(AuthTest, RolesBelowTheNeedAreDenied) {
  AddUser("vera", Role::kViewer);
  AddUser("abe", Role::kApprover);
  AddUser("ada", Role::kAdmin);
  std::string viewer, approver, admin;
  LogIn("vera", &viewer);
  LogIn("abe", &approver);
  LogIn("ada", &admin);
  Result<Principal> denied = auth_->Require(Request("GET", viewer), Role::kApprover);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.status().message(), "requires role approver; you are viewer");
  EXPECT_EQ(auth_->Require(Request("GET", approver), Role::kAdmin).status().message(),
            "requires role admin; you are approver");
  EXPECT_TRUE(auth_->Require(Request("GET", viewer), Role::kViewer).ok());
  EXPECT_TRUE(auth_->Require(Request("GET", approver), Role::kApprover).ok());
  for (Role need : {Role::kViewer, Role::kApprover, Role::kAdmin}) {
    EXPECT_TRUE(auth_->Require(Request("GET", admin), need).ok());
  }
}

TEST_F(AuthTest, SlackUsersMapToTheirAccount) {
  AddUser("carol", Role::kApprover, "U012AB3CD");
  AddUser("dan", Role::kApprover, "U0DAN");
  ASSERT_TRUE(DisableUser(*store_, "dan", "test", now_).ok());
  Result<Principal> carol = auth_->SlackPrincipal("U012AB3CD");
  ASSERT_TRUE(carol.ok()) << carol.status().ToString();
  EXPECT_EQ(carol->name, "carol");
  EXPECT_EQ(carol->role, Role::kApprover);
  EXPECT_EQ(carol->via, "slack");
  EXPECT_EQ(carol->Actor(), "slack:carol");
  for (const char* id : {"U999", "U0DAN", ""}) {
    Result<Principal> none = auth_->SlackPrincipal(id);
    ASSERT_FALSE(none.ok()) << id;
    EXPECT_EQ(none.status().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(none.status().message().find("Slack user " + std::string(id) + " "),
              std::string::npos)
        << none.status().message();
  }
}

}  // namespace
}  // namespace autotriage
