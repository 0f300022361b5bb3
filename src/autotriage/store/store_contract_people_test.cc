// Store contract: users, sessions, API tokens, the one-time set-up token and Slack messages.
#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "autotriage/store/store_contract_test.h"

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAliceHash[] = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";

UserRecord MakeUser(const std::string& name, const std::string& role,
                    const std::string& slack_user_id = "") {
  UserRecord user;
  user.name = name;
  user.role = role;
  user.password_hash = name == "alice" ? kAliceHash : "";
  user.slack_user_id = slack_user_id;
  user.created_ms = 1000;
  return user;
}

// A hex hash as auth/ makes them; `seed` tells them apart.
std::string TokenHash(char seed) {
  return std::string(64, seed);
}

SessionRecord MakeSession(const std::string& hash, int64_t user_id, int64_t expires_ms) {
  return SessionRecord{hash, user_id, "csrf-" + hash.substr(0, 4), 1000, expires_ms};
}

std::vector<std::string> Names(const std::vector<UserRecord>& users) {
  std::vector<std::string> names;
  for (const UserRecord& user : users) {
    names.push_back(user.name);
  }
  return names;
}

TEST_P(StoreContractTest, UsersRoundTripAndNamesAndSlackIdsAreUnique) {
  const int64_t alice =
      Must(store_->AddUser(MakeUser("alice", "admin", "U01ALICE"), MakeAudit("user_added", "")));
  const int64_t bob = Must(store_->AddUser(MakeUser("bob", "viewer"), AuditEntry()));
  // Unmapped users (empty Slack id) do not conflict with each other.
  const int64_t carol = Must(store_->AddUser(MakeUser("carol", "approver"), AuditEntry()));
  EXPECT_GT(alice, 0);
  EXPECT_NE(alice, bob);
  EXPECT_NE(bob, carol);

  const std::optional<UserRecord> found = Must(store_->FindUserByName("alice"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, alice);
  EXPECT_EQ(found->name, "alice");
  EXPECT_EQ(found->role, "admin");
  EXPECT_EQ(found->password_hash, kAliceHash);
  EXPECT_EQ(found->slack_user_id, "U01ALICE");
  EXPECT_FALSE(found->disabled);
  EXPECT_EQ(found->created_ms, 1000);
  EXPECT_EQ(found->updated_ms, 1000);
  EXPECT_EQ(Must(store_->FindUserById(alice)).value_or(UserRecord()).name, "alice");
  EXPECT_EQ(Must(store_->FindUserBySlackId("U01ALICE")).value_or(UserRecord()).id, alice);
  EXPECT_FALSE(Must(store_->FindUserByName("Alice")).has_value());  // case-sensitive
  EXPECT_FALSE(Must(store_->FindUserById(999999)).has_value());
  EXPECT_FALSE(Must(store_->FindUserBySlackId("U404")).has_value());
  EXPECT_EQ(store_->FindUserBySlackId("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(Names(Must(store_->ListUsers())), ElementsAre("alice", "bob", "carol"));

  Result<int64_t> same_name = store_->AddUser(MakeUser("alice", "viewer"), AuditEntry());
  EXPECT_EQ(same_name.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(same_name.status().message(), HasSubstr("named 'alice'"));
  Result<int64_t> same_slack =
      store_->AddUser(MakeUser("dave", "viewer", "U01ALICE"), AuditEntry());
  EXPECT_EQ(same_slack.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(same_slack.status().message(), HasSubstr("already mapped to user 'alice'"));
  EXPECT_EQ(store_->AddUser(MakeUser("erin", "root"), AuditEntry()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AddUser(MakeUser("", "viewer"), AuditEntry()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Must(store_->ListUsers()).size(), 3u);
  EXPECT_EQ(store_->Stats()->audit_entries, 1);
}

TEST_P(StoreContractTest, UpdateUserReplacesRolePasswordSlackIdAndState) {
  const int64_t alice = Must(store_->AddUser(MakeUser("alice", "admin", "U01ALICE"), AuditEntry()));
  const int64_t bob = Must(store_->AddUser(MakeUser("bob", "viewer"), AuditEntry()));
  UserRecord changed = Must(store_->FindUserById(bob)).value_or(UserRecord());
  changed.role = "approver";
  changed.password_hash = "$argon2id$new";
  changed.slack_user_id = "U02BOB";
  changed.updated_ms = 7000;
  ASSERT_TRUE(store_->UpdateUser(changed, MakeAudit("user_updated", "")).ok());
  const UserRecord stored = Must(store_->FindUserBySlackId("U02BOB")).value_or(UserRecord());
  EXPECT_EQ(stored.id, bob);
  EXPECT_EQ(stored.name, "bob");
  EXPECT_EQ(stored.role, "approver");
  EXPECT_EQ(stored.password_hash, "$argon2id$new");
  EXPECT_EQ(stored.created_ms, 1000);
  EXPECT_EQ(stored.updated_ms, 7000);
  EXPECT_EQ(store_->Stats()->audit_entries, 1);

  changed.slack_user_id = "U01ALICE";
  Status taken = store_->UpdateUser(changed, AuditEntry());
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(taken.message(), HasSubstr("'alice'"));
  // Keeping one's own Slack id is no conflict.
  UserRecord same = Must(store_->FindUserById(alice)).value_or(UserRecord());
  EXPECT_TRUE(store_->UpdateUser(same, AuditEntry()).ok());
  same.id = 999999;
  EXPECT_EQ(store_->UpdateUser(same, AuditEntry()).code(), StatusCode::kNotFound);
  same.id = alice;
  same.role = "god";
  EXPECT_EQ(store_->UpdateUser(same, AuditEntry()).code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, DisablingAUserEndsTheirSessionsAndRevokesTheirTokens) {
  const int64_t alice = Must(store_->AddUser(MakeUser("alice", "admin"), AuditEntry()));
  const int64_t bob = Must(store_->AddUser(MakeUser("bob", "approver"), AuditEntry()));
  ASSERT_TRUE(store_->PutSession(MakeSession(TokenHash('a'), alice, 90000)).ok());
  ASSERT_TRUE(store_->PutSession(MakeSession(TokenHash('b'), alice, 90000)).ok());
  ASSERT_TRUE(store_->PutSession(MakeSession(TokenHash('c'), bob, 90000)).ok());
  ASSERT_TRUE(store_->AddApiToken({0, TokenHash('d'), alice, "ci", false, 0}, AuditEntry()).ok());
  ASSERT_TRUE(store_->AddApiToken({0, TokenHash('e'), bob, "ci", false, 0}, AuditEntry()).ok());

  UserRecord disabled = Must(store_->FindUserById(alice)).value_or(UserRecord());
  disabled.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(disabled, MakeAudit("user_disabled", "")).ok());
  EXPECT_FALSE(Must(store_->GetSession(TokenHash('a'), 1000)).has_value());
  EXPECT_FALSE(Must(store_->GetSession(TokenHash('b'), 1000)).has_value());
  EXPECT_FALSE(Must(store_->GetApiToken(TokenHash('d'))).has_value());
  EXPECT_TRUE(Must(db_->QueryInt("SELECT COUNT(*) FROM sessions")) == 1);
  // Other users keep theirs.
  EXPECT_TRUE(Must(store_->GetSession(TokenHash('c'), 1000)).has_value());
  EXPECT_TRUE(Must(store_->GetApiToken(TokenHash('e'))).has_value());
  EXPECT_TRUE(Must(store_->FindUserById(alice)).value_or(UserRecord()).disabled);

  // A disabled user gets no new session or token.
  Status session = store_->PutSession(MakeSession(TokenHash('f'), alice, 90000));
  EXPECT_EQ(session.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(session.message(), HasSubstr("disabled"));
  EXPECT_EQ(
      store_->AddApiToken({0, TokenHash('g'), alice, "x", false, 0}, AuditEntry()).status().code(),
      StatusCode::kFailedPrecondition);
  // Enabled again, the revoked token stays revoked.
  disabled.disabled = false;
  ASSERT_TRUE(store_->UpdateUser(disabled, AuditEntry()).ok());
  EXPECT_FALSE(Must(store_->GetApiToken(TokenHash('d'))).has_value());
  EXPECT_TRUE(store_->PutSession(MakeSession(TokenHash('f'), alice, 90000)).ok());
}

TEST_P(StoreContractTest, SessionsExpireAndExpiredOnesAreDeleted) {
  const int64_t alice = Must(store_->AddUser(MakeUser("alice", "admin"), AuditEntry()));
  ASSERT_TRUE(store_->PutSession(MakeSession(TokenHash('1'), alice, 5000)).ok());
  ASSERT_TRUE(store_->PutSession(MakeSession(TokenHash('2'), alice, 9000)).ok());
  const std::optional<SessionRecord> live = Must(store_->GetSession(TokenHash('1'), 4999));
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(live->token_hash, TokenHash('1'));
  EXPECT_EQ(live->user_id, alice);
  EXPECT_EQ(live->csrf_token, "csrf-1111");
  EXPECT_EQ(live->created_ms, 1000);
  EXPECT_EQ(live->expires_ms, 5000);

  EXPECT_FALSE(Must(store_->GetSession(TokenHash('1'), 5000)).has_value());
  EXPECT_EQ(Must(db_->QueryInt("SELECT COUNT(*) FROM sessions")), 1);
  EXPECT_FALSE(Must(store_->GetSession(TokenHash('9'), 0)).has_value());
  ASSERT_TRUE(store_->DeleteSession(TokenHash('2')).ok());
  EXPECT_FALSE(Must(store_->GetSession(TokenHash('2'), 1000)).has_value());
  EXPECT_TRUE(store_->DeleteSession(TokenHash('2')).ok());  // logging out twice is fine

  // Errors never quote a hash.
  ASSERT_TRUE(store_->PutSession(MakeSession(TokenHash('3'), alice, 9000)).ok());
  Status duplicate = store_->PutSession(MakeSession(TokenHash('3'), alice, 9000));
  EXPECT_EQ(duplicate.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(duplicate.message(), Not(HasSubstr(TokenHash('3'))));
  EXPECT_EQ(store_->PutSession(MakeSession(TokenHash('4'), 999999, 9000)).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->PutSession(MakeSession("", alice, 9000)).code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, ApiTokensRoundTrip) {
  const int64_t alice = Must(store_->AddUser(MakeUser("alice", "admin"), AuditEntry()));
  const int64_t id = Must(store_->AddApiToken({0, TokenHash('t'), alice, "grafana", false, 4000},
                                              MakeAudit("api_token_added", "")));
  EXPECT_GT(id, 0);
  const std::optional<ApiTokenRecord> token = Must(store_->GetApiToken(TokenHash('t')));
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->id, id);
  EXPECT_EQ(token->token_hash, TokenHash('t'));
  EXPECT_EQ(token->user_id, alice);
  EXPECT_EQ(token->label, "grafana");
  EXPECT_FALSE(token->revoked);
  EXPECT_EQ(token->created_ms, 4000);
  EXPECT_FALSE(Must(store_->GetApiToken(TokenHash('u'))).has_value());
  EXPECT_EQ(store_->Stats()->audit_entries, 1);

  Result<int64_t> duplicate = store_->AddApiToken({0, TokenHash('t'), alice, "again", false, 0},
                                                  MakeAudit("api_token_added", ""));
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(duplicate.status().message(), Not(HasSubstr(TokenHash('t'))));
  EXPECT_EQ(
      store_->AddApiToken({0, TokenHash('v'), 999999, "x", false, 0}, AuditEntry()).status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(store_->AddApiToken({0, "", alice, "x", false, 0}, AuditEntry()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Stats()->audit_entries, 1);
}

TEST_P(StoreContractTest, SetupTokenIsSingleUse) {
  EXPECT_FALSE(Must(store_->ConsumeSetupToken(TokenHash('s'), 1000)));
  ASSERT_TRUE(store_->PutSetupToken(TokenHash('s'), 10000).ok());
  ASSERT_TRUE(store_->PutSetupToken(TokenHash('t'), 10000).ok());  // replaces 's'
  EXPECT_FALSE(Must(store_->ConsumeSetupToken(TokenHash('s'), 1000)));
  // A wrong guess does not spend the live token.
  EXPECT_FALSE(Must(store_->ConsumeSetupToken(TokenHash('x'), 1000)));
  EXPECT_TRUE(Must(store_->ConsumeSetupToken(TokenHash('t'), 1000)));
  EXPECT_FALSE(Must(store_->ConsumeSetupToken(TokenHash('t'), 1000)));

  // An expired token is refused and gone.
  ASSERT_TRUE(store_->PutSetupToken(TokenHash('u'), 10000).ok());
  EXPECT_FALSE(Must(store_->ConsumeSetupToken(TokenHash('u'), 10000)));
  EXPECT_EQ(Must(db_->QueryInt("SELECT COUNT(*) FROM setup_token")), 0);
  EXPECT_EQ(store_->PutSetupToken("", 10000).code(), StatusCode::kInvalidArgument);

  // Many requests with the token at once, on two instances: one wins.
  ASSERT_TRUE(store_->PutSetupToken(TokenHash('w'), 10000).ok());
  std::unique_ptr<Store> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  constexpr int kThreads = 16;
  std::atomic<int> ready{0};
  std::atomic<int> winners{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
        std::this_thread::yield();
      }
      Result<bool> won = (i % 2 == 0 ? *store_ : *other).ConsumeSetupToken(TokenHash('w'), 2000);
      if (!won.ok()) {
        failures.fetch_add(1);
      } else if (*won) {
        winners.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(StoreContractTest, SlackMessagesAreKeptPerTicketVersion) {
  EXPECT_FALSE(Must(store_->GetSlackMessage("90", "1")).has_value());
  ASSERT_TRUE(store_->PutSlackMessage({"90", "1", "C0APPROVALS", "1700000000.000100", 3000}).ok());
  ASSERT_TRUE(store_->PutSlackMessage({"90", "2", "C0APPROVALS", "1700000001.000200", 4000}).ok());
  std::optional<SlackMessageRecord> message = Must(store_->GetSlackMessage("90", "1"));
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->ticket_id, "90");
  EXPECT_EQ(message->ticket_version, "1");
  EXPECT_EQ(message->channel, "C0APPROVALS");
  EXPECT_EQ(message->ts, "1700000000.000100");
  EXPECT_EQ(message->created_ms, 3000);
  // Posted again (say, to another channel): the newest post is the one to update.
  ASSERT_TRUE(store_->PutSlackMessage({"90", "1", "C0OTHER", "1700000002.000300", 5000}).ok());
  message = Must(store_->GetSlackMessage("90", "1"));
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->channel, "C0OTHER");
  EXPECT_EQ(message->ts, "1700000002.000300");
  EXPECT_EQ(Must(store_->GetSlackMessage("90", "2")).value_or(SlackMessageRecord()).ts,
            "1700000001.000200");
  EXPECT_EQ(store_->PutSlackMessage({"", "1", "C", "1", 0}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace autotriage
