// GET /problems (proposed Problems, ?state= narrows), GET /problems/{id} (one with its
// evidence) and POST /problems/{id} (approve or reject; approvers). A decision redirects with a
// flash message; a proposal decided before gets a 409 page naming who decided it.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "autotriage/auth/form.h"
#include "autotriage/dashboard/decide.h"
#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"
#include "autotriage/dashboard/problem_view.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

constexpr char kPrefix[] = "/problems/";
constexpr int kShown = 100;

const std::vector<std::string>& States() {
  static const std::vector<std::string> states = {
      problem_state::kPending,   problem_state::kApproved, problem_state::kCreating,
      problem_state::kCreated,   problem_state::kRejected, problem_state::kFailed,
      problem_state::kNoProblems};
  return states;
}

std::string StateFilter(const std::string& active) {
  std::string html = "<p class=\"filter\">Show: ";
  html += active.empty() ? "<strong>all</strong>" : "<a href=\"/problems\">all</a>";
  for (const std::string& state : States()) {
    html += " · ";
    html += state == active
                ? "<strong>" + Escape(state) + "</strong>"
                : "<a href=\"/problems?state=" + UrlEncode(state) + "\">" + Escape(state) + "</a>";
  }
  return html + "</p>";
}

ServerResponse List(Context& context, const ServerRequest& request, const Principal& principal) {
  auto it = request.query.find("state");
  const std::string state = it == request.query.end() ? "" : it->second;
  if (!state.empty() && std::find(States().begin(), States().end(), state) == States().end()) {
    return ErrorPage(400, "unknown state '" + state +
                              "'; use pending, approved, creating, "
                              "created, rejected, failed or approved_no_problem_records");
  }
  ProblemProposalFilter filter;
  filter.state = state;
  filter.limit = kShown;
  Result<std::vector<ProblemProposalRecord>> proposals =
      context.deps.store->ListProblemProposals(filter);
  if (!proposals.ok()) {
    context.Log("listing proposed Problems failed: " + proposals.status().ToString());
    return ErrorPage(HttpStatusFor(proposals.status()), "the proposed Problems cannot be read now");
  }
  std::string html =
      "<p class=\"hint\">A spike in a recurring issue proposes a Problem record. Nothing is "
      "created at the helpdesk until an approver approves it.</p>" +
      StateFilter(state);
  if (proposals->empty()) {
    html += "<p class=\"empty\">No proposed Problems" +
            (state.empty() ? std::string() : " in state " + Escape(state)) + ".</p>";
  }
  for (const ProblemProposalRecord& p : *proposals) {
    html += ProblemHtml(p, principal, false);
  }
  return RenderPage(request, &principal, {"Proposed Problems", "problems", 200}, html);
}

ServerResponse Show(Context& context, const ServerRequest& request, const Principal& principal) {
  Result<int64_t> id = ProblemIdOf(request.path.substr(sizeof(kPrefix) - 1));
  if (!id.ok()) {
    return ErrorPage(404, id.status().message());
  }
  Result<ProblemProposalRecord> proposal = context.deps.store->GetProblemProposal(*id);
  if (!proposal.ok()) {
    if (proposal.status().code() == StatusCode::kNotFound) {
      return ErrorPage(404, "no proposed Problem " + std::to_string(*id));
    }
    context.Log("reading a proposed Problem failed: " + proposal.status().ToString());
    return ErrorPage(HttpStatusFor(proposal.status()), "the proposed Problem cannot be read now");
  }
  return RenderPage(request, &principal,
                    {"Proposed Problem " + std::to_string(*id), "problems", 200},
                    ProblemHtml(*proposal, principal, true) +
                        "<p><a href=\"/problems\">All proposed Problems</a></p>");
}

ServerResponse Decide(Context& context, const ServerRequest& request, const Principal& principal) {
  Result<int64_t> id = ProblemIdOf(request.path.substr(sizeof(kPrefix) - 1));
  if (!id.ok()) {
    return ErrorPage(404, id.status().message());
  }
  const std::map<std::string, std::string> form = ParseFormBody(request.body);
  auto action = form.find("action");
  if (action == form.end() || (action->second != "approve" && action->second != "reject")) {
    return ErrorPage(400, "the form must say action=approve or action=reject");
  }
  const bool approve = action->second == "approve";
  auto reason = form.find("reason");
  Status status = DecideProblem(context, *id, approve, principal,
                                reason == form.end() ? "" : Trim(reason->second));
  if (status.ok()) {
    return RedirectWithFlash(ProblemPath(*id), "ok",
                             approve ? "Approved proposed Problem " + std::to_string(*id) +
                                           "; the engine creates it at the helpdesk."
                                     : "Rejected proposed Problem " + std::to_string(*id) + ".");
  }
  switch (status.code()) {
    case StatusCode::kFailedPrecondition:
      return ErrorPage(409, status.message());
    case StatusCode::kNotFound:
      return ErrorPage(404, "no proposed Problem " + std::to_string(*id));
    case StatusCode::kInvalidArgument:
      return ErrorPage(400, status.message());
    default:
      context.Log("deciding a proposed Problem failed: " + status.ToString());
      return ErrorPage(HttpStatusFor(status), "the decision could not be saved; try again");
  }
}

}  // namespace

void RegisterProblemPages(Routes& routes) {
  routes.Page("GET", "/problems", false, Role::kViewer, List);
  routes.Page("GET", kPrefix, true, Role::kViewer, Show, {"/problems/{id}"});
  routes.Page("POST", kPrefix, true, Role::kApprover, Decide, {"/problems/{id}"});
}

}  // namespace autotriage::dashboard
