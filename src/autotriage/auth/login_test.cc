// Login rate limiting, the one-time set-up link, audit entries and secrets kept out of messages.
#include <gtest/gtest.h>

#include "autotriage/auth/auth_test_util.h"

namespace autotriage {
namespace {

constexpr char kWrong[] = "not the password";

Status LoginStatus(Authenticator& auth, const std::string& name, const std::string& password,
                   const std::string& address) {
  Result<LoginResult> login = auth.Login(name, password, address);
  return login.ok() ? Status::Ok() : login.status();
}

TEST_F(AuthTest, TooManyFailuresForOneNameBlockEvenTheRightPassword) {
  AddUser("alice", Role::kAdmin);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(LoginStatus(*auth_, "alice", kWrong, "10.1.0." + std::to_string(i)).code(),
              StatusCode::kUnauthenticated);
  }
  const Status blocked = LoginStatus(*auth_, "alice", kPassword, "10.2.0.1");
  EXPECT_EQ(blocked.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(blocked.message(), "too many failed logins; try again in 900 s");
  // Other names from other addresses are unaffected.
  AddUser("bob", Role::kViewer);
  EXPECT_TRUE(LoginStatus(*auth_, "bob", kPassword, "10.2.0.2").ok());

  now_ += 600 * 1000;
  EXPECT_EQ(LoginStatus(*auth_, "alice", kPassword, "10.2.0.1").message(),
            "too many failed logins; try again in 300 s");
  now_ += 300 * 1000 - 1;
  EXPECT_EQ(LoginStatus(*auth_, "alice", kPassword, "10.2.0.1").message(),
            "too many failed logins; try again in 1 s");
  now_ += 1;
  EXPECT_TRUE(LoginStatus(*auth_, "alice", kPassword, "10.2.0.1").ok());
}

TEST_F(AuthTest, TheWindowSlides) {
  AddUser("alice", Role::kAdmin);
  for (int i = 0; i < 4; ++i) {
    ASSERT_FALSE(LoginStatus(*auth_, "alice", kWrong, "10.1.0.1").ok());
  }
  now_ += 10 * 60 * 1000;
  ASSERT_EQ(LoginStatus(*auth_, "alice", kWrong, "10.1.0.1").code(), StatusCode::kUnauthenticated);
  // The four early failures leave the window 5 minutes later; the fifth one stays.
  EXPECT_EQ(LoginStatus(*auth_, "alice", kPassword, "10.1.0.1").message(),
            "too many failed logins; try again in 300 s");
  now_ += 5 * 60 * 1000;
  EXPECT_TRUE(LoginStatus(*auth_, "alice", kPassword, "10.1.0.1").ok());
}

TEST_F(AuthTest, OneAddressGuessingManyNamesIsBlockedDespiteItsOwnSuccessfulLogin) {
  AddUser("alice", Role::kViewer);
  AddUser("bob", Role::kAdmin);
  const std::string attacker = "203.0.113.9";
  for (const char* name : {"bob", "bob", "carol", "carol"}) {
    ASSERT_EQ(LoginStatus(*auth_, name, kWrong, attacker).code(), StatusCode::kUnauthenticated);
  }
  // The attacker's own account logs in: that must not wipe the address's failures.
  ASSERT_TRUE(LoginStatus(*auth_, "alice", kPassword, attacker).ok());
  ASSERT_EQ(LoginStatus(*auth_, "dave", kWrong, attacker).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(LoginStatus(*auth_, "bob", kPassword, attacker).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(LoginStatus(*auth_, "alice", kPassword, attacker).code(),
            StatusCode::kResourceExhausted);
  // bob himself, elsewhere, is fine: his name has 2 failures only.
  EXPECT_TRUE(LoginStatus(*auth_, "bob", kPassword, "10.0.0.7").ok());
}

TEST_F(AuthTest, ASuccessfulLoginForgetsThatNamesFailures) {
  AddUser("alice", Role::kViewer);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) {
      ASSERT_FALSE(LoginStatus(*auth_, "alice", kWrong,
                               "10.9." + std::to_string(round) + "." + std::to_string(i))
                       .ok());
    }
    ASSERT_TRUE(LoginStatus(*auth_, "alice", kPassword, "10.8.0." + std::to_string(round)).ok())
        << "round " << round;
  }
}

TEST_F(AuthTest, SetupLinkMakesTheFirstAdminOnce) {
  Result<std::optional<std::string>> link = auth_->EnsureSetupLink("https://triage.example/");
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  ASSERT_TRUE(link->has_value());
  const std::string prefix = "https://triage.example/setup?token=";
  ASSERT_EQ((*link)->rfind(prefix, 0), 0u) << **link;
  const std::string token = (*link)->substr(prefix.size());
  EXPECT_EQ(token.size(), 43u);

  Result<LoginResult> admin = auth_->CompleteSetup(token, "root", kPassword);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  EXPECT_EQ(admin->principal.name, "root");
  EXPECT_EQ(admin->principal.role, Role::kAdmin);
  EXPECT_EQ(admin->set_cookie.rfind("autotriage_session=", 0), 0u);
  const std::string cookie = admin->set_cookie.substr(0, admin->set_cookie.find(';'));
  EXPECT_TRUE(auth_->Require(Request("GET", cookie), Role::kAdmin).ok());
  EXPECT_TRUE(LoginStatus(*auth_, "root", kPassword, "10.0.0.1").ok());

  Result<LoginResult> again = auth_->CompleteSetup(token, "root2", kPassword);
  EXPECT_EQ(again.status().code(), StatusCode::kUnauthenticated);
  Result<std::optional<std::string>> none = auth_->EnsureSetupLink("https://triage.example");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(AuthTest, SetupLinkExpiresAndANewOneReplacesTheOld) {
  Result<std::optional<std::string>> first = auth_->EnsureSetupLink("http://h:8080");
  ASSERT_TRUE(first.ok() && first->has_value());
  const std::string old_token = (*first)->substr((*first)->find("token=") + 6);
  Result<std::optional<std::string>> second = auth_->EnsureSetupLink("http://h:8080");
  ASSERT_TRUE(second.ok() && second->has_value());
  const std::string new_token = (*second)->substr((*second)->find("token=") + 6);
  EXPECT_NE(old_token, new_token);
  EXPECT_EQ(auth_->CompleteSetup(old_token, "root", kPassword).status().code(),
            StatusCode::kUnauthenticated);

  now_ += options_.setup_link_ttl_ms;
  Result<LoginResult> late = auth_->CompleteSetup(new_token, "root", kPassword);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(late.status().message().find("expired"), std::string::npos);
  Result<std::vector<UserRecord>> users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  EXPECT_TRUE(users->empty());
}

TEST_F(AuthTest, SetupRefusesBadInputWithoutUsingUpTheLink) {
  Result<std::optional<std::string>> link = auth_->EnsureSetupLink("http://h");
  ASSERT_TRUE(link.ok() && link->has_value());
  const std::string token = (*link)->substr((*link)->find("token=") + 6);
  EXPECT_EQ(auth_->CompleteSetup(token, "root", "short").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_->CompleteSetup(token, "", kPassword).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_->CompleteSetup(token, "root user", kPassword).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(auth_->CompleteSetup(token, "root", kPassword).ok());
}

TEST_F(AuthTest, SetupLinkStopsWorkingOnceAUserWasAddedOtherwise) {
  Result<std::optional<std::string>> link = auth_->EnsureSetupLink("http://h");
  ASSERT_TRUE(link.ok() && link->has_value());
  const std::string token = (*link)->substr((*link)->find("token=") + 6);
  AddUser("ops", Role::kAdmin);  // `autotriage users add` meanwhile
  Result<LoginResult> late = auth_->CompleteSetup(token, "intruder", kPassword);
  EXPECT_EQ(late.status().code(), StatusCode::kUnauthenticated);
  Result<std::optional<UserRecord>> intruder = store_->FindUserByName("intruder");
  ASSERT_TRUE(intruder.ok());
  EXPECT_FALSE(intruder->has_value());
}

TEST_F(AuthTest, UserChangesAreAuditedWithoutSecrets) {
  Result<std::optional<std::string>> link = auth_->EnsureSetupLink("http://h");
  ASSERT_TRUE(link.ok() && link->has_value());
  const std::string setup_token = (*link)->substr((*link)->find("token=") + 6);
  ASSERT_TRUE(auth_->CompleteSetup(setup_token, "root", kPassword).ok());
  AddUser("bot", Role::kApprover, "U0BOT");
  Result<std::string> api_token = auth_->CreateApiToken("bot", "ci runner");
  ASSERT_TRUE(api_token.ok());
  ASSERT_TRUE(DisableUser(*store_, "bot", "user:root", now_).ok());

  Result<std::vector<AuditEntry>> audit = store_->ReadAudit(0, 100);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  std::vector<std::string> details;
  for (const AuditEntry& entry : *audit) {
    if (entry.kind == "user") {
      details.push_back(entry.detail);
    }
  }
  ASSERT_EQ(details.size(), 4u);
  EXPECT_NE(details[0].find(R"("action":"user_added")"), std::string::npos) << details[0];
  EXPECT_NE(details[0].find(R"("actor":"setup")"), std::string::npos) << details[0];
  EXPECT_NE(details[0].find(R"("role":"admin")"), std::string::npos) << details[0];
  EXPECT_NE(details[1].find(R"("slack_user_id":"U0BOT")"), std::string::npos) << details[1];
  EXPECT_NE(details[2].find(R"("action":"token_created")"), std::string::npos) << details[2];
  EXPECT_NE(details[2].find(R"("label":"ci runner")"), std::string::npos) << details[2];
  EXPECT_NE(details[3].find(R"("action":"user_disabled")"), std::string::npos) << details[3];
  EXPECT_NE(details[3].find(R"("actor":"user:root")"), std::string::npos) << details[3];
  for (const std::string& detail : details) {
    EXPECT_EQ(detail.find(kPassword), std::string::npos);
    EXPECT_EQ(detail.find("$argon2id$"), std::string::npos);
    EXPECT_EQ(detail.find(*api_token), std::string::npos);
    EXPECT_EQ(detail.find(HashToken(*api_token)), std::string::npos);
    EXPECT_EQ(detail.find(setup_token), std::string::npos);
  }
}

TEST_F(AuthTest, NoStatusMessageContainsAPasswordOrToken) {
  AddUser("alice", Role::kViewer);
  const std::string secret_password = "Sup3r-Secret-Passw0rd";
  const std::string secret_token = NewRandomToken();
  std::vector<Status> statuses;
  statuses.push_back(LoginStatus(*auth_, "alice", secret_password, "10.0.0.1"));
  statuses.push_back(LoginStatus(*auth_, secret_password, secret_password, "10.0.0.1"));
  statuses.push_back(HashPassword("Secret-Pw").status());
  statuses.push_back(auth_->Require(Bearer("POST", secret_token), Role::kViewer).status());
  statuses.push_back(
      auth_->Require(Request("GET", "autotriage_session=" + secret_token), Role::kViewer).status());
  statuses.push_back(auth_->CompleteSetup(secret_token, "root", secret_password).status());
  statuses.push_back(auth_->CompleteSetup(secret_token, "root", "Secret-Pw").status());
  std::string cookie;
  LogIn("alice", &cookie);
  ServerRequest forged = Request("POST", cookie);
  forged.headers["x-csrf-token"] = secret_token;
  statuses.push_back(auth_->Require(forged, Role::kViewer).status());
  statuses.push_back(auth_->Require(Request("GET", cookie), Role::kAdmin).status());
  for (int i = 0; i < 5; ++i) {
    statuses.push_back(LoginStatus(*auth_, "alice", secret_password, "10.0.0.1"));
  }
  ASSERT_EQ(statuses.back().code(), StatusCode::kResourceExhausted);
  const std::string session_token = cookie.substr(cookie.find('=') + 1);
  for (const Status& status : statuses) {
    ASSERT_FALSE(status.ok());
    for (const std::string& secret :
         {secret_password, std::string("Secret-Pw"), secret_token, session_token}) {
      EXPECT_EQ(status.message().find(secret), std::string::npos) << status.ToString();
    }
  }
}

}  // namespace
}  // namespace autotriage
