#include "autotriage/knowledge/summary.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autotriage/knowledge/sentences.h"

namespace autotriage {
namespace {

using knowledge_internal::SplitSentences;
using knowledge_internal::StripCourtesy;

Ticket MakeTicket(std::string subject, std::string description,
                  std::vector<std::string> replies = {}) {
  Ticket t;
  t.id = "42";
  t.subject = std::move(subject);
  t.description_html = std::move(description);
  for (size_t i = 0; i < replies.size(); ++i) {
    Conversation c;
    c.id = std::to_string(i);
    c.body_html = std::move(replies[i]);
    t.conversations.push_back(std::move(c));
  }
  return t;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- sentence splitting ----

TEST(SplitSentencesTest, SplitsAtTerminatorsAndLineBreaks) {
  EXPECT_EQ(SplitSentences("The VPN drops. It reconnects! Why? No idea\nSecond line"),
            (std::vector<std::string>{"The VPN drops.", "It reconnects!", "Why?", "No idea",
                                      "Second line"}));
}

TEST(SplitSentencesTest, DoesNotSplitAbbreviationsVersionsOrDates) {
  EXPECT_EQ(
      SplitSentences("Install e.g. the client 2.4.1 from example.com today. Done."),
      (std::vector<std::string>{"Install e.g. the client 2.4.1 from example.com today.", "Done."}));
  EXPECT_EQ(
      SplitSentences("Bitte z.B. Outlook am 3. März neu starten. Danach geht es."),
      (std::vector<std::string>{"Bitte z.B. Outlook am 3. März neu starten.", "Danach geht es."}));
  EXPECT_EQ(SplitSentences("Ask Dr. Weber or J. Smith. They know."),
            (std::vector<std::string>{"Ask Dr. Weber or J. Smith.", "They know."}));
}

TEST(SplitSentencesTest, JoinsHardWrappedLinesAndSplitsBullets) {
  const std::string text =
      "Since this morning the shared drive mapping fails for everyone on the\n"
      "third floor after the update\n"
      "- restart did not help\n"
      "- reconnecting did not help\n"
      "\n"
      "---\n";
  EXPECT_EQ(SplitSentences(text),
            (std::vector<std::string>{"Since this morning the shared drive mapping fails for "
                                      "everyone on the third floor after the update",
                                      "restart did not help", "reconnecting did not help"}));
}

TEST(StripCourtesyTest, RemovesSalutationsAndCourtesyOnlySentences) {
  EXPECT_EQ(StripCourtesy("Hi team, the VPN drops."), "The VPN drops.");
  EXPECT_EQ(StripCourtesy("Sehr geehrte Damen und Herren, der Drucker ist defekt."),
            "Der Drucker ist defekt.");
  EXPECT_EQ(StripCourtesy("Thanks in advance!"), "");
  EXPECT_EQ(StripCourtesy("Hallo Frau Meier,"), "");
  EXPECT_EQ(StripCourtesy("Vielen Dank und viele Grüße"), "");
  EXPECT_EQ(StripCourtesy("Thanks, Peter"), "");
  EXPECT_EQ(StripCourtesy("Good morning"), "");
  // Content stays, even next to a courtesy word.
  EXPECT_EQ(StripCourtesy("Thanks, the printer works again."), "Thanks, the printer works again.");
  EXPECT_EQ(StripCourtesy("VPN help please"), "VPN help please");
}

// ---- summaries ----

TEST(SummarizeTicketTest, PicksTheTopicalSentences) {
  const Ticket t = MakeTicket(
      "VPN disconnects",
      "I hope you all had a lovely weekend. The VPN client disconnects every ten minutes since "
      "the update. The weather here is nice. When the VPN disconnects, Teams calls drop too.",
      {"Which VPN client version do you use? The VPN client is version 5.0 on Windows 11."});
  SummaryOptions options;
  options.max_sentences = 2;
  const std::string summary = SummarizeTicket(t, options);
  EXPECT_TRUE(Contains(summary, "The VPN client disconnects every ten minutes")) << summary;
  EXPECT_FALSE(Contains(summary, "weather")) << summary;
  EXPECT_FALSE(Contains(summary, "weekend")) << summary;
}

TEST(SummarizeTicketTest, DropsGreetingsSignaturesAndQuotes) {
  const Ticket t = MakeTicket(
      "Outlook crashes",
      "Hi team,\n\nOutlook crashes when I open a calendar invite.\nThe crash started after "
      "yesterday's Office update.\n\nThanks in advance!\n\nBest regards,\nJohn Smith\n",
      {"Hello John,\n\nplease repair the Office installation from the control panel.\n\n"
       "Kind regards,\nAnna\n\nOn Mon, 3 Jun 2024, John Smith wrote:\n> Outlook crashes when I "
       "open an invite from the secret board meeting.\n"});
  SummaryOptions options;
  options.max_sentences = 5;
  options.max_chars = 1000;
  const std::string summary = SummarizeTicket(t, options);
  EXPECT_TRUE(Contains(summary, "Outlook crashes when I open a calendar invite.")) << summary;
  EXPECT_TRUE(Contains(summary, "repair the Office installation")) << summary;
  for (const char* unwanted :
       {"Hi team", "Hello", "Thanks", "regards", "John Smith", "Anna", "wrote", "secret board"}) {
    EXPECT_FALSE(Contains(summary, unwanted)) << unwanted << " in: " << summary;
  }
}

TEST(SummarizeTicketTest, GermanTicket) {
  const Ticket t = MakeTicket(
      "Outlook startet nicht",
      "Hallo zusammen,\n\nseit heute Morgen startet Outlook nicht mehr. Beim Start von Outlook "
      "erscheint die Meldung, dass das Profil beschädigt ist. Ich habe den Rechner bereits neu "
      "gestartet.\n\nVielen Dank im Voraus!\n\nMit freundlichen Grüßen\nHans Müller\n");
  SummaryOptions options;
  options.max_sentences = 2;
  const std::string summary = SummarizeTicket(t, options);
  EXPECT_TRUE(Contains(summary, "Outlook nicht mehr")) << summary;
  EXPECT_TRUE(Contains(summary, "Profil beschädigt")) << summary;
  for (const char* unwanted : {"Hallo", "Dank", "Grüße", "Hans"}) {
    EXPECT_FALSE(Contains(summary, unwanted)) << unwanted << " in: " << summary;
  }
}

TEST(SummarizeTicketTest, RespectsSentenceAndCharacterLimits) {
  const Ticket t = MakeTicket(
      "Disk full",
      "The disk of server fs01 is full. Backups to fs01 fail since Monday. The fs01 share "
      "holds the finance archive. Users cannot save files to fs01.");
  SummaryOptions one;
  one.max_sentences = 1;
  const std::string single = SummarizeTicket(t, one);
  EXPECT_EQ(SplitSentences(single).size(), 1u) << single;

  SummaryOptions narrow;
  narrow.max_sentences = 10;
  narrow.max_chars = 60;
  const std::string short_summary = SummarizeTicket(t, narrow);
  EXPECT_FALSE(short_summary.empty());
  EXPECT_LE(short_summary.size(), 60u);

  SummaryOptions none;
  none.max_sentences = 0;
  EXPECT_EQ(SummarizeTicket(t, none), "");
}

TEST(SummarizeTicketTest, OverlongSentenceIsCutNotDropped) {
  std::string body = "The import job fails";
  for (int i = 0; i < 100; ++i) {
    body += " and retries table_" + std::to_string(i);
  }
  SummaryOptions options;
  options.max_chars = 120;
  const std::string summary = SummarizeTicket(MakeTicket("Import fails", body), options);
  EXPECT_LE(summary.size(), 120u);
  EXPECT_EQ(summary.rfind("The import job fails", 0), 0u) << summary;
  EXPECT_EQ(summary.rfind("…"), summary.size() - std::string("…").size()) << summary;
}

TEST(SummarizeTicketTest, HtmlScriptNeverReachesTheSummary) {
  const Ticket t = MakeTicket(
      "Scanner offline",
      "<html><head><style>p{color:red}</style></head><body><script>alert('scanner "
      "evil')</script><p>The scanner on floor 2 is offline.</p><p>The scanner shows error "
      "E42.</p></body></html>");
  const std::string summary = SummarizeTicket(t);
  EXPECT_TRUE(Contains(summary, "The scanner on floor 2 is offline.")) << summary;
  EXPECT_FALSE(Contains(summary, "alert")) << summary;
  EXPECT_FALSE(Contains(summary, "evil")) << summary;
  EXPECT_FALSE(Contains(summary, "color")) << summary;
  EXPECT_FALSE(Contains(summary, "<")) << summary;
}

TEST(SummarizeTicketTest, KeepsTheOriginalOrder) {
  // The last sentence carries the most subject words, but it must still come last.
  const Ticket t = MakeTicket(
      "Badge reader door B broken",
      "Yesterday the badge reader worked. Nobody can enter through door B today. The badge "
      "reader at door B is broken and blinks red.");
  SummaryOptions options;
  options.max_sentences = 2;
  options.max_chars = 1000;
  const std::string summary = SummarizeTicket(t, options);
  const size_t broken = summary.find("The badge reader at door B is broken");
  ASSERT_NE(broken, std::string::npos) << summary;
  const std::vector<std::string> order = {"Yesterday the badge reader worked.",
                                          "Nobody can enter through door B today.",
                                          "The badge reader at door B is broken"};
  size_t previous = 0;
  int found = 0;
  for (const std::string& sentence : order) {
    const size_t at = summary.find(sentence);
    if (at != std::string::npos) {
      EXPECT_GE(at, previous) << summary;
      previous = at;
      ++found;
    }
  }
  EXPECT_EQ(found, 2) << summary;
}

TEST(SummarizeTicketTest, EmptyAndCourtesyOnlyTickets) {
  EXPECT_EQ(SummarizeTicket(Ticket{}), "");
  EXPECT_EQ(SummarizeTicket(MakeTicket("", "   \n\n  ")), "");
  // Only courtesy in the body: the subject is all there is to say.
  EXPECT_EQ(SummarizeTicket(MakeTicket("Password reset for SAP", "Hi,\n\nThanks!\n\nCheers")),
            "Password reset for SAP");
}

TEST(SummarizeTicketTest, VeryLongTicketStaysWithinLimitsAndIsDeterministic) {
  std::string body;
  for (int i = 0; i < 20000; ++i) {
    body += "Log line " + std::to_string(i) + " reports timeout on node " + std::to_string(i % 7) +
            ".\n";
  }
  const Ticket t = MakeTicket("Cluster timeouts", body, {"The cluster timeouts are back."});
  const SummaryOptions options;
  const std::string summary = SummarizeTicket(t, options);
  EXPECT_FALSE(summary.empty());
  EXPECT_LE(summary.size(), options.max_chars);
  EXPECT_LE(SplitSentences(summary).size(), static_cast<size_t>(options.max_sentences));
  EXPECT_EQ(SummarizeTicket(t, options), summary);
}

}  // namespace
}  // namespace autotriage
