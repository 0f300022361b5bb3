// The sandbox's HTTP-library-neutral request/response types, router and response helpers.
//
// Internal to the sandbox module. sandbox_server.cc converts httplib requests into ApiRequest and
// ApiResponse back; route files (routes_*.cc) only see these types. Error bodies follow
// reference A.12 / B.9: validation errors are {"description":"Validation failed","errors":[...]},
// other errors a flat {"code":...,"message":...}.
// The Router is filled once before the server starts and is read-only afterwards, so lookups are
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/sandbox/model.h"

namespace autotriage {

class SandboxStore;

struct ApiRequest {
  std::string method;
  std::string path;                                         // without the query string
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in order
  std::string body;
  std::string content_type;
  std::string origin;        // "http://host:port" as the client addressed us
  std::vector<int64_t> ids;  // the {id} segments of the matched route, in order
  int64_t now = 0;           // sandbox clock, Unix seconds

  bool has_param(const std::string& name) const;
  std::string param(const std::string& name) const;  // first value; "" when absent
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

struct FieldError {
  std::string field;
  std::string message;
  std::string code;  // missing_field, invalid_value, invalid_field, datatype_mismatch, ...
};

// 200 (or `status`) with a JSON body.
ApiResponse JsonResponse(std::string body, int status = 200);
// 400 Validation failed with the given field errors.
ApiResponse ValidationError(const std::vector<FieldError>& errors);
// `status` with {"code":code,"message":message}.
ApiResponse CodeError(int status, const std::string& code, const std::string& message);
ApiResponse NotFoundResponse(const std::string& what);  // 404 {"code":"not_found",...}
// {"description":"Validation failed",...} as a string, for JSON parse errors etc.
ApiResponse InvalidJson(const std::string& detail);

struct Paging {
  int page = 1;
  int per_page = 30;
};

// Reads page (>= 1, at most max_page when max_page > 0) and per_page (1..max_per_page; absent =
// default_per_page). When per_page_allowed is false a per_page parameter is ignored, as on the
// search endpoints. Returns false and fills *error on a bad value.
bool ParsePaging(const ApiRequest& request, int default_per_page, int max_per_page, int max_page,
                 bool per_page_allowed, Paging* paging, ApiResponse* error);

// Adds `Link: <origin/path?...&page=N>; rel="next"` keeping the other parameters.
void AddNextLink(const ApiRequest& request, int next_page, ApiResponse* response);

// Joins already-serialised JSON values into an array "[a,b,...]".
std::string JoinJsonArray(const std::vector<std::string>& items);
// "{\"key\":" + value + "}": Freshservice's wrapped bodies.
std::string Wrap(const std::string& key, const std::string& json_value);

std::string UrlEncode(const std::string& text);

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitCommas(const std::string& text);

// Reads ?include=a,b against the allowed names; false and *error (400 invalid_value) on an
// unknown one.
bool ParseIncludes(const ApiRequest& request, const std::vector<std::string>& allowed,
                   std::set<std::string>* includes, ApiResponse* error);

using RouteHandler = std::function<ApiResponse(const ApiRequest&)>;

class Router {
 public:
  enum class Outcome { kFound, kNotFound, kWrongMethod };

  // `pattern` is a path whose "{id}" segments match positive integers, e.g.
  // "/api/v2/tickets/{id}/notes".
  void Add(const std::string& method, const std::string& pattern, RouteHandler handler);

  // On kFound sets *handler and appends the {id} values to *ids; on kWrongMethod fills *allowed
  // ("GET, PUT").
  Outcome Find(const std::string& method, const std::string& path, const RouteHandler** handler,
               std::vector<int64_t>* ids, std::string* allowed) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

// What route files need from the running server.
struct SandboxContext {
  SandboxKind kind = SandboxKind::kFreshdesk;
  SandboxStore* store = nullptr;
  std::string base_url;                           // for ticket URLs in webhooks
  std::function<void(std::string)> send_webhook;  // drops the payload when webhooks are off
};

void AddTicketRoutes(Router* router, SandboxContext* context);    // routes_tickets.cc
void AddCatalogRoutes(Router* router, SandboxContext* context);   // routes_catalog.cc
void AddSolutionRoutes(Router* router, SandboxContext* context);  // routes_solutions.cc
void AddSearchRoutes(Router* router, SandboxContext* context);    // routes_search.cc
void AddProblemRoutes(Router* router, SandboxContext* context);   // routes_problems.cc

// GET /api/v2/tickets with its filters, sorting and paging, in routes_ticket_list.cc.
ApiResponse ListTickets(SandboxContext* context, const ApiRequest& request);

// GET /api/v2/ticket_fields (Freshdesk) or /api/v2/ticket_form_fields (Freshservice), in
// routes_fields.cc.
ApiResponse RenderTicketFields(const SandboxContext* context, const ApiRequest& request);

}  // namespace autotriage
