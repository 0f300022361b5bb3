// HttpServer on cpp-httplib 0.11.4 (Debian 12), with the five settings of the house rules §3.1:
// PkgConfig::HTTPLIB (ABI defines), TCP_NODELAY, a worker pool sized for keep-alive clients,
// the listen backlog raised after bind, 411/413 decided before the body is read, and waiting
// for is_running() after start.
//
// Routing is ours, not httplib's regex table: one catch-all httplib handler per method looks the
// path up in an exact-path map and a prefix list. Requests for unknown paths or methods are
// answered 404/405 in the pre-routing handler too, so their bodies are never read either.
#include "autotriage/server/http_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

namespace autotriage {
namespace {

constexpr int kStartTimeoutMs = 5000;
// Every response of ours carries this header (it stops browsers from sniffing content types);
// answers httplib makes up itself lack it, which is how the error handler tells them apart.
constexpr char kOwnMarker[] = "X-Content-Type-Options";

// ASCII only (header names are ASCII); std::tolower would consult the locale per character.
std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

struct Route {
  std::string method;
  std::string path;
  Handler handler;
};

// Result of looking a request up before its body is read.
struct Lookup {
  const Handler* handler = nullptr;
  bool path_known = false;  // some route has this path (405 rather than 404)
  std::string allow;        // methods of that path, for the Allow header
};

class HttplibServer final : public HttpServer {
 public:
  explicit HttplibServer(const HttpServerOptions& options) : options_(options) {}
  ~HttplibServer() override { Stop(); }

  void Handle(const std::string& method, const std::string& path, Handler handler,
              bool prefix) override {
    Route route{method, path, std::move(handler)};
    if (prefix) {
      prefix_routes_.push_back(std::move(route));
      // Longest prefix first, so "/hooks/freshdesk/" wins over "/hooks/".
      std::stable_sort(
          prefix_routes_.begin(), prefix_routes_.end(),
          [](const Route& a, const Route& b) { return a.path.size() > b.path.size(); });
    } else {
      exact_routes_.push_back(std::move(route));
    }
  }

  Status Start() override;
  void Stop() override;
  int port() const override { return port_; }

 private:
  void Log(const std::string& line) const;
  Lookup Find(const std::string& method, const std::string& path) const;
  // 411 / 413 / 404 / 405 (and 400 for a malformed Content-Length) from the headers alone.
  bool RejectEarly(const httplib::Request& request, httplib::Response& response) const;
  void Dispatch(const httplib::Request& request, httplib::Response& response) const;
  void Configure(httplib::Server& server);

  HttpServerOptions options_;
  std::vector<Route> exact_routes_;
  std::vector<Route> prefix_routes_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<int> listen_fd_{-1};
  std::atomic<bool> listen_returned_{false};
  int port_ = 0;
  std::mutex lifecycle_mutex_;
  bool started_ = false;
  bool stopped_ = false;
};

void Send(const ServerResponse& from, httplib::Response& to) {
  to.status = from.status;
  to.set_header(kOwnMarker, "nosniff");
  for (const auto& [name, value] : from.headers) {
    to.set_header(name, value);
  }
  to.set_content(from.body, from.content_type.c_str());
}

// Answers early, before the body is read. The unread body is still in the socket, so the
// connection must not be reused: httplib would parse the body as the next request. httplib
// 0.11.4 decides keep-alive before routing, but drops a connection whose response content
// provider reports failure, so the provider writes the whole body and then returns false.
void SendAndClose(const ServerResponse& from, httplib::Response& to) {
  to.status = from.status;
  to.set_header(kOwnMarker, "nosniff");
  for (const auto& [name, value] : from.headers) {
    to.set_header(name, value);
  }
  to.set_header("Connection", "close");
  auto body = std::make_shared<const std::string>(from.body);
  to.set_content_provider(body->size(), from.content_type.c_str(),
                          [body](size_t offset, size_t length, httplib::DataSink& sink) {
                            sink.write(body->data() + offset, length);
                            return false;
                          });
}

void HttplibServer::Log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

Lookup HttplibServer::Find(const std::string& method, const std::string& path) const {
  // HEAD is answered by the GET handler (httplib drops the body).
  const std::string wanted = method == "HEAD" ? "GET" : method;
  Lookup lookup;
  auto consider = [&](const Route& route) {
    lookup.path_known = true;
    if (lookup.allow.find(route.method) == std::string::npos) {
      lookup.allow += lookup.allow.empty() ? route.method : ", " + route.method;
    }
    if (lookup.handler == nullptr && route.method == wanted) {
      lookup.handler = &route.handler;
    }
  };
  for (const Route& route : exact_routes_) {
    if (route.path == path) {
      consider(route);
    }
  }
  if (lookup.path_known) {
    return lookup;
  }
  // Only the longest matching prefix counts (the list is sorted longest first).
  size_t best = std::string::npos;
  for (const Route& route : prefix_routes_) {
    if (path.compare(0, route.path.size(), route.path) != 0) {
      continue;
    }
    if (best == std::string::npos) {
      best = route.path.size();
    } else if (route.path.size() != best) {
      break;
    }
    consider(route);
  }
  return lookup;
}

bool HttplibServer::RejectEarly(const httplib::Request& request,
                                httplib::Response& response) const {
  if (request.has_header("Transfer-Encoding")) {
    SendAndClose(JsonError(411,
                           "chunked request bodies are not accepted: send the body with a "
                           "Content-Length header"),
                 response);
    return true;
  }
  if (request.has_header("Content-Length")) {
    const std::string text = request.get_header_value("Content-Length");
    uint64_t length = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
      SendAndClose(JsonError(400, "the Content-Length header is not a number"), response);
      return true;
    }
    if (length > static_cast<uint64_t>(options_.max_body_bytes)) {
      SendAndClose(JsonError(413, "request body of " + text + " bytes exceeds the limit of " +
                                      std::to_string(options_.max_body_bytes) + " bytes"),
                   response);
      return true;
    }
  }
  const Lookup lookup = Find(request.method, request.path);
  if (lookup.handler == nullptr) {
    ServerResponse error =
        lookup.path_known ? JsonError(405, "method " + request.method + " is not allowed on " +
                                               request.path + " (allowed: " + lookup.allow + ")")
                          : JsonError(404, "no such path: " + request.path);
    if (lookup.path_known) {
      error.headers.emplace_back("Allow", lookup.allow);
    }
    const bool body_follows = request.get_header_value("Content-Length", 0) != "" &&
                              request.get_header_value("Content-Length", 0) != "0";
    if (body_follows) {
      SendAndClose(error, response);
    } else {
      Send(error, response);  // nothing unread: the connection can be reused
    }
    return true;
  }
  return false;
}

void HttplibServer::Dispatch(const httplib::Request& request, httplib::Response& response) const {
  const Lookup lookup = Find(request.method, request.path);
  if (lookup.handler == nullptr) {  // RejectEarly answered already; defensive only
    Send(JsonError(404, "no such path: " + request.path), response);
    return;
  }
  ServerRequest converted;
  converted.method = request.method;
  converted.path = request.path;
  for (const auto& [name, value] : request.params) {
    converted.query.emplace(name, value);  // the first value of a repeated parameter wins
  }
  for (const auto& [name, value] : request.headers) {
    converted.headers.emplace(Lower(name), value);
  }
  converted.body = request.body;
  converted.remote_address = request.remote_addr;
  try {
    Send((*lookup.handler)(converted), response);
  } catch (const std::exception& e) {
    Log("http: handler for " + request.method + " " + request.path + " threw: " + e.what());
    Send(JsonError(500, "internal error"), response);
  } catch (...) {
    Log("http: handler for " + request.method + " " + request.path + " threw");
    Send(JsonError(500, "internal error"), response);
  }
}

void HttplibServer::Configure(httplib::Server& server) {
  server.set_tcp_nodelay(true);
  const int workers = std::max(1, options_.worker_threads);
  server.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  // httplib's default options set SO_REUSEPORT, which would let a second process bind the same
  // port and silently share its traffic; SO_REUSEADDR alone allows a quick restart.
  server.set_socket_options([this](int fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    int none = -1;
    listen_fd_.compare_exchange_strong(none, fd);  // the first socket is the listening one
  });
  server.set_payload_max_length(static_cast<size_t>(std::max<int64_t>(0, options_.max_body_bytes)));
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(std::max(1, options_.keep_alive_timeout_seconds));
  server.set_read_timeout(std::chrono::milliseconds(options_.read_timeout_ms));
  server.set_write_timeout(std::chrono::milliseconds(options_.write_timeout_ms));
  server.set_pre_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        return RejectEarly(request, response) ? httplib::Server::HandlerResponse::Handled
                                              : httplib::Server::HandlerResponse::Unhandled;
      });
  // With "Expect: 100-continue" httplib would answer 100 before routing; refuse there instead.
  server.set_expect_100_continue_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        return RejectEarly(request, response) ? response.status : 100;
      });
  // Errors httplib produces itself (malformed request line, 414, ...) get a JSON body too.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& response) {
        if (response.has_header(kOwnMarker)) {
          return httplib::Server::HandlerResponse::Unhandled;  // answered by us already
        }
        const char* reason = response.status == 413   ? "request body too large"
                             : response.status == 414 ? "request URI too long"
                             : response.status == 400 ? "malformed HTTP request"
                             : response.status == 404 ? "no such path"
                             : response.status >= 500 ? "internal error"
                                                      : "request refused";
        Send(JsonError(response.status, reason), response);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [this](const httplib::Request& request, httplib::Response& response, std::exception_ptr) {
        Log("http: unhandled exception for " + request.method + " " + request.path);
        Send(JsonError(500, "internal error"), response);
      });
  auto dispatch = [this](const httplib::Request& request, httplib::Response& response) {
    Dispatch(request, response);
  };
  const std::string any = ".*";
  server.Get(any, dispatch);
  server.Post(any, dispatch);
  server.Put(any, dispatch);
  server.Patch(any, dispatch);
  server.Delete(any, dispatch);
  server.Options(any, dispatch);
}

Status HttplibServer::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (started_) {
    return FailedPrecondition("the HTTP server was already started");
  }
  const std::string where = options_.listen_address + ":" + std::to_string(options_.port);
  if (options_.port < 0 || options_.port > 65535) {
    return InvalidArgument("HTTP port " + std::to_string(options_.port) + " is out of range");
  }
  server_ = std::make_unique<httplib::Server>();
  Configure(*server_);
  bool bound = false;
  if (options_.port == 0) {
    const int port = server_->bind_to_any_port(options_.listen_address);
    bound = port > 0;
    port_ = port;
  } else {
    bound = server_->bind_to_port(options_.listen_address, options_.port);
    port_ = options_.port;
  }
  if (!bound) {
    server_.reset();
    return Unavailable("cannot listen on " + where +
                       ": the address is invalid or another process is using the port");
  }
  // httplib listens with a backlog of 5; raise it on the same socket.
  const int fd = listen_fd_.load();
  if (fd < 0 || ::listen(fd, std::max(16, options_.listen_backlog)) != 0) {
    server_.reset();
    return Unavailable("cannot set the listen backlog on " + where);
  }
  started_ = true;
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_.store(true);
  });
  // 0.11.4 has no wait_until_ready(): poll is_running() until the accept loop runs.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  while (!server_->is_running()) {
    if (listen_returned_.load() || std::chrono::steady_clock::now() > deadline) {
      server_->stop();
      thread_.join();
      stopped_ = true;
      return Unavailable("the HTTP server on " + where + " did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::Ok();
}

void HttplibServer::Stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (!started_ || stopped_) {
    return;
  }
  stopped_ = true;
  server_->stop();
  // listen_after_bind returns once the worker pool is shut down: every in-flight handler
  // has returned and every connection thread has exited.
  if (thread_.joinable()) {
    thread_.join();
  }
}

}  // namespace

ServerResponse JsonError(int status, const std::string& message) {
  ServerResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                          nlohmann::json::error_handler_t::replace);
  return response;
}

std::unique_ptr<HttpServer> HttpServer::Create(const HttpServerOptions& options) {
  return std::make_unique<HttplibServer>(options);
}

}  // namespace autotriage
