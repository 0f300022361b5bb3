// Unit tests of the backends' shared internals, and of the PostgreSQL backend's failure paths
// that need no server.
#include "autotriage/store/store_internal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactPostgresUrlTest, HidesPasswordsInUrlsAndConninfo) {
  EXPECT_EQ(RedactPostgresUrl("postgresql://user:pw@db.example.org:5432/autotriage"),
            "postgresql://user:***@db.example.org:5432/autotriage");
  EXPECT_EQ(RedactPostgresUrl("postgres://user@db/x?sslmode=require&password=pw&x=1"),
            "postgres://user@db/x?sslmode=require&password=***&x=1");
  EXPECT_EQ(RedactPostgresUrl("postgresql://db/x"), "postgresql://db/x");
  EXPECT_EQ(RedactPostgresUrl("host=db user=u password=pw dbname=x"),
            "host=db user=u password=*** dbname=x");
  EXPECT_EQ(RedactPostgresUrl("host=db password = 'p w\\'x' dbname=x"),
            "host=db password = '***' dbname=x");
}

TEST(RedactPostgresUrlTest, ScrubsPasswordsFromMessagesAlsoPercentDecoded) {
  const std::string url = "postgresql://u:p%40ss@db/x";
  EXPECT_EQ(ScrubPostgresSecrets("bad url " + url + " with p@ss", url),
            "bad url postgresql://u:***@db/x with ***");
  EXPECT_EQ(ScrubPostgresSecrets("no secret here", "host=db"), "no secret here");
}

TEST(StoreInternalTest, IdsRoundTripAndBatchKeysGroup) {
  EXPECT_EQ(JoinIds({3, 17, 42}), "3,17,42");
  EXPECT_EQ(SplitIds("3,17,42"), (std::vector<int64_t>{3, 17, 42}));
  EXPECT_TRUE(SplitIds("").empty());
  std::vector<InboxEvent> events(4);
  events[0].ticket_id = "1";
  events[0].version = "a";
  events[1].ticket_id = "1";
  events[1].version = "b";
  events[2].ticket_id = "1";
  events[2].version = "a";
  events[3].ticket_id = "2";
  events[3].version = "a";
  EXPECT_EQ(FirstEventOfKey(events), (std::vector<size_t>{0, 1, 0, 3}));
  EXPECT_TRUE(ValidateEvents(events).ok());
  events[3].ticket_id.clear();
  EXPECT_EQ(ValidateEvents(events).code(), StatusCode::kInvalidArgument);
}

TEST(StoreInternalTest, WriteDecisionIdsFollowPositionsOrAutofill) {
  TriageCommit commit;
  commit.job_id = 1;
  commit.decisions.resize(3);
  commit.decisions[0].outcome = "autofill";
  commit.decisions[1].outcome = "pending";
  commit.decisions[2].outcome = "autofill";
  commit.write = WriteRecord{};
  commit.write->idempotency_key = "k";
  EXPECT_EQ(WriteDecisionIds(commit, {10, 11, 12}), (std::vector<int64_t>{10, 12}));
  commit.write->decision_ids = {1};
  EXPECT_EQ(WriteDecisionIds(commit, {10, 11, 12}), (std::vector<int64_t>{11}));
  EXPECT_TRUE(ValidateCommit(commit).ok());
  commit.write->decision_ids = {3};
  EXPECT_EQ(ValidateCommit(commit).code(), StatusCode::kInvalidArgument);
  commit.write->decision_ids.clear();
  commit.write->idempotency_key.clear();
  EXPECT_EQ(ValidateCommit(commit).code(), StatusCode::kInvalidArgument);
}

TEST(StoreInternalTest, ChainAuditContinuesTheHeadAndSkipsEntriesWithoutKind) {
  std::vector<AuditEntry> entries(3);
  entries[0].kind = "a";
  entries[2].kind = "c";
  ChainAudit(7, "head", &entries);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].seq, 8);
  EXPECT_EQ(entries[0].prev_hash, "head");
  EXPECT_EQ(entries[1].seq, 9);
  EXPECT_EQ(entries[1].prev_hash, entries[0].hash);
  EXPECT_EQ(entries[1].hash, AuditHash(entries[1]));
}

// No server listens on port 1: kUnavailable, and the password shows nowhere.
TEST(PostgresStoreTest, UnreachableServerIsUnavailableWithoutThePassword) {
  for (const std::string url :
       {"postgresql://autotriage:s3cr3t-pw@127.0.0.1:1/autotriage?connect_timeout=5",
        "host=127.0.0.1 port=1 user=autotriage password='s3cr3t-pw' connect_timeout=5"}) {
    StoreConfig config;
    config.backend = "postgres";
    config.postgres_url = url;
    Result<std::unique_ptr<Store>> store = OpenStore(config);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
    EXPECT_THAT(store.status().message(), Not(HasSubstr("s3cr3t")));
    EXPECT_THAT(store.status().message(), HasSubstr("127.0.0.1"));
  }
}

TEST(PostgresStoreTest, RejectsAnEmptyUrlOrPool) {
  StoreConfig config;
  config.backend = "postgres";
  config.postgres_url = "postgresql://127.0.0.1:1/x";
  config.pool_size = 0;
  EXPECT_EQ(OpenStore(config).status().code(), StatusCode::kInvalidArgument);
  config.postgres_url = "";
  config.pool_size = 4;
  EXPECT_EQ(OpenStore(config).status().code(), StatusCode::kInvalidArgument);
}

// What both backends can keep as TEXT: exactly well-formed UTF-8 without NUL (PostgreSQL's rule).
TEST(IsStorableTextTest, AcceptsWellFormedUtf8AtTheEdgesOfEachLength) {
  EXPECT_TRUE(IsStorableText(""));
  EXPECT_TRUE(IsStorableText("plain {\"json\": 1}\n"));
  EXPECT_TRUE(IsStorableText("\x7F"));              // DEL, the last one-byte character
  EXPECT_TRUE(IsStorableText("\xC2\x80"));          // U+0080
  EXPECT_TRUE(IsStorableText("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(IsStorableText("\xE0\xA0\x80"));      // U+0800
  EXPECT_TRUE(IsStorableText("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsStorableText("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(IsStorableText("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(IsStorableText("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(IsStorableText("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST(IsStorableTextTest, RefusesNulAndEveryIllFormedSequence) {
  EXPECT_FALSE(IsStorableText(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsStorableText("\x80"));              // a continuation byte without a lead
  EXPECT_FALSE(IsStorableText("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(IsStorableText("\xC1\xBF"));          // overlong
  EXPECT_FALSE(IsStorableText("\xE0\x9F\xBF"));      // overlong three-byte form
  EXPECT_FALSE(IsStorableText("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsStorableText("\xED\xBF\xBF"));      // surrogate U+DFFF
  EXPECT_FALSE(IsStorableText("\xF0\x8F\xBF\xBF"));  // overlong four-byte form
  EXPECT_FALSE(IsStorableText("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsStorableText("\xF5\x80\x80\x80"));  // no such lead byte
  EXPECT_FALSE(IsStorableText("\xFF"));
  EXPECT_FALSE(IsStorableText("ok \xE2\x82"));    // cut off at the end
  EXPECT_FALSE(IsStorableText("\xE2\x28\xA1"));   // bad continuation byte
  EXPECT_FALSE(IsStorableText("\xF0\x9F\x98("));  // bad last continuation byte
}

TEST(ValidateCommitTest, RefusesAdviceWithoutTicketOrJson) {
  TriageCommit commit;
  commit.job_id = 1;
  EXPECT_TRUE(ValidateCommit(commit).ok());
  commit.advice = AdviceRecord{};
  commit.advice->advice_json = "{}";
  EXPECT_THAT(ValidateCommit(commit).message(), HasSubstr("ticket id"));
  commit.advice->ticket_id = "7";
  EXPECT_TRUE(ValidateCommit(commit).ok());
  commit.advice->advice_json.clear();
  EXPECT_THAT(ValidateCommit(commit).message(), HasSubstr("ticket 7 has no JSON"));
}

}  // namespace
}  // namespace autotriage
