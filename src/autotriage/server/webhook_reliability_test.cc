// Reliability (label `reliability`): bad webhook requests against the real HttpServer and the
// real SQLite store are refused with the right status and a reason, and store nothing; a good
// one is stored before its 202, and a re-delivery joins the same job.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "autotriage/server/group_committer.h"
#include "autotriage/server/http_server.h"
#include "autotriage/server/http_test_util.h"
#include "autotriage/server/metrics.h"
#include "autotriage/server/webhook_intake.h"
#include "autotriage/store/store.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr char kSecret[] = "reliability-secret-0123456789";
constexpr int64_t kMaxBody = 64 * 1024;

const std::string& GoodBody() {
  static const std::string body = Json{{"freshdesk_webhook",
                                        {{"triggered_event", "{ticket_action:created}"},
                                         {"ticket_id", "4242"},
                                         {"ticket_subject", "Printer on fire"},
                                         {"ticket_status", "Open"},
                                         {"ticket_priority", "Urgent"}}}}
                                      .dump();
  return body;
}

class WebhookReliabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("autotriage-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.backend = "sqlite";
    config_.sqlite_path = (dir_ / "store.db").string();
    Result<std::unique_ptr<Store>> store = OpenStore(config_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    committer_ = std::make_unique<GroupCommitter>(store_.get());
    HttpServerOptions server_options;
    server_options.max_body_bytes = kMaxBody;
    server_ = HttpServer::Create(server_options);
    WebhookIntakeOptions options;
    options.secret = kSecret;
    options.max_body_bytes = kMaxBody;
    RegisterWebhookRoutes(*server_, options, *committer_, metrics_, nullptr);
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override {
    server_.reset();
    committer_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A complete request over a fresh connection; the answer is read until the server closes.
  RawReply Send(const std::string& body, const std::string& content_type,
                const std::string& secret_header, const std::string& path = "/hooks/freshdesk") {
    std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!content_type.empty()) {
      request += "Content-Type: " + content_type + "\r\n";
    }
    if (!secret_header.empty()) {
      request += "X-Autotriage-Secret: " + secret_header + "\r\n";
    }
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return RawExchange(server_->port(), request);
  }

  void ExpectRefused(const RawReply& reply, int status, const std::string& words) {
    ASSERT_TRUE(reply.connected);
    EXPECT_EQ(reply.status, status) << reply.headers << "\n" << reply.body;
    const Json body = Json::parse(reply.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << reply.body;
    EXPECT_NE(body.value("error", "").find(words), std::string::npos)
        << "'" << words << "' not in " << reply.body;
  }

  void ExpectNothingStored() {
    Result<StoreStats> stats = store_->Stats();
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->jobs_pending + stats->jobs_running + stats->jobs_done + stats->jobs_failed, 0);
    EXPECT_EQ(stats->audit_entries, 0);
  }

  std::filesystem::path dir_;
  StoreConfig config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<GroupCommitter> committer_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(WebhookReliabilityTest, MalformedJsonIs400) {
  ExpectRefused(Send(R"({"freshdesk_webhook": {"ticket_id": "1",)", "application/json", kSecret),
                400, "malformed JSON");
  ExpectNothingStored();
}

TEST_F(WebhookReliabilityTest, MissingOrInvalidTicketIdIs400) {
  ExpectRefused(
      Send(R"({"freshdesk_webhook":{"ticket_subject":"x"}})", "application/json", kSecret), 400,
      "ticket_id");
  ExpectRefused(
      Send(R"({"ticket_id":"#INC-7"})", "application/json", kSecret, "/hooks/freshservice"), 400,
      "not a number");
  ExpectNothingStored();
}

TEST_F(WebhookReliabilityTest, WrongContentTypeIs415) {
  ExpectRefused(Send(GoodBody(), "application/x-www-form-urlencoded", kSecret), 415,
                "Content-Type must be application/json");
  ExpectRefused(Send(GoodBody(), "", kSecret), 415, "Content-Type must be application/json");
  ExpectNothingStored();
}

TEST_F(WebhookReliabilityTest, MissingSecretIs401) {
  ExpectRefused(Send(GoodBody(), "application/json", ""), 401, "missing secret");
  ExpectNothingStored();
}

TEST_F(WebhookReliabilityTest, WrongSecretIs401) {
  ExpectRefused(Send(GoodBody(), "application/json", "reliability-secret-0123456788"), 401,
                "wrong secret");
  // Also in the query string, and a prefix of the right secret.
  ExpectRefused(
      Send(GoodBody(), "application/json", "", "/hooks/freshdesk?secret=reliability-secret-01234"),
      401, "wrong secret");
  ExpectNothingStored();
}

TEST_F(WebhookReliabilityTest, OversizedBodyIs413) {
  std::string big = GoodBody();
  big.insert(big.size() - 2, ",\"pad\":\"" + std::string(kMaxBody, 'x') + "\"");
  ExpectRefused(Send(big, "application/json", kSecret), 413, "exceeds the limit");
  ExpectNothingStored();
}

TEST_F(WebhookReliabilityTest, ChunkedBodyIs411) {
  // The server answers from the headers; the client may see the 411 or, if the server closed
  // while chunks were still arriving, a reset. Both refuse the request.
  const std::string body = GoodBody();
  char size[32];
  std::snprintf(size, sizeof(size), "%zx", body.size());
  RawReply reply = RawExchange(
      server_->port(),
      std::string("POST /hooks/freshdesk HTTP/1.1\r\nHost: x\r\n") +
          "Content-Type: application/json\r\n" + "X-Autotriage-Secret: " + kSecret + "\r\n" +
          "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body + "\r\n0\r\n\r\n");
  ASSERT_TRUE(reply.connected);
  if (reply.status != 0) {
    ExpectRefused(reply, 411, "Content-Length");
  }
  ExpectNothingStored();
}

TEST_F(WebhookReliabilityTest, ValidEventIsStoredAndRedeliveryJoinsItsJob) {
  const RawReply first = Send(GoodBody(), "application/json; charset=utf-8", kSecret);
  ASSERT_EQ(first.status, 202) << first.body;
  const Json answer = Json::parse(first.body);
  const int64_t job_id = answer.at("job_id").get<int64_t>();
  EXPECT_FALSE(answer.at("duplicate").get<bool>());

  Result<Job> job = store_->GetJob(job_id);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->ticket_id, "4242");
  EXPECT_EQ(job->version, ParseWebhook("freshdesk", GoodBody())->version);
  EXPECT_EQ(job->source, "webhook:freshdesk");
  EXPECT_EQ(job->trace_id, answer.at("trace_id").get<std::string>());
  EXPECT_EQ(job->state, JobState::kPending);

  const RawReply again = Send(GoodBody(), "application/json", kSecret);
  ASSERT_EQ(again.status, 202) << again.body;
  const Json second = Json::parse(again.body);
  EXPECT_EQ(second.at("job_id").get<int64_t>(), job_id);
  EXPECT_TRUE(second.at("duplicate").get<bool>());

  Result<StoreStats> stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->jobs_pending, 1);
  EXPECT_EQ(stats->audit_entries, 2);  // one event_received entry per delivery
  EXPECT_EQ(store_->GetJob(job_id)->events, 2);

  // Durable: a second connection to the file sees the job while the server still runs.
  Result<std::unique_ptr<Store>> other = OpenStore(config_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  Result<Job> seen = other.value()->GetJob(job_id);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(seen->ticket_id, "4242");
}

}  // namespace
}  // namespace autotriage
