// HttpServer: the engine's HTTP listener (webhooks, /healthz, /readyz, /metrics; later the
// dashboard and REST API), on cpp-httplib with the settings that make it fit for production
// traffic: TCP_NODELAY, a worker pool sized for keep-alive clients, a listen backlog of 1024,
// 411 for chunked request bodies (their size cannot be checked before reading), 413 above
// max_body_bytes, and port 0 support.
//
// Handlers get the request fully read and return a response; they run on the server's worker
// threads, so they must be thread-safe. Routes are exact paths or prefixes ("/hooks/" + rest;
// the longest matching prefix wins); HEAD is served by the GET route. 411, 413, 404 and 405
// are decided from the headers, before any body is read, with a JSON body {"error": reason};
// when a body was announced the connection is then closed (its unread bytes must not be taken
// for the next request). A handler that throws gets 500 {"error": "internal error"}; the
// exception's message goes to the log only. Every response carries
// X-Content-Type-Options: nosniff.
// Thread-safety: Handle* calls happen before Start; Stop may be called from any thread.
// Ownership: the caller owns the server; destroying it stops it.
// Errors: Start returns kUnavailable when the address cannot be bound (the message says which
// address and port, and that another process may be using it; SO_REUSEPORT is not set, so a
// second server on the same port is refused rather than silently sharing it).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

struct ServerRequest {
  std::string method;
  std::string path;                            // without the query string
  std::map<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// {"error": message} with the given status.
ServerResponse JsonError(int status, const std::string& message);

using Handler = std::function<ServerResponse(const ServerRequest&)>;

struct HttpServerOptions {
  std::string listen_address = "127.0.0.1";
  int port = 0;                          // 0 = any free port; read it back with port()
  int worker_threads = 64;               // one per concurrent keep-alive connection
  int64_t max_body_bytes = 1024 * 1024;  // larger bodies get 413 before they are read
  int read_timeout_ms = 10000;
  int write_timeout_ms = 10000;
  // An idle keep-alive connection is closed after this long; Stop waits at most this long for
  // idle connections (cpp-httplib checks for shutdown only between requests).
  int keep_alive_timeout_seconds = 5;
  int listen_backlog = 1024;  // cpp-httplib's own backlog is 5: bursts of connects would stall
  // Receives one line per handler exception (500) and start/stop problems; empty = stderr.
  // Never given request bodies, headers or query strings (they may hold secrets).
  std::function<void(const std::string&)> log;
};

class HttpServer {
 public:
  static std::unique_ptr<HttpServer> Create(const HttpServerOptions& options);
  virtual ~HttpServer() = default;

  // method "GET", "POST", ...; `path` exact, or ending in '/' and `prefix` true to match below it.
  virtual void Handle(const std::string& method, const std::string& path, Handler handler,
                      bool prefix = false) = 0;
  // Binds and starts serving on a background thread; returns once connections are accepted.
  virtual Status Start() = 0;
  // Stops accepting and waits for in-flight handlers to return. Idempotent.
  virtual void Stop() = 0;
  virtual int port() const = 0;
};

}  // namespace autotriage
