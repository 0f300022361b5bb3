// The Store contract suite: every backend must pass the same tests. The suite's TEST_Ps live in
// store_contract_*_test.cc; each test binary links them with one backend file that provides
// the databases and instantiates the suite (sqlite_test_backend.cc in store_test, label unit;
// pg_test_backend.cc in store_pg_test, label pg).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/store/store.h"

namespace autotriage {

// One empty database for one test, plus raw SQL on it (the tests' tampering hook).
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  virtual StoreConfig config() const = 0;
  virtual Status Exec(const std::string& sql) = 0;
  virtual Result<int64_t> QueryInt(const std::string& sql) = 0;
};

struct StoreBackendParam {
  std::string name;
  // Makes a fresh database named after `tag`; may GTEST_SKIP (or FAIL) and return null.
  std::function<std::unique_ptr<TestDatabase>(const std::string& tag)> make;
};

// Names the backend in test output (instead of the parameter's bytes).
inline void PrintTo(const StoreBackendParam& param, std::ostream* os) {
  *os << param.name;
}

class StoreContractTest : public ::testing::TestWithParam<StoreBackendParam> {
 protected:
  void SetUp() override;

  // A fresh database of this backend (not the one store_ uses); null when the test skipped.
  std::unique_ptr<TestDatabase> FreshDatabase(const std::string& suffix);
  // A second Store on the same database as store_ (another node or process).
  std::unique_ptr<Store> OpenAnother();

  // Claims exactly one job (the oldest) or fails the test.
  Job ClaimOne(int64_t now_ms, int64_t lease_ms = 60000);

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

// Decisions and planned writes (store_contract_records_test.cc).
class StoreWritesTest : public StoreContractTest {
 protected:
  // Triage of `ticket` (enqueued and claimed here) with decisions group (autofill), priority
  // (pending) and type (autofill), and one planned write keyed `key` carrying the autofill ones.
  void CommitWithWrite(const std::string& ticket, const std::string& key);
  std::vector<std::string> OutcomesOf(const std::string& ticket);
};

// Outcomes, corrections and resolutions (store_contract_outcomes_test.cc); its own suite so that
// `ctest -R Outcome` selects it.
class StoreOutcomesTest : public StoreContractTest {};

// Cluster members and proposed Problems (store_contract_insights_test.cc); `ctest -R Insights`.
class StoreInsightsTest : public StoreContractTest {};

// The audit chain (store_contract_audit_test.cc).
class StoreAuditTest : public StoreContractTest {
 protected:
  // Appends `count` entries one call at a time; seq i is ticket "t<i>" at time i.
  void AppendEntries(int count);
};

// An event for ticket `ticket` at version `version`, with a payload of `payload_bytes`.
InboxEvent MakeEvent(const std::string& ticket, const std::string& version,
                     size_t payload_bytes = 64, int64_t received_ms = 1000);
// A decision of `ticket` for `field` with the given outcome.
DecisionRecord MakeDecision(const std::string& ticket, const std::string& field,
                            const std::string& outcome);
AuditEntry MakeAudit(const std::string& kind, const std::string& ticket, int64_t time_ms = 1000);
// A proposed Problem keyed `key` of cluster `cluster` with every field set
// (store_contract_insights_test.cc).
ProblemProposalRecord MakeProposal(const std::string& key, int64_t cluster = 7);
// An audit entry of `kind` without a ticket.
AuditEntry MakeInsightAudit(const std::string& kind, int64_t time_ms = 1000);
// Proposes MakeProposal(key) and approves it as user:alice; returns its id (0 with a test
// failure).
int64_t ProposeApproved(Store& store, const std::string& key);
// The value of `result`, or (with a test failure) a default T.
template <typename T>
T Must(Result<T> result) {
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(*result) : T();
}

// Enqueues, claims and commits one triage of `ticket` at decision version `version` in `queue`,
// with one pending decision per field made at `created_ms`; returns their ids in field order
// (empty, with a test failure, when that goes wrong).
std::vector<int64_t> Propose(Store& store, const std::string& ticket, const std::string& version,
                             const std::string& queue, const std::vector<std::string>& fields,
                             int64_t created_ms = 1000);
// Undoes migrations 5, 4 and 3 on a database whose Store is closed: afterwards it is what schema 2
// made.
Status DowngradeToSchema2(TestDatabase& db);
// Undoes migrations 5 and 4 on a database whose Store is closed: afterwards it is what schema 3
// made.
Status DowngradeToSchema3(TestDatabase& db);
// Undoes migration 5 on a database whose Store is closed: afterwards it is what schema 4 made.
Status DowngradeToSchema4(TestDatabase& db);
// Reads the whole trail in chunks of `chunk` and verifies it.
AuditVerifyReport VerifyTrail(Store& store, int chunk = 100);
// Test-name based tag for database names: "<suite>_<test>".
std::string CurrentTestTag();

}  // namespace autotriage
