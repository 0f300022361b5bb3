// Shared state and route plumbing of the dashboard's handlers (internal to the module).
//
// Context holds the dependencies and the caches every handler may use. Routes registers a
// handler behind the authentication rules of its kind:
//   page: Authenticator::Require(role); a GET without a session redirects to /login?next=...,
//         other unauthenticated requests get a 401 page, a too-low role or missing CSRF a 403
//         page;
//   api:  the same check; 401 / 403 as JSON {"error": ...} (401 with WWW-Authenticate: Bearer);
//   public and slack: no check (the handler authenticates, e.g. by Slack signature).
// Every response gets the security headers and a Server-Timing header with the handler's time.
// Thread-safety: Context members are thread-safe (the caches lock); Routes is used before the
// server starts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "autotriage/dashboard/audit_status.h"
#include "autotriage/dashboard/dashboard.h"
#include "autotriage/dashboard/kpis.h"

namespace autotriage::dashboard {

struct Context {
  explicit Context(const DashboardDeps& dependencies);

  int64_t Now() const;
  // Logs a failure (store errors and the like); never given a secret.
  void Log(const std::string& message) const;

  DashboardDeps deps;
  AuditStatusCache audit_status;
  KpiCache kpis;
};

using PageHandler = std::function<ServerResponse(Context&, const ServerRequest&, const Principal&)>;

class Routes {
 public:
  Routes(HttpServer& server, std::shared_ptr<Context> context)
      : server_(server), context_(context) {}

  // `server_path` is what HttpServer matches (exact, or a prefix ending in '/' when `prefix`);
  // `documented` the path templates it serves (for DashboardRoute and the OpenAPI check).
  void Page(const std::string& method, const std::string& server_path, bool prefix, Role need,
            PageHandler handler, std::vector<std::string> documented = {});
  void Api(const std::string& method, const std::string& server_path, bool prefix, Role need,
           PageHandler handler, std::vector<std::string> documented = {});
  // No authentication by the router: kind "public" or "slack".
  void Open(const std::string& kind, const std::string& method, const std::string& server_path,
            bool prefix, std::function<ServerResponse(Context&, const ServerRequest&)> handler);

  const std::vector<DashboardRoute>& routes() const { return routes_; }

 private:
  void Record(const std::string& kind, const std::string& method, const std::string& path,
              const std::string& role, const std::vector<std::string>& documented);

  HttpServer& server_;
  std::shared_ptr<Context> context_;
  std::vector<DashboardRoute> routes_;
};

// Content-Security-Policy, X-Frame-Options, Referrer-Policy, X-Content-Type-Options and
// (unless `cacheable`) Cache-Control: no-store.
void AddSecurityHeaders(ServerResponse& response, bool cacheable);

// HTTP status for a Status from a lower layer: 400, 401, 403, 404, 409, 429, 503, else 500.
int HttpStatusFor(const Status& status);

// The request header `name` (lower case), or "".
std::string HeaderOf(const ServerRequest& request, const std::string& name);

// False when the request carries an Origin (or, without one, a Referer) naming another host
// than its Host header and than `public_url`'s (a reverse proxy may rewrite Host): a
// cross-site form post (login CSRF).
bool SameOrigin(const ServerRequest& request, const std::string& public_url);

// A safe local redirect target from ?next=: a path starting with one '/', else "/".
std::string SafeNext(const std::string& next);

// The rest of a path after ".../approvals/" -> {ticket, version}, split at the last '/' (the
// path is already decoded); false when either part is empty.
bool SplitTicketVersion(const std::string& rest, std::string* ticket, std::string* version);

}  // namespace autotriage::dashboard
