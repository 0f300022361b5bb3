// SlackClient against the sandbox's Slack emulator over real HTTP on loopback: posting, updating
// and responding to cards, webhook mode, Slack's errors, and secrets kept out of every Status.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "autotriage/connectors/http_client.h"
#include "autotriage/sandbox/slack_sandbox.h"
#include "autotriage/server/http_server.h"
#include "autotriage/slack/slack.h"
#include "autotriage/slack/slack_poster.h"

namespace autotriage {
namespace {

using nlohmann::json;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ApprovalCard Card(const std::string& ticket_id) {
  ApprovalCard card;
  card.ticket_id = ticket_id;
  card.ticket_version = "1717171717";
  card.subject = "Printer <!channel> on floor 3";
  card.queue = "Hardware";
  card.summary = "The printer jams.";
  card.changes = {{"category", "General", "Printer", 0.91, {"printer", "jam"}}};
  card.articles = {{"KB-7", "Clearing jams", "https://kb.example.com/7"}};
  card.review_url = "https://triage.example.com/approvals/" + ticket_id;
  return card;
}

bool HasActions(const std::string& blocks_json) {
  for (const json& block : json::parse(blocks_json)) {
    if (block["type"] == "actions") {
      return true;
    }
  }
  return false;
}

class SlackClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SlackSandbox>> started = SlackSandbox::Start(SlackSandboxOptions{});
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    sandbox_ = std::move(started).value();
    HttpClientOptions http_options;
    http_options.connect_timeout = std::chrono::milliseconds(2000);
    http_options.total_timeout = std::chrono::milliseconds(5000);
    http_options.max_retries = 1;
    http_options.jitter_seed = 7;
    http_options.sleep = [](std::chrono::milliseconds) {};  // no real backoff waits
    http_ = NewCurlHttpClient(http_options);
    webhook_url_ = sandbox_->webhook_url();
  }

  void TearDown() override {
    http_.reset();  // closes keep-alive connections, so the server stops at once
    sandbox_.reset();
  }

  SlackOptions BotOptions() const {
    SlackOptions options;
    options.enabled = true;
    options.bot_token = SlackSandboxOptions{}.bot_token;
    options.channel = "C0APPROVALS";
    options.escalation_channel = "C0ESCALATED";
    options.signing_secret = SlackSandboxOptions{}.signing_secret;
    options.api_base_url = sandbox_->api_base_url();
    return options;
  }

  SlackOptions WebhookOptions() const {
    SlackOptions options;
    options.enabled = true;
    options.webhook_url = sandbox_->webhook_url();
    options.signing_secret = SlackSandboxOptions{}.signing_secret;
    return options;
  }

  // No Status may carry a token, the webhook URL or its secret path, or a response_url.
  void ExpectNoSecrets(const Status& status, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> secrets = {SlackSandboxOptions{}.bot_token, "wrong-token-123",
                                        webhook_url_};
    secrets.push_back(webhook_url_.substr(webhook_url_.rfind('/')));  // its secret last segment
    secrets.insert(secrets.end(), extra.begin(), extra.end());
    for (const std::string& secret : secrets) {
      EXPECT_EQ(status.message().find(secret), std::string::npos)
          << status.ToString() << " contains a secret";
    }
  }

  std::unique_ptr<SlackSandbox> sandbox_;
  std::unique_ptr<HttpClient> http_;
  std::string webhook_url_;
};

TEST_F(SlackClientTest, PostsACardAndUpdatesItAfterTheDecision) {
  std::unique_ptr<SlackClient> client = SlackClient::Create(BotOptions(), http_.get());
  const Result<SlackMessageRecord> posted = client->Post(Card("4711"), false);
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->ticket_id, "4711");
  EXPECT_EQ(posted->ticket_version, "1717171717");
  EXPECT_EQ(posted->channel, "C0APPROVALS");
  EXPECT_FALSE(posted->ts.empty());
  EXPECT_GT(posted->created_ms, 0);

  Result<SlackSandboxMessage> stored = sandbox_->Message(posted->channel, posted->ts);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->source, "chat.postMessage");
  EXPECT_TRUE(HasActions(stored->blocks));
  EXPECT_NE(stored->blocks.find("&lt;!channel&gt;"), std::string::npos);
  EXPECT_EQ(stored->blocks.find("<!channel>"), std::string::npos);

  ApprovalCard decided = Card("4711");
  decided.decided = "Approved by user:alice";
  ASSERT_TRUE(client->Update(*posted, decided).ok());
  stored = sandbox_->Message(posted->channel, posted->ts);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->updates, 1);
  EXPECT_FALSE(HasActions(stored->blocks));
  EXPECT_NE(stored->blocks.find("Approved by user:alice"), std::string::npos);
  EXPECT_NE(stored->text.find("Approved by user:alice"), std::string::npos);
}

TEST_F(SlackClientTest, EscalationsGoToTheEscalationChannel) {
  SlackOptions options = BotOptions();
  std::unique_ptr<SlackClient> client = SlackClient::Create(options, http_.get());
  ApprovalCard card = Card("1");
  card.escalated = true;
  const Result<SlackMessageRecord> escalated = client->Post(card, true);
  ASSERT_TRUE(escalated.ok()) << escalated.status().ToString();
  EXPECT_EQ(escalated->channel, "C0ESCALATED");
  EXPECT_EQ(sandbox_->Messages("C0ESCALATED").size(), 1u);

  options.escalation_channel.clear();
  client = SlackClient::Create(options, http_.get());
  const Result<SlackMessageRecord> fallback = client->Post(card, true);
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->channel, "C0APPROVALS");
}

TEST_F(SlackClientTest, SlackErrorsBecomeUnavailableWithSlacksErrorCode) {
  SlackOptions options = BotOptions();
  options.bot_token = "wrong-token-123";
  Result<SlackMessageRecord> posted =
      SlackClient::Create(options, http_.get())->Post(Card("2"), false);
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(posted.status().message(), "slack chat.postMessage: invalid_auth");
  ExpectNoSecrets(posted.status());

  options = BotOptions();
  options.channel = "C0NOSUCH";
  posted = SlackClient::Create(options, http_.get())->Post(Card("2"), false);
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.status().message(), "slack chat.postMessage: channel_not_found");

  const Status update = SlackClient::Create(BotOptions(), http_.get())
                            ->Update({"2", "1", "C0APPROVALS", "1.000001", 0}, Card("2"));
  EXPECT_EQ(update.code(), StatusCode::kUnavailable);
  EXPECT_EQ(update.message(), "slack chat.update: message_not_found");
  EXPECT_TRUE(sandbox_->Messages().empty());
}

TEST_F(SlackClientTest, TheEmulatorAcceptsEvenAHugeCard) {
  ApprovalCard card = Card("3");
  card.subject = std::string(4000, '<');
  card.summary = std::string(20000, 'x');
  for (int i = 0; i < 60; ++i) {
    card.changes.push_back({"f" + std::to_string(i), std::string(2500, 'o'), "n", 0.5, {"w"}});
    card.articles.push_back({"KB", std::string(3000, 't'), "https://kb.example.com/x"});
    card.assignees.push_back(std::string(3000, 'a'));
  }
  const Result<SlackMessageRecord> posted =
      SlackClient::Create(BotOptions(), http_.get())->Post(card, false);
  EXPECT_TRUE(posted.ok()) << posted.status().ToString();
}

// The emulator refuses what Slack refuses, so the tests above that it accepts mean something.
TEST_F(SlackClientTest, TheEmulatorRefusesWhatSlackRefuses) {
  const auto call = [&](const std::string& body, const std::string& auth,
                        const std::string& type = "application/json") {
    HttpRequest request;
    request.method = "POST";
    request.url = sandbox_->api_base_url() + "/chat.postMessage";
    if (!auth.empty()) {
      request.headers.push_back({"Authorization", auth});
    }
    request.headers.push_back({"Content-Type", type});
    request.body = body;
    Result<HttpResponse> response = http_->Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->status, 200);
    const json reply = json::parse(response->body);
    EXPECT_EQ(reply["ok"], false) << response->body;
    return reply.value("error", "");
  };
  const std::string bearer = "Bearer " + SlackSandboxOptions{}.bot_token;
  const json section = {{"type", "section"},
                        {"text", {{"type", "mrkdwn"}, {"text", std::string(3001, 'x')}}}};
  EXPECT_EQ(call(json({{"channel", "C0APPROVALS"}, {"text", "t"}}).dump(), ""), "not_authed");
  EXPECT_EQ(call(json({{"channel", "C0APPROVALS"}, {"text", "t"}}).dump(), "Bearer nope"),
            "invalid_auth");
  EXPECT_EQ(call("channel=C0APPROVALS&text=t", bearer, "application/x-www-form-urlencoded"),
            "invalid_post_type");
  EXPECT_EQ(call("{", bearer), "invalid_json");
  EXPECT_EQ(call("[]", bearer), "json_not_object");
  EXPECT_EQ(call(json({{"channel", "C0APPROVALS"}}).dump(), bearer), "no_text");
  EXPECT_EQ(call(json({{"channel", "C0APPROVALS"}, {"blocks", {section}}}).dump(), bearer),
            "invalid_blocks");
  json many = json::array();
  for (int i = 0; i < 51; ++i) {
    many.push_back({{"type", "divider"}});
  }
  EXPECT_EQ(call(json({{"channel", "C0APPROVALS"}, {"blocks", many}}).dump(), bearer),
            "invalid_blocks");
  const json header = {{"type", "header"},
                       {"text", {{"type", "plain_text"}, {"text", std::string(151, 'h')}}}};
  EXPECT_EQ(call(json({{"channel", "C0APPROVALS"}, {"blocks", {header}}}).dump(), bearer),
            "invalid_blocks");
  const json button = {{"type", "button"},
                       {"action_id", "a"},
                       {"style", "loud"},
                       {"text", {{"type", "plain_text"}, {"text", "A"}}}};
  const json actions = {{"type", "actions"}, {"elements", {button}}};
  EXPECT_EQ(call(json({{"channel", "C0APPROVALS"}, {"blocks", {actions}}}).dump(), bearer),
            "invalid_blocks");
  EXPECT_EQ(
      call(json({{"channel", "C0APPROVALS"}, {"text", std::string(40001, 'x')}}).dump(), bearer),
      "msg_too_long");
  EXPECT_TRUE(sandbox_->Messages().empty());
}

TEST_F(SlackClientTest, WebhookModePostsWithoutTsAndCannotUpdate) {
  std::unique_ptr<SlackClient> client = SlackClient::Create(WebhookOptions(), http_.get());
  const Result<SlackMessageRecord> posted = client->Post(Card("5"), false);
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->ticket_id, "5");
  EXPECT_TRUE(posted->channel.empty());
  EXPECT_TRUE(posted->ts.empty());
  const std::vector<SlackSandboxMessage> messages = sandbox_->Messages("C0APPROVALS");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].source, "webhook");
  EXPECT_TRUE(HasActions(messages[0].blocks));

  const Status update = client->Update(*posted, Card("5"));
  EXPECT_EQ(update.code(), StatusCode::kUnimplemented);
  ExpectNoSecrets(update);
}

TEST_F(SlackClientTest, NoticesArePostedEscapedThroughTheBotOrTheWebhook) {
  std::unique_ptr<SlackClient> bot = SlackClient::Create(BotOptions(), http_.get());
  ASSERT_TRUE(bot->PostMessage(BuildNoticeMessage("autotriage demoted <!channel> & co")).ok());
  std::unique_ptr<SlackClient> hook = SlackClient::Create(WebhookOptions(), http_.get());
  ASSERT_TRUE(hook->PostMessage(BuildNoticeMessage("a Problem was proposed")).ok());
  const std::vector<SlackSandboxMessage> messages = sandbox_->Messages("C0APPROVALS");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].source, "chat.postMessage");
  EXPECT_EQ(messages[0].text, "autotriage demoted &lt;!channel&gt; &amp; co");
  EXPECT_EQ(messages[0].blocks.find("<!channel>"), std::string::npos) << messages[0].blocks;
  EXPECT_EQ(messages[1].source, "webhook");
  EXPECT_EQ(messages[1].text, "a Problem was proposed");

  EXPECT_EQ(bot->PostMessage("not json").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bot->PostMessage(R"({"blocks":[]})").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sandbox_->Messages().size(), 2u);
}

TEST_F(SlackClientTest, ThePosterSendsQueuedNoticesInOrderAndLogsFailuresWithoutTheToken) {
  std::unique_ptr<SlackClient> bot = SlackClient::Create(BotOptions(), http_.get());
  {
    SlackPoster poster(bot.get(), [](const std::string& line) { ADD_FAILURE() << line; });
    poster.Post("first <notice>");
    poster.Post("second");
    poster.Post("third");
  }  // the destructor sends what is queued
  const std::vector<SlackSandboxMessage> messages = sandbox_->Messages("C0APPROVALS");
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].text, "first &lt;notice&gt;");
  EXPECT_EQ(messages[1].text, "second");
  EXPECT_EQ(messages[2].text, "third");

  SlackOptions wrong = BotOptions();
  wrong.bot_token = "wrong-token-123";
  std::unique_ptr<SlackClient> refused = SlackClient::Create(wrong, http_.get());
  std::vector<std::string> lines;
  {
    SlackPoster poster(refused.get(), [&lines](const std::string& line) { lines.push_back(line); });
    poster.Post("never arrives");
  }
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("slack notice not posted"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("wrong-token-123"), std::string::npos) << lines[0];
  EXPECT_EQ(sandbox_->Messages("C0APPROVALS").size(), 3u);
}

TEST_F(SlackClientTest, AWrongWebhookUrlFailsWithoutRevealingIt) {
  SlackOptions options = WebhookOptions();
  const std::string wrong = options.webhook_url + "x";
  options.webhook_url = wrong;
  const Result<SlackMessageRecord> posted =
      SlackClient::Create(options, http_.get())->Post(Card("6"), false);
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(posted.status().message(), "slack webhook: HTTP 404 no_service");
  ExpectNoSecrets(posted.status(), {wrong});
}

TEST_F(SlackClientTest, AnUnreachableSlackFailsWithoutRevealingSecrets) {
  const SlackOptions bot = BotOptions();
  const SlackOptions hook = WebhookOptions();
  const std::string webhook = hook.webhook_url;
  sandbox_->Stop();
  const Result<SlackMessageRecord> by_api =
      SlackClient::Create(bot, http_.get())->Post(Card("7"), false);
  ASSERT_FALSE(by_api.ok());
  EXPECT_EQ(by_api.status().code(), StatusCode::kUnavailable) << by_api.status().ToString();
  EXPECT_EQ(by_api.status().message().rfind("slack chat.postMessage: ", 0), 0u);
  ExpectNoSecrets(by_api.status());
  const Result<SlackMessageRecord> by_hook =
      SlackClient::Create(hook, http_.get())->Post(Card("7"), false);
  ASSERT_FALSE(by_hook.ok());
  EXPECT_EQ(by_hook.status().message().rfind("slack webhook: ", 0), 0u);
  ExpectNoSecrets(by_hook.status(), {webhook});
}

TEST_F(SlackClientTest, RespondReplacesTheCardAButtonWasPressedOn) {
  std::unique_ptr<SlackClient> client = SlackClient::Create(WebhookOptions(), http_.get());
  ASSERT_TRUE(client->Post(Card("8"), false).ok());
  const SlackSandboxMessage card = sandbox_->Messages("C0APPROVALS").at(0);

  SlackInteractionSpec press;
  press.user_id = "U0BOB";
  press.action_id = "reject";
  press.channel = card.channel;
  press.message_ts = card.ts;
  const int64_t now = NowSeconds();
  const SlackSignedRequest request = sandbox_->SignedInteraction(press, now);
  // What the emulator signs, our endpoint accepts and understands.
  ASSERT_TRUE(
      VerifySlackRequest(SlackSandboxOptions{}.signing_secret, request.headers, request.body, now)
          .ok());
  const Result<SlackInteraction> parsed = ParseSlackInteraction(request.body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->slack_user_id, "U0BOB");
  EXPECT_EQ(parsed->action, "reject");
  EXPECT_EQ(parsed->ticket_id, "8");
  EXPECT_EQ(parsed->ticket_version, "1717171717");
  EXPECT_EQ(parsed->channel, card.channel);
  EXPECT_EQ(parsed->message_ts, card.ts);
  EXPECT_EQ(parsed->response_url, request.response_url);

  ApprovalCard decided = Card("8");
  decided.decided = "Rejected by slack:bob";
  const Status responded = client->Respond(parsed->response_url, decided);
  ASSERT_TRUE(responded.ok()) << responded.ToString();
  const std::vector<SlackSandboxMessage> after = sandbox_->Messages("C0APPROVALS");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].updates, 1);
  EXPECT_FALSE(HasActions(after[0].blocks));
  EXPECT_NE(after[0].blocks.find("Rejected by slack:bob"), std::string::npos);

  const Status unknown = client->Respond(parsed->response_url + "nope", decided);
  EXPECT_EQ(unknown.code(), StatusCode::kUnavailable);
  EXPECT_EQ(unknown.message(), "slack response_url: HTTP 404 no_service");
  ExpectNoSecrets(unknown, {parsed->response_url});
  // Slack honours a response_url five times.
  for (int use = 2; use <= 5; ++use) {
    EXPECT_TRUE(client->Respond(parsed->response_url, decided).ok()) << "use " << use;
  }
  const Status expired = client->Respond(parsed->response_url, decided);
  EXPECT_EQ(expired.message(), "slack response_url: HTTP 404 expired_url");
  ExpectNoSecrets(expired, {parsed->response_url});
}

TEST_F(SlackClientTest, TheEmulatorPressesButtonsOnOurInteractionEndpoint) {
  // A stand-in for the engine's /slack/interactions: verify, parse, record.
  std::mutex mutex;
  std::vector<SlackInteraction> seen;
  std::unique_ptr<HttpServer> endpoint = HttpServer::Create(HttpServerOptions{});
  endpoint->Handle("POST", "/slack/interactions", [&](const ServerRequest& request) {
    const Status verified = VerifySlackRequest(SlackSandboxOptions{}.signing_secret,
                                               request.headers, request.body, NowSeconds());
    if (!verified.ok()) {
      return JsonError(401, verified.message());
    }
    Result<SlackInteraction> parsed = ParseSlackInteraction(request.body);
    if (!parsed.ok()) {
      return JsonError(400, parsed.status().message());
    }
    std::lock_guard<std::mutex> lock(mutex);
    seen.push_back(*parsed);
    return ServerResponse{};
  });
  ASSERT_TRUE(endpoint->Start().ok());

  SlackSandboxOptions options;
  options.interaction_url =
      "http://127.0.0.1:" + std::to_string(endpoint->port()) + "/slack/interactions";
  Result<std::unique_ptr<SlackSandbox>> slack = SlackSandbox::Start(options);
  ASSERT_TRUE(slack.ok());
  SlackOptions bot = BotOptions();
  bot.api_base_url = (*slack)->api_base_url();
  const Result<SlackMessageRecord> posted =
      SlackClient::Create(bot, http_.get())->Post(Card("9"), false);
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();

  SlackInteractionSpec press;
  press.channel = posted->channel;
  press.message_ts = posted->ts;
  const Result<int> status = (*slack)->PressButton(press);
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 200);

  // A press signed with another secret is refused by our endpoint.
  SlackSandboxOptions forged = options;
  forged.signing_secret = "not-the-secret";
  Result<std::unique_ptr<SlackSandbox>> impostor = SlackSandbox::Start(forged);
  ASSERT_TRUE(impostor.ok());
  const Result<int> refused = (*impostor)->PressButton(press);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(*refused, 401);

  http_.reset();
  (*slack)->Stop();
  (*impostor)->Stop();
  endpoint->Stop();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].action, "approve");
  EXPECT_EQ(seen[0].ticket_id, "9");
  EXPECT_EQ(seen[0].slack_user_id, "U0ALICE");
  EXPECT_EQ(seen[0].message_ts, posted->ts);
}

}  // namespace
}  // namespace autotriage
