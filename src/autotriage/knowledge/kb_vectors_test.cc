// KbIndex's dense vectors: they find related words, repeat exactly, and stay out of the score
// when their weight is 0.
#include <gtest/gtest.h>

#include <cstdint>

#include "autotriage/knowledge/kb_index.h"

namespace autotriage {
namespace {

KbDocument Doc(std::string id, std::string title, std::string body) {
  KbDocument d;
  d.id = std::move(id);
  d.source = "test";
  d.title = std::move(title);
  d.body_text = std::move(body);
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

// Five topics; each article uses a few of its topic's words, the extra corpus (ticket-like lines
// drawn with a fixed generator) uses all of them. "wifi" is in no article, so bm25 finds nothing
// and a hit must come from the word vectors.
const std::vector<std::vector<std::string>>& Topics() {
  static const std::vector<std::vector<std::string>> topics = {
      {"wifi", "wireless", "signal", "network", "adapter", "antenna", "router", "hotspot"},
      {"printer", "toner", "paper", "jam", "cartridge", "tray", "duplex", "scanner"},
      {"password", "login", "account", "locked", "expired", "reset", "credentials", "portal"},
      {"outlook", "mailbox", "calendar", "inbox", "attachment", "signature", "exchange", "folder"},
      {"laptop", "battery", "charger", "screen", "keyboard", "docking", "monitor", "usb"}};
  return topics;
}

std::vector<KbDocument> TopicKb() {
  const char* ids[] = {"net", "print", "pass", "mail", "hw"};
  std::vector<KbDocument> docs;
  for (size_t t = 0; t < Topics().size(); ++t) {
    const auto& words = Topics()[t];
    docs.push_back(
        Doc(ids[t], words[1] + " " + words[2], words[3] + " " + words[4] + " " + words[5]));
  }
  return docs;
}

std::vector<std::string> TopicCorpus() {
  std::vector<std::string> corpus;
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7fff;
  };
  for (int i = 0; i < 2000; ++i) {
    const auto& words = Topics()[i % Topics().size()];
    std::string line;
    for (int w = 0; w < 8; ++w) {
      line += words[next() % words.size()] + " ";
      if (next() % 4 == 0) {
        line += "issue help ";
      }
    }
    corpus.push_back(line);
  }
  return corpus;
}

TEST(KbVectorsTest, DenseVectorsFindRelatedWordsAndRepeat) {
  // The defaults give the vectors no weight and drop hits without a shared word (the relevance
  // floor); this test is about the vectors, so it turns both on.
  KbIndexOptions options;
  options.dense_weight = 0.3;
  options.min_relevance = 0;
  std::vector<double> first_scores;
  for (int run = 0; run < 2; ++run) {
    auto index = OpenOrDie(":memory:", options);
    ASSERT_TRUE(index->Upsert(TopicKb()).ok());
    EXPECT_TRUE(SearchOrDie(*index, "wifi").empty());
    ASSERT_TRUE(index->BuildVectors(TopicCorpus()).ok());
    std::vector<KbHit> hits = SearchOrDie(*index, "wifi");
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].id, "net");
    EXPECT_EQ(hits[0].bm25_score, 0);
    EXPECT_GT(hits[0].dense_score, 0.3);
    std::vector<double> scores;
    for (const KbHit& hit : hits) {
      scores.push_back(hit.dense_score);
    }
    if (run == 0) {
      first_scores = scores;
    } else {
      EXPECT_EQ(scores, first_scores);  // one thread, fixed seed: the same vectors every time
    }
    // A document added after training gets a vector from the stored word vectors.
    ASSERT_TRUE(index->Upsert({Doc("late", "Hotspot broken", "router hotspot")}).ok());
    bool late_has_vector = false;
    for (const KbHit& hit : SearchOrDie(*index, "wifi", 5)) {
      late_has_vector |= hit.id == "late" && hit.dense_score > 0;
    }
    EXPECT_TRUE(late_has_vector);
  }
}

TEST(KbVectorsTest, HybridWithoutDenseWeightIsBm25Only) {
  KbIndexOptions options;
  options.dense_weight = 0;
  auto index = OpenOrDie(":memory:", options);
  ASSERT_TRUE(index->Upsert(TopicKb()).ok());
  ASSERT_TRUE(index->BuildVectors(TopicCorpus()).ok());
  EXPECT_TRUE(SearchOrDie(*index, "wifi").empty());
  std::vector<KbHit> hits = SearchOrDie(*index, "wireless");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].score, hits[0].bm25_score);
}

TEST(KbVectorsTest, OneDocumentKeepsNoVectors) {
  auto index = OpenOrDie(":memory:");
  ASSERT_TRUE(index->Upsert({Doc("net", "Wireless network drops", "signal adapter")}).ok());
  ASSERT_TRUE(index->BuildVectors(TopicCorpus()).ok());
  std::vector<KbHit> hits = SearchOrDie(*index, "wireless");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].dense_score, 0);
  EXPECT_TRUE(SearchOrDie(*index, "wifi").empty());
}

}  // namespace
}  // namespace autotriage
