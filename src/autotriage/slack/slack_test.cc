// The approval card: Block Kit shape, escaping of everything a ticket supplies, Slack's limits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "autotriage/slack/slack.h"
#include "autotriage/slack/slack_text.h"

namespace autotriage {
namespace {

using nlohmann::json;

// Text a hostile requester could put in a ticket: a channel mention, a disguised link, a user
// mention, formatting and an HTML script tag.
const char kHostile[] =
    "<!channel> <http://evil.example|click> <@U123> *bold* <script>x</script> &";

ApprovalCard SampleCard() {
  ApprovalCard card;
  card.ticket_id = "4711";
  card.ticket_version = "1717171717";
  card.subject = "VPN drops every hour";
  card.queue = "Network";
  card.summary = "The VPN client disconnects hourly since the update.";
  card.changes = {{"category", "General", "Network / VPN", 0.874, {"vpn", "tunnel", "disconnect"}},
                  {"priority", "", "High", 0.61, {}}};
  card.articles = {{"KB-1", "Reset the VPN client", "https://kb.example.com/1"},
                   {"KB-2", "Tunnel timeouts", "https://kb.example.com/2"},
                   {"KB-3", "Client logs", ""},
                   {"KB-4", "Fourth article", "https://kb.example.com/4"}};
  card.similar = {{"4100", "VPN disconnects after update", "https://helpdesk.example.com/t/4100"}};
  card.assignees = {"alice: resolved 12 similar tickets"};
  card.review_url = "https://triage.example.com/approvals/4711";
  return card;
}

json Build(const ApprovalCard& card) {
  const std::string text = BuildCardMessage(card);
  json message = json::parse(text, nullptr, false);
  EXPECT_FALSE(message.is_discarded()) << text;
  return message;
}

// Every string value under "text" keys (and the top-level fallback), recursively.
void CollectTexts(const json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "text" && it.value().is_string()) {
        out.push_back(it.value().get<std::string>());
      } else {
        CollectTexts(it.value(), out);
      }
    }
  } else if (node.is_array()) {
    for (const json& item : node) {
      CollectTexts(item, out);
    }
  }
}

std::vector<json> BlocksOfType(const json& message, const std::string& type) {
  std::vector<json> out;
  for (const json& block : message["blocks"]) {
    if (block["type"] == type) {
      out.push_back(block);
    }
  }
  return out;
}

std::string AllText(const json& message) {
  std::vector<std::string> texts;
  CollectTexts(message, texts);
  std::string all;
  for (const std::string& text : texts) {
    all += text + "\n";
  }
  return all;
}

TEST(SlackEscapeTest, EscapesTheThreeControlCharacters) {
  EXPECT_EQ(SlackEscape("a & b < c > d"), "a &amp; b &lt; c &gt; d");
  EXPECT_EQ(SlackEscape("<!channel>"), "&lt;!channel&gt;");
  EXPECT_EQ(SlackEscape("plain *text* ü"), "plain *text* ü");
}

TEST(SlackCardTest, PendingCardHasApproveAndRejectButtonsCarryingTheVersion) {
  const json message = Build(SampleCard());
  const std::vector<json> actions = BlocksOfType(message, "actions");
  ASSERT_EQ(actions.size(), 1u);
  const json& elements = actions[0]["elements"];
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_EQ(elements[0]["action_id"], "approve");
  EXPECT_EQ(elements[0]["style"], "primary");
  EXPECT_EQ(elements[0]["value"], "4711|1717171717");
  EXPECT_EQ(elements[1]["action_id"], "reject");
  EXPECT_EQ(elements[1]["style"], "danger");
  EXPECT_EQ(elements[1]["value"], "4711|1717171717");
  EXPECT_EQ(message["blocks"].back()["type"], "actions");
}

TEST(SlackCardTest, DecidedCardHasNoButtonsButTheOutcome) {
  ApprovalCard card = SampleCard();
  card.decided = "Approved by user:alice <!here>";
  const json message = Build(card);
  EXPECT_TRUE(BlocksOfType(message, "actions").empty());
  const json& last = message["blocks"].back();
  EXPECT_EQ(last["type"], "section");
  EXPECT_EQ(last["text"]["text"], "Approved by user:alice &lt;!here&gt;");
  EXPECT_NE(message["text"].get<std::string>().find("Approved by user:alice"), std::string::npos);
}

TEST(SlackCardTest, ShowsTheDiffWithConfidenceAndDecidingWords) {
  const json message = Build(SampleCard());
  const std::string all = AllText(message);
  EXPECT_NE(all.find("*category*: General → Network / VPN (confidence 87%)\n"
                     "Deciding words: vpn, tunnel, disconnect"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("*priority*: _(empty)_ → High (confidence 61%)"), std::string::npos) << all;
  EXPECT_NE(all.find("VPN drops every hour"), std::string::npos);
  EXPECT_NE(all.find("The VPN client disconnects hourly"), std::string::npos);
  EXPECT_NE(all.find("alice: resolved 12 similar tickets"), std::string::npos);
  EXPECT_NE(all.find("Approval needed: ticket 4711"), std::string::npos);
}

TEST(SlackCardTest, KnowledgeShowsTopThreeAndLinksOnlyHttpUrls) {
  ApprovalCard card = SampleCard();
  card.articles[1].url = "javascript:alert(1)";
  card.articles[0].title = "Reset | the <client>";
  const std::string all = AllText(Build(card));
  EXPECT_NE(all.find("<https://kb.example.com/1|Reset | the &lt;client&gt;>"), std::string::npos)
      << all;
  EXPECT_EQ(all.find("javascript:"), std::string::npos);
  EXPECT_NE(all.find("• Tunnel timeouts"), std::string::npos);
  EXPECT_NE(all.find("• Client logs"), std::string::npos);
  EXPECT_EQ(all.find("Fourth article"), std::string::npos);
  EXPECT_NE(all.find("<https://helpdesk.example.com/t/4100|#4100 VPN disconnects after update>"),
            std::string::npos);
}

TEST(SlackCardTest, ContextLineHasQueueAndDashboardLink) {
  const std::vector<json> contexts = BlocksOfType(Build(SampleCard()), "context");
  ASSERT_FALSE(contexts.empty());
  EXPECT_EQ(contexts.back()["elements"][0]["text"],
            "Queue: Network  ·  <https://triage.example.com/approvals/4711|Open in dashboard>");
}

TEST(SlackCardTest, EscalatedCardCarriesAWarning) {
  ApprovalCard card = SampleCard();
  EXPECT_EQ(AllText(Build(card)).find(":warning:"), std::string::npos);
  card.escalated = true;
  const std::vector<json> contexts = BlocksOfType(Build(card), "context");
  ASSERT_GE(contexts.size(), 2u);
  EXPECT_NE(contexts[0]["elements"][0]["text"].get<std::string>().find(":warning: *Escalated*"),
            std::string::npos);
}

TEST(SlackCardTest, TicketTextCanNeitherMentionNorLinkInAnyField) {
  ApprovalCard card;
  card.ticket_id = kHostile;
  card.ticket_version = "1";
  card.subject = kHostile;
  card.queue = kHostile;
  card.summary = kHostile;
  card.changes = {{kHostile, kHostile, kHostile, 0.5, {kHostile, kHostile}}};
  card.articles = {{kHostile, kHostile, "https://kb.example.com/a"}, {kHostile, kHostile, ""}};
  card.similar = {{kHostile, kHostile, kHostile}};
  card.assignees = {kHostile};
  card.review_url = "https://triage.example.com/r";
  for (const bool decided : {false, true}) {
    card.decided = decided ? kHostile : "";
    card.escalated = decided;
    std::vector<std::string> texts;
    CollectTexts(Build(card), texts);
    ASSERT_GT(texts.size(), 8u);
    for (const std::string& text : texts) {
      EXPECT_EQ(text.find("<!"), std::string::npos) << text;
      EXPECT_EQ(text.find("<@"), std::string::npos) << text;
      EXPECT_EQ(text.find("<http://evil"), std::string::npos) << text;
      EXPECT_EQ(text.find("<script"), std::string::npos) << text;
      // Every '<' left opens one of our own links to a configured http(s) URL.
      for (size_t at = text.find('<'); at != std::string::npos; at = text.find('<', at + 1)) {
        const std::string rest = text.substr(at);
        EXPECT_TRUE(rest.rfind("<https://kb.example.com/a|", 0) == 0 ||
                    rest.rfind("<https://triage.example.com/r|", 0) == 0)
            << text;
      }
    }
    EXPECT_NE(AllText(Build(card)).find("&lt;!channel&gt; &lt;http://evil.example|click&gt;"),
              std::string::npos);
  }
}

TEST(SlackCardTest, RespectsSlackLimitsForHugeTickets) {
  ApprovalCard card = SampleCard();
  card.subject = std::string(5000, 'S');
  card.summary = std::string(10000, '&');  // escapes to 5 characters each
  card.changes.clear();
  for (int i = 0; i < 120; ++i) {
    card.changes.push_back({"field" + std::to_string(i),
                            std::string(3000, 'o'),
                            std::string(3000, 'n'),
                            0.9,
                            {std::string(500, 'w')}});
  }
  for (int i = 0; i < 50; ++i) {
    card.assignees.push_back(std::string(1000, 'a'));
  }
  card.ticket_id = std::string(400, '9');
  const json message = Build(card);
  EXPECT_LE(message["blocks"].size(), 50u);
  for (const json& block : message["blocks"]) {
    if (block["type"] == "header") {
      EXPECT_LE(CountSlackChars(block["text"]["text"]), 150u);
    }
    if (block.contains("text") && block["type"] == "section") {
      const std::string text = block["text"]["text"];
      EXPECT_LE(CountSlackChars(text), 3000u);
    }
    if (block.contains("fields")) {
      EXPECT_LE(block["fields"].size(), 10u);
      for (const json& field : block["fields"]) {
        EXPECT_LE(CountSlackChars(field["text"]), 2000u);
      }
    }
  }
  const std::string all = AllText(message);
  EXPECT_NE(all.find("…"), std::string::npos);
  EXPECT_NE(all.find("90 more proposed changes"), std::string::npos) << "30 of 120 are shown";
  // Clipping never leaves half an entity behind.
  EXPECT_EQ(all.find("&am…"), std::string::npos);
  EXPECT_EQ(all.find("&a…"), std::string::npos);
  EXPECT_EQ(all.find("&…"), std::string::npos);
}

TEST(SlackCardTest, InvalidUtf8InATicketStillGivesValidJson) {
  ApprovalCard card = SampleCard();
  card.subject = "broken \xC3\x28 bytes \xFF";
  const json message = json::parse(BuildCardMessage(card), nullptr, false);
  EXPECT_FALSE(message.is_discarded());
}

TEST(SlackTextTest, ClipCountsCharactersAndKeepsEntitiesAndLinksWhole) {
  EXPECT_EQ(ClipSlackText("short", 10), "short");
  EXPECT_EQ(ClipSlackText("äöüäöü", 4), "äöü…");
  EXPECT_EQ(ClipSlackText("ab&amp;cd", 5), "ab…");
  EXPECT_EQ(ClipSlackText("x <https://a.example|link> y", 10), "x …");
  EXPECT_EQ(CountSlackChars(ClipSlackText(std::string(100, 'z'), 7)), 7u);
}

TEST(SlackTextTest, OnlySafeHttpUrlsBecomeLinks) {
  EXPECT_TRUE(IsSafeLinkUrl("https://kb.example.com/a?b=1&c=2"));
  EXPECT_TRUE(IsSafeLinkUrl("HTTP://kb.example.com"));
  EXPECT_FALSE(IsSafeLinkUrl("javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkUrl("ftp://kb.example.com"));
  EXPECT_FALSE(IsSafeLinkUrl("https://"));
  EXPECT_FALSE(IsSafeLinkUrl("https://a.example/x|<!channel>"));
  EXPECT_FALSE(IsSafeLinkUrl("https://a.example/x>y"));
  EXPECT_FALSE(IsSafeLinkUrl("https://a.example/x y"));
  EXPECT_FALSE(IsSafeLinkUrl("https://a.example/\n"));
  EXPECT_FALSE(IsSafeLinkUrl(""));
}

}  // namespace
}  // namespace autotriage
