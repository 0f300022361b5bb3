// REST API of records (read only):
//   GET /api/v1/tickets/{id}/decisions   decisions, approval actions and writes of a ticket
//   GET /api/v1/audit?after=&limit=      audit entries in seq order (the export format)
//   GET /api/v1/audit/verify             the whole chain verified now
//   GET /api/v1/models                   model versions
//   GET /api/v1/users                    users without any secret (admin)
//   GET /api/v1/openapi.json             the OpenAPI document (no authentication)
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autotriage/dashboard/api_util.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

using Json = nlohmann::json;

constexpr char kTicketsPrefix[] = "/api/v1/tickets/";
constexpr char kDecisionsSuffix[] = "/decisions";
constexpr int kActionsLimit = 1000;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json DecisionJson(const DecisionRecord& d) {
  return {{"id", d.id},
          {"trace_id", d.trace_id},
          {"ticket_id", d.ticket_id},
          {"ticket_version", d.ticket_version},
          {"queue", d.queue},
          {"field", d.field},
          {"old_value", d.old_value},
          {"new_value", d.new_value},
          {"confidence", d.confidence},
          {"margin", d.margin},
          {"mode", d.mode},
          {"outcome", d.outcome},
          {"reason", d.reason},
          {"model_version", d.model_version},
          {"created_ms", d.created_ms},
          {"updated_ms", d.updated_ms},
          {"escalated_ms", d.escalated_ms}};
}

Json ActionJson(const ApprovalActionRecord& a) {
  return {{"id", a.id},
          {"decision_id", a.decision_id},
          {"ticket_id", a.ticket_id},
          {"ticket_version", a.ticket_version},
          {"queue", a.queue},
          {"field", a.field},
          {"proposed_value", a.proposed_value},
          {"action", a.action},
          {"actor", a.actor},
          {"reason", a.reason},
          {"human_value", a.human_value},
          {"proposed_ms", a.proposed_ms},
          {"decided_ms", a.decided_ms}};
}

Json WriteJson(const WriteRecord& w) {
  return {{"id", w.id},
          {"ticket_id", w.ticket_id},
          {"ticket_version", w.ticket_version},
          {"state", std::string(ToString(w.state))},
          {"attempts", w.attempts},
          {"updates", Json::parse(w.updates_json, nullptr, false).is_discarded()
                          ? Json(w.updates_json)
                          : Json::parse(w.updates_json, nullptr, false)},
          {"last_error", w.last_error},
          {"created_ms", w.created_ms},
          {"updated_ms", w.updated_ms}};
}

ServerResponse TicketDecisions(Context& context, const ServerRequest& request, const Principal&) {
  std::string rest = request.path.substr(sizeof(kTicketsPrefix) - 1);
  const size_t suffix = sizeof(kDecisionsSuffix) - 1;
  if (rest.size() <= suffix || rest.compare(rest.size() - suffix, suffix, kDecisionsSuffix) != 0) {
    return JsonError(404, "no such path: use /api/v1/tickets/{id}/decisions");
  }
  const std::string ticket = rest.substr(0, rest.size() - suffix);
  Store& store = *context.deps.store;
  Result<std::vector<DecisionRecord>> decisions = store.DecisionsForTicket(ticket);
  if (!decisions.ok()) {
    return ApiError(context, decisions.status(), "reading decisions");
  }
  Result<std::vector<ApprovalActionRecord>> actions =
      store.ListApprovalActions(ticket, kActionsLimit);
  if (!actions.ok()) {
    return ApiError(context, actions.status(), "reading approval actions");
  }
  Result<std::vector<WriteRecord>> writes = store.ListWrites(ticket);
  if (!writes.ok()) {
    return ApiError(context, writes.status(), "reading writes");
  }
  Json json = {{"ticket_id", ticket},
               {"decisions", Json::array()},
               {"approval_actions", Json::array()},
               {"writes", Json::array()}};
  for (const DecisionRecord& d : *decisions) {
    json["decisions"].push_back(DecisionJson(d));
  }
  for (const ApprovalActionRecord& a : *actions) {
    json["approval_actions"].push_back(ActionJson(a));
  }
  for (const WriteRecord& w : *writes) {
    json["writes"].push_back(WriteJson(w));
  }
  return JsonResponse(200, Dump(json));
}

ServerResponse Audit(Context& context, const ServerRequest& request, const Principal&) {
  Result<int64_t> after = IntParameter(request, "after", 0, 0, INT64_MAX);
  Result<int64_t> limit = IntParameter(request, "limit", 100, 1, 1000);
  for (const Status* status : {&after.status(), &limit.status()}) {
    if (!status->ok()) {
      return JsonError(400, status->message());
    }
  }
  Result<std::vector<AuditEntry>> entries =
      context.deps.store->ReadAudit(*after, static_cast<int>(*limit));
  if (!entries.ok()) {
    return ApiError(context, entries.status(), "reading the audit trail");
  }
  Json list = Json::array();
  for (const AuditEntry& entry : *entries) {
    Json parsed = Json::parse(AuditEntryToJson(entry), nullptr, false);
    list.push_back(parsed.is_discarded() ? Json::object() : parsed);
  }
  const int64_t next = entries->empty() ? *after : entries->back().seq;
  return JsonResponse(200, Dump({{"entries", list}, {"next_after", next}}));
}

ServerResponse AuditVerify(Context& context, const ServerRequest&, const Principal&) {
  Result<AuditChainStatus> status =
      context.audit_status.VerifyAll(*context.deps.store, context.Now());
  if (!status.ok()) {
    return ApiError(context, status.status(), "verifying the audit chain");
  }
  return JsonResponse(200, Dump({{"ok", status->ok},
                                 {"entries", status->entries},
                                 {"first_bad_seq", status->first_bad_seq},
                                 {"problem", status->problem},
                                 {"checked_ms", status->checked_ms}}));
}

ServerResponse Models(Context& context, const ServerRequest&, const Principal&) {
  Json list = Json::array();
  if (context.deps.models) {
    for (const ModelInfo& model : context.deps.models()) {
      Json fields = Json::array();
      for (const ModelFieldInfo& field : model.fields) {
        fields.push_back({{"field", field.field},
                          {"labels", field.labels},
                          {"training_examples", field.training_examples},
                          {"metrics", field.metrics}});
      }
      list.push_back({{"version", model.version},
                      {"created_at", model.created_at},
                      {"training_data", model.training_data},
                      {"active", model.active},
                      {"fields", fields}});
    }
  }
  return JsonResponse(200, Dump({{"models", list}}));
}

ServerResponse Users(Context& context, const ServerRequest&, const Principal&) {
  Result<std::vector<UserRecord>> users = context.deps.store->ListUsers();
  if (!users.ok()) {
    return ApiError(context, users.status(), "listing users");
  }
  Json list = Json::array();
  for (const UserRecord& user : *users) {
    // Never the password hash.
    list.push_back({{"id", user.id},
                    {"name", user.name},
                    {"role", user.role},
                    {"slack_user_id", user.slack_user_id},
                    {"disabled", user.disabled},
                    {"created_ms", user.created_ms},
                    {"updated_ms", user.updated_ms}});
  }
  return JsonResponse(200, Dump({{"users", list}}));
}

ServerResponse OpenApi(Context&, const ServerRequest&) {
  return JsonResponse(200, OpenApiDocument());
}

}  // namespace

void RegisterReadApi(Routes& routes) {
  routes.Api("GET", kTicketsPrefix, true, Role::kViewer, TicketDecisions,
             {"/api/v1/tickets/{id}/decisions"});
  routes.Api("GET", "/api/v1/audit", false, Role::kViewer, Audit);
  routes.Api("GET", "/api/v1/audit/verify", false, Role::kViewer, AuditVerify);
  routes.Api("GET", "/api/v1/models", false, Role::kViewer, Models);
  routes.Api("GET", "/api/v1/users", false, Role::kAdmin, Users);
  routes.Open("public", "GET", "/api/v1/openapi.json", false, OpenApi);
}

}  // namespace autotriage::dashboard
