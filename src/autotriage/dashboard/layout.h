// The page frame every dashboard page shares: the HTML document with the stylesheet and script
// from /static/, the navigation (links by role, the user's name and role, the logout button
// with its CSRF field), the flash message of the previous action, and the main content.
//
// Flash messages travel in a short-lived cookie (HttpOnly, SameSite=Strict, one minute) set by
// the redirect after a POST and cleared by the next page that shows it; the text is escaped
// when shown, like everything else.
// Pure functions of their arguments; thread-safe.
#pragma once

#include <string>

#include "autotriage/auth/auth.h"
#include "autotriage/server/http_server.h"

namespace autotriage::dashboard {

struct PageFrame {
  std::string title;
  std::string nav;  // the active navigation entry: "approvals", "matrix", "kpis", ...
  int status = 200;
};

// A whole page. `principal` null: the signed-out frame (no navigation).
// `main_html` must already be escaped markup.
ServerResponse RenderPage(const ServerRequest& request, const Principal* principal,
                          const PageFrame& frame, const std::string& main_html);

// A small page with the message (escaped) and a link home; for 401, 403, 404 and 5xx.
ServerResponse ErrorPage(int status, const std::string& message);

// 303 See Other to a local path.
ServerResponse Redirect(const std::string& location);
// The redirect with a flash message for the next page; kind "ok" or "error".
ServerResponse RedirectWithFlash(const std::string& location, const std::string& kind,
                                 const std::string& message);

// <input type="hidden" name="csrf_token" value="..."> for the principal's session.
std::string CsrfField(const Principal& principal);

}  // namespace autotriage::dashboard
