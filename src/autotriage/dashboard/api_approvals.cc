// REST API of approvals:
//   GET  /api/v1/approvals?queue=&limit=                      pending, newest first (viewer)
//   GET  /api/v1/approvals/{ticket}/{version}                 the card (viewer)
//   POST /api/v1/approvals/{ticket}/{version}/approve         {edits, note, always_for_queue}
//   POST /api/v1/approvals/{ticket}/{version}/reject          {reason}  (approver)
// 409 when the proposal was already decided (the error says how and by whom).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autotriage/dashboard/api_util.h"
#include "autotriage/dashboard/card.h"
#include "autotriage/dashboard/decide.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

using Json = nlohmann::json;

constexpr char kPrefix[] = "/api/v1/approvals/";
constexpr char kApproveSuffix[] = "/approve";
constexpr char kRejectSuffix[] = "/reject";

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json FieldJson(const CardField& field) {
  Json words = Json::array();
  for (const CardWord& word : field.words) {
    words.push_back({{"feature", word.feature}, {"word", word.word}, {"weight", word.weight}});
  }
  return {{"decision_id", field.decision_id},
          {"field", field.field},
          {"old_value", field.old_value},
          {"new_value", field.new_value},
          {"confidence", field.confidence},
          {"margin", field.margin},
          {"mode", field.mode},
          {"outcome", field.outcome},
          {"reason", field.reason},
          {"explanation", words}};
}

Json SummaryJson(const CardView& card) {
  Json fields = Json::array();
  for (const CardField& field : card.fields) {
    fields.push_back(FieldJson(field));
  }
  return {{"ticket_id", card.ticket_id},
          {"ticket_version", card.ticket_version},
          {"queue", card.queue},
          {"subject", card.subject},
          {"created_ms", card.created_ms},
          {"escalated", card.escalated},
          {"pending", card.pending},
          {"decided", card.decided},
          {"fields", fields},
          {"url", CardPath(card.ticket_id, card.ticket_version)}};
}

Json CardJson(const CardView& card) {
  Json json = SummaryJson(card);
  Json articles = Json::array();
  for (const CardArticle& a : card.articles) {
    articles.push_back({{"id", a.id},
                        {"title", a.title},
                        {"url", a.url},
                        {"snippet", a.snippet},
                        {"score", a.score}});
  }
  Json similar = Json::array();
  for (const CardSimilar& s : card.similar) {
    similar.push_back({{"id", s.id},
                       {"subject", s.subject},
                       {"label", s.label},
                       {"resolution", s.resolution},
                       {"score", s.score}});
  }
  Json assignees = Json::array();
  for (const CardAssignee& a : card.assignees) {
    assignees.push_back({{"name", a.name}, {"reason", a.reason}, {"score", a.score}});
  }
  json["trace_id"] = card.trace_id;
  json["summary"] = card.summary;
  json["note_draft"] = card.note_draft;
  json["articles"] = articles;
  json["similar"] = similar;
  json["assignees"] = assignees;
  json["notes"] = card.notes;
  return json;
}

ServerResponse ListApprovals(Context& context, const ServerRequest& request, const Principal&) {
  Result<int64_t> limit = IntParameter(request, "limit", 100, 1, 1000);
  if (!limit.ok()) {
    return JsonError(400, limit.status().message());
  }
  auto queue = request.query.find("queue");
  Result<std::vector<Approval>> pending = context.deps.approvals->Pending(
      queue == request.query.end() ? "" : queue->second, static_cast<int>(*limit));
  if (!pending.ok()) {
    return ApiError(context, pending.status(), "listing approvals");
  }
  Json list = Json::array();
  for (const Approval& approval : *pending) {
    list.push_back(SummaryJson(CardFromApproval(approval)));
  }
  return JsonResponse(200, Dump({{"approvals", list}}));
}

ServerResponse GetApproval(Context& context, const ServerRequest& request, const Principal&) {
  std::string ticket;
  std::string version;
  if (!SplitTicketVersion(request.path.substr(sizeof(kPrefix) - 1), &ticket, &version)) {
    return JsonError(404, "no such path: use /api/v1/approvals/{ticket}/{version}");
  }
  Result<Approval> approval = context.deps.approvals->Get(ticket, version);
  if (approval.ok()) {
    return JsonResponse(200, Dump(CardJson(CardFromApproval(*approval))));
  }
  if (approval.status().code() != StatusCode::kNotFound) {
    return ApiError(context, approval.status(), "reading the approval");
  }
  Result<CardView> decided = CardFromStore(*context.deps.store, ticket, version);
  if (!decided.ok()) {
    return ApiError(context, decided.status(), "reading the approval");
  }
  return JsonResponse(200, Dump(CardJson(*decided)));
}

// The JSON object body; an empty body is an empty object.
Result<Json> BodyObject(const ServerRequest& request) {
  if (request.body.empty()) {
    return Json::object();
  }
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return InvalidArgument("the body must be a JSON object");
  }
  return body;
}

Result<ApproveRequest> ParseApprove(const Json& body) {
  ApproveRequest approve;
  if (auto edits = body.find("edits"); edits != body.end() && !edits->is_null()) {
    if (!edits->is_object()) {
      return InvalidArgument("'edits' must be an object of field: value");
    }
    for (auto it = edits->begin(); it != edits->end(); ++it) {
      if (!it->is_string() || Trim(it->get<std::string>()).empty()) {
        return InvalidArgument("edit of '" + it.key() + "' must be a non-empty string");
      }
      approve.edits[it.key()] = Trim(it->get<std::string>());
    }
  }
  if (auto note = body.find("note"); note != body.end() && !note->is_null()) {
    if (!note->is_string()) {
      return InvalidArgument("'note' must be a string (or null for the draft)");
    }
    approve.note = NormalizeNote(note->get<std::string>());
  }
  if (auto always = body.find("always_for_queue"); always != body.end() && !always->is_null()) {
    if (!always->is_boolean()) {
      return InvalidArgument("'always_for_queue' must be true or false");
    }
    approve.always_for_queue = always->get<bool>();
  }
  return approve;
}

ServerResponse Decide(Context& context, const ServerRequest& request, const Principal& principal) {
  std::string rest = request.path.substr(sizeof(kPrefix) - 1);
  const auto ends_with = [&rest](const std::string& suffix) {
    return rest.size() > suffix.size() &&
           rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  const bool approve = ends_with(kApproveSuffix);
  if (!approve && !ends_with(kRejectSuffix)) {
    return JsonError(404, "no such path: POST .../approve or .../reject");
  }
  rest.resize(rest.size() - (approve ? sizeof(kApproveSuffix) : sizeof(kRejectSuffix)) + 1);
  std::string ticket;
  std::string version;
  if (!SplitTicketVersion(rest, &ticket, &version)) {
    return JsonError(404, "no such path: use /api/v1/approvals/{ticket}/{version}/approve");
  }
  Result<Json> body = BodyObject(request);
  if (!body.ok()) {
    return JsonError(400, body.status().message());
  }
  Status status;
  std::string action;
  if (approve) {
    Result<ApproveRequest> parsed = ParseApprove(*body);
    if (!parsed.ok()) {
      return JsonError(400, parsed.status().message());
    }
    parsed->ticket_id = ticket;
    parsed->ticket_version = version;
    parsed->actor = principal.Actor();
    action = parsed->edits.empty() ? "approved" : "edited";
    status = ApproveProposal(context, *parsed);
  } else {
    auto reason = body->find("reason");
    if (reason != body->end() && !reason->is_string()) {
      return JsonError(400, "'reason' must be a string");
    }
    action = "rejected";
    status =
        RejectProposal(context, {ticket, version, principal.Actor(),
                                 reason == body->end() ? "" : Trim(reason->get<std::string>())});
  }
  if (!status.ok()) {
    return ApiError(context, status, "deciding the approval");
  }
  return JsonResponse(200, Dump({{"ticket_id", ticket},
                                 {"ticket_version", version},
                                 {"action", action},
                                 {"actor", principal.Actor()}}));
}

}  // namespace

void RegisterApprovalApi(Routes& routes) {
  routes.Api("GET", "/api/v1/approvals", false, Role::kViewer, ListApprovals);
  routes.Api("GET", kPrefix, true, Role::kViewer, GetApproval,
             {"/api/v1/approvals/{ticket}/{version}"});
  routes.Api("POST", kPrefix, true, Role::kApprover, Decide,
             {"/api/v1/approvals/{ticket}/{version}/approve",
              "/api/v1/approvals/{ticket}/{version}/reject"});
}

}  // namespace autotriage::dashboard
