#include "autotriage/knowledge/kb_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

namespace autotriage {
namespace {

using ::testing::HasSubstr;

KbDocument Doc(std::string id, std::string title, std::string body, std::string language = "") {
  KbDocument d;
  d.id = std::move(id);
  d.source = "test";
  d.title = std::move(title);
  d.body_text = std::move(body);
  d.url = "https://kb.example.com/" + d.id;
  d.language = std::move(language);
  return d;
}

std::unique_ptr<KbIndex> OpenOrDie(const std::string& path, KbIndexOptions options = {}) {
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(path, options);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? std::move(index.value()) : nullptr;
}

std::vector<KbHit> SearchOrDie(const KbIndex& index, std::string_view query, int k = 3) {
  Result<std::vector<KbHit>> hits = index.Search(query, k);
  EXPECT_TRUE(hits.ok()) << hits.status().ToString();
  return hits.ok() ? hits.value() : std::vector<KbHit>();
}

std::vector<KbDocument> SmallKb() {
  return {Doc("vpn", "VPN client disconnects every few minutes",
              "When the VPN tunnel drops, reinstall the client and check the certificate."),
          Doc("printer", "Printer shows paper jam",
              "Open tray two, remove the paper, restart the printer. Also check the vpn? no."),
          Doc("password", "Reset your password",
              "Use the self-service portal to reset a forgotten password and unlock the account."),
          Doc("mail", "Outlook does not sync mail",
              "Rebuild the Outlook profile when mail stays in the outbox and does not sync.")};
}

class KbIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kb_index_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string PathFor(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(KbIndexTest, EmptyIndexAndEmptyQueriesGiveNoHits) {
  auto index = OpenOrDie(":memory:");
  EXPECT_TRUE(SearchOrDie(*index, "vpn").empty());
  EXPECT_EQ(index->Count().value(), 0);
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  EXPECT_TRUE(SearchOrDie(*index, "").empty());
  EXPECT_TRUE(SearchOrDie(*index, "  ?!  ").empty());
  EXPECT_TRUE(SearchOrDie(*index, "the and of is").empty());  // stop words only
  EXPECT_TRUE(SearchOrDie(*index, "vpn", 0).empty());
  EXPECT_TRUE(index->BuildVectors({}).ok());
}

TEST_F(KbIndexTest, FindsByStemAndReturnsIdTitleUrlSnippetScore) {
  auto index = OpenOrDie(":memory:");
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  std::vector<KbHit> hits = SearchOrDie(*index, "My passwords were forgotten, resetting?");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, "password");
  EXPECT_EQ(hits[0].title, "Reset your password");
  EXPECT_EQ(hits[0].url, "https://kb.example.com/password");
  EXPECT_THAT(hits[0].snippet, HasSubstr("forgotten password"));
  EXPECT_DOUBLE_EQ(hits[0].bm25_score, 1.0);
  EXPECT_GT(hits[0].score, 0);
  for (size_t i = 1; i < hits.size(); ++i) {
    EXPECT_LE(hits[i].score, hits[i - 1].score);
  }
}

TEST_F(KbIndexTest, TitleMatchBeatsBodyMatch) {
  auto index = OpenOrDie(":memory:");
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  // "vpn" is in the title of one article and in the body of another (twice in the first).
  std::vector<KbHit> hits = SearchOrDie(*index, "vpn");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, "vpn");
  EXPECT_EQ(hits[1].id, "printer");
}

TEST_F(KbIndexTest, TitleWeightDecidesBetweenTitleAndBodyMatches) {
  // One article has the word once in its title, the other twice in its body; equal lengths.
  std::vector<KbDocument> docs = {
      Doc("title", "Tunnel guide", "remote access notes for staff members at home today"),
      Doc("body", "Remote access", "tunnel tunnel setup notes for staff members at home"),
      Doc("a", "Printer", "paper"),
      Doc("b", "Mail", "outlook"),
      Doc("c", "Laptop", "battery"),
      Doc("d", "Phone", "headset"),
      Doc("e", "Badge", "door")};
  auto weighted = OpenOrDie(":memory:");
  ASSERT_TRUE(weighted->Upsert(docs).ok());
  EXPECT_EQ(SearchOrDie(*weighted, "tunnel")[0].id, "title");
  KbIndexOptions flat;
  flat.title_weight = 1;
  auto flat_index = OpenOrDie(":memory:", flat);
  ASSERT_TRUE(flat_index->Upsert(docs).ok());
  EXPECT_EQ(SearchOrDie(*flat_index, "tunnel")[0].id, "body");
}

TEST_F(KbIndexTest, LinkedTextFromResolvedTicketsHelpsAndCanBeCleared) {
  auto index = OpenOrDie(":memory:");
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  // Users call it "token" — a word no article uses.
  EXPECT_TRUE(SearchOrDie(*index, "hardware token blinking red").empty());
  ASSERT_TRUE(index->AddLinkedText("vpn", "My hardware token is blinking red").ok());
  std::vector<KbHit> hits = SearchOrDie(*index, "hardware token blinking red");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, "vpn");
  // Updating the article keeps the linked evidence.
  ASSERT_TRUE(index->Upsert({Doc("vpn", "VPN drops", "Reinstall the client.")}).ok());
  ASSERT_FALSE(SearchOrDie(*index, "token").empty());
  EXPECT_EQ(index->AddLinkedText("nope", "x").code(), StatusCode::kNotFound);
  ASSERT_TRUE(index->ClearLinkedText().ok());
  EXPECT_TRUE(SearchOrDie(*index, "hardware token blinking red").empty());
}

TEST_F(KbIndexTest, GermanArticlesAreStemmedAsGerman) {
  auto index = OpenOrDie(":memory:");
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  ASSERT_TRUE(index
                  ->Upsert({Doc("drucker", "Drucker druckt nicht",
                                "Der Drucker im Büro druckt keine Seiten.", "de")})
                  .ok());
  std::vector<KbHit> hits = SearchOrDie(*index, "Unser Druckers im Büro");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, "drucker");
}

TEST_F(KbIndexTest, UpsertRemoveListContains) {
  auto index = OpenOrDie(":memory:");
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  KbDocument other = Doc("b-other", "Other source", "text");
  other.source = "other";
  other.updated_at = 42;
  other.content_hash = "h1";
  ASSERT_TRUE(index->Upsert({other}).ok());
  EXPECT_EQ(index->Count().value(), 5);
  Result<std::vector<KbDocumentInfo>> listed = index->List("test");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].id, "mail");  // sorted by id
  EXPECT_EQ((*listed)[3].id, "vpn");
  listed = index->List("");
  ASSERT_EQ(listed->size(), 5u);
  EXPECT_EQ((*listed)[0].id, "b-other");
  EXPECT_EQ((*listed)[0].updated_at, 42);
  EXPECT_EQ((*listed)[0].content_hash, "h1");

  ASSERT_TRUE(index->Upsert({Doc("mail", "Mail stuck in outbox", "Restart Outlook.")}).ok());
  EXPECT_EQ(index->Count().value(), 5);
  EXPECT_EQ(SearchOrDie(*index, "outbox")[0].title, "Mail stuck in outbox");
  EXPECT_TRUE(SearchOrDie(*index, "profile rebuild").empty());

  ASSERT_TRUE(index->Remove("mail").ok());
  ASSERT_TRUE(index->Remove("mail").ok());  // absent: fine
  EXPECT_FALSE(index->Contains("mail").value());
  EXPECT_TRUE(index->Contains("vpn").value());
  EXPECT_TRUE(SearchOrDie(*index, "outbox").empty());
  EXPECT_EQ(index->Count().value(), 4);
}

TEST_F(KbIndexTest, InvalidBatchWritesNothing) {
  auto index = OpenOrDie(":memory:");
  std::vector<KbDocument> batch = SmallKb();
  batch.push_back(Doc("untitled", "", "body"));
  Status status = index->Upsert(batch);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("document 4"));
  EXPECT_THAT(status.message(), HasSubstr("no title"));
  batch.back() = Doc("", "A title", "body");
  EXPECT_THAT(index->Upsert(batch).message(), HasSubstr("no id"));
  EXPECT_EQ(index->Count().value(), 0);
}

TEST_F(KbIndexTest, HugeArticleIsIndexedUpToTheCapAndStaysSearchable) {
  std::string body = "zebracorn appears first. ";
  while (body.size() < 5 * 1024 * 1024) {
    body += "filler words about nothing in particular, line after line. ";
  }
  body += " unicornium only at the very end";
  auto index = OpenOrDie(PathFor("kb.db"));
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  ASSERT_TRUE(index->Upsert({Doc("huge", "A very long article", body)}).ok());
  std::vector<KbHit> hits = SearchOrDie(*index, "zebracorn");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, "huge");
  EXPECT_LE(hits[0].snippet.size(), 260u);
  EXPECT_THAT(hits[0].snippet, HasSubstr("zebracorn"));
  EXPECT_TRUE(SearchOrDie(*index, "unicornium").empty());  // past max_body_bytes
  EXPECT_EQ(SearchOrDie(*index, "password")[0].id, "password");
  EXPECT_LT(std::filesystem::file_size(PathFor("kb.db")), 4u * 1024 * 1024);
}

TEST_F(KbIndexTest, SnippetIsCutAroundTheMatchFromTheOriginalText) {
  std::string body;
  for (int i = 0; i < 40; ++i) {
    body += "Unrelated sentence number " + std::to_string(i) + " says nothing. ";
  }
  body += "To fix it, Clear The Browser Cache and sign in again. ";
  for (int i = 0; i < 40; ++i) {
    body += "More padding " + std::to_string(i) + ". ";
  }
  auto index = OpenOrDie(":memory:");
  ASSERT_TRUE(index->Upsert({Doc("cache", "Portal login loops", body)}).ok());
  std::vector<KbHit> hits = SearchOrDie(*index, "clearing cached data");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_THAT(hits[0].snippet, HasSubstr("Clear The Browser Cache"));  // original case
  EXPECT_EQ(hits[0].snippet.rfind("… ", 0), 0u);
  EXPECT_LE(hits[0].snippet.size(), 210u);
}

TEST_F(KbIndexTest, ReopenedFileKeepsDocumentsAndVectors) {
  const std::string path = PathFor("kb.db");
  {
    auto index = OpenOrDie(path);
    ASSERT_TRUE(index->Upsert(SmallKb()).ok());
    ASSERT_TRUE(index->BuildVectors({}).ok());
  }
  auto index = OpenOrDie(path);
  EXPECT_EQ(index->Count().value(), 4);
  std::vector<KbHit> hits = SearchOrDie(*index, "outlook mail");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, "mail");
  EXPECT_NE(hits[0].dense_score, 0);
}

TEST_F(KbIndexTest, NotAnIndexIsCorruption) {
  const std::string garbage = PathFor("garbage.db");
  std::ofstream(garbage) << std::string(4096, 'x');
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(garbage, {});
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(index.status().message(), HasSubstr(garbage));

  const std::string other = PathFor("other.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  index = KbIndex::Open(other, {});
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(index.status().message(), HasSubstr("not a KB index"));
  EXPECT_EQ(KbIndex::OpenInMemoryCopy(garbage, {}).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(KbIndex::OpenInMemoryCopy(PathFor("missing.db"), {}).status().code(),
            StatusCode::kNotFound);
}

TEST_F(KbIndexTest, NewerFormatIsRefused) {
  const std::string path = PathFor("kb.db");
  { OpenOrDie(path); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'format'", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(path, {});
  EXPECT_EQ(index.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(index.status().message(), HasSubstr("format 99"));
}

TEST_F(KbIndexTest, InMemoryCopyLeavesTheFileAlone) {
  const std::string path = PathFor("kb.db");
  { ASSERT_TRUE(OpenOrDie(path)->Upsert(SmallKb()).ok()); }
  Result<std::unique_ptr<KbIndex>> copy = KbIndex::OpenInMemoryCopy(path, {});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  ASSERT_TRUE((*copy)->AddLinkedText("vpn", "hardware token").ok());
  ASSERT_TRUE((*copy)->Remove("mail").ok());
  EXPECT_EQ(SearchOrDie(**copy, "token")[0].id, "vpn");
  auto file = OpenOrDie(path);
  EXPECT_TRUE(SearchOrDie(*file, "token").empty());
  EXPECT_TRUE(file->Contains("mail").value());
}

void SearchConcurrently(KbIndex* index) {
  std::atomic<int> wrong{0};
  std::thread writer([&] {
    for (int i = 0; i < 50; ++i) {
      EXPECT_TRUE(index
                      ->Upsert({Doc("extra" + std::to_string(i), "Extra article",
                                    "about keyboards " + std::to_string(i))})
                      .ok());
    }
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const bool vpn = (i + t) % 2 == 0;
        Result<std::vector<KbHit>> hits =
            index->Search(vpn ? "vpn tunnel drops" : "forgotten password", 3);
        if (!hits.ok() || hits->empty() || (*hits)[0].id != (vpn ? "vpn" : "password")) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& reader : readers) {
    reader.join();
  }
  writer.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(index->Count().value(), 54);
}

TEST_F(KbIndexTest, ConcurrentSearchesOnAFileIndex) {
  auto index = OpenOrDie(PathFor("kb.db"));
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  ASSERT_TRUE(index->BuildVectors({}).ok());
  SearchConcurrently(index.get());
}

TEST_F(KbIndexTest, ConcurrentSearchesInMemory) {
  auto index = OpenOrDie(":memory:");
  ASSERT_TRUE(index->Upsert(SmallKb()).ok());
  SearchConcurrently(index.get());
}

}  // namespace
}  // namespace autotriage
