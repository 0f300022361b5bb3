#include "autotriage/knowledge/kb_eval.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace autotriage {
namespace {

using ::testing::HasSubstr;

class KbEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kb_eval_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << content;
    return path;
  }

  std::filesystem::path dir_;
};

KbDocument Doc(std::string id, std::string title, std::string body) {
  KbDocument d;
  d.id = std::move(id);
  d.source = "test";
  d.title = std::move(title);
  d.body_text = std::move(body);
  return d;
}

TEST_F(KbEvalTest, ColdAndHistoryFoldsWithoutTouchingTheFile) {
  const std::string index_path = (dir_ / "kb.db").string();
  {
    Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(index_path, {});
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE((*index)
                    ->Upsert({Doc("vpn", "VPN tunnel drops", "Reinstall the client."),
                              Doc("printer", "Printer jam", "Open the tray."),
                              Doc("mail", "Outlook sync", "Rebuild the profile.")})
                    .ok());
  }
  // Two queries use the article's words; the "token" queries use a word only tickets use.
  const std::string queries = Write("q.jsonl",
                                    "{\"query\": \"vpn tunnel\", \"relevant\": [\"vpn\"]}\n"
                                    "{\"query\": \"hardware token\", \"relevant\": [\"vpn\"]}\n"
                                    "\n"
                                    "{\"query\": \"token blinking\", \"relevant\": [\"vpn\"]}\n"
                                    "{\"query\": \"paper jam\", \"relevant\": [\"printer\"]}\n");
  Result<std::vector<KbEvalQuery>> loaded = LoadKbEvalQueries(queries);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->size(), 4u);

  Result<KbEvalResult> cold = EvaluateKb(index_path, *loaded, 0);
  ASSERT_TRUE(cold.ok()) << cold.status().ToString();
  EXPECT_EQ(cold->mode, "cold");
  EXPECT_EQ(cold->queries, 4);
  EXPECT_EQ(cold->documents, 3);
  EXPECT_DOUBLE_EQ(cold->p_at_1, 0.5);
  EXPECT_DOUBLE_EQ(cold->mrr, 0.5);
  EXPECT_DOUBLE_EQ(cold->recall_at_3, 0.5);
  EXPECT_GT(cold->latency_p99_ms, 0);
  EXPECT_GE(cold->latency_p99_ms, cold->latency_p50_ms);

  // Folds of 2: "token blinking" (fold 0) learns from "hardware token" (fold 1) and back.
  Result<KbEvalResult> history = EvaluateKb(index_path, *loaded, 2);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ(history->mode, "history-folds-2");
  EXPECT_DOUBLE_EQ(history->p_at_1, 1.0);

  Result<std::unique_ptr<KbIndex>> reopened = KbIndex::Open(index_path, {});
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->Search("token", 3)->empty());  // the file has no linked text
  EXPECT_EQ(EvaluateKb(index_path, *loaded, 1).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KbEvalTest, MissingRelevantIdsAreCounted) {
  const std::string index_path = (dir_ / "kb.db").string();
  {
    Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(index_path, {});
    ASSERT_TRUE((*index)->Upsert({Doc("vpn", "VPN tunnel drops", "Reinstall.")}).ok());
  }
  std::vector<KbEvalQuery> queries = {{"vpn", {"vpn"}}, {"printer", {"gone"}}};
  Result<KbEvalResult> result = EvaluateKb(index_path, queries, 0);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->relevant_missing, 1);
  EXPECT_DOUBLE_EQ(result->p_at_1, 0.5);
}

TEST_F(KbEvalTest, MalformedQueriesNameTheLine) {
  const std::string bad =
      Write("bad.jsonl", "{\"query\": \"ok\", \"relevant\": [\"a\"]}\nnot json\n");
  Result<std::vector<KbEvalQuery>> loaded = LoadKbEvalQueries(bad);
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.status().message(), HasSubstr("bad.jsonl:2"));
  loaded = LoadKbEvalQueries(Write("norel.jsonl", "{\"query\": \"ok\", \"relevant\": []}\n"));
  EXPECT_THAT(loaded.status().message(), HasSubstr("\"relevant\""));
  EXPECT_EQ(LoadKbEvalQueries(Write("empty.jsonl", "")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadKbEvalQueries((dir_ / "missing.jsonl").string()).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(EvaluateKb((dir_ / "missing.db").string(), {{"q", {"a"}}}, 0).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace autotriage
