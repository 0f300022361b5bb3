// KbIndex::Search beyond kb_index_test.cc: per-call options, their validation, the absolute
// relevance and the relevance floor.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/knowledge/kb_index.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;

KbDocument Doc(std::string id, std::string title, std::string body) {
  KbDocument d;
  d.id = std::move(id);
  d.source = "test";
  d.title = std::move(title);
  d.body_text = std::move(body);
  return d;
}

std::vector<KbDocument> SmallKb() {
  return {Doc("vpn", "VPN client disconnects every few minutes",
              "When the VPN tunnel drops, reinstall the client and check the certificate."),
          Doc("printer", "Printer shows paper jam",
              "Open tray two, remove the paper, restart the printer and check the rollers."),
          Doc("password", "Reset your password",
              "Use the self-service portal to reset a forgotten password and unlock the account."),
          Doc("mail", "Outlook does not sync mail",
              "Rebuild the Outlook profile when mail stays in the outbox and does not sync.")};
}

std::unique_ptr<KbIndex> OpenSmallKb(KbIndexOptions options = {}) {
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(":memory:", options);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  if (!index.ok()) {
    return nullptr;
  }
  EXPECT_TRUE((*index)->Upsert(SmallKb()).ok());
  return std::move(index.value());
}

KbSearchOptions NoFloor() {
  KbSearchOptions options;
  options.min_relevance = 0;
  return options;
}

// Shares one common word ("check") with two articles and nothing else.
constexpr const char* kUnrelated =
    "Could someone check whether the canteen lunch menu for the summer party next Friday "
    "includes vegetarian dishes and dessert?";

TEST(KbSearchTest, UnrelatedQueryGetsNoArticlesUnderTheDefaultFloor) {
  auto index = OpenSmallKb();
  ASSERT_NE(index, nullptr);
  EXPECT_GT(KbSearchOptions().min_relevance, 0);
  // Without the floor the shared word finds the least bad articles...
  Result<std::vector<KbHit>> unfloored = index->Search(kUnrelated, 3, NoFloor());
  ASSERT_TRUE(unfloored.ok());
  ASSERT_FALSE(unfloored->empty());
  for (const KbHit& hit : *unfloored) {
    EXPECT_LT(hit.relevance, KbSearchOptions().min_relevance) << hit.id;
  }
  // ...with it, none.
  Result<std::vector<KbHit>> floored = index->Search(kUnrelated, 3);
  ASSERT_TRUE(floored.ok());
  EXPECT_TRUE(floored->empty());
  // A ticket about an article still gets it, with a high relevance.
  Result<std::vector<KbHit>> related = index->Search("my vpn client disconnects all the time", 3);
  ASSERT_TRUE(related.ok());
  ASSERT_FALSE(related->empty());
  EXPECT_EQ((*related)[0].id, "vpn");
  EXPECT_GT((*related)[0].relevance, 0.3);
  EXPECT_LE((*related)[0].relevance, 1.0);
}

TEST(KbSearchTest, FloorDropsOnlyTheHitsBelowIt) {
  auto index = OpenSmallKb();
  ASSERT_NE(index, nullptr);
  Result<std::vector<KbHit>> all = index->Search("check the vpn tunnel", 4, NoFloor());
  ASSERT_TRUE(all.ok());
  ASSERT_GE(all->size(), 2u);  // vpn, and printer through "check"
  KbSearchOptions options = NoFloor();
  options.min_relevance = ((*all)[0].relevance + (*all)[1].relevance) / 2;
  Result<std::vector<KbHit>> floored = index->Search("check the vpn tunnel", 4, options);
  ASSERT_TRUE(floored.ok());
  ASSERT_EQ(floored->size(), 1u);
  EXPECT_EQ((*floored)[0].id, (*all)[0].id);
  EXPECT_EQ((*floored)[0].score, (*all)[0].score);
}

TEST(KbSearchTest, RelevanceIsAbsoluteAndScoreIsScaledByTheBestHit) {
  auto index = OpenSmallKb();
  ASSERT_NE(index, nullptr);
  // The same best article, once for a query that is all about it and once diluted with words
  // no article holds: the scaled bm25 stays 1, the relevance falls.
  Result<std::vector<KbHit>> focused = index->Search("outlook mail sync", 1, NoFloor());
  Result<std::vector<KbHit>> diluted = index->Search(
      "outlook mail sync broken since the migration weekend, colleagues in finance affected", 1,
      NoFloor());
  ASSERT_TRUE(focused.ok() && diluted.ok());
  ASSERT_EQ(focused->size(), 1u);
  ASSERT_EQ(diluted->size(), 1u);
  EXPECT_EQ((*focused)[0].id, "mail");
  EXPECT_EQ((*diluted)[0].id, "mail");
  EXPECT_DOUBLE_EQ((*focused)[0].bm25_score, 1.0);
  EXPECT_DOUBLE_EQ((*diluted)[0].bm25_score, 1.0);
  EXPECT_GT((*focused)[0].relevance, (*diluted)[0].relevance);
}

TEST(KbSearchTest, PerCallOptionsOverrideTheIndexDefaults) {
  // One article has the word in its title, the other twice in its body.
  std::vector<KbDocument> docs = {
      Doc("title", "Tunnel guide", "remote access notes for staff members at home today"),
      Doc("body", "Remote access", "tunnel tunnel setup notes for staff members at home"),
      Doc("a", "Printer", "paper"), Doc("b", "Mail", "outlook"), Doc("c", "Laptop", "battery")};
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(":memory:", {});
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE((*index)->Upsert(docs).ok());
  EXPECT_EQ((*index)->Search("tunnel", 1).value()[0].id, "title");
  KbSearchOptions flat = NoFloor();
  flat.title_weight = 1;
  EXPECT_EQ((*index)->Search("tunnel", 1, flat).value()[0].id, "body");
  KbSearchOptions title_only = NoFloor();
  title_only.body_weight = 0;
  Result<std::vector<KbHit>> hits = (*index)->Search("tunnel", 5, title_only);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "title");
}

TEST(KbSearchTest, InvalidOptionsAreRefusedByName) {
  auto index = OpenSmallKb();
  ASSERT_NE(index, nullptr);
  KbSearchOptions bad;
  bad.k1 = -1;
  Result<std::vector<KbHit>> hits = index->Search("vpn", 3, bad);
  EXPECT_EQ(hits.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(hits.status().message(), HasSubstr("k1"));
  bad = {};
  bad.body_b = 2;
  EXPECT_THAT(index->Search("vpn", 3, bad).status().message(), HasSubstr("body b"));
  bad = {};
  bad.min_relevance = -0.5;
  EXPECT_THAT(index->Search("vpn", 3, bad).status().message(), HasSubstr("min_relevance"));
  KbIndexOptions bad_index;
  bad_index.dense_weight = -1;
  Result<std::unique_ptr<KbIndex>> opened = KbIndex::Open(":memory:", bad_index);
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.status().message(), HasSubstr("dense_weight"));
}

TEST(KbSearchTest, RemovedAndUpdatedArticlesLeaveThePostings) {
  auto index = OpenSmallKb();
  ASSERT_NE(index, nullptr);
  ASSERT_TRUE(index->Remove("printer").ok());
  EXPECT_TRUE(index->Search("printer paper jam", 3, NoFloor())->empty());
  ASSERT_TRUE(index->Upsert({Doc("mail", "Calendar invites vanish", "Repair the calendar.")}).ok());
  EXPECT_TRUE(index->Search("outlook outbox", 3, NoFloor())->empty());
  Result<std::vector<KbHit>> hits = index->Search("calendar invites", 3);
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ((*hits)[0].id, "mail");
}

}  // namespace
}  // namespace autotriage
