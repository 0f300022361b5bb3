// Shared set-up of the auth tests: a store, an authenticator on a fake clock, users and requests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "autotriage/auth/auth.h"
#include "autotriage/auth/users.h"

namespace autotriage {

inline constexpr char kPassword[] = "correct horse battery";
inline constexpr int64_t kStartMs = 1'700'000'000'000;

// The real SQLite store, in memory: the tests exercise what production runs.
inline std::unique_ptr<Store> MakeTestStore() {
  StoreConfig config;
  config.backend = "sqlite";
  config.sqlite_path = ":memory:";
  Result<std::unique_ptr<Store>> store = OpenStore(config);
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return nullptr;
  }
  return std::move(*store);
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MakeTestStore();
    ASSERT_NE(store_, nullptr);
    UseOptions(AuthOptions{});
  }
  void UseOptions(AuthOptions options) {
    options_ = options;
    auth_ = Authenticator::Create(store_.get(), options_, [this] { return now_; });
  }

  // Adds an enabled user with kPassword; returns its id.
  int64_t AddUser(const std::string& name, Role role, const std::string& slack_id = "") {
    NewUser user;
    user.name = name;
    user.role = role;
    user.password = kPassword;
    user.slack_user_id = slack_id;
    Result<int64_t> id = CreateUser(*store_, user, "test", now_);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  // Logs `name` in with kPassword; the cookie value goes to *cookie.
  Principal LogIn(const std::string& name, std::string* cookie) {
    Result<LoginResult> login = auth_->Login(name, kPassword, "10.0.0.1");
    EXPECT_TRUE(login.ok()) << login.status().ToString();
    if (!login.ok()) {
      return Principal{};
    }
    const std::string& header = login->set_cookie;
    *cookie = header.substr(0, header.find(';'));  // "name=value", as a browser sends it
    return login->principal;
  }

  static ServerRequest Request(const std::string& method, const std::string& cookie) {
    ServerRequest request;
    request.method = method;
    request.path = "/api/approvals";
    request.remote_address = "10.0.0.1";
    if (!cookie.empty()) {
      request.headers["cookie"] = "theme=dark; " + cookie + "; lang=en";
    }
    return request;
  }
  static ServerRequest Bearer(const std::string& method, const std::string& token) {
    ServerRequest request = Request(method, "");
    request.headers["authorization"] = "Bearer " + token;
    return request;
  }

  std::unique_ptr<Store> store_;
  AuthOptions options_;
  std::unique_ptr<Authenticator> auth_;
  int64_t now_ = kStartMs;
};

}  // namespace autotriage
