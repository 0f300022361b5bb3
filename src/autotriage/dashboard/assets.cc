// GET /static/app.css and /static/app.js from the embedded copies, and the OpenAPI document.
#include "autotriage/dashboard/assets.h"

#include <string>

#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

ServerResponse Asset(std::string_view text, const char* content_type) {
  ServerResponse response;
  response.content_type = content_type;
  response.body = std::string(text);
  return response;
}

}  // namespace

void RegisterStaticAssets(Routes& routes) {
  routes.Open("public", "GET", "/static/app.css", false, [](Context&, const ServerRequest&) {
    return Asset(AppCss(), "text/css; charset=utf-8");
  });
  routes.Open("public", "GET", "/static/app.js", false, [](Context&, const ServerRequest&) {
    return Asset(AppJs(), "text/javascript; charset=utf-8");
  });
}

}  // namespace autotriage::dashboard

namespace autotriage {

std::string OpenApiDocument() {
  return std::string(dashboard::OpenApiJson());
}

}  // namespace autotriage
