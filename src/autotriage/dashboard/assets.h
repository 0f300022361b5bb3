// The dashboard's static files, embedded at build time from src/autotriage/dashboard/assets/
// (embed_assets.cmake), and the route that serves them.
#pragma once

#include <string_view>

namespace autotriage::dashboard {

std::string_view AppCss();       // assets/app.css
std::string_view AppJs();        // assets/app.js
std::string_view OpenApiJson();  // assets/openapi.json

}  // namespace autotriage::dashboard
