#include "autotriage/dashboard/layout.h"

#include <optional>
#include <utility>
#include <vector>

#include "autotriage/auth/form.h"
#include "autotriage/dashboard/html.h"

namespace autotriage::dashboard {
namespace {

constexpr char kFlashCookie[] = "autotriage_flash";
constexpr int kFlashSeconds = 60;
constexpr size_t kFlashMaxBytes = 400;  // keeps the cookie far below browsers' 4 KB limit

struct NavEntry {
  const char* id;
  const char* href;
  const char* label;
};

constexpr NavEntry kNav[] = {
    {"approvals", "/", "Approvals"},     {"problems", "/problems", "Problems"},
    {"insights", "/insights", "Issues"}, {"digest", "/digest", "Digest"},
    {"matrix", "/matrix", "Matrix"},     {"kpis", "/kpis", "KPIs"},
    {"audit", "/audit", "Audit"},        {"models", "/models", "Models"},
};

std::string DocumentStart(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         Escape(title) +
         " · autotriage</title>"
         "<link rel=\"stylesheet\" href=\"/static/app.css\">"
         "<script src=\"/static/app.js\" defer></script></head><body>";
}

std::string Navigation(const Principal& principal, const std::string& active) {
  std::string html = "<header class=\"top\"><nav><span class=\"brand\">autotriage</span>";
  for (const NavEntry& entry : kNav) {
    html += "<a href=\"" + std::string(entry.href) + "\"";
    if (active == entry.id) {
      html += " class=\"active\" aria-current=\"page\"";
    }
    html += ">" + std::string(entry.label) + "</a>";
  }
  html += "</nav><div class=\"who\"><span class=\"user\">" + Escape(principal.name) +
          "</span> <span class=\"role role-" + Escape(ToString(principal.role)) + "\">" +
          Escape(ToString(principal.role)) + "</span>";
  if (principal.via == "session") {
    html += "<form method=\"post\" action=\"/logout\" class=\"logout\">" + CsrfField(principal) +
            "<button type=\"submit\">Log out</button></form>";
  }
  return html + "</div></header>";
}

// The flash message the request carries, if any: {kind, text}.
std::optional<std::pair<std::string, std::string>> TakeFlash(const ServerRequest& request) {
  auto header = request.headers.find("cookie");
  if (header == request.headers.end()) {
    return std::nullopt;
  }
  std::optional<std::string> value = FindCookie(header->second, kFlashCookie);
  if (!value.has_value() || value->empty()) {
    return std::nullopt;
  }
  const std::string decoded = UrlDecode(*value);
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  std::string kind = decoded.substr(0, colon) == "error" ? "error" : "ok";
  return std::make_pair(std::move(kind), decoded.substr(colon + 1));
}

std::string FlashCookie(const std::string& value, int max_age) {
  return std::string(kFlashCookie) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
}

ServerResponse Html(int status, std::string body) {
  ServerResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  return response;
}

}  // namespace

ServerResponse RenderPage(const ServerRequest& request, const Principal* principal,
                          const PageFrame& frame, const std::string& main_html) {
  std::string html = DocumentStart(frame.title);
  if (principal != nullptr) {
    html += Navigation(*principal, frame.nav);
  } else {
    html += "<header class=\"top\"><nav><span class=\"brand\">autotriage</span></nav></header>";
  }
  html += "<main>";
  std::optional<std::pair<std::string, std::string>> flash = TakeFlash(request);
  if (flash.has_value()) {
    html += "<div class=\"flash " + flash->first + "\" role=\"status\">" + Escape(flash->second) +
            "</div>";
  }
  html += "<h1>" + Escape(frame.title) + "</h1>" + main_html + "</main></body></html>\n";
  ServerResponse response = Html(frame.status, std::move(html));
  if (flash.has_value()) {
    response.headers.emplace_back("Set-Cookie", FlashCookie("", 0));
  }
  return response;
}

ServerResponse ErrorPage(int status, const std::string& message) {
  const char* title = status == 401   ? "Sign in required"
                      : status == 403 ? "Not allowed"
                      : status == 404 ? "Not found"
                      : status == 409 ? "Conflict"
                      : status == 429 ? "Too many requests"
                      : status >= 500 ? "Something went wrong"
                                      : "Bad request";
  std::string html = DocumentStart(title) +
                     "<header class=\"top\"><nav><span class=\"brand\">autotriage</span>"
                     "<a href=\"/\">Approvals</a></nav></header><main><h1>" +
                     std::string(title) + "</h1><p class=\"error\">" + Escape(message) + "</p>";
  if (status == 401) {
    html += "<p><a href=\"/login\">Sign in</a></p>";
  }
  return Html(status, html + "</main></body></html>\n");
}

ServerResponse Redirect(const std::string& location) {
  ServerResponse response = Html(303, "");
  response.headers.emplace_back("Location", location);
  return response;
}

ServerResponse RedirectWithFlash(const std::string& location, const std::string& kind,
                                 const std::string& message) {
  ServerResponse response = Redirect(location);
  std::string text =
      message.size() > kFlashMaxBytes ? message.substr(0, kFlashMaxBytes) + "…" : message;
  response.headers.emplace_back("Set-Cookie",
                                FlashCookie(UrlEncode(kind + ":" + text), kFlashSeconds));
  return response;
}

std::string CsrfField(const Principal& principal) {
  return "<input type=\"hidden\" name=\"csrf_token\" value=\"" + Escape(principal.csrf_token) +
         "\">";
}

}  // namespace autotriage::dashboard
