#include "autotriage/dashboard/api_util.h"

#include <cerrno>
#include <cstdlib>

namespace autotriage::dashboard {

ServerResponse JsonResponse(int status, std::string json_text) {
  ServerResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(json_text);
  return response;
}

ServerResponse ApiError(Context& context, const Status& status, const std::string& what) {
  const int code = HttpStatusFor(status);
  if (code >= 500) {
    context.Log(what + " failed: " + status.ToString());
    return JsonError(code, what + " failed; try again");
  }
  return JsonError(code, status.message());
}

Result<int64_t> IntParameter(const ServerRequest& request, const std::string& name,
                             int64_t fallback, int64_t min, int64_t max) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) {
    return fallback;
  }
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(it->second.c_str(), &end, 10);
  if (errno != 0 || end == nullptr || *end != '\0' || value < min || value > max) {
    return InvalidArgument("query parameter '" + name + "' must be a whole number from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int64_t>(value);
}

}  // namespace autotriage::dashboard
