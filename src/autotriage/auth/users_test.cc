// CreateUser / DisableUser: validation, uniqueness, stored hash.
#include <gtest/gtest.h>

#include "autotriage/auth/auth_test_util.h"

namespace autotriage {
namespace {

NewUser MakeUser(const std::string& name, const std::string& slack_id = "") {
  NewUser user;
  user.name = name;
  user.role = Role::kApprover;
  user.password = kPassword;
  user.slack_user_id = slack_id;
  return user;
}

TEST(UserNameTest, AllowsPlainNamesOnly) {
  for (const char* ok : {"alice", "a", "ana.maria_o-neil", "ops@example.org", "X9"}) {
    EXPECT_TRUE(ValidateUserName(ok).ok()) << ok;
  }
  EXPECT_TRUE(ValidateUserName(std::string(64, 'a')).ok());
  for (const std::string& bad :
       {std::string(""), std::string("two words"), std::string("semi;colon"),
        std::string("tab\tname"), std::string("caf\xc3\xa9"), std::string(65, 'a'),
        std::string("nul\0byte", 8)}) {
    Status status = ValidateUserName(bad);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ValidateUserName("").message(), "the user name is empty");
  EXPECT_NE(ValidateUserName("two words").message().find("'two words'"), std::string::npos);
}

TEST(UserNameTest, SlackIdsLookLikeMemberIds) {
  for (const char* ok : {"U012AB3CD", "W0123", "UABC"}) {
    EXPECT_TRUE(ValidateSlackUserId(ok).ok()) << ok;
  }
  for (const char* bad : {"u012ab3cd", "C012AB3CD", "U", "U1", "U012-AB", "@carol"}) {
    EXPECT_EQ(ValidateSlackUserId(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(AuthTest, CreateUserStoresAnArgon2idHashAndTheRole) {
  Result<int64_t> id = CreateUser(*store_, MakeUser("alice", "U0ALICE"), "cli", now_);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Result<std::optional<UserRecord>> stored = store_->FindUserById(*id);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  const UserRecord& user = **stored;
  EXPECT_EQ(user.name, "alice");
  EXPECT_EQ(user.role, "approver");
  EXPECT_EQ(user.slack_user_id, "U0ALICE");
  EXPECT_FALSE(user.disabled);
  EXPECT_EQ(user.created_ms, now_);
  EXPECT_EQ(user.password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(user.password_hash, kPassword));
}

TEST_F(AuthTest, CreateUserRefusesTakenNamesSlackIdsAndWeakPasswords) {
  ASSERT_TRUE(CreateUser(*store_, MakeUser("alice", "U0ALICE"), "cli", now_).ok());
  Result<int64_t> same_name = CreateUser(*store_, MakeUser("alice"), "cli", now_);
  EXPECT_EQ(same_name.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(same_name.status().message(), "a user named 'alice' already exists");
  Result<int64_t> same_slack = CreateUser(*store_, MakeUser("bob", "U0ALICE"), "cli", now_);
  EXPECT_EQ(same_slack.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(same_slack.status().message().find("U0ALICE"), std::string::npos);

  NewUser weak = MakeUser("carol");
  weak.password = "tooshort";
  Result<int64_t> refused = CreateUser(*store_, weak, "cli", now_);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message().find("tooshort"), std::string::npos);
  EXPECT_EQ(CreateUser(*store_, MakeUser("bad name"), "cli", now_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateUser(*store_, MakeUser("dave", "dave"), "cli", now_).status().code(),
            StatusCode::kInvalidArgument);
  Result<std::vector<UserRecord>> users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 1u);
}

TEST_F(AuthTest, DisableUserSaysWhetherItChangedAnything) {
  AddUser("alice", Role::kViewer);
  Result<bool> first = DisableUser(*store_, "alice", "cli", now_);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  Result<bool> second = DisableUser(*store_, "alice", "cli", now_);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  Result<std::optional<UserRecord>> stored = store_->FindUserByName("alice");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_TRUE((*stored)->disabled);
  Result<bool> unknown = DisableUser(*store_, "nobody", "cli", now_);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "no user named 'nobody'");
}

}  // namespace
}  // namespace autotriage
