#include "autotriage/dashboard/context.h"

#include <chrono>
#include <cstdio>

#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"

namespace autotriage::dashboard {
namespace {

// No inline script or style anywhere: charts are SVG with presentation attributes and classes.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RoleName(Role role) {
  return std::string(ToString(role));
}

// The page to come back to after signing in: the request's path and query.
std::string PathWithQuery(const ServerRequest& request) {
  std::string target = request.path;
  char separator = '?';
  for (const auto& [name, value] : request.query) {
    target += separator + UrlEncode(name) + "=" + UrlEncode(value);
    separator = '&';
  }
  return target;
}

// The host[:port] of an absolute URL ("http://a:1/x" -> "a:1"); "" when not absolute.
std::string HostOfUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    return "";
  }
  const size_t start = scheme + 3;
  const size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

template <typename Fn>
ServerResponse Timed(Fn&& fn, bool cacheable) {
  const auto start = std::chrono::steady_clock::now();
  ServerResponse response = fn();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  AddSecurityHeaders(response, cacheable);
  response.headers.emplace_back("Server-Timing", "app;dur=" + FormatNumber(ms, 2));
  return response;
}

}  // namespace

Context::Context(const DashboardDeps& dependencies) : deps(dependencies) {
  if (!deps.now_ms) {
    deps.now_ms = SystemNowMs;
  }
}

int64_t Context::Now() const {
  return deps.now_ms();
}

void Context::Log(const std::string& message) const {
  if (deps.log) {
    deps.log(message);
  } else {
    std::fprintf(stderr, "dashboard: %s\n", message.c_str());
  }
}

void Routes::Record(const std::string& kind, const std::string& method, const std::string& path,
                    const std::string& role, const std::vector<std::string>& documented) {
  if (documented.empty()) {
    routes_.push_back({method, path, kind, role});
    return;
  }
  for (const std::string& templ : documented) {
    routes_.push_back({method, templ, kind, role});
  }
}

void Routes::Page(const std::string& method, const std::string& server_path, bool prefix, Role need,
                  PageHandler handler, std::vector<std::string> documented) {
  Record("page", method, server_path, RoleName(need), documented);
  std::shared_ptr<Context> context = context_;
  server_.Handle(
      method, server_path,
      [context, need, handler = std::move(handler)](const ServerRequest& request) {
        return Timed(
            [&]() -> ServerResponse {
              Result<Principal> principal = context->deps.auth->Require(request, need);
              if (principal.ok()) {
                return handler(*context, request, *principal);
              }
              const Status& status = principal.status();
              if (status.code() == StatusCode::kUnauthenticated &&
                  (request.method == "GET" || request.method == "HEAD")) {
                return Redirect("/login?next=" + UrlEncode(PathWithQuery(request)));
              }
              if (status.code() != StatusCode::kUnauthenticated &&
                  status.code() != StatusCode::kPermissionDenied) {
                context->Log("authentication failed: " + status.ToString());
              }
              return ErrorPage(HttpStatusFor(status), status.message());
            },
            false);
      },
      prefix);
}

void Routes::Api(const std::string& method, const std::string& server_path, bool prefix, Role need,
                 PageHandler handler, std::vector<std::string> documented) {
  Record("api", method, server_path, RoleName(need), documented);
  std::shared_ptr<Context> context = context_;
  server_.Handle(
      method, server_path,
      [context, need, handler = std::move(handler)](const ServerRequest& request) {
        return Timed(
            [&]() -> ServerResponse {
              Result<Principal> principal = context->deps.auth->Require(request, need);
              if (principal.ok()) {
                return handler(*context, request, *principal);
              }
              const Status& status = principal.status();
              const int code = HttpStatusFor(status);
              if (code >= 500) {
                context->Log("authentication failed: " + status.ToString());
                return JsonError(code, "authentication is unavailable; try again");
              }
              ServerResponse response = JsonError(code, status.message());
              if (code == 401) {
                response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"autotriage\"");
              }
              return response;
            },
            false);
      },
      prefix);
}

void Routes::Open(const std::string& kind, const std::string& method,
                  const std::string& server_path, bool prefix,
                  std::function<ServerResponse(Context&, const ServerRequest&)> handler) {
  Record(kind, method, server_path, "", {});
  std::shared_ptr<Context> context = context_;
  const bool cacheable = server_path.rfind("/static/", 0) == 0;
  server_.Handle(
      method, server_path,
      [context, cacheable, handler = std::move(handler)](const ServerRequest& request) {
        return Timed([&] { return handler(*context, request); }, cacheable);
      },
      prefix);
}

void AddSecurityHeaders(ServerResponse& response, bool cacheable) {
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Cache-Control", cacheable ? "public, max-age=300" : "no-store");
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return 503;
    default:
      return 500;
  }
}

std::string HeaderOf(const ServerRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? std::string() : it->second;
}

bool SameOrigin(const ServerRequest& request, const std::string& public_url) {
  std::string source = HeaderOf(request, "origin");
  if (source.empty() || source == "null") {
    if (source == "null") {
      return false;  // an opaque origin (sandboxed frame, data: URL) is never ours
    }
    source = HeaderOf(request, "referer");
    if (source.empty()) {
      return true;  // neither header: not a browser cross-site post (SameSite covers cookies)
    }
  }
  const std::string from = HostOfUrl(source);
  const std::string host = HeaderOf(request, "host");
  const std::string public_host = HostOfUrl(public_url);
  return !from.empty() && ((!host.empty() && from == host) || from == public_host);
}

std::string SafeNext(const std::string& next) {
  if (next.size() < 1 || next[0] != '/' ||
      (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) {
    return "/";
  }
  for (char c : next) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return "/";
    }
  }
  return next;
}

bool SplitTicketVersion(const std::string& rest, std::string* ticket, std::string* version) {
  const size_t slash = rest.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= rest.size()) {
    return false;
  }
  // HttpServer hands over the path already percent-decoded: decoding again would turn "%2541"
  // into "A".
  *ticket = rest.substr(0, slash);
  *version = rest.substr(slash + 1);
  return !ticket->empty() && !version->empty();
}

}  // namespace autotriage::dashboard
