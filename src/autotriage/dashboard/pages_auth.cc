// GET/POST /login, POST /logout, GET/POST /setup (the one-time first-admin link).
// Login and set-up posts come without a session, so they are guarded by an Origin/Referer check
// against cross-site posts (login CSRF) instead of the session's CSRF token; the cookies are
// SameSite=Strict and HttpOnly. Rate limiting is the Authenticator's (429 here).
#include <map>
#include <string>

#include "autotriage/auth/form.h"
#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

std::string FormValue(const std::map<std::string, std::string>& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

std::string QueryValue(const ServerRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? std::string() : it->second;
}

ServerResponse LoginForm(const ServerRequest& request, const std::string& name,
                         const std::string& next, const std::string& error, int status) {
  std::string html;
  if (!error.empty()) {
    html += "<p class=\"error\" role=\"alert\">" + Escape(error) + "</p>";
  }
  html +=
      "<form id=\"login\" method=\"post\" action=\"/login\" class=\"narrow\">"
      "<label>User name <input type=\"text\" name=\"name\" autocomplete=\"username\" required "
      "autofocus value=\"" +
      Escape(name) +
      "\"></label><label>Password <input type=\"password\" name=\"password\" "
      "autocomplete=\"current-password\" required></label>";
  if (next != "/") {
    html += "<input type=\"hidden\" name=\"next\" value=\"" + Escape(next) + "\">";
  }
  html += "<button type=\"submit\">Sign in</button></form>";
  return RenderPage(request, nullptr, {"Sign in", "", status}, html);
}

ServerResponse ShowLogin(Context&, const ServerRequest& request) {
  return LoginForm(request, "", SafeNext(QueryValue(request, "next")), "", 200);
}

ServerResponse DoLogin(Context& context, const ServerRequest& request) {
  if (!SameOrigin(request, context.deps.public_url)) {
    return ErrorPage(403, "sign-in requests must come from the dashboard's own page");
  }
  const std::map<std::string, std::string> form = ParseFormBody(request.body);
  const std::string name = FormValue(form, "name");
  const std::string next = SafeNext(FormValue(form, "next"));
  Result<LoginResult> login =
      context.deps.auth->Login(name, FormValue(form, "password"), request.remote_address);
  if (login.ok()) {
    ServerResponse response = Redirect(next);
    response.headers.emplace_back("Set-Cookie", login->set_cookie);
    return response;
  }
  const Status& status = login.status();
  switch (status.code()) {
    case StatusCode::kUnauthenticated:
      return LoginForm(request, name, next, "Wrong user name or password.", 401);
    case StatusCode::kResourceExhausted:
      return LoginForm(request, name, next, status.message(), 429);
    default:
      context.Log("sign-in failed: " + status.ToString());
      return LoginForm(request, name, next, "Signing in is not possible right now; try again.",
                       HttpStatusFor(status) >= 500 ? HttpStatusFor(status) : 503);
  }
}

ServerResponse DoLogout(Context& context, const ServerRequest& request, const Principal&) {
  ServerResponse response = Redirect("/login");
  response.headers.emplace_back("Set-Cookie", context.deps.auth->Logout(request));
  return response;
}

ServerResponse SetupForm(const ServerRequest& request, const std::string& token,
                         const std::string& name, const std::string& error, int status) {
  std::string html =
      "<p>Create the first administrator. This link works once; later users are added by an "
      "administrator (<code>autotriage users add</code>).</p>";
  if (!error.empty()) {
    html += "<p class=\"error\" role=\"alert\">" + Escape(error) + "</p>";
  }
  html +=
      "<form id=\"setup\" method=\"post\" action=\"/setup\" class=\"narrow\">"
      "<input type=\"hidden\" name=\"token\" value=\"" +
      Escape(token) +
      "\"><label>User name <input type=\"text\" name=\"name\" autocomplete=\"username\" "
      "required value=\"" +
      Escape(name) +
      "\"></label><label>Password (at least 12 characters) <input type=\"password\" "
      "name=\"password\" autocomplete=\"new-password\" minlength=\"12\" required></label>"
      "<button type=\"submit\">Create administrator</button></form>";
  return RenderPage(request, nullptr, {"Set up autotriage", "", status}, html);
}

ServerResponse ShowSetup(Context&, const ServerRequest& request) {
  const std::string token = QueryValue(request, "token");
  if (token.empty()) {
    return ErrorPage(400, "the set-up link has no token; use the link autotriage printed at start");
  }
  return SetupForm(request, token, "", "", 200);
}

ServerResponse DoSetup(Context& context, const ServerRequest& request) {
  if (!SameOrigin(request, context.deps.public_url)) {
    return ErrorPage(403, "set-up requests must come from the dashboard's own page");
  }
  const std::map<std::string, std::string> form = ParseFormBody(request.body);
  const std::string token = FormValue(form, "token");
  const std::string name = FormValue(form, "name");
  Result<LoginResult> setup =
      context.deps.auth->CompleteSetup(token, name, FormValue(form, "password"));
  if (setup.ok()) {
    ServerResponse response = RedirectWithFlash(
        "/", "ok", "Welcome, " + name + ". You are the administrator of this autotriage.");
    response.headers.emplace_back("Set-Cookie", setup->set_cookie);
    return response;
  }
  const Status& status = setup.status();
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return SetupForm(request, token, name, status.message(), 400);
    case StatusCode::kUnauthenticated:
      return ErrorPage(401, status.message());
    default:
      context.Log("set-up failed: " + status.ToString());
      return ErrorPage(HttpStatusFor(status) >= 500 ? HttpStatusFor(status) : 503,
                       "the administrator could not be created now; try again");
  }
}

}  // namespace

void RegisterAuthPages(Routes& routes) {
  routes.Open("public", "GET", "/login", false, ShowLogin);
  routes.Open("public", "POST", "/login", false, DoLogin);
  routes.Page("POST", "/logout", false, Role::kViewer, DoLogout);
  routes.Open("public", "GET", "/setup", false, ShowSetup);
  routes.Open("public", "POST", "/setup", false, DoSetup);
}

}  // namespace autotriage::dashboard
