// KB sync end to end: the real Freshdesk and Freshservice connectors against the in-process
// sandbox (loopback HTTP, port 0), into an in-memory KbIndex.
#include <gtest/gtest.h>

#include "autotriage/connectors/freshworks/freshdesk_helpdesk.h"
#include "autotriage/connectors/freshworks/freshservice_helpdesk.h"
#include "autotriage/knowledge/kb_sync.h"
#include "autotriage/sandbox/sandbox.h"

namespace autotriage {
namespace {

constexpr const char* kKey = "kb-sync-test-key";

class KbSyncSandboxTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    SandboxOptions options;
    options.kind = GetParam();
    options.tickets = 60;
    options.seed = 7;
    options.api_key = kKey;
    options.clock_ms = [] { return int64_t{1717000000000}; };
    options.log = [](const std::string&) {};
    Result<std::unique_ptr<SandboxServer>> server = SandboxServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server.value());
    HttpClientOptions http;
    http.jitter_seed = 1;
    http.max_retries = 1;
    http.sleep = [](std::chrono::milliseconds) {};
    std::shared_ptr<HttpClient> client(NewCurlHttpClient(http));
    FreshworksOptions fw;
    fw.base_url = server_->base_url() + "/api/v2/";
    fw.api_key = kKey;
    Result<std::unique_ptr<Helpdesk>> helpdesk = GetParam() == "freshdesk"
                                                     ? NewFreshdeskHelpdesk(client, fw)
                                                     : NewFreshserviceHelpdesk(client, fw);
    ASSERT_TRUE(helpdesk.ok()) << helpdesk.status().ToString();
    helpdesk_ = std::move(helpdesk.value());
  }
  void TearDown() override {
    helpdesk_.reset();  // close keep-alive connections before the server stops
    server_.reset();
  }

  std::unique_ptr<SandboxServer> server_;
  std::unique_ptr<Helpdesk> helpdesk_;
};

TEST_P(KbSyncSandboxTest, SyncsPublishedArticlesAndFindsThemByTitle) {
  Result<std::vector<KbArticle>> published = helpdesk_->ListKbArticles(false);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  ASSERT_GE(published->size(), 3u);
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(":memory:", {});
  ASSERT_TRUE(index.ok());

  Result<KbSyncReport> report = SyncKbFromHelpdesk(*helpdesk_, index->get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->source, GetParam());
  EXPECT_EQ(report->added, static_cast<int>(published->size()));
  EXPECT_EQ((*index)->Count().value(), static_cast<int64_t>(published->size()));

  // Every article is found among the top 3 by its own title, with its URL.
  int found = 0;
  for (const KbArticle& article : *published) {
    Result<std::vector<KbHit>> hits = (*index)->Search(article.title, 3);
    ASSERT_TRUE(hits.ok());
    for (const KbHit& hit : *hits) {
      if (hit.id == GetParam() + ":" + article.id) {
        EXPECT_EQ(hit.url, article.url);
        ++found;
      }
    }
  }
  EXPECT_EQ(found, static_cast<int>(published->size()));

  report = SyncKbFromHelpdesk(*helpdesk_, index->get());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->unchanged, static_cast<int>(published->size()));
  EXPECT_EQ(report->added + report->updated + report->removed, 0);
}

INSTANTIATE_TEST_SUITE_P(Helpdesks, KbSyncSandboxTest,
                         ::testing::Values("freshdesk", "freshservice"));

}  // namespace
}  // namespace autotriage
