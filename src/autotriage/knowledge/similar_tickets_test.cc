#include "autotriage/knowledge/similar_tickets.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace autotriage {
namespace {

HistoryTicket Resolved(std::string id, std::string text, std::string label,
                       std::string resolution = "", std::string language = "") {
  HistoryTicket t;
  t.id = std::move(id);
  t.subject = "subject of " + t.id;
  t.text = std::move(text);
  t.label = std::move(label);
  t.resolution = std::move(resolution);
  t.language = std::move(language);
  return t;
}

std::vector<HistoryTicket> ItHistory() {
  return {
      Resolved("1", "Printer on floor 3 prints blank pages after toner change", "Hardware",
               "Replaced the toner cartridge seal."),
      Resolved("2", "VPN connection drops every ten minutes when working from home", "Network",
               "Updated the VPN client to 5.1."),
      Resolved("3", "Cannot log in to Outlook, password expired", "Access",
               "Reset the password in AD."),
      Resolved("4", "Laptop battery does not charge any more", "Hardware",
               "Battery replaced under warranty."),
      Resolved("5", "Need access to the finance shared drive", "Access",
               "Added user to the finance group."),
      Resolved("6", "Printer jams on every print job, paper stuck", "Hardware",
               "Cleaned the rollers."),
  };
}

std::vector<std::string> Ids(const std::vector<SimilarHit>& hits) {
  std::vector<std::string> ids;
  for (const SimilarHit& h : hits) {
    ids.push_back(h.id);
  }
  return ids;
}

TEST(SimilarTicketsTest, FindsTheNearestTicketWithItsResolution) {
  auto index = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  ASSERT_EQ(index->size(), 6u);
  const auto hits = index->Find("my VPN connection keeps dropping at home", 3);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, "2");
  EXPECT_EQ(hits[0].label, "Network");
  EXPECT_EQ(hits[0].subject, "subject of 2");
  EXPECT_EQ(hits[0].resolution, "Updated the VPN client to 5.1.");
  EXPECT_GT(hits[0].score, 0.2);
  EXPECT_LE(hits[0].score, 1.0);
}

TEST(SimilarTicketsTest, StemmingMatchesInflectedForms) {
  // "prints"/"printing" and "pages"/"page" only meet after stemming.
  auto index = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  const auto hits = index->Find("printing a blank page", 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, "1");
}

TEST(SimilarTicketsTest, IdenticalTextScoresOneAndRanksFirst) {
  auto index = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  const auto hits = index->Find("Laptop battery does not charge any more", 6);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, "4");
  EXPECT_NEAR(hits[0].score, 1.0, 1e-4);
  for (size_t i = 1; i < hits.size(); ++i) {
    EXPECT_LE(hits[i].score, hits[i - 1].score);
  }
}

TEST(SimilarTicketsTest, PreferredLabelIsRankedFirstScaledByConfidence) {
  // Ticket 1 (Hardware) shares more with the query than ticket 5 (Access).
  auto index = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  const std::string query = "printer prints blank pages after toner change; need access";
  const auto plain = index->Find(query, 6);
  ASSERT_GE(plain.size(), 2u);
  EXPECT_EQ(plain[0].id, "1");

  const auto boosted = index->Find(query, 6, "Access", 0.9);
  ASSERT_EQ(boosted.size(), plain.size());
  EXPECT_EQ(boosted[0].label, "Access");
  EXPECT_EQ(boosted[0].id, "5");
  // The reported score stays the cosine: the boost only changes the order.
  for (const SimilarHit& b : boosted) {
    for (const SimilarHit& p : plain) {
      if (p.id == b.id) {
        EXPECT_DOUBLE_EQ(p.score, b.score);
      }
    }
  }
  // Zero confidence is no preference at all; an unknown label changes nothing either.
  EXPECT_EQ(Ids(index->Find(query, 6, "Access", 0.0)), Ids(plain));
  EXPECT_EQ(Ids(index->Find(query, 6, "NoSuchQueue", 1.0)), Ids(plain));
}

TEST(SimilarTicketsTest, MinScoreDropsWeakNeighbours) {
  SimilarOptions strict;
  strict.min_score = 0.5;
  auto loose_index = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  auto strict_index = SimilarTickets::Build(ItHistory(), strict);
  const std::string query = "printer jams, paper stuck, also the laptop battery";
  const auto loose = loose_index->Find(query, 6);
  const auto tight = strict_index->Find(query, 6);
  ASSERT_GE(loose.size(), 2u);
  EXPECT_LT(tight.size(), loose.size());
  for (const SimilarHit& h : tight) {
    EXPECT_GE(h.score, 0.5);
  }
  bool loose_has_weak = false;
  for (const SimilarHit& h : loose) {
    loose_has_weak = loose_has_weak || h.score < 0.5;
  }
  EXPECT_TRUE(loose_has_weak);
}

TEST(SimilarTicketsTest, RespectsK) {
  auto index = SimilarTickets::Build(ItHistory(), SimilarOptions{.min_score = 0.0});
  EXPECT_EQ(index->Find("printer", 1).size(), 1u);
  EXPECT_TRUE(index->Find("printer", 0).empty());
  EXPECT_TRUE(index->Find("printer", -3).empty());
}

TEST(SimilarTicketsTest, EmptyHistoryAndEmptyQueryGiveNothing) {
  auto empty = SimilarTickets::Build({}, SimilarOptions{});
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_TRUE(empty->Find("printer broken", 5).empty());

  auto index = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  EXPECT_TRUE(index->Find("", 5).empty());
  EXPECT_TRUE(index->Find("   \n\t ", 5).empty());
  EXPECT_TRUE(index->Find("zzqx unknownword", 5).empty());
}

TEST(SimilarTicketsTest, GermanTextIsStemmedAsGerman) {
  std::vector<HistoryTicket> history = {
      Resolved("de1", "Der Drucker im zweiten Stock druckt nur leere Seiten", "Hardware",
               "Toner getauscht.", "de"),
      Resolved("de2", "Ich kann mich nicht am VPN anmelden", "Access", "Zertifikat erneuert.",
               "de"),
      Resolved("en1", "The printer prints streaks", "Hardware", "Drum cleaned.", "en"),
  };
  auto index = SimilarTickets::Build(std::move(history), SimilarOptions{});
  // "Druckers"/"Drucker" and "Seite"/"Seiten" meet only through the German stemmer; the query's
  // language is guessed from its function words.
  const auto hits = index->Find("Das Problem mit dem Druckers: jede Seite ist leer", 2);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, "de1");
  EXPECT_EQ(hits[0].resolution, "Toner getauscht.");
}

TEST(SimilarTicketsTest, HtmlInTheQueryIsReadAsText) {
  auto index = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  const auto hits = index->Find("<p>Outlook <b>password</b> expired&nbsp;again</p>", 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, "3");
}

TEST(SimilarTicketsTest, LongResolutionIsShortenedAtAWordBoundary) {
  std::string resolution;
  for (int i = 0; i < 80; ++i) {
    resolution += "Step " + std::to_string(i) + " reinstall the driver\n";
  }
  std::vector<HistoryTicket> history = {
      Resolved("1", "scanner driver broken", "Hardware", resolution)};
  auto index = SimilarTickets::Build(std::move(history), SimilarOptions{});
  const auto hits = index->Find("scanner driver", 1);
  ASSERT_EQ(hits.size(), 1u);
  const std::string& shortened = hits[0].resolution;
  EXPECT_LE(shortened.size(), 300u);
  EXPECT_GT(shortened.size(), 200u);
  EXPECT_EQ(shortened.rfind("…"), shortened.size() - std::string("…").size());
  EXPECT_EQ(shortened.find('\n'), std::string::npos);  // line breaks collapsed for display
  EXPECT_EQ(shortened.rfind("Step 0 reinstall", 0), 0u);
}

TEST(SimilarTicketsTest, MaxQueryTermsBoundsTheLookupButKeepsTheRareMatch) {
  SimilarOptions few;
  few.max_query_terms = 1;
  auto index = SimilarTickets::Build(ItHistory(), few);
  // Only the rarest term ("outlook", in one ticket) is looked up.
  const auto hits = index->Find("printer printer outlook", 6);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, "3");
  // The score is still the exact cosine over all query terms, as with an unbounded lookup.
  auto full = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  for (const SimilarHit& h : full->Find("printer printer outlook", 6)) {
    if (h.id == "3") {
      EXPECT_NEAR(h.score, hits[0].score, 1e-6);
    }
  }
}

TEST(SimilarTicketsTest, FindIsSafeFromManyThreads) {
  auto index = SimilarTickets::Build(ItHistory(), SimilarOptions{});
  const auto expected = Ids(index->Find("printer jams paper", 3));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (Ids(index->Find("printer jams paper", 3)) != expected) {
          ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int m : mismatches) {
    EXPECT_EQ(m, 0);
  }
}

}  // namespace
}  // namespace autotriage
