// Start-up, the HTTP pipeline and shutdown of the sandbox server.
//
// Pipeline for /api/ requests: latency -> rate limit (every request counts, like the real
// per-account limit) -> injected 5xx or drop -> Accept check -> Basic auth -> routing (404/405)
// -> Content-Type check for writes (415) -> handler. Every response carries X-RateLimit-* and
// the X-<Helpdesk>-API-Version header. Writes are recorded at arrival and completed afterwards.
#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <utility>

#include "autotriage/sandbox/net_util.h"
#include "autotriage/sandbox/sandbox_impl.h"

namespace autotriage {
namespace {

constexpr int kWorkerThreads = 64;
constexpr int kListenBacklog = 1024;
constexpr size_t kMaxBodyBytes = 16 * 1024 * 1024;
constexpr int kReadyTimeoutMs = 5000;
constexpr const char* kUnauthorizedMessage = "You have to be logged in to perform this action.";

// The API key is the Basic-auth user name; the password is ignored ("X" by convention).
bool Authorized(const httplib::Request& request, const std::string& api_key) {
  const std::string header = request.get_header_value("Authorization");
  const std::string prefix = "Basic ";
  if (header.compare(0, prefix.size(), prefix) != 0) {
    return false;
  }
  const std::string decoded = Base64Decode(header.substr(prefix.size()));
  const size_t colon = decoded.find(':');
  return colon != std::string::npos && decoded.substr(0, colon) == api_key;
}

bool IsWrite(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

bool AcceptsJson(const std::string& accept) {
  return accept.empty() || accept.find("application/json") != std::string::npos ||
         accept.find("*/*") != std::string::npos ||
         accept.find("application/*") != std::string::npos;
}

// Rate-limit credits of a request: embedding costs extra, more on lists (reference A.3, B.9).
int64_t CostOf(SandboxKind kind, const std::string& method, const std::string& path,
               const std::string& include) {
  if (method != "GET" || include.empty()) {
    return 1;
  }
  int64_t embeds = 1;
  for (char c : include) {
    embeds += c == ',' ? 1 : 0;
  }
  const bool list = path == "/api/v2/tickets";
  const int64_t per_embed = list ? (kind == SandboxKind::kFreshdesk ? 2 : 3) : 1;
  return 1 + embeds * per_embed;
}

void Send(const ApiResponse& api, httplib::Response& response) {
  response.status = api.status;
  for (const auto& [name, value] : api.headers) {
    response.set_header(name, value);
  }
  if (!api.content_type.empty()) {
    response.set_content(api.body, api.content_type.c_str());
  }
}

}  // namespace

SandboxServerImpl::SandboxServerImpl(const SandboxOptions& options) : options_(options) {}

SandboxServerImpl::~SandboxServerImpl() {
  Stop();
}

void SandboxServerImpl::Log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

Status SandboxServerImpl::Init() {
  if (options_.kind == "freshdesk") {
    kind_ = SandboxKind::kFreshdesk;
  } else if (options_.kind == "freshservice") {
    kind_ = SandboxKind::kFreshservice;
  } else {
    return InvalidArgument("sandbox kind must be 'freshdesk' or 'freshservice', not '" +
                           options_.kind + "'");
  }
  if (options_.tickets < 0 || options_.fail_rate < 0 || options_.fail_rate > 1 ||
      options_.drop_rate < 0 || options_.drop_rate > 1 || options_.latency_ms < 0 ||
      options_.throttle_rate < 0 || options_.throttle_rate > 1 || options_.slow_rate < 0 ||
      options_.slow_rate > 1 || options_.slow_ms < 0 || options_.rate_limit_per_minute < 0 ||
      options_.port < 0 || options_.port > 65535) {
    return InvalidArgument(
        "sandbox options out of range: tickets >= 0, rates in [0, 1], latency and slow_ms >= 0, "
        "rate limit >= 0, port 0..65535");
  }
  if (options_.api_key.empty()) {
    return InvalidArgument("sandbox API key must not be empty");
  }
  clock_ms_ = options_.clock_ms ? options_.clock_ms : [] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  };
  auto log = [this](const std::string& line) { Log(line); };
  Result<std::unique_ptr<SandboxStore>> store = SandboxStore::Open(options_, kind_, log);
  if (!store.ok()) {
    return store.status();
  }
  store_ = std::move(store).value();
  faults_ = std::make_unique<FaultInjector>(
      FaultInjector::Rates{options_.fail_rate, options_.drop_rate, options_.throttle_rate,
                           options_.slow_rate},
      options_.fault_seed);
  limiter_ = std::make_unique<RateLimiter>(options_.rate_limit_per_minute, clock_ms_);
  if (!options_.webhook_url.empty()) {
    webhooks_ = std::make_unique<WebhookSender>(options_.webhook_url, log);
  }

  server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *server_;
  // The five cpp-httplib settings of the house rules (§3.1).
  server.set_tcp_nodelay(true);
  server.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  server.set_socket_options([this](int fd) {
    httplib::default_socket_options(fd);
    int none = -1;
    listen_fd_.compare_exchange_strong(none, fd);  // the first socket is the listening one
  });
  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    if (request.has_header("Transfer-Encoding")) {
      response.status = 411;
      response.set_content(R"({"code":"length_required","message":"Send a Content-Length"})",
                           "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_payload_max_length(kMaxBodyBytes);
  server.set_keep_alive_max_count(1000);
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);
  server.set_exception_handler(
      [this](const httplib::Request& request, httplib::Response& response, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        Log("sandbox: internal error on " + request.method + " " + request.path + ": " + what);
        response.status = 500;
        response.set_content(R"({"code":"internal_error","message":"Internal server error"})",
                             "application/json");
      });
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    Handle(request, response);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);

  if (options_.port == 0) {
    port_ = server.bind_to_any_port(options_.listen);
  } else {
    port_ = server.bind_to_port(options_.listen, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    return Unavailable("sandbox cannot listen on " + options_.listen + ":" +
                       std::to_string(options_.port) + " (address in use or not local?)");
  }
  // httplib listens with a backlog of 5; bursts of new connections then wait for SYN retries.
  if (listen_fd_ >= 0) {
    ::listen(listen_fd_, kListenBacklog);
  }
  const bool ipv6 = options_.listen.find(':') != std::string::npos;
  base_url_ = "http://" + (ipv6 ? "[" + options_.listen + "]" : options_.listen) + ":" +
              std::to_string(port_);
  context_.kind = kind_;
  context_.store = store_.get();
  context_.base_url = base_url_;
  // Always installed: SetWebhookUrl may enable webhooks after the start.
  context_.send_webhook = [this](std::string payload) { EnqueueWebhook(std::move(payload)); };
  AddTicketRoutes(&api_router_, &context_);
  AddSearchRoutes(&api_router_, &context_);
  AddCatalogRoutes(&api_router_, &context_);
  AddSolutionRoutes(&api_router_, &context_);
  AddProblemRoutes(&api_router_, &context_);
  AddAdminRoutes();

  thread_ = std::thread([this] { server_->listen_after_bind(); });
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadyTimeoutMs);
  while (!server_->is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      Stop();
      return Unavailable("sandbox server did not start within 5 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::Ok();
}

void SandboxServerImpl::Stop() {
  if (stopped_.exchange(true)) {
    return;
  }
  if (server_ != nullptr) {
    server_->stop();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  if (webhooks_ != nullptr) {
    webhooks_->Stop();
  }
}

ApiRequest SandboxServerImpl::ToApiRequest(const httplib::Request& request) const {
  ApiRequest api;
  api.method = request.method;
  api.path = request.path;
  for (const auto& [name, value] : request.params) {
    api.params.emplace_back(name, value);
  }
  api.body = request.body;
  api.content_type = request.get_header_value("Content-Type");
  const std::string host = request.get_header_value("Host");
  api.origin = host.empty() ? base_url_ : "http://" + host;
  api.now = NowMs() / 1000;
  return api;
}

void SandboxServerImpl::Handle(const httplib::Request& request, httplib::Response& response) {
  ApiRequest api = ToApiRequest(request);
  if (request.path.rfind("/_sandbox/", 0) == 0) {
    const RouteHandler* handler = nullptr;
    std::string allowed;
    switch (admin_router_.Find(request.method, request.path, &handler, &api.ids, &allowed)) {
      case Router::Outcome::kFound:
        Send((*handler)(api), response);
        return;
      case Router::Outcome::kWrongMethod:
        Send(CodeError(405, "method_not_allowed", "Allowed: " + allowed), response);
        return;
      case Router::Outcome::kNotFound:
        Send(NotFoundResponse("sandbox endpoint " + request.path), response);
        return;
    }
  }
  RecordedWrite write;
  const bool is_write = IsWrite(request.method);
  if (is_write) {
    write.method = request.method;
    write.path = request.target.empty() ? request.path : request.target;
    write.body = request.body;
    write.time_ms = NowMs();
    auto lock = store_->Lock();
    write.seq = store_->AddWrite(write);
  }
  bool drop = false;
  ApiResponse api_response = HandleApi(request, &api, &drop);
  auto complete_write = [&] {
    if (is_write) {
      write.status = api_response.status;
      write.applied = api_response.status >= 200 && api_response.status < 300;
      write.dropped = drop;
      auto lock = store_->Lock();
      store_->UpdateWrite(write);
    }
  };
  // Completed before a drop, so that a client reacting to the closed connection already sees
  // the final record.
  complete_write();
  if (drop) {
    // Writes are applied before the connection drops: the client cannot know whether they
    // arrived, which is exactly the case a client must not resend a non-idempotent write for.
    if (!DropConnection(request.local_port, request.remote_port)) {
      Log("sandbox: could not find the connection to drop; answering 503 instead");
      drop = false;
      api_response = CodeError(503, "service_unavailable", "Service temporarily unavailable");
      complete_write();
    }
  }
  Send(api_response, response);
}

ApiResponse SandboxServerImpl::HandleApi(const httplib::Request& request, ApiRequest* api,
                                         bool* drop) {
  if (options_.latency_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.latency_ms));
  }
  ApiResponse response;
  const RateLimiter::Decision budget =
      limiter_->Acquire(CostOf(kind_, request.method, request.path, api->param("include")));
  auto finish = [&](ApiResponse r) {
    r.headers.emplace_back("X-RateLimit-Total", std::to_string(budget.total));
    r.headers.emplace_back("X-RateLimit-Remaining", std::to_string(budget.remaining));
    r.headers.emplace_back("X-RateLimit-Used-CurrentRequest",
                           std::to_string(budget.used_by_request));
    r.headers.emplace_back(
        kind_ == SandboxKind::kFreshdesk ? "X-Freshdesk-API-Version" : "X-Freshservice-API-Version",
        "latest=v2; requested=v2");
    return r;
  };
  if (!budget.allowed) {
    response =
        CodeError(429, "too_many_requests", "You have exceeded the limit of requests per minute");
    response.headers.emplace_back("Retry-After", std::to_string(budget.retry_after_seconds));
    return finish(response);
  }
  const Fault fault = faults_->Next();
  switch (fault) {
    case Fault::kFail500:
      return finish(CodeError(500, "internal_error", "Internal server error"));
    case Fault::kFail502: {
      // A proxy in front of the helpdesk answers in HTML, not JSON.
      ApiResponse bad_gateway;
      bad_gateway.status = 502;
      bad_gateway.content_type = "text/html";
      bad_gateway.body =
          "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad "
          "Gateway</h1></body></html>";
      return finish(bad_gateway);
    }
    case Fault::kFail503:
      response = CodeError(503, "service_unavailable", "Service temporarily unavailable");
      response.headers.emplace_back("Retry-After", "1");
      return finish(response);
    case Fault::kDrop:
      *drop = true;
      if (!IsWrite(request.method)) {
        return finish(CodeError(503, "service_unavailable", "dropped"));
      }
      break;
    case Fault::kThrottle:
      response =
          CodeError(429, "too_many_requests", "You have exceeded the limit of requests per minute");
      response.headers.emplace_back("Retry-After", "1");
      return finish(response);
    case Fault::kSlow:
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.slow_ms));
      break;
    case Fault::kNone:
      break;
  }
  if (!AcceptsJson(request.get_header_value("Accept"))) {
    return finish(
        CodeError(406, "invalid_accept_header", "Accept header should be application/json or */*"));
  }
  if (!Authorized(request, options_.api_key)) {
    response = CodeError(401, "invalid_credentials", kUnauthorizedMessage);
    response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Helpdesk\"");
    return finish(response);
  }
  const RouteHandler* handler = nullptr;
  std::string allowed;
  switch (api_router_.Find(request.method, request.path, &handler, &api->ids, &allowed)) {
    case Router::Outcome::kNotFound:
      return finish(NotFoundResponse("resource " + request.path));
    case Router::Outcome::kWrongMethod:
      response = CodeError(
          405, "method_not_allowed",
          request.method + " is not allowed on " + request.path + "; allowed: " + allowed);
      response.headers.emplace_back("Allow", allowed);
      return finish(response);
    case Router::Outcome::kFound:
      break;
  }
  if ((request.method == "POST" || request.method == "PUT") && !request.body.empty() &&
      api->content_type.find("application/json") == std::string::npos) {
    return finish(
        CodeError(415, "invalid_content_type", "Content-Type header should have application/json"));
  }
  return finish((*handler)(*api));
}

}  // namespace autotriage
