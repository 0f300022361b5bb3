#include "autotriage/server/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "autotriage/server/http_test_util.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

ServerResponse Text(const std::string& body) {
  ServerResponse response;
  response.content_type = "text/plain";
  response.body = body;
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    options.port = 0;
    options.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_lines_.push_back(line);
    };
    server_ = HttpServer::Create(options);
    server_->Handle("GET", "/healthz", [](const ServerRequest&) { return Text("ok"); });
    server_->Handle(
        "GET", "/api/", [](const ServerRequest& r) { return Text("api:" + r.path); },
        /*prefix=*/true);
    server_->Handle(
        "GET", "/api/tickets/", [](const ServerRequest& r) { return Text("tickets:" + r.path); },
        /*prefix=*/true);
    server_->Handle("POST", "/echo", [this](const ServerRequest& r) {
      ++echo_calls_;
      ServerResponse response;
      response.status = 201;
      response.body = Json{{"method", r.method},   {"path", r.path}, {"query", r.query},
                           {"headers", r.headers}, {"body", r.body}, {"remote", r.remote_address}}
                          .dump();
      response.headers.emplace_back("X-Echo", "yes");
      return response;
    });
    server_->Handle("GET", "/throw", [](const ServerRequest&) -> ServerResponse {
      throw std::runtime_error("secret internals: password=hunter2");
    });
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
  }

  httplib::Client Client() {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(5, 0);
    client.set_tcp_nodelay(true);  // else every request waits for a delayed ACK
    return client;
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> echo_calls_{0};
  std::mutex log_mutex_;
  std::vector<std::string> log_lines_;
};

TEST_F(HttpServerTest, RoutesExactPathsAndLongestPrefix) {
  StartServer();
  httplib::Client client = Client();
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok");

  auto below_exact = client.Get("/healthz/more");
  ASSERT_TRUE(below_exact);
  EXPECT_EQ(below_exact->status, 404);

  auto api = client.Get("/api/groups");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->body, "api:/api/groups");

  auto tickets = client.Get("/api/tickets/17");
  ASSERT_TRUE(tickets);
  EXPECT_EQ(tickets->body, "tickets:/api/tickets/17");
}

TEST_F(HttpServerTest, PassesMethodPathQueryHeadersAndBody) {
  StartServer();
  httplib::Client client = Client();
  httplib::Headers headers = {{"X-Custom-Header", "Value"}};
  auto response = client.Post("/echo?a=1&b=x%20y&a=2", headers, R"({"k":"v"})", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->get_header_value("X-Echo"), "yes");
  EXPECT_EQ(response->get_header_value("Content-Type"), "application/json");
  const Json echo = Json::parse(response->body);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["path"], "/echo");
  EXPECT_EQ(echo["query"]["a"], "1");
  EXPECT_EQ(echo["query"]["b"], "x y");
  EXPECT_EQ(echo["headers"]["x-custom-header"], "Value");
  EXPECT_EQ(echo["headers"]["content-type"], "application/json");
  EXPECT_EQ(echo["body"], R"({"k":"v"})");
  EXPECT_EQ(echo["remote"], "127.0.0.1");
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithJsonBodies) {
  StartServer();
  httplib::Client client = Client();
  auto missing = client.Get("/nothing-here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/json");
  EXPECT_NE(Json::parse(missing->body)["error"].get<std::string>().find("/nothing-here"),
            std::string::npos);

  auto wrong = client.Get("/echo");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->get_header_value("Allow"), "POST");
  EXPECT_NE(Json::parse(wrong->body)["error"].get<std::string>().find("GET"), std::string::npos);

  auto wrong_on_prefix = client.Post("/api/x", "{}", "application/json");
  ASSERT_TRUE(wrong_on_prefix);
  EXPECT_EQ(wrong_on_prefix->status, 405);
  EXPECT_EQ(echo_calls_.load(), 0);
}

TEST_F(HttpServerTest, HandlerExceptionIs500WithoutInternals) {
  StartServer();
  httplib::Client client = Client();
  auto response = client.Get("/throw");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(Json::parse(response->body), (Json{{"error", "internal error"}}));
  EXPECT_EQ(response->body.find("hunter2"), std::string::npos);
  {
    std::lock_guard<std::mutex> lock(log_mutex_);
    ASSERT_EQ(log_lines_.size(), 1u);
    EXPECT_NE(log_lines_[0].find("GET /throw"), std::string::npos);
  }
  // The server is still serving afterwards.
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(HttpServerTest, ChunkedBodyIsRefusedWith411BeforeTheBodyIsRead) {
  StartServer();
  // Headers only: the answer must come without the server waiting for any chunk.
  RawReply reply = RawExchange(server_->port(),
                               "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                               "\r\nTransfer-Encoding: chunked\r\n\r\n",
                               /*timeout_ms=*/2000);
  ASSERT_TRUE(reply.connected);
  EXPECT_EQ(reply.status, 411);
  EXPECT_NE(Json::parse(reply.body)["error"].get<std::string>().find("Content-Length"),
            std::string::npos);
  // Closed at once (not after the keep-alive timeout): the unread body must not be parsed as
  // a next request.
  EXPECT_TRUE(reply.closed_by_server);
  EXPECT_EQ(echo_calls_.load(), 0);
}

TEST_F(HttpServerTest, ChunkedUploadFromAClientGets411OrAReset) {
  StartServer();
  httplib::Client client = Client();
  const std::string chunk(64 * 1024, 'x');
  auto response = client.Post(
      "/echo",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < 16 * chunk.size()) {
          sink.write(chunk.data(), chunk.size());
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  // The server answers before reading the chunks and closes; the client may see either.
  if (response) {
    EXPECT_EQ(response->status, 411);
  }
  EXPECT_EQ(echo_calls_.load(), 0);
}

TEST_F(HttpServerTest, OversizedContentLengthIs413BeforeTheBodyIsRead) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  // Announces 10 MB and sends none of it: a server reading the body first would time out.
  RawReply reply = RawExchange(server_->port(),
                               "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                               "\r\nContent-Length: 10000000\r\n\r\n",
                               /*timeout_ms=*/2000);
  ASSERT_TRUE(reply.connected);
  EXPECT_EQ(reply.status, 413);
  EXPECT_NE(Json::parse(reply.body)["error"].get<std::string>().find("1000 bytes"),
            std::string::npos);
  EXPECT_TRUE(reply.closed_by_server);
  EXPECT_EQ(echo_calls_.load(), 0);

  httplib::Client client = Client();
  auto at_limit = client.Post("/echo", std::string(1000, ' '), "application/json");
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->status, 201);
  EXPECT_EQ(echo_calls_.load(), 1);
}

TEST_F(HttpServerTest, ExpectContinueWithOversizedBodyIsRefusedWithout100) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  RawReply reply = RawExchange(server_->port(),
                               "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                               "\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.headers.find("100 Continue"), std::string::npos);
  EXPECT_EQ(echo_calls_.load(), 0);
}

TEST_F(HttpServerTest, ConcurrentKeepAliveClientsAllGetTheirOwnAnswers) {
  HttpServerOptions options;
  options.worker_threads = 16;
  StartServer(options);
  constexpr int kClients = 12;
  constexpr int kRequests = 100;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client = Client();
      client.set_keep_alive(true);
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = std::to_string(c) + ":" + std::to_string(i);
        auto response = client.Post("/echo", body, "application/json");
        if (response && response->status == 201 && Json::parse(response->body)["body"] == body) {
          ++good;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(good.load(), kClients * kRequests);
  EXPECT_EQ(echo_calls_.load(), kClients * kRequests);
}

TEST_F(HttpServerTest, StopIsIdempotentAndClosesTheListener) {
  StartServer();
  const int port = server_->port();
  EXPECT_EQ(server_->Start().code(), StatusCode::kFailedPrecondition);
  server_->Stop();
  server_->Stop();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  EXPECT_FALSE(client.Get("/healthz"));
}

TEST_F(HttpServerTest, SecondServerOnTheSamePortIsRefused) {
  StartServer();
  HttpServerOptions options;
  options.port = server_->port();
  std::unique_ptr<HttpServer> second = HttpServer::Create(options);
  const Status status = second->Start();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find(std::to_string(server_->port())), std::string::npos);
}

TEST(JsonErrorTest, EscapesTheMessage) {
  const ServerResponse response = JsonError(400, "bad \"quote\"\n");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(Json::parse(response.body)["error"], "bad \"quote\"\n");
}

}  // namespace
}  // namespace autotriage
