// The Store contract suite on PostgreSQL (store_pg_test, label pg): each test gets a schema of
// its own in the database of the pg_server fixture (testing/pg_test_env.h). Plus the tests only
// PostgreSQL needs: what a refused connection's error may say.
#include <gmock/gmock.h>

#include <cstdio>

#include "autotriage/store/store_contract_test.h"
#include "autotriage/store/testing/pg_test_env.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PgTestDatabase : public TestDatabase {
 public:
  explicit PgTestDatabase(std::unique_ptr<TestPgSchema> schema) : schema_(std::move(schema)) {}

  StoreConfig config() const override {
    StoreConfig config;
    config.backend = "postgres";
    config.postgres_url = schema_->url();
    config.pool_size = 4;
    return config;
  }
  Status Exec(const std::string& sql) override { return schema_->Exec(sql); }
  Result<int64_t> QueryInt(const std::string& sql) override { return schema_->QueryInt(sql); }

 private:
  std::unique_ptr<TestPgSchema> schema_;
};

// GTEST_SKIP / FAIL need a void function; the database comes back through `out`.
void MakePgDatabase(const std::string& tag, std::unique_ptr<TestDatabase>* out) {
  AUTOTRIAGE_TEST_PG_URL_OR_SKIP(url);
  Result<std::unique_ptr<TestPgSchema>> schema = TestPgSchema::Create(url, tag);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  *out = std::make_unique<PgTestDatabase>(std::move(*schema));
}

const StoreBackendParam kPostgres{"postgres", [](const std::string& tag) {
                                    std::unique_ptr<TestDatabase> db;
                                    MakePgDatabase(tag, &db);
                                    return db;
                                  }};

std::string ParamName(const ::testing::TestParamInfo<StoreBackendParam>& param_info) {
  return param_info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContractTest, ::testing::Values(kPostgres), ParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreWritesTest, ::testing::Values(kPostgres), ParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreAuditTest, ::testing::Values(kPostgres), ParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreOutcomesTest, ::testing::Values(kPostgres), ParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreInsightsTest, ::testing::Values(kPostgres), ParamName);

TEST(PostgresStoreTest, WrongPasswordIsNotEchoed) {
  AUTOTRIAGE_TEST_PG_URL_OR_SKIP(url);
  // The fixture's server trusts every local user, so a bad database name stands in for a
  // refused login: the server answers with an error naming the database.
  if (url.rfind("postgresql://", 0) != 0 || url.find('@') == std::string::npos) {
    GTEST_SKIP() << "needs a postgresql://user@host URL";
  }
  std::string bad = url.substr(0, url.rfind('/')) + "/no_such_db_s3cr3t";
  bad.insert(bad.find("@"), ":s3cr3t-pw");
  StoreConfig config;
  config.backend = "postgres";
  config.postgres_url = bad;
  Result<std::unique_ptr<Store>> store = OpenStore(config);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
  EXPECT_THAT(store.status().message(), Not(HasSubstr("s3cr3t-pw")));
}

// Webhook bodies are stored byte for byte, whatever they hold.
TEST(PostgresStoreTest, PayloadBytesAreKeptExactly) {
  AUTOTRIAGE_TEST_PG_URL_OR_SKIP(url);
  Result<std::unique_ptr<TestPgSchema>> schema = TestPgSchema::Create(url, CurrentTestTag());
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  PgTestDatabase db(std::move(*schema));
  Result<std::unique_ptr<Store>> store = OpenStore(db.config());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  InboxEvent event = MakeEvent("1", "v");
  event.payload.clear();
  std::string hex;
  for (int byte = 0; byte < 256; ++byte) {
    event.payload.push_back(static_cast<char>(byte));
    char digits[3];
    std::snprintf(digits, sizeof(digits), "%02x", byte);
    hex += digits;
  }
  event.payload += "\\x00'\\\\";
  hex += "5c783030275c5c";
  ASSERT_TRUE((*store)->Enqueue({event}).ok());
  Result<int64_t> same =
      db.QueryInt("SELECT (payload = decode('" + hex + "', 'hex'))::int FROM events");
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(*same, 1);
}

}  // namespace
}  // namespace autotriage
