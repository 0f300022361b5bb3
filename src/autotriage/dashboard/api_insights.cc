// REST API of recurring issues, proposed Problems and the digest:
//   GET  /api/v1/clusters                      the current clusters of min_cluster_size+ tickets
//   GET  /api/v1/problems?state=&limit=        proposed Problems, newest first (viewer)
//   GET  /api/v1/problems/{id}                 one with its evidence (viewer)
//   POST /api/v1/problems/{id}/approve         {reason?}  (approver; audited)
//   POST /api/v1/problems/{id}/reject          {reason?}  (approver; audited)
//   GET  /api/v1/digest                        the daily digest as JSON (digest.h)
// 409 when the proposal was already decided (the error says how and by whom).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autotriage/dashboard/api_util.h"
#include "autotriage/dashboard/decide.h"
#include "autotriage/dashboard/problem_view.h"
#include "autotriage/dashboard/registrations.h"
#include "autotriage/digest/digest.h"

namespace autotriage::dashboard {
namespace {

using Json = nlohmann::json;

constexpr char kPrefix[] = "/api/v1/problems/";
constexpr char kApproveSuffix[] = "/approve";
constexpr char kRejectSuffix[] = "/reject";

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json ClusterJson(const insights::ClusterSummary& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"top_terms", c.top_terms},
          {"size", c.size},
          {"member_ids", c.member_ids},
          {"representative_ticket_id", c.representative_ticket_id},
          {"representative_text", c.representative_text},
          {"first_seen", c.first_seen},
          {"last_seen", c.last_seen},
          {"last_24h", c.last_24h},
          {"previous_24h", c.previous_24h},
          {"trend_ratio", c.trend_ratio}};
}

Json ProblemJson(const ProblemProposalRecord& p) {
  const ProblemEvidence e = ParseEvidence(p);
  Json article = nullptr;
  if (e.has_article) {
    article = {{"id", e.article_id},
               {"title", e.article_title},
               {"url", e.article_url},
               {"relevance", e.article_relevance}};
  }
  return {{"id", p.id},
          {"cluster_id", p.cluster_id},
          {"cluster_name", p.cluster_name},
          {"state", p.state},
          {"subject", p.subject},
          {"priority", p.priority},
          {"window_start_ms", p.window_start_ms},
          {"window_end_ms", p.window_end_ms},
          {"observed", p.observed},
          {"expected", p.expected},
          {"p_value", p.p_value},
          {"ticket_ids", p.ticket_ids},
          {"evidence",
           {{"member_ticket_ids", e.member_ticket_ids},
            {"representative_text", e.representative_text},
            {"top_terms", e.top_terms},
            {"kb_article", article}}},
          {"decided_by", p.decided_by},
          {"decision_reason", p.decision_reason},
          {"decided_ms", p.decided_ms},
          {"problem_id", p.problem_id},
          {"attempts", p.attempts},
          {"last_error", p.last_error},
          {"created_ms", p.created_ms},
          {"updated_ms", p.updated_ms},
          {"url", ProblemPath(p.id)}};
}

ServerResponse Clusters(Context& context, const ServerRequest&, const Principal&) {
  Json list = Json::array();
  if (context.deps.clusters) {
    for (const insights::ClusterSummary& c : context.deps.clusters()) {
      if (c.size >= context.deps.min_cluster_size) {
        list.push_back(ClusterJson(c));
      }
    }
  }
  return JsonResponse(200, Dump({{"enabled", static_cast<bool>(context.deps.clusters)},
                                 {"min_cluster_size", context.deps.min_cluster_size},
                                 {"clusters", list}}));
}

ServerResponse ListProblems(Context& context, const ServerRequest& request, const Principal&) {
  Result<int64_t> limit = IntParameter(request, "limit", 100, 1, 1000);
  if (!limit.ok()) {
    return JsonError(400, limit.status().message());
  }
  ProblemProposalFilter filter;
  auto state = request.query.find("state");
  if (state != request.query.end()) {
    filter.state = state->second;
  }
  static const std::vector<std::string> kStates = {"",
                                                   problem_state::kPending,
                                                   problem_state::kApproved,
                                                   problem_state::kCreating,
                                                   problem_state::kCreated,
                                                   problem_state::kRejected,
                                                   problem_state::kFailed,
                                                   problem_state::kNoProblems};
  if (std::find(kStates.begin(), kStates.end(), filter.state) == kStates.end()) {
    return JsonError(400, "unknown state '" + filter.state +
                              "'; use pending, approved, creating, created, rejected, failed or "
                              "approved_no_problem_records");
  }
  filter.limit = static_cast<int>(*limit);
  Result<std::vector<ProblemProposalRecord>> proposals =
      context.deps.store->ListProblemProposals(filter);
  if (!proposals.ok()) {
    return ApiError(context, proposals.status(), "listing proposed Problems");
  }
  Json list = Json::array();
  for (const ProblemProposalRecord& p : *proposals) {
    list.push_back(ProblemJson(p));
  }
  return JsonResponse(200, Dump({{"problems", list}}));
}

ServerResponse GetProblem(Context& context, const ServerRequest& request, const Principal&) {
  Result<int64_t> id = ProblemIdOf(request.path.substr(sizeof(kPrefix) - 1));
  if (!id.ok()) {
    return JsonError(404, id.status().message());
  }
  Result<ProblemProposalRecord> proposal = context.deps.store->GetProblemProposal(*id);
  if (!proposal.ok()) {
    return ApiError(context, proposal.status(), "reading the proposed Problem");
  }
  return JsonResponse(200, Dump(ProblemJson(*proposal)));
}

ServerResponse DecideApi(Context& context, const ServerRequest& request,
                         const Principal& principal) {
  std::string rest = request.path.substr(sizeof(kPrefix) - 1);
  const auto ends_with = [&rest](const std::string& suffix) {
    return rest.size() > suffix.size() &&
           rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  const bool approve = ends_with(kApproveSuffix);
  if (!approve && !ends_with(kRejectSuffix)) {
    return JsonError(404, "no such path: POST /api/v1/problems/{id}/approve or .../reject");
  }
  rest.resize(rest.size() - (approve ? sizeof(kApproveSuffix) : sizeof(kRejectSuffix)) + 1);
  Result<int64_t> id = ProblemIdOf(rest);
  if (!id.ok()) {
    return JsonError(404, id.status().message());
  }
  std::string reason;
  if (!request.body.empty()) {
    Json body = Json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return JsonError(400, "the body must be a JSON object");
    }
    auto it = body.find("reason");
    if (it != body.end() && !it->is_null()) {
      if (!it->is_string()) {
        return JsonError(400, "'reason' must be a string");
      }
      reason = Trim(it->get<std::string>());
    }
  }
  Status status = DecideProblem(context, *id, approve, principal, reason);
  if (!status.ok()) {
    return ApiError(context, status, "deciding the proposed Problem");
  }
  return JsonResponse(200, Dump({{"id", *id},
                                 {"action", approve ? "approved" : "rejected"},
                                 {"actor", principal.Actor()}}));
}

ServerResponse DigestApi(Context& context, const ServerRequest&, const Principal&) {
  std::vector<insights::ClusterSummary> clusters;
  if (context.deps.clusters) {
    clusters = context.deps.clusters();
  }
  DigestOptions options;
  options.min_cluster_size = context.deps.min_cluster_size;
  Result<DigestData> data =
      CollectDigest(*context.deps.store, clusters, context.deps.kb_search, context.Now(), options);
  if (!data.ok()) {
    return ApiError(context, data.status(), "collecting the digest");
  }
  return JsonResponse(200, DigestToJson(*data));
}

}  // namespace

void RegisterInsightsApi(Routes& routes) {
  routes.Api("GET", "/api/v1/clusters", false, Role::kViewer, Clusters);
  routes.Api("GET", "/api/v1/problems", false, Role::kViewer, ListProblems);
  routes.Api("GET", kPrefix, true, Role::kViewer, GetProblem, {"/api/v1/problems/{id}"});
  routes.Api("POST", kPrefix, true, Role::kApprover, DecideApi,
             {"/api/v1/problems/{id}/approve", "/api/v1/problems/{id}/reject"});
  routes.Api("GET", "/api/v1/digest", false, Role::kViewer, DigestApi);
}

}  // namespace autotriage::dashboard
