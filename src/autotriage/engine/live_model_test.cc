// Hot switch: the engine's live model follows the model registry (live_model.h). A promotion is
// picked up without a restart, a triage in flight keeps the model it started with, new triages
// record the new model_version, and a bundle that fails to load keeps the old model.
#include "autotriage/engine/live_model.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "autotriage/engine/engine_test_util.h"
#include "autotriage/ml/registry.h"

namespace autotriage {
namespace {

namespace fs = std::filesystem;

// TestBundle's heads with another creation time: another version of the same model.
std::shared_ptr<const ModelBundle> Variant(const std::string& dir, const std::string& created_at) {
  const std::string path = dir + "/variant.atm";
  EXPECT_TRUE(testing::TestBundle()->Save(path).ok());
  auto bundle = ModelBundle::Load(path);
  EXPECT_TRUE(bundle.ok()) << bundle.status().ToString();
  fs::remove(path);
  bundle->metadata().created_at = created_at;
  return std::make_shared<const ModelBundle>(std::move(*bundle));
}

std::string Register(const std::string& dir, const ModelBundle& bundle, ModelState state) {
  std::string version;
  Status s = ModelRegistry::Update(dir, [&](ModelRegistry& r) -> Status {
    ModelEntry entry;
    entry.state = state;
    auto added = r.Add(bundle, entry);
    if (added.ok()) {
      version = *added;
    }
    return added.status();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return version;
}

void Promote(const std::string& dir, const std::string& version) {
  Status s = ModelRegistry::Update(
      dir, [&](ModelRegistry& r) { return r.Promote(version, false, "test"); });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

class LiveModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("live_model_test_" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_.fields = {"group", "priority", "type"};
    schema_["group"] = SynthGroups();
    schema_["priority"] = SynthPriorities();
    schema_["type"] = SynthTypes();
    first_ = Register(dir_, *testing::TestBundle(), ModelState::kLive);
    live_.Set(testing::TestBundle(),
              std::make_unique<Triage>(testing::TestBundle().get(), nullptr, options_));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The model_version every decision of one triage carries.
  std::string DecisionVersion(const Triage& triage) {
    const SynthTicket synth = testing::FreshTickets(1)[0];
    Ticket ticket = ToTicket(synth);
    ticket.fields.clear();
    ticket.updated_at = 1700000000;
    Policy policy{PolicyOptions{}};
    TriageInput input;
    input.ticket = &ticket;
    input.policy = &policy;
    input.schema = &schema_;
    input.trace_id = "t";
    TriageResult result = triage.Run(input);
    EXPECT_FALSE(result.commit.decisions.empty());
    std::string version;
    for (const DecisionRecord& d : result.commit.decisions) {
      EXPECT_TRUE(version.empty() || version == d.model_version);
      version = d.model_version;
    }
    return version;
  }

  std::string dir_;
  TriageOptions options_;
  LiveSchema schema_;
  LiveTriage live_;
  std::string first_;
};

TEST_F(LiveModelTest, PromotionIsPickedUpAndInFlightTriagesFinishOnTheOldModel) {
  ModelFollower follower(dir_, options_, nullptr, &live_);
  auto unchanged = follower.CheckOnce();
  ASSERT_TRUE(unchanged.ok()) << unchanged.status().ToString();
  EXPECT_FALSE(*unchanged);
  EXPECT_EQ(live_->model_version(), first_);

  const auto second_bundle = Variant(dir_, "2030-01-01T00:00:00Z");
  const std::string second = Register(dir_, *second_bundle, ModelState::kCandidate);
  ASSERT_NE(second, first_);
  Promote(dir_, second);

  std::shared_ptr<const Triage> in_flight = live_.get();  // a worker mid-triage
  auto switched = follower.CheckOnce();
  ASSERT_TRUE(switched.ok()) << switched.status().ToString();
  EXPECT_TRUE(*switched);
  EXPECT_EQ(live_->model_version(), second);
  EXPECT_EQ(DecisionVersion(*live_.get()), second);
  // The old model stays usable for whoever still holds it.
  EXPECT_EQ(in_flight->model_version(), first_);
  EXPECT_EQ(DecisionVersion(*in_flight), first_);

  // Rollback is a registry change like any other.
  ASSERT_TRUE(ModelRegistry::Update(dir_, [](ModelRegistry& r) {
                return r.Rollback("test").status();
              }).ok());
  ASSERT_TRUE(follower.CheckOnce().ok());
  EXPECT_EQ(live_->model_version(), first_);
}

TEST_F(LiveModelTest, BundleThatFailsToLoadKeepsTheOldModel) {
  ModelFollower follower(dir_, options_, nullptr, &live_);
  const auto broken_bundle = Variant(dir_, "2031-01-01T00:00:00Z");
  const std::string broken = Register(dir_, *broken_bundle, ModelState::kCandidate);
  {
    std::ofstream damage(dir_ + "/" + broken + ".atm", std::ios::binary | std::ios::trunc);
    damage << "not a model";
  }
  Promote(dir_, broken);
  auto failed = follower.CheckOnce();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().ToString().find("keeps the current model"), std::string::npos)
      << failed.status().ToString();
  EXPECT_EQ(live_->model_version(), first_);
  // Reported once, not on every check, until the registry changes.
  auto quiet = follower.CheckOnce();
  ASSERT_TRUE(quiet.ok());
  EXPECT_FALSE(*quiet);
  EXPECT_EQ(live_->model_version(), first_);
}

TEST_F(LiveModelTest, CorruptRegistryKeepsTheOldModel) {
  ModelFollower follower(dir_, options_, nullptr, &live_);
  {
    std::ofstream damage(dir_ + "/registry.json", std::ios::trunc);
    damage << "{ half";
  }
  auto failed = follower.CheckOnce();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(live_->model_version(), first_);
}

}  // namespace
}  // namespace autotriage
