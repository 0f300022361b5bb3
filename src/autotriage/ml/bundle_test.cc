#include "autotriage/ml/bundle.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "autotriage/ml/testing/toy_data.h"

namespace autotriage {
namespace {

namespace fs = std::filesystem;

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bundle_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto data = testing::MakeToyData(300, 5);
    HeadOptions options;
    options.use_fasttext = true;
    options.fasttext.epochs = 5;
    options.fasttext.dim = 8;
    options.fasttext.buckets = 5000;
    auto head = TrainHead("group", data.texts, data.labels, options);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    bundle_.AddHead(std::move(head).value());
    bundle_.metadata().created_at = "2026-11-21T12:00:00Z";
    bundle_.metadata().training_data_hash = HashTrainingData(data.texts, data.labels);
    bundle_.metadata().training_data_examples = 300;
    path_ = (dir_ / "model.atm").string();
    ASSERT_TRUE(bundle_.Save(path_).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string ReadFile() {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void WriteFile(const std::string& bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  fs::path dir_;
  std::string path_;
  ModelBundle bundle_;
};

TEST_F(BundleTest, RoundTripKeepsPredictionsAndMetadata) {
  auto loaded = ModelBundle::Load(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->fields(), std::vector<std::string>{"group"});
  EXPECT_EQ(loaded->metadata().created_at, "2026-11-21T12:00:00Z");
  EXPECT_EQ(loaded->metadata().training_data_examples, 300);
  const Head* original = bundle_.head("group");
  const Head* restored = loaded->head("group");
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(loaded->head("priority"), nullptr);
  for (const std::string text : {"vpn router", "password locked", "laptop battery dead"}) {
    EXPECT_EQ(original->Probabilities(text), restored->Probabilities(text));
  }
  EXPECT_NE(loaded->DescribeJson().find("\"thresholds\""), std::string::npos);
}

TEST_F(BundleTest, PrecisionCurvesSurviveTheRoundTrip) {
  auto loaded = ModelBundle::Load(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto& original = bundle_.head("group")->info().thresholds;
  const auto& restored = loaded->head("group")->info().thresholds;
  ASSERT_EQ(original.size(), restored.size());
  size_t points = 0;
  for (size_t c = 0; c < original.size(); ++c) {
    ASSERT_EQ(original[c].curve.size(), restored[c].curve.size()) << original[c].label;
    for (size_t i = 0; i < original[c].curve.size(); ++i) {
      EXPECT_EQ(original[c].curve[i].threshold, restored[c].curve[i].threshold);
      EXPECT_EQ(original[c].curve[i].precision, restored[c].curve[i].precision);
      EXPECT_EQ(original[c].curve[i].coverage, restored[c].curve[i].coverage);
    }
    points += original[c].curve.size();
  }
  EXPECT_GT(points, 0u);  // the toy head has validation predictions to build curves from
}

TEST_F(BundleTest, HeadsSavedWithoutCurvesStillLoad) {
  // A head block as written before curves existed: the metadata JSON has no "curve" keys.
  auto bytes = bundle_.head("group")->ToBytes();
  ASSERT_TRUE(bytes.ok());
  uint64_t json_size = 0;
  std::memcpy(&json_size, bytes->data() + 4, sizeof(json_size));
  const std::string json = bytes->substr(12, json_size);
  ASSERT_NE(json.find("\"curve\":"), std::string::npos);
  const std::string old_json =
      std::regex_replace(json, std::regex(R"("curve":\[(\[[^\]]*\],?)*\],)"), "");
  ASSERT_EQ(old_json.find("\"curve\""), std::string::npos);
  std::string old_bytes = bytes->substr(0, 4);
  const uint64_t old_size = old_json.size();
  old_bytes.append(reinterpret_cast<const char*>(&old_size), sizeof(old_size));
  old_bytes += old_json;
  old_bytes += bytes->substr(12 + json_size);

  auto head = LoadHead(old_bytes);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  const auto& thresholds = (*head)->info().thresholds;
  const auto& original = bundle_.head("group")->info().thresholds;
  ASSERT_EQ(thresholds.size(), original.size());
  for (size_t c = 0; c < thresholds.size(); ++c) {
    EXPECT_TRUE(thresholds[c].curve.empty());
    EXPECT_EQ(thresholds[c].threshold, original[c].threshold);
    // Only the stored threshold is known: the head's own target is served, a stricter one
    // than its validation precision is not.
    if (thresholds[c].reachable) {
      EXPECT_EQ(ThresholdForPrecision(thresholds[c], (*head)->info().target_precision),
                thresholds[c].threshold);
    }
    if (thresholds[c].precision < 1.0) {
      EXPECT_EQ(ThresholdForPrecision(thresholds[c], 1.0), kNeverDecide);
    }
  }
  EXPECT_EQ((*head)->Probabilities("vpn router"),
            bundle_.head("group")->Probabilities("vpn router"));
}

TEST_F(BundleTest, MissingFileIsNotFound) {
  auto r = ModelBundle::Load((dir_ / "absent.atm").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST_F(BundleTest, WrongFileIsRejectedClearly) {
  WriteFile("text,label\nhello,world\n");
  auto r = ModelBundle::Load(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not an autotriage model file"), std::string::npos);
}

TEST_F(BundleTest, TruncatedFileIsCorruption) {
  std::string bytes = ReadFile();
  for (size_t keep : {size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    WriteFile(bytes.substr(0, keep));
    auto r = ModelBundle::Load(path_);
    ASSERT_FALSE(r.ok()) << keep;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  }
}

TEST_F(BundleTest, FlippedByteFailsTheChecksum) {
  std::string bytes = ReadFile();
  bytes[bytes.size() / 2] ^= 0x5A;
  WriteFile(bytes);
  auto r = ModelBundle::Load(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos) << r.status().ToString();
}

TEST_F(BundleTest, NewerFormatVersionAsksToRetrain) {
  std::string bytes = ReadFile();
  bytes[8] = 99;  // the version field follows the 8-byte magic
  WriteFile(bytes);
  auto r = ModelBundle::Load(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("retrain"), std::string::npos);
}

TEST_F(BundleTest, HeadsWithASharedFeaturizerShareItAfterLoadingAndPredictAsAlone) {
  auto data = testing::MakeToyData(300, 7);
  std::vector<std::string> urgency;  // a second field on the same texts
  for (size_t i = 0; i < data.texts.size(); ++i) {
    urgency.push_back(i % 3 == 0 ? "high" : "low");
  }
  HeadOptions options;
  options.use_fasttext = false;
  options.featurizer = FitSharedFeaturizer(data.texts, options.tfidf);
  auto group = TrainHead("group", data.texts, data.labels, options);
  auto level = TrainHead("urgency", data.texts, urgency, options);
  ASSERT_TRUE(group.ok() && level.ok());
  EXPECT_EQ(&(*group)->featurizer(), &(*level)->featurizer());
  ModelBundle shared;
  shared.AddHead(std::move(group).value());
  shared.AddHead(std::move(level).value());
  const std::string path = (dir_ / "shared.atm").string();
  ASSERT_TRUE(shared.Save(path).ok());
  auto loaded = ModelBundle::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Head* g = loaded->head("group");
  const Head* u = loaded->head("urgency");
  // One vocabulary in memory, recognised by its fingerprint.
  EXPECT_EQ(&g->featurizer(), &u->featurizer());
  // The heads trained on their own fit parts have their own vocabularies.
  auto separate = ModelBundle::Load(path_);
  ASSERT_TRUE(separate.ok());
  EXPECT_NE(separate->head("group")->featurizer().fingerprint(), g->featurizer().fingerprint());

  PredictionScratch scratch;
  for (const std::string text : {"vpn router down again", "password locked out", "", "x"}) {
    scratch.Reset();
    for (const Head* head : {g, u, g}) {
      const Prediction alone = head->Predict(text, 2, 5);
      const Prediction reused = head->Predict(text, 2, 5, &scratch);
      ASSERT_EQ(alone.top.size(), reused.top.size()) << text;
      for (size_t i = 0; i < alone.top.size(); ++i) {
        EXPECT_EQ(alone.top[i].label, reused.top[i].label);
        EXPECT_DOUBLE_EQ(alone.top[i].probability, reused.top[i].probability);
      }
      EXPECT_EQ(alone.abstain, reused.abstain);
      ASSERT_EQ(alone.explanation.size(), reused.explanation.size()) << text;
      for (size_t i = 0; i < alone.explanation.size(); ++i) {
        EXPECT_EQ(alone.explanation[i].feature, reused.explanation[i].feature);
        EXPECT_DOUBLE_EQ(alone.explanation[i].weight, reused.explanation[i].weight);
      }
    }
  }
  // A different head after a text change must not see the previous text's features.
  scratch.Reset();
  const Prediction first = g->Predict("vpn router down again", 2, 5, &scratch);
  const Prediction second = u->Predict("password locked out", 2, 5, &scratch);
  const Prediction expected = u->Predict("password locked out", 2, 5);
  EXPECT_EQ(second.top[0].label, expected.top[0].label);
  EXPECT_DOUBLE_EQ(second.top[0].probability, expected.top[0].probability);
  (void)first;
}

}  // namespace
}  // namespace autotriage
