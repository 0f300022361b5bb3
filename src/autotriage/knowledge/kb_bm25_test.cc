#include "autotriage/knowledge/kb_bm25.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace autotriage::kb_internal {
namespace {

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    words.push_back(word);
  }
  return words;
}

std::vector<int64_t> Ranking(const Bm25fPostings& postings, const std::string& query,
                             const Bm25fParams& params = {}, size_t limit = 10) {
  std::vector<int64_t> rowids;
  for (const ScoredDocument& scored : postings.Top(Words(query), params, limit)) {
    rowids.push_back(scored.rowid);
  }
  return rowids;
}

double ScoreOf(const Bm25fPostings& postings, const std::string& query, int64_t rowid,
               const Bm25fParams& params = {}) {
  for (const ScoredDocument& scored : postings.Top(Words(query), params, 100)) {
    if (scored.rowid == rowid) {
      return scored.score;
    }
  }
  return 0;
}

TEST(Bm25fTest, EmptyIndexScoresNothing) {
  Bm25fPostings postings;
  EXPECT_EQ(postings.documents(), 0u);
  EXPECT_TRUE(postings.Top({"vpn"}, {}, 10).empty());
  EXPECT_EQ(postings.QueryWeight({"vpn"}), 0);
  EXPECT_EQ(postings.Idf("vpn"), 0);
}

TEST(Bm25fTest, UnknownTermsAndZeroLimitScoreNothing) {
  Bm25fPostings postings;
  postings.SetDocument(1, Words("vpn client"), Words("tunnel drops"));
  EXPECT_TRUE(postings.Top({"printer", "toner"}, {}, 10).empty());
  EXPECT_TRUE(postings.Top({"vpn"}, {}, 0).empty());
  EXPECT_TRUE(postings.Top({}, {}, 10).empty());
  // An unknown term next to a known one changes nothing.
  EXPECT_DOUBLE_EQ(ScoreOf(postings, "vpn", 1), ScoreOf(postings, "vpn toner", 1));
}

TEST(Bm25fTest, ScoreMatchesTheFormulaForOneField) {
  // Two documents, body only: doc 1 has "vpn" twice in 4 terms, doc 2 has no "vpn" in 2 terms.
  Bm25fPostings postings;
  postings.SetDocument(1, {}, Words("vpn vpn tunnel drops"));
  postings.SetDocument(2, {}, Words("printer jam"));
  Bm25fParams params;
  params.k1 = 1.5;
  params.b = {0.75, 0.5, 0.75};
  const double idf = std::log(1.0 + (2 - 1 + 0.5) / (1 + 0.5));
  const double norm = 1 - 0.5 + 0.5 * 4 / 3.0;  // average body length (4 + 2) / 2 = 3
  const double tf = 2 / norm;
  EXPECT_NEAR(ScoreOf(postings, "vpn", 1, params), idf * tf / (1.5 + tf), 1e-12);
  EXPECT_NEAR(postings.Idf("vpn"), idf, 1e-12);
}

TEST(Bm25fTest, RarerTermsWeighMore) {
  Bm25fPostings postings;
  postings.SetDocument(1, {}, Words("password reset portal"));
  postings.SetDocument(2, {}, Words("password expiry policy"));
  postings.SetDocument(3, {}, Words("password manager sync"));
  postings.SetDocument(4, {}, Words("printer reset button"));
  EXPECT_GT(postings.Idf("portal"), postings.Idf("reset"));
  EXPECT_GT(postings.Idf("reset"), postings.Idf("password"));
  EXPECT_EQ(postings.DocumentFrequency("password"), 3u);
  // Doc 1 holds the rare "portal" and "password"; docs 2 and 3 only the common "password".
  EXPECT_EQ(Ranking(postings, "portal password").front(), 1);
  EXPECT_EQ(Ranking(postings, "reset password").front(), 1);  // both terms beat one
}

TEST(Bm25fTest, MoreOccurrencesRankHigherButSaturate) {
  Bm25fPostings postings;
  postings.SetDocument(1, {}, Words("wifi drops wifi drops wifi drops"));
  postings.SetDocument(2, {}, Words("wifi drops office floor three now"));
  postings.SetDocument(3, {}, Words("printer toner empty again"));
  EXPECT_EQ(Ranking(postings, "wifi"), (std::vector<int64_t>{1, 2}));
  Bm25fParams low;
  low.k1 = 0.1;  // nearly binary: counts hardly matter
  Bm25fParams high;
  high.k1 = 10;
  const double low_ratio = ScoreOf(postings, "wifi", 1, low) / ScoreOf(postings, "wifi", 2, low);
  const double high_ratio = ScoreOf(postings, "wifi", 1, high) / ScoreOf(postings, "wifi", 2, high);
  EXPECT_LT(low_ratio, 1.1);
  EXPECT_GT(high_ratio, 2.0);
}

TEST(Bm25fTest, FieldWeightsDecideBetweenTitleAndBody) {
  Bm25fPostings postings;
  postings.SetDocument(1, Words("tunnel guide"), Words("remote access notes staff home"));
  postings.SetDocument(2, Words("remote access"), Words("tunnel tunnel setup notes staff"));
  postings.SetDocument(3, Words("printer"), Words("paper"));
  Bm25fParams title_heavy;
  title_heavy.weight = {5, 1, 1};
  EXPECT_EQ(Ranking(postings, "tunnel", title_heavy).front(), 1);
  Bm25fParams flat;
  flat.weight = {1, 1, 1};
  EXPECT_EQ(Ranking(postings, "tunnel", flat).front(), 2);
  Bm25fParams title_off;
  title_off.weight = {0, 1, 1};
  EXPECT_EQ(Ranking(postings, "guide", title_off), std::vector<int64_t>{});
}

TEST(Bm25fTest, LengthNormalisationFollowsB) {
  Bm25fPostings postings;
  postings.SetDocument(1, {}, Words("vpn"));
  postings.SetDocument(2, {}, Words("vpn a b c d e f g h i j k l m n o p q r s"));
  Bm25fParams none;
  none.b = {0, 0, 0};
  EXPECT_DOUBLE_EQ(ScoreOf(postings, "vpn", 1, none), ScoreOf(postings, "vpn", 2, none));
  Bm25fParams full;
  full.b = {1, 1, 1};
  EXPECT_GT(ScoreOf(postings, "vpn", 1, full), ScoreOf(postings, "vpn", 2, full));
}

TEST(Bm25fTest, LinkedTextCountsAndClears) {
  Bm25fPostings postings;
  postings.SetDocument(1, Words("token reset"), Words("hardware key"));
  postings.SetDocument(2, Words("printer"), Words("paper jam"));
  EXPECT_TRUE(Ranking(postings, "yubikey").empty());
  postings.AddLinked(2, Words("yubikey blinking yubikey"));
  postings.AddLinked(99, Words("yubikey"));  // not in the index: ignored
  EXPECT_EQ(Ranking(postings, "yubikey"), std::vector<int64_t>{2});
  Bm25fParams linked_off;
  linked_off.weight = {1, 1, 0};
  EXPECT_TRUE(Ranking(postings, "yubikey", linked_off).empty());
  // Re-setting title and body keeps the linked text; clearing drops it.
  postings.SetDocument(2, Words("printer offline"), Words("cable"));
  EXPECT_EQ(Ranking(postings, "yubikey"), std::vector<int64_t>{2});
  EXPECT_TRUE(Ranking(postings, "jam").empty());
  postings.ClearLinked();
  EXPECT_TRUE(Ranking(postings, "yubikey").empty());
  EXPECT_EQ(postings.DocumentFrequency("yubikey"), 0u);
  EXPECT_EQ(Ranking(postings, "offline"), std::vector<int64_t>{2});
}

TEST(Bm25fTest, RemoveAndReuseSlots) {
  Bm25fPostings postings;
  postings.SetDocument(10, Words("vpn"), Words("tunnel"));
  postings.SetDocument(20, Words("mail"), Words("outlook"));
  postings.RemoveDocument(10);
  postings.RemoveDocument(10);  // absent: nothing happens
  EXPECT_EQ(postings.documents(), 1u);
  EXPECT_TRUE(Ranking(postings, "vpn tunnel").empty());
  postings.SetDocument(30, Words("printer"), Words("toner"));  // takes the freed slot
  EXPECT_EQ(Ranking(postings, "toner"), std::vector<int64_t>{30});
  EXPECT_EQ(Ranking(postings, "mail"), std::vector<int64_t>{20});
  EXPECT_EQ(postings.documents(), 2u);
}

TEST(Bm25fTest, TopIsSortedAndCutWithTiesByRowid) {
  Bm25fPostings postings;
  for (int64_t rowid : {5, 3, 4, 1, 2}) {
    postings.SetDocument(rowid, {}, Words("same words here"));
  }
  EXPECT_EQ(Ranking(postings, "same", {}, 3), (std::vector<int64_t>{1, 2, 3}));
}

TEST(Bm25fTest, QueryWeightCapsAtTheMostInformativeTerms) {
  Bm25fPostings postings;
  postings.SetDocument(1, {}, Words("alpha common"));
  postings.SetDocument(2, {}, Words("beta common"));
  postings.SetDocument(3, {}, Words("gamma common"));
  // An unknown term weighs like a term of one document.
  EXPECT_DOUBLE_EQ(postings.QueryWeight({"unknown"}), postings.QueryWeight({"alpha"}));
  EXPECT_DOUBLE_EQ(postings.QueryWeight({"alpha", "common"}),
                   postings.Idf("alpha") + postings.Idf("common"));
  std::vector<std::string> long_query;
  for (size_t i = 0; i < kRelevanceTerms + 5; ++i) {
    long_query.push_back("rare" + std::to_string(i));
  }
  long_query.push_back("common");
  EXPECT_DOUBLE_EQ(postings.QueryWeight(long_query),
                   static_cast<double>(kRelevanceTerms) * postings.Idf("alpha"));
}

TEST(Bm25fTest, EvidenceCountsWeightedWordsWithoutLengthNormalisation) {
  Bm25fPostings postings;
  postings.SetDocument(1, {}, Words("vpn"));
  postings.SetDocument(2, {}, Words("vpn a b c d e f g h i j k l m n o p q r s"));
  postings.SetDocument(3, Words("vpn"), Words("tunnel"));
  postings.SetDocument(4, {}, Words("printer"));
  Bm25fParams params;
  params.weight = {15, 1, 1};
  const double idf = postings.Idf("vpn");
  for (const ScoredDocument& scored : postings.Top({"vpn"}, params, 10)) {
    // Once in a body, short or long: 1 / (3 + 1); once in a title of weight 15: 15 / (3 + 15).
    const double expected = scored.rowid == 3 ? idf * 15 / (kEvidenceSaturation + 15)
                                              : idf * 1 / (kEvidenceSaturation + 1);
    EXPECT_NEAR(scored.evidence, expected, 1e-12) << scored.rowid;
    // Evidence never reaches the term's idf, so evidence / QueryWeight stays below 1.
    EXPECT_LT(scored.evidence, postings.QueryWeight({"vpn"}));
  }
  // The ranking score does normalise by length: the short body beats the long one.
  EXPECT_EQ(Ranking(postings, "vpn", params), (std::vector<int64_t>{3, 1, 2}));
}

TEST(Bm25fTest, ParamsAreValidated) {
  EXPECT_TRUE(ValidateBm25fParams({}).ok());
  Bm25fParams bad;
  bad.k1 = 0;
  EXPECT_NE(ValidateBm25fParams(bad).message().find("k1"), std::string::npos);
  bad = {};
  bad.b[kBodyField] = 1.5;
  EXPECT_NE(ValidateBm25fParams(bad).message().find("body b"), std::string::npos);
  bad = {};
  bad.weight[kTitleField] = -1;
  EXPECT_NE(ValidateBm25fParams(bad).message().find("title weight"), std::string::npos);
  bad = {};
  bad.weight = {0, 0, 0};
  EXPECT_FALSE(ValidateBm25fParams(bad).ok());
}

}  // namespace
}  // namespace autotriage::kb_internal
