#include "autotriage/knowledge/kb_sync.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A helpdesk with a knowledge base and nothing else.
class FakeKbHelpdesk : public Helpdesk {
 public:
  std::string kind() const override { return "freshdesk"; }
  HelpdeskCapabilities capabilities() const override {
    HelpdeskCapabilities c;
    c.knowledge_base = true;
    return c;
  }
  Result<TicketPage> FindTickets(const TicketQuery&) override { return Unimplemented("fake"); }
  Result<Ticket> GetTicket(const std::string&) override { return Unimplemented("fake"); }
  Result<Ticket> UpdateFields(const std::string&, const std::vector<FieldUpdate>&) override {
    return Unimplemented("fake");
  }
  Result<std::string> AddPrivateNote(const std::string&, const std::string&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<Group>> ListGroups() override { return Unimplemented("fake"); }
  Result<std::vector<Agent>> ListAgents() override { return Unimplemented("fake"); }
  Result<std::vector<FieldSchema>> GetFieldSchema() override { return Unimplemented("fake"); }
  Result<std::string> CreateProblem(const ProblemRecord&) override { return Unimplemented("fake"); }

  Result<std::vector<KbArticle>> ListKbArticles(bool include_unpublished) override {
    if (!error.ok()) {
      return error;
    }
    std::vector<KbArticle> out;
    for (const KbArticle& a : articles) {
      // Like a sloppy connector: also lets one unpublished article through when
      // leak_unpublished is set, to check that sync filters as well.
      if (a.published || include_unpublished || leak_unpublished) {
        out.push_back(a);
      }
    }
    return out;
  }

  std::vector<KbArticle> articles;
  Status error;
  bool leak_unpublished = false;
};

KbArticle Article(std::string id, std::string title, std::string body_html) {
  KbArticle a;
  a.id = std::move(id);
  a.title = std::move(title);
  a.body_html = std::move(body_html);
  a.url = "https://support.example.com/a/" + a.id;
  a.updated_at = 1700000000;
  return a;
}

std::unique_ptr<KbIndex> MemoryIndex() {
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(":memory:", {});
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return std::move(index.value());
}

std::vector<std::string> TopIds(const KbIndex& index, std::string_view query) {
  std::vector<std::string> ids;
  Result<std::vector<KbHit>> hits = index.Search(query, 3);
  EXPECT_TRUE(hits.ok()) << hits.status().ToString();
  for (const KbHit& hit : hits.value()) {
    ids.push_back(hit.id);
  }
  return ids;
}

TEST(KbSyncHelpdeskTest, IncrementalAddUpdateRemoveAndUnpublish) {
  FakeKbHelpdesk helpdesk;
  helpdesk.articles = {Article("1", "VPN drops", "<p>Reinstall the <b>VPN</b> client.</p>"),
                       Article("2", "Printer jam", "<p>Open the tray.</p>"),
                       Article("3", "Password reset", "<p>Use the portal.</p>"),
                       Article("4", "Mail sync", "<p>Rebuild the profile.</p>")};
  auto index = MemoryIndex();
  Result<KbSyncReport> report = SyncKbFromHelpdesk(helpdesk, index.get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->source, "freshdesk");
  EXPECT_EQ(report->added, 4);
  EXPECT_EQ(report->unchanged, 0);
  EXPECT_EQ(TopIds(*index, "vpn client"), std::vector<std::string>{"freshdesk:1"});

  report = SyncKbFromHelpdesk(helpdesk, index.get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->unchanged, 4);
  EXPECT_EQ(report->added + report->updated + report->removed, 0);

  helpdesk.articles[0].body_html = "<p>Update the certificate.</p>";  // updated
  helpdesk.articles[1].published = false;                             // unpublished
  helpdesk.articles.erase(helpdesk.articles.begin() + 2);             // deleted (3)
  helpdesk.articles.push_back(Article("5", "Teams audio", "<p>Pick the headset.</p>"));
  helpdesk.leak_unpublished = true;
  report = SyncKbFromHelpdesk(helpdesk, index.get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->added, 1);
  EXPECT_EQ(report->updated, 1);
  EXPECT_EQ(report->removed, 2);
  EXPECT_EQ(report->unchanged, 1);
  EXPECT_TRUE(TopIds(*index, "printer tray").empty());
  EXPECT_TRUE(TopIds(*index, "password portal").empty());
  EXPECT_FALSE(index->Contains("freshdesk:2").value());
  EXPECT_EQ(TopIds(*index, "certificate"), std::vector<std::string>{"freshdesk:1"});
  EXPECT_TRUE(TopIds(*index, "reinstall").empty());
  EXPECT_EQ(TopIds(*index, "headset"), std::vector<std::string>{"freshdesk:5"});
}

TEST(KbSyncHelpdeskTest, ScriptsInArticlesAreNeitherIndexedNorShown) {
  FakeKbHelpdesk helpdesk;
  helpdesk.articles = {
      Article("1", "Reset your password",
              "<html><head><style>.x{color:red}</style></head><body><p>Reset the password in "
              "the portal.</p><script>var trackingpixel = 'password';</script></body></html>")};
  auto index = MemoryIndex();
  ASSERT_TRUE(SyncKbFromHelpdesk(helpdesk, index.get()).ok());
  EXPECT_TRUE(TopIds(*index, "trackingpixel").empty());
  EXPECT_TRUE(TopIds(*index, "color red").empty());
  Result<std::vector<KbHit>> hits = index->Search("password", 3);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_THAT((*hits)[0].snippet, HasSubstr("Reset the password in the portal."));
  EXPECT_THAT((*hits)[0].snippet, Not(HasSubstr("script")));
  EXPECT_THAT((*hits)[0].snippet, Not(HasSubstr("var")));
}

TEST(KbSyncHelpdeskTest, HelpdeskErrorLeavesTheIndexAsItWas) {
  FakeKbHelpdesk helpdesk;
  helpdesk.articles = {Article("1", "VPN drops", "<p>Reinstall.</p>")};
  auto index = MemoryIndex();
  ASSERT_TRUE(SyncKbFromHelpdesk(helpdesk, index.get()).ok());
  helpdesk.error = Unavailable("connection refused");
  Result<KbSyncReport> report = SyncKbFromHelpdesk(helpdesk, index.get());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(report.status().message(), HasSubstr("KB sync from freshdesk"));
  EXPECT_TRUE(index->Contains("freshdesk:1").value());
}

TEST(KbSyncHelpdeskTest, GermanArticlesAreDetectedAndStemmedAsGerman) {
  FakeKbHelpdesk helpdesk;
  helpdesk.articles = {
      Article("1", "Drucker druckt nicht",
              "<p>Wenn der Drucker nicht druckt, prüfen Sie bitte das Kabel und die "
              "Warteschlange.</p>"),
      Article("2", "VPN drops", "<p>Reinstall the client and check the certificate.</p>")};
  auto index = MemoryIndex();
  ASSERT_TRUE(SyncKbFromHelpdesk(helpdesk, index.get()).ok());
  // "Warteschlangen" only matches "Warteschlange" through the German stemmer.
  EXPECT_EQ(TopIds(*index, "Warteschlangen"), std::vector<std::string>{"freshdesk:1"});
}

class KbSyncMarkdownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kb_sync_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& relative, const std::string& content) {
    const std::filesystem::path path = dir_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  std::filesystem::path dir_;
};

TEST_F(KbSyncMarkdownTest, ReadsFrontMatterHeadingsAndFolders) {
  Write("vpn.md",
        "---\ntitle: \"VPN keeps dropping\"\nurl: https://wiki.example.com/vpn\n---\n"
        "# Ignored heading\n\nReinstall the **client**; see [the guide](https://x.example/g).\n");
  Write("sub/printer.md", "# Printer jam\n\nOpen tray *two*.\n\n```\nERR-42 paper\n```\n");
  Write("plain.md", "No heading here, just outlook profile text.\n");
  Write("draft.md", "---\npublished: false\n---\n# Draft\nsecretdraft words\n");
  Write("de.md", "---\nlanguage: de\n---\n# Drucker\nDie Warteschlange leeren.\n");
  Write(".git/hidden.md", "# Hidden\nhiddenword\n");
  Write("notes.txt", "notmarkdown words\n");
  auto index = MemoryIndex();
  Result<KbSyncReport> report =
      SyncKbFromMarkdown(dir_.string(), "https://kb.example.com/", index.get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->source, "markdown");
  EXPECT_EQ(report->added, 4);
  EXPECT_TRUE(report->warnings.empty());

  Result<std::vector<KbHit>> hits = index->Search("vpn client", 3);
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ((*hits)[0].id, "markdown:vpn.md");
  EXPECT_EQ((*hits)[0].title, "VPN keeps dropping");
  EXPECT_EQ((*hits)[0].url, "https://wiki.example.com/vpn");  // front matter wins
  EXPECT_THAT((*hits)[0].snippet, HasSubstr("Reinstall the client; see the guide."));
  EXPECT_THAT((*hits)[0].snippet, Not(HasSubstr("x.example")));  // link targets are not text

  hits = index->Search("ERR-42", 3);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "markdown:sub/printer.md");
  EXPECT_EQ((*hits)[0].title, "Printer jam");
  EXPECT_EQ((*hits)[0].url, "https://kb.example.com/sub/printer.md");
  EXPECT_EQ(index->Search("outlook", 3)->at(0).title, "plain");
  EXPECT_EQ(index->Search("Warteschlangen", 3)->at(0).id, "markdown:de.md");
  EXPECT_TRUE(index->Search("secretdraft", 3)->empty());
  EXPECT_TRUE(index->Search("hiddenword", 3)->empty());
  EXPECT_TRUE(index->Search("notmarkdown", 3)->empty());
}

TEST_F(KbSyncMarkdownTest, IncrementalAndUnpublishedFilesDisappear) {
  Write("a.md", "# A\nalpha words\n");
  Write("b.md", "# B\nbravo words\n");
  Write("c.md", "# C\ncharlie words\n");
  auto index = MemoryIndex();
  ASSERT_EQ(SyncKbFromMarkdown(dir_.string(), "", index.get())->added, 3);
  Result<KbSyncReport> report = SyncKbFromMarkdown(dir_.string(), "", index.get());
  EXPECT_EQ(report->unchanged, 3);
  Write("a.md", "# A\nalpha changed\n");
  Write("b.md", "---\npublished: no\n---\n# B\nbravo words\n");
  std::filesystem::remove(dir_ / "c.md");
  Write("d.md", "# D\ndelta words\n");
  report = SyncKbFromMarkdown(dir_.string(), "", index.get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->added, 1);
  EXPECT_EQ(report->updated, 1);
  EXPECT_EQ(report->removed, 2);
  EXPECT_EQ(report->unchanged, 0);
  EXPECT_TRUE(index->Search("bravo", 3)->empty());
  EXPECT_TRUE(index->Search("charlie", 3)->empty());
  EXPECT_EQ(index->Search("changed", 3)->at(0).id, "markdown:a.md");
  EXPECT_EQ(index->Count().value(), 2);
}

TEST_F(KbSyncMarkdownTest, MarkdownSyncLeavesOtherSourcesAlone) {
  FakeKbHelpdesk helpdesk;
  helpdesk.articles = {Article("1", "VPN drops", "<p>Reinstall.</p>")};
  auto index = MemoryIndex();
  ASSERT_TRUE(SyncKbFromHelpdesk(helpdesk, index.get()).ok());
  Write("a.md", "# A\nalpha\n");
  Result<KbSyncReport> report = SyncKbFromMarkdown(dir_.string(), "", index.get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->removed, 0);
  EXPECT_TRUE(index->Contains("freshdesk:1").value());
}

TEST_F(KbSyncMarkdownTest, InvalidUtf8IsReplacedWithAWarning) {
  Write("bad.md", "# Bad\nbroken \xff\xfe bytes here\n");
  auto index = MemoryIndex();
  Result<KbSyncReport> report = SyncKbFromMarkdown(dir_.string(), "", index.get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->added, 1);
  ASSERT_EQ(report->warnings.size(), 1u);
  EXPECT_THAT(report->warnings[0], HasSubstr("bad.md: not valid UTF-8"));
  EXPECT_EQ(index->Search("broken bytes", 3)->size(), 1u);
}

TEST_F(KbSyncMarkdownTest, ScriptInMarkdownIsDropped) {
  Write("x.md", "# Portal\nSign in again.\n<script>stealcookies()</script>\n");
  auto index = MemoryIndex();
  ASSERT_TRUE(SyncKbFromMarkdown(dir_.string(), "", index.get()).ok());
  EXPECT_TRUE(index->Search("stealcookies", 3)->empty());
  EXPECT_THAT(index->Search("sign", 3)->at(0).snippet, Not(HasSubstr("script")));
}

TEST_F(KbSyncMarkdownTest, MissingFolderOrFileIsAClearError) {
  auto index = MemoryIndex();
  const std::string missing = (dir_ / "nope").string();
  Result<KbSyncReport> report = SyncKbFromMarkdown(missing, "", index.get());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(report.status().message(), HasSubstr(missing));
  Write("file.md", "# F\n");
  report = SyncKbFromMarkdown((dir_ / "file.md").string(), "", index.get());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KbSyncMarkdownTest, EmptyFolderGivesAnEmptyKb) {
  auto index = MemoryIndex();
  Result<KbSyncReport> report = SyncKbFromMarkdown(dir_.string(), "", index.get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->added, 0);
  EXPECT_TRUE(index->Search("anything", 3)->empty());
}

}  // namespace
}  // namespace autotriage
