// POST /slack/interactions: Slack's callback when someone presses Approve or Reject on a card.
//   401  the signature or timestamp does not verify (forged, replayed after 5 minutes)
//   400  not a block_actions payload we understand
//   403  the Slack user is not mapped to an enabled autotriage user, or is only a viewer
//   200  otherwise, also when the proposal was decided meanwhile (the card is then refreshed
//        to say by whom; Slack shows an error for anything but 200)
// A rejection from Slack carries the reason "rejected in Slack". The card is replaced through
// the SlackNotifier (chat.update, or the response_url), off the request thread: Slack wants an
// answer within 3 seconds.
#include <nlohmann/json.hpp>

#include "autotriage/dashboard/api_util.h"
#include "autotriage/dashboard/decide.h"
#include "autotriage/dashboard/registrations.h"
#include "autotriage/dashboard/slack_notifier.h"
#include "autotriage/slack/slack.h"

namespace autotriage::dashboard {
namespace {

using Json = nlohmann::json;

constexpr char kSlackRejectReason[] = "rejected in Slack";

ServerResponse Ephemeral(int status, const std::string& text) {
  return JsonResponse(
      status,
      Json{{"response_type", "ephemeral"}, {"replace_original", false}, {"text", text}}.dump(
          -1, ' ', false, Json::error_handler_t::replace));
}

ServerResponse Interaction(Context& context, const ServerRequest& request) {
  Status verified = VerifySlackRequest(context.deps.slack_signing_secret, request.headers,
                                       request.body, context.Now() / 1000);
  if (!verified.ok()) {
    return JsonError(401, verified.message());
  }
  Result<SlackInteraction> interaction = ParseSlackInteraction(request.body);
  if (!interaction.ok()) {
    return JsonError(400, interaction.status().message());
  }
  Result<Principal> principal = context.deps.auth->SlackPrincipal(interaction->slack_user_id);
  if (!principal.ok()) {
    if (HttpStatusFor(principal.status()) >= 500) {
      return ApiError(context, principal.status(), "mapping the Slack user");
    }
    return Ephemeral(403, principal.status().message());
  }
  if (principal->role < Role::kApprover) {
    return Ephemeral(403, "autotriage user " + principal->name +
                              " is a viewer; only approvers and admins decide proposals");
  }
  const std::string& ticket = interaction->ticket_id;
  const std::string& version = interaction->ticket_version;
  Status status;
  if (interaction->action == "approve") {
    ApproveRequest approve;
    approve.ticket_id = ticket;
    approve.ticket_version = version;
    approve.actor = principal->Actor();
    status = ApproveProposal(context, approve);
  } else if (interaction->action == "reject") {
    status = RejectProposal(context, {ticket, version, principal->Actor(), kSlackRejectReason});
  } else {
    return JsonError(400, "unknown action '" + interaction->action + "'");
  }
  if (context.deps.slack_notifier != nullptr) {
    context.deps.slack_notifier->Refresh(ticket, version, interaction->response_url);
  }
  if (status.ok()) {
    return JsonResponse(200, "{}");
  }
  const int code = HttpStatusFor(status);
  if (code >= 500) {
    context.Log("deciding from Slack failed: " + status.ToString());
    return Ephemeral(200, "autotriage could not save the decision; try again");
  }
  return Ephemeral(200, status.message());
}

}  // namespace

void RegisterSlackEndpoint(Routes& routes) {
  routes.Open("slack", "POST", "/slack/interactions", false, Interaction);
}

}  // namespace autotriage::dashboard
