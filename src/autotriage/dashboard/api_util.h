// Helpers of the REST API handlers (internal): JSON responses, errors from a Status (5xx
// messages are logged, not shown), and query parameters.
#pragma once

#include <cstdint>
#include <string>

#include "autotriage/dashboard/context.h"

namespace autotriage::dashboard {

// `json_text` with the status and application/json.
ServerResponse JsonResponse(int status, std::string json_text);

// {"error": message} with HttpStatusFor(status); a 5xx is logged with the full status and
// answered with `what` + " failed; try again" only.
ServerResponse ApiError(Context& context, const Status& status, const std::string& what);

// The query parameter as an integer in [min, max]; `fallback` when absent. kInvalidArgument
// naming the parameter when it is not a whole number in range.
Result<int64_t> IntParameter(const ServerRequest& request, const std::string& name,
                             int64_t fallback, int64_t min, int64_t max);

}  // namespace autotriage::dashboard
