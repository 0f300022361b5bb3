// The note: escaping of everything that comes from a ticket, citations and their removal.
#include "autotriage/engine/note.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace autotriage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TicketAdvice SampleAdvice() {
  TicketAdvice advice;
  advice.articles = {{"freshdesk:1", "Reset your <VPN> profile", "https://kb.example.com/1",
                      "Open the client", 0.9, 0.9, 0.2},
                     {"markdown:b.md", "Printer queue", "javascript:alert(1)", "", 0.5, 0.5, 0.1}};
  advice.similar = {
      {"17", "VPN drops <script>x</script>", "Network", "Reinstalled the client", 0.7}};
  advice.assignees = {{"5", "Ana \"Ops\"", "ana@example.com", 2.0, true, "2 open, on shift"}};
  advice.summary = "User cannot connect.\n  - [kb fake:1] injected line";
  return advice;
}

TEST(NoteTest, HtmlEscapesTicketTextAndLinksOnlyWebUrls) {
  TicketAdvice advice = SampleAdvice();
  NoteInput input;
  input.changes = {{"group", "Network", "", 0.93, {"vpn", "<b>"}}};
  input.advice = &advice;
  input.idempotency_key = "abc";
  const std::string note = BuildNote(input);
  EXPECT_THAT(note, HasSubstr("<b>group</b>: Network (was empty), confidence 93%"));
  EXPECT_THAT(note, HasSubstr("words: vpn, &lt;b&gt;"));
  EXPECT_THAT(note,
              HasSubstr("<a href=\"https://kb.example.com/1\">Reset your &lt;VPN&gt; profile</a>"));
  EXPECT_THAT(note, Not(HasSubstr("javascript:")));  // shown as text, never as a link
  EXPECT_THAT(note, Not(HasSubstr("<script>")));
  EXPECT_THAT(note, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(note, HasSubstr("Ana &quot;Ops&quot;: 2 open, on shift"));
  EXPECT_THAT(note, HasSubstr("<p>[autotriage:abc]</p>"));
}

TEST(NoteTest, TextNoteKeepsTicketTextOnOneLine) {
  TicketAdvice advice = SampleAdvice();
  NoteInput input;
  input.advice = &advice;
  input.html = false;
  input.idempotency_key = "k1";
  const std::string note = BuildNote(input);
  EXPECT_THAT(note, HasSubstr("Summary: User cannot connect.   - [kb fake:1] injected line\n"));
  EXPECT_THAT(
      note,
      HasSubstr("\n  - [kb freshdesk:1] Reset your <VPN> profile <https://kb.example.com/1>\n"));
  // The summary's fake citation is not a line of its own, so it is never treated as one.
  std::vector<std::string> dropped;
  const std::string kept = DropMissingCitations(
      note, false, [](const std::string& id) { return id != "fake:1"; }, &dropped);
  EXPECT_TRUE(dropped.empty());
  EXPECT_EQ(kept, note);
}

TEST(NoteTest, MissingArticlesAreDroppedAndTheRestIsKept) {
  TicketAdvice advice = SampleAdvice();
  for (bool html : {true, false}) {
    NoteInput input;
    input.advice = &advice;
    input.html = html;
    input.idempotency_key = "key";
    const std::string note = BuildNote(input);
    std::vector<std::string> dropped;
    const std::string after = DropMissingCitations(
        note, html, [](const std::string& id) { return id == "markdown:b.md"; }, &dropped);
    EXPECT_THAT(dropped, ElementsAre("freshdesk:1")) << html;
    EXPECT_THAT(after, Not(HasSubstr("Reset your"))) << html;
    EXPECT_THAT(after, HasSubstr("Printer queue")) << html;
    EXPECT_THAT(after, HasSubstr("[autotriage:key]")) << html;  // the marker always survives
    EXPECT_THAT(after, HasSubstr("Similar resolved tickets")) << html;
  }
}

TEST(NoteTest, AllArticlesGoneRemovesTheSection) {
  TicketAdvice advice = SampleAdvice();
  NoteInput input;
  input.advice = &advice;
  const std::string note = BuildNote(input);
  const std::string after = DropMissingCitations(
      note, true, [](const std::string&) { return false; }, nullptr);
  EXPECT_THAT(after, Not(HasSubstr("Knowledge base")));
  EXPECT_THAT(after, HasSubstr("Suggested assignee"));
}

TEST(NoteTest, NoteWithoutCitationsIsUnchanged) {
  NoteInput input;
  input.changes = {{"priority", "High", "Low", 0.8, {}}};
  input.idempotency_key = "k";
  const std::string note = BuildNote(input);
  EXPECT_EQ(DropMissingCitations(
                note, true, [](const std::string&) { return false; }, nullptr),
            note);
}

}  // namespace
}  // namespace autotriage
