#include "autotriage/server/webhook_intake.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "autotriage/server/fake_store_for_test.h"
#include "autotriage/server/http_test_util.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr char kSecret[] = "s3cret-for-tests";

Json FreshdeskBody(const std::string& id, const std::string& status = "Open",
                   const std::string& event = "{ticket_action:created}") {
  return Json{{"freshdesk_webhook",
               {{"triggered_event", event},
                {"ticket_id", id},
                {"ticket_subject", "VPN down"},
                {"ticket_status", status},
                {"ticket_priority", "High"}}}};
}

TEST(ParseWebhookTest, ReadsTheFreshdeskShape) {
  Result<ParsedWebhook> parsed = ParseWebhook("freshdesk", FreshdeskBody("11").dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ticket_id, "11");
  EXPECT_EQ(parsed->event, "{ticket_action:created}");
  ASSERT_EQ(parsed->version.size(), 16u);
  EXPECT_EQ(parsed->version.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(ParseWebhookTest, VersionFollowsThePayloadIncludingTheEvent) {
  const std::string base = ParseWebhook("freshdesk", FreshdeskBody("11").dump())->version;
  EXPECT_EQ(ParseWebhook("freshdesk", FreshdeskBody("11").dump())->version, base);
  // The event names the change (a group change shows nowhere else in Freshdesk's default body).
  EXPECT_NE(
      ParseWebhook("freshdesk", FreshdeskBody("11", "Open", "{note_type:private}").dump())->version,
      base);
  EXPECT_NE(ParseWebhook("freshdesk", FreshdeskBody("11", "Pending").dump())->version, base);
  EXPECT_NE(ParseWebhook("freshdesk", FreshdeskBody("12").dump())->version, base);
  // Member order and the id's spelling do not matter.
  const std::string reordered =
      R"({"freshdesk_webhook":{"ticket_priority":"High","ticket_status":"Open",)"
      R"("ticket_subject":"VPN down","ticket_id":"011","triggered_event":"{ticket_action:created}"}})";
  Result<ParsedWebhook> parsed = ParseWebhook("freshdesk", reordered);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ticket_id, "11");
  EXPECT_EQ(parsed->version, base);
}

TEST(ParseWebhookTest, ReadsTheFreshserviceShapeWithStringOrNumberIds) {
  Result<ParsedWebhook> text = ParseWebhook(
      "freshservice", R"({"ticket_id":"42","event":"ticket_updated","ticket_status":"Open"})");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(text->ticket_id, "42");
  EXPECT_EQ(text->event, "ticket_updated");
  Result<ParsedWebhook> number = ParseWebhook(
      "freshservice", R"({"ticket_id":42,"event":"ticket_updated","ticket_status":"Open"})");
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(number->ticket_id, "42");
  EXPECT_EQ(number->version, text->version);
  // A Freshdesk webhook configured with a flat body works too.
  EXPECT_EQ(ParseWebhook("freshdesk", R"({"ticket_id":"5"})")->ticket_id, "5");
}

TEST(ParseWebhookTest, NestedValuesAndRepeatedKeysCountTowardsTheVersion) {
  const auto version = [](const std::string& body) {
    Result<ParsedWebhook> parsed = ParseWebhook("freshservice", body);
    EXPECT_TRUE(parsed.ok()) << body << ": " << parsed.status().ToString();
    return parsed.ok() ? parsed->version : "";
  };
  const std::string base = version(R"({"ticket_id":"1","tags":["a","b"],"custom":{"x":1}})");
  EXPECT_EQ(version(R"({"custom":{"x":1},"tags":["a","b"],"ticket_id":1})"), base);
  EXPECT_NE(version(R"({"ticket_id":"1","tags":["a","c"],"custom":{"x":1}})"), base);
  EXPECT_NE(version(R"({"ticket_id":"1","tags":["a","b"],"custom":{"x":2}})"), base);
  EXPECT_NE(version(R"({"ticket_id":"1","tags":["a","b"],"custom":{"x":"1"}})"), base);
  // A repeated key: the last value counts, as when the document is parsed.
  EXPECT_EQ(version(R"({"ticket_id":"1","tags":["z"],"tags":["a","b"],"custom":{"x":1}})"), base);
  Result<ParsedWebhook> in_wrapper = ParseWebhook(
      "freshdesk", R"({"freshdesk_webhook":{"ticket_id":"8","cc":[{"e":"a@b"}]},"x":[1]})");
  ASSERT_TRUE(in_wrapper.ok()) << in_wrapper.status().ToString();
  EXPECT_EQ(in_wrapper->ticket_id, "8");
}

void ExpectInvalid(const std::string& kind, const std::string& body, const std::string& words) {
  Result<ParsedWebhook> parsed = ParseWebhook(kind, body);
  ASSERT_FALSE(parsed.ok()) << body;
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find(words), std::string::npos)
      << body << " -> " << parsed.status().message();
}

TEST(ParseWebhookTest, NamesWhatIsWrong) {
  ExpectInvalid("freshdesk", R"({"freshdesk_webhook":{"ticket_id":"1")", "malformed JSON");
  ExpectInvalid("freshdesk", "", "malformed JSON");
  ExpectInvalid("freshdesk", "[1,2]", "JSON object");
  ExpectInvalid("freshdesk", R"({"freshdesk_webhook":"11"})", "freshdesk_webhook");
  ExpectInvalid("freshdesk", R"({"freshdesk_webhook":[{"ticket_id":"1"}]})", "freshdesk_webhook");
  ExpectInvalid("freshdesk", R"({"a":1} trailing)", "malformed JSON");
  ExpectInvalid("freshdesk", "42", "JSON object");
  ExpectInvalid("freshdesk", R"({"freshdesk_webhook":{"ticket_subject":"x"}})", "no ticket_id");
  ExpectInvalid("freshservice", R"({"ticket_id":"#INC-12"})", "id_numeric");
  ExpectInvalid("freshservice", R"({"ticket_id":-3})", "positive");
  ExpectInvalid("freshservice", R"({"ticket_id":"000"})", "positive");
  ExpectInvalid("freshservice", R"({"ticket_id":1.5})", "fraction");
  ExpectInvalid("freshservice", R"({"ticket_id":true})", "boolean");
  ExpectInvalid("freshservice", R"({"ticket_id":"123456789012345678901"})", "too long");
  ExpectInvalid("zendesk", "{}", "unknown webhook kind");
}

TEST(SecretMatchesTest, ComparesWholeSecrets) {
  EXPECT_TRUE(SecretMatches("", ""));
  EXPECT_TRUE(SecretMatches("", "anything"));  // authentication disabled
  EXPECT_TRUE(SecretMatches("abc123", "abc123"));
  EXPECT_FALSE(SecretMatches("abc123", "abc124"));
  EXPECT_FALSE(SecretMatches("abc123", "abc12"));
  EXPECT_FALSE(SecretMatches("abc123", "abc1234"));
  EXPECT_FALSE(SecretMatches("abc123", ""));
}

class WebhookRoutesTest : public ::testing::Test {
 protected:
  void Start(WebhookIntakeOptions options) {
    HttpServerOptions server_options;
    server_options.max_body_bytes = options.max_body_bytes;
    server_ = HttpServer::Create(server_options);
    committer_ = std::make_unique<GroupCommitter>(&store_);
    RegisterWebhookRoutes(*server_, options, *committer_, metrics_, [this](const std::string& l) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_ += l + "\n";
    });
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(5, 0);
    client_->set_tcp_nodelay(true);
  }
  void Start() {
    WebhookIntakeOptions options;
    options.secret = kSecret;
    options.max_body_bytes = 4096;
    Start(options);
  }
  void TearDown() override {
    if (server_ != nullptr) {
      server_->Stop();
    }
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& content_type = "application/json",
                       const std::string& secret = kSecret) {
    httplib::Headers headers;
    if (!secret.empty()) {
      headers.emplace("X-Autotriage-Secret", secret);
    }
    return client_->Post(path.c_str(), headers, body, content_type.c_str());
  }

  static std::string ErrorOf(const httplib::Result& response) {
    return Json::parse(response->body).value("error", "");
  }

  FakeStore store_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<httplib::Client> client_;
  std::mutex log_mutex_;
  std::string log_;
};

TEST_F(WebhookRoutesTest, AcceptsAndCollapsesRedeliveries) {
  Start();
  const std::string body = FreshdeskBody("11").dump();
  auto first = Post("/hooks/freshdesk", body, "application/json; charset=utf-8");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 202) << first->body;
  const Json answer = Json::parse(first->body);
  EXPECT_EQ(answer["job_id"], 1);
  EXPECT_EQ(answer["duplicate"], false);
  EXPECT_EQ(answer["trace_id"].get<std::string>().size(), 32u);

  auto again = Post("/hooks/freshdesk", body);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 202);
  EXPECT_EQ(Json::parse(again->body)["job_id"], 1);
  EXPECT_EQ(Json::parse(again->body)["duplicate"], true);

  auto changed = Post("/hooks/freshdesk", FreshdeskBody("11", "Pending").dump());
  ASSERT_TRUE(changed);
  EXPECT_EQ(Json::parse(changed->body)["job_id"], 2);

  const std::vector<InboxEvent> stored = store_.stored();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].source, "webhook:freshdesk");
  EXPECT_EQ(stored[0].ticket_id, "11");
  EXPECT_EQ(stored[0].payload, body);
  EXPECT_EQ(stored[0].version, ParseWebhook("freshdesk", body)->version);
  EXPECT_EQ(stored[0].trace_id, answer["trace_id"]);
  EXPECT_GT(stored[0].received_ms, 0);
}

TEST_F(WebhookRoutesTest, SecretMayComeInTheQuery) {
  Start();
  auto response = Post(std::string("/hooks/freshservice?secret=") + kSecret,
                       R"({"ticket_id":"9","event":"ticket_created"})", "application/json", "");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 202) << response->body;
  EXPECT_EQ(store_.stored().at(0).source, "webhook:freshservice");
}

TEST_F(WebhookRoutesTest, RefusesBadRequestsInOrderAndStoresNothing) {
  Start();
  const std::string good = FreshdeskBody("11").dump();
  const std::string oversized = std::string(5000, ' ') + good;
  struct Case {
    std::string body, content_type, secret;
    int status;
    std::string words;
  };
  const std::vector<Case> cases = {
      {oversized, "text/plain", "", 413, "exceeds the limit of 4096 bytes"},
      {"{", "text/plain", "", 401, "missing secret"},
      {"{", "text/plain", "wrong", 401, "wrong secret"},
      {"{", "text/plain", kSecret, 415, "application/json"},
      {"{", "application/jsonx", kSecret, 415, "application/jsonx"},
      {"{", "application/json", kSecret, 400, "malformed JSON"},
      {R"({"freshdesk_webhook":{}})", "application/json", kSecret, 400, "ticket_id"},
  };
  for (const Case& c : cases) {
    auto response = Post("/hooks/freshdesk", c.body, c.content_type, c.secret);
    ASSERT_TRUE(response) << c.words;
    EXPECT_EQ(response->status, c.status) << response->body;
    EXPECT_EQ(response->get_header_value("Content-Type"), "application/json");
    EXPECT_NE(ErrorOf(response).find(c.words), std::string::npos)
        << c.words << " not in " << response->body;
  }
  EXPECT_TRUE(store_.stored().empty());
  EXPECT_TRUE(store_.batch_sizes().empty());
  std::lock_guard<std::mutex> lock(log_mutex_);
  EXPECT_EQ(log_.find(kSecret), std::string::npos) << "the secret was logged";
  EXPECT_NE(log_.find("wrong secret"), std::string::npos);
}

TEST_F(WebhookRoutesTest, MissingContentTypeIs415) {
  Start();
  const std::string body = FreshdeskBody("11").dump();
  RawReply reply = RawExchange(
      server_->port(), std::string("POST /hooks/freshdesk HTTP/1.1\r\n") +
                           "Host: x\r\nConnection: close\r\n" + "X-Autotriage-Secret: " + kSecret +
                           "\r\n" + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                           body);
  EXPECT_EQ(reply.status, 415);
  EXPECT_NE(reply.body.find("absent"), std::string::npos) << reply.body;
  EXPECT_TRUE(store_.stored().empty());
}

TEST_F(WebhookRoutesTest, StoreFailureIs503WithRetryAfter) {
  Start();
  store_.FailWith(Unavailable("database is down"));
  auto response = Post("/hooks/freshdesk", FreshdeskBody("11").dump());
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->get_header_value("Retry-After"), "5");
  EXPECT_EQ(ErrorOf(response).find("database"), std::string::npos) << "no internals to clients";
  std::lock_guard<std::mutex> lock(log_mutex_);
  EXPECT_NE(log_.find("database is down"), std::string::npos) << "but the operator sees them";
}

TEST_F(WebhookRoutesTest, CountsRequestsAndEvents) {
  Start();
  ASSERT_EQ(Post("/hooks/freshdesk", FreshdeskBody("1").dump())->status, 202);
  ASSERT_EQ(Post("/hooks/freshdesk", FreshdeskBody("2").dump())->status, 202);
  ASSERT_EQ(Post("/hooks/freshdesk", "{}", "application/json", "bad")->status, 401);
  const std::string text = metrics_.RenderText();
  EXPECT_NE(text.find("autotriage_webhook_requests_total{kind=\"freshdesk\",status=\"202\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("autotriage_webhook_requests_total{kind=\"freshdesk\",status=\"401\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("autotriage_inbox_events_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("autotriage_intake_latency_seconds_count 3\n"), std::string::npos);
}

TEST_F(WebhookRoutesTest, OnlyEnabledKindsAreRoutedAndNoSecretMeansOpen) {
  WebhookIntakeOptions options;
  options.kinds = {"freshservice"};
  Start(options);
  auto disabled = Post("/hooks/freshdesk", FreshdeskBody("1").dump(), "application/json", "");
  ASSERT_TRUE(disabled);
  EXPECT_EQ(disabled->status, 404);
  auto open = Post("/hooks/freshservice", R"({"ticket_id":"3"})", "application/json", "");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 202);
}

}  // namespace
}  // namespace autotriage
