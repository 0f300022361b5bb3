#include "autotriage/knowledge/stemmer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace autotriage {
namespace {

using ::testing::ElementsAre;

TEST(StemmerTest, EnglishInflectionsShareAStem) {
  EXPECT_THAT(StemText("Connecting CONNECTIONS connected", "en"),
              ElementsAre("connect", "connect", "connect"));
}

TEST(StemmerTest, GermanStemsFoldUmlautsAndSharpS) {
  EXPECT_THAT(StemText("Häuser Haus Drucker Druckers Straße", "de"),
              ElementsAre("haus", "haus", "druck", "druck", "strass"));
}

TEST(StemmerTest, CodesAndNumbersAreKeptWhole) {
  EXPECT_THAT(StemText("error 0x80070005 in v2.3.1 with c++", "en"),
              ElementsAre("error", "0x80070005", "in", "v2.3.1", "with", "c++"));
}

TEST(StemmerTest, UnknownLanguageGivesTokensOnly) {
  EXPECT_FALSE(HasStemmer("xx"));
  EXPECT_FALSE(HasStemmer(""));
  EXPECT_TRUE(HasStemmer("en"));
  EXPECT_TRUE(HasStemmer("de"));
  EXPECT_THAT(StemText("Connecting printers", "xx"), ElementsAre("connecting", "printers"));
}

TEST(StemmerTest, EmptyAndPunctuationOnlyTextGiveNoStems) {
  EXPECT_TRUE(StemText("", "en").empty());
  EXPECT_TRUE(StemText(" ... !!! ", "de").empty());
}

TEST(StemmerTest, SafeFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 2000; ++i) {
        const bool german = (i + t) % 2 == 0;
        const auto stems = german ? StemText("Verbindungen Drucker", "de")
                                  : StemText("connections printers", "en");
        const std::vector<std::string> expected =
            german ? std::vector<std::string>{"verbind", "druck"}
                   : std::vector<std::string>{"connect", "printer"};
        wrong[t] += stems == expected ? 0 : 1;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_THAT(wrong, ElementsAre(0, 0, 0, 0));
}

}  // namespace
}  // namespace autotriage
