#include "autotriage/ml/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "autotriage/ml/testing/toy_data.h"

namespace autotriage {
namespace {

namespace fs = std::filesystem;

// A small bundle whose identity differs by `created_at` (one head trained once per binary).
ModelBundle ToyBundle(const std::string& created_at) {
  static const std::string bytes = [] {
    auto data = testing::MakeToyData(300, 5);
    HeadOptions options;
    options.use_fasttext = false;
    auto head = TrainHead("group", data.texts, data.labels, options);
    EXPECT_TRUE(head.ok()) << head.status().ToString();
    ModelBundle bundle;
    bundle.AddHead(std::move(head).value());
    const std::string path =
        (fs::temp_directory_path() / ("registry_toy_" + std::to_string(::getpid()))).string();
    EXPECT_TRUE(bundle.Save(path).ok());
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fs::remove(path);
    return text;
  }();
  auto bundle = ModelBundle::FromBytes(bytes, "toy");
  EXPECT_TRUE(bundle.ok()) << bundle.status().ToString();
  bundle->metadata().created_at = created_at;
  return std::move(bundle).value();
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("registry_test_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
             std::to_string(::getpid())))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Registers a bundle made at `created_at` in `state`; returns its version.
  std::string Register(const std::string& created_at, ModelState state, bool worse = false) {
    std::string version;
    Status s = ModelRegistry::Update(dir_, [&](ModelRegistry& r) -> Status {
      ModelEntry entry;
      entry.state = state;
      entry.training_data = "toy";
      if (worse) {
        ModelEvaluation e;
        e.worse = true;
        e.verdict = "worse: group accuracy 0.3 vs 0.9";
        entry.evaluation = e;
      }
      auto added = r.Add(ToyBundle(created_at), entry);
      if (!added.ok()) {
        return added.status();
      }
      version = *added;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return version;
  }

  std::string LiveVersion() {
    auto live = ModelRegistry::ReadLiveModel(dir_);
    EXPECT_TRUE(live.ok()) << live.status().ToString();
    return live.ok() && live->has_value() ? (*live)->version : "";
  }

  std::string dir_;
};

TEST_F(RegistryTest, MissingRegistryIsEmptyNotAnError) {
  auto registry = ModelRegistry::Open(dir_);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_TRUE(registry->entries().empty());
  EXPECT_EQ(registry->live(), nullptr);
  EXPECT_EQ(LiveVersion(), "");
}

TEST_F(RegistryTest, VersionIsTheBundleIdentityAndTheFileIsStored) {
  const ModelBundle bundle = ToyBundle("2026-01-01T00:00:00Z");
  const std::string version = Register("2026-01-01T00:00:00Z", ModelState::kLive);
  EXPECT_EQ(version, ModelVersionId(bundle));
  auto live = ModelRegistry::ReadLiveModel(dir_);
  ASSERT_TRUE(live.ok() && live->has_value());
  auto loaded = ModelBundle::Load((*live)->path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(ModelVersionId(*loaded), version);
}

TEST_F(RegistryTest, PromoteThenRollbackReturnsToThePreviousLiveVersion) {
  const std::string first = Register("2026-01-01T00:00:00Z", ModelState::kLive);
  const std::string second = Register("2026-01-02T00:00:00Z", ModelState::kCandidate);
  EXPECT_EQ(LiveVersion(), first);
  ASSERT_TRUE(ModelRegistry::Update(dir_, [&](ModelRegistry& r) {
                return r.Promote(second, false, "test");
              }).ok());
  EXPECT_EQ(LiveVersion(), second);
  {
    auto registry = ModelRegistry::Open(dir_);
    ASSERT_TRUE(registry.ok());
    EXPECT_EQ(registry->Find(first)->state, ModelState::kRetired);
  }
  std::string restored;
  ASSERT_TRUE(ModelRegistry::Update(dir_, [&](ModelRegistry& r) -> Status {
                auto back = r.Rollback("test");
                if (back.ok()) {
                  restored = *back;
                }
                return back.status();
              }).ok());
  EXPECT_EQ(restored, first);
  EXPECT_EQ(LiveVersion(), first);
  auto registry = ModelRegistry::Open(dir_);
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->Find(second)->state, ModelState::kRetired);
  // Nothing further back: a clear error, and the registry is unchanged.
  Status again =
      ModelRegistry::Update(dir_, [](ModelRegistry& r) { return r.Rollback("test").status(); });
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("no previous live model"), std::string::npos) << again.ToString();
  EXPECT_EQ(LiveVersion(), first);
}

TEST_F(RegistryTest, RefusedVersionNeedsForceAndForcingIsRecorded) {
  Register("2026-01-01T00:00:00Z", ModelState::kLive);
  const std::string refused = Register("2026-01-02T00:00:00Z", ModelState::kRefused, true);
  Status plain = ModelRegistry::Update(
      dir_, [&](ModelRegistry& r) { return r.Promote(refused, false, "alice"); });
  EXPECT_EQ(plain.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(plain.message().find("--force"), std::string::npos);
  ASSERT_TRUE(ModelRegistry::Update(dir_, [&](ModelRegistry& r) {
                return r.Promote(refused, true, "alice");
              }).ok());
  EXPECT_EQ(LiveVersion(), refused);
  auto registry = ModelRegistry::Open(dir_);
  ASSERT_TRUE(registry.ok());
  const ModelEntry* entry = registry->Find(refused);
  ASSERT_FALSE(entry->history.empty());
  EXPECT_EQ(entry->history.back().what, "promoted");
  EXPECT_NE(entry->history.back().detail.find("forced"), std::string::npos);
  EXPECT_NE(entry->history.back().detail.find("alice"), std::string::npos);
}

TEST_F(RegistryTest, UnknownVersionAndDoubleRegistrationAreClearErrors) {
  const std::string version = Register("2026-01-01T00:00:00Z", ModelState::kLive);
  Status unknown = ModelRegistry::Update(
      dir_, [](ModelRegistry& r) { return r.Promote("m-000000000000", false, "test"); });
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  Status twice = ModelRegistry::Update(dir_, [](ModelRegistry& r) {
    return r.Add(ToyBundle("2026-01-01T00:00:00Z"), ModelEntry{}).status();
  });
  EXPECT_EQ(twice.code(), StatusCode::kAlreadyExists);
  Status live = ModelRegistry::Update(
      dir_, [&](ModelRegistry& r) { return r.Promote(version, false, "test"); });
  EXPECT_EQ(live.code(), StatusCode::kFailedPrecondition);
}

TEST_F(RegistryTest, CorruptRegistryIsAnErrorNamingThePathAndIsNeverReset) {
  Register("2026-01-01T00:00:00Z", ModelState::kLive);
  const std::string path = (fs::path(dir_) / "registry.json").string();
  for (const std::string& damage :
       {std::string("{\"format\": 1, \"live\": \"m-1\", \"versions\": [trunc"),
        std::string("{\"format\": 99, \"versions\": []}"),
        std::string("{\"format\": 1, \"live\": \"m-x\", \"versions\": []}"), std::string("[]")}) {
    {
      std::ofstream out(path, std::ios::trunc);
      out << damage;
    }
    auto opened = ModelRegistry::Open(dir_);
    ASSERT_FALSE(opened.ok()) << damage;
    EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
    EXPECT_NE(opened.status().message().find(path), std::string::npos);
    EXPECT_FALSE(ModelRegistry::ReadLiveModel(dir_).ok());
    Status update = ModelRegistry::Update(dir_, [](ModelRegistry&) { return Status::Ok(); });
    EXPECT_EQ(update.code(), StatusCode::kCorruption);
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, damage) << "a corrupt registry must stay as it was";
  }
}

TEST_F(RegistryTest, ConcurrentUpdatesFromManyThreadsLoseNothing) {
  Register("2026-01-01T00:00:00Z", ModelState::kLive);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([this, i] {
      Register("2026-02-0" + std::to_string(i + 1) + "T00:00:00Z", ModelState::kCandidate);
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  auto registry = ModelRegistry::Open(dir_);
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->entries().size(), 5u);
}

}  // namespace
}  // namespace autotriage
