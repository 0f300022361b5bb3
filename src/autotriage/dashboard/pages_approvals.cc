// GET / (pending approvals), GET /approvals/{ticket}/{version} (the card) and
// POST /approvals/{ticket}/{version} (approve, approve with edits, reject).
#include <map>
#include <string>
#include <vector>

#include "autotriage/auth/form.h"
#include "autotriage/dashboard/card.h"
#include "autotriage/dashboard/card_html.h"
#include "autotriage/dashboard/decide.h"
#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

constexpr int kPendingShown = 100;  // newest first; ?queue= narrows the list
constexpr char kCardPrefix[] = "/approvals/";

std::string QueryValue(const ServerRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? std::string() : it->second;
}

ServerResponse PendingList(Context& context, const ServerRequest& request,
                           const Principal& principal) {
  const std::string queue = QueryValue(request, "queue");
  Result<std::vector<Approval>> pending = context.deps.approvals->Pending(queue, kPendingShown);
  if (!pending.ok()) {
    context.Log("listing pending approvals failed: " + pending.status().ToString());
    return ErrorPage(HttpStatusFor(pending.status()), "the pending approvals cannot be read now");
  }
  const int64_t now = context.Now();
  std::string html;
  if (!queue.empty()) {
    html += "<p class=\"filter\">Queue <strong>" + Escape(queue) +
            "</strong> · <a href=\"/\">all queues</a></p>";
  }
  html += "<p class=\"count\">" + std::to_string(pending->size()) +
          (pending->size() == 1 ? " proposal waits" : " proposals wait") + " for a decision" +
          (pending->size() >= static_cast<size_t>(kPendingShown) ? " (newest shown)" : "") +
          ".</p><div class=\"approvals\">";
  if (pending->empty()) {
    html += "<p class=\"empty\">Nothing to approve right now.</p>";
  }
  for (const Approval& approval : *pending) {
    html += ApprovalListItemHtml(CardFromApproval(approval), now);
  }
  html += "</div>";
  return RenderPage(request, &principal, {"Pending approvals", "approvals", 200}, html);
}

bool CanDecide(const Principal& principal) {
  return principal.role >= Role::kApprover;
}

// The card of {ticket, version}: pending from the service, else decided from the store.
Result<CardView> LoadCard(Context& context, const std::string& ticket, const std::string& version) {
  Result<Approval> approval = context.deps.approvals->Get(ticket, version);
  if (approval.ok()) {
    return CardFromApproval(*approval);
  }
  if (approval.status().code() != StatusCode::kNotFound) {
    return approval.status();
  }
  return CardFromStore(*context.deps.store, ticket, version);
}

ServerResponse CardPage(Context& context, const ServerRequest& request, const Principal& principal,
                        const CardView& card, const CardFormState& state, int status) {
  const std::string title = "Approval for #" + card.ticket_id;
  return RenderPage(
      request, &principal, {title, "approvals", status},
      CardHtml(card, principal, CanDecide(principal) && card.pending, state, context.Now()));
}

ServerResponse ShowCard(Context& context, const ServerRequest& request,
                        const Principal& principal) {
  std::string ticket;
  std::string version;
  if (!SplitTicketVersion(request.path.substr(sizeof(kCardPrefix) - 1), &ticket, &version)) {
    return ErrorPage(404, "an approval address is /approvals/<ticket>/<version>");
  }
  Result<CardView> card = LoadCard(context, ticket, version);
  if (!card.ok()) {
    if (card.status().code() == StatusCode::kNotFound) {
      return ErrorPage(404, "no proposal for ticket " + ticket + " version " + version);
    }
    context.Log("reading an approval failed: " + card.status().ToString());
    return ErrorPage(HttpStatusFor(card.status()), "the approval cannot be read now");
  }
  return CardPage(context, request, principal, *card, {}, 200);
}

CardFormState StateFromForm(const std::map<std::string, std::string>& form, const CardView& card) {
  CardFormState state;
  for (const CardField& field : card.fields) {
    auto it = form.find("edit_" + field.field);
    if (it != form.end()) {
      state.edits[field.field] = Trim(it->second);
    }
  }
  auto note = form.find("note");
  if (note != form.end()) {
    state.has_note = true;
    state.note = note->second;
  }
  auto reason = form.find("reason");
  state.reason = reason == form.end() ? "" : Trim(reason->second);
  auto always = form.find("always");
  state.always = always != form.end() && !always->second.empty();
  return state;
}

// The approve request for the form: edits where the value differs from the proposal, the note
// when it differs from the draft. kInvalidArgument for an emptied value.
Result<ApproveRequest> ApproveFromForm(const CardFormState& state, const CardView& card,
                                       const Principal& principal) {
  ApproveRequest approve;
  approve.ticket_id = card.ticket_id;
  approve.ticket_version = card.ticket_version;
  approve.actor = principal.Actor();
  approve.always_for_queue = state.always;
  for (const CardField& field : card.fields) {
    auto it = state.edits.find(field.field);
    if (it == state.edits.end() || it->second == field.new_value) {
      continue;
    }
    if (it->second.empty()) {
      return InvalidArgument("the value for " + field.field +
                             " is empty: enter the value to write, or reject the proposal");
    }
    approve.edits[field.field] = it->second;
  }
  if (state.has_note && NormalizeNote(state.note) != NormalizeNote(card.note_draft)) {
    approve.note = NormalizeNote(state.note);
  }
  return approve;
}

ServerResponse Decide(Context& context, const ServerRequest& request, const Principal& principal) {
  std::string ticket;
  std::string version;
  if (!SplitTicketVersion(request.path.substr(sizeof(kCardPrefix) - 1), &ticket, &version)) {
    return ErrorPage(404, "an approval address is /approvals/<ticket>/<version>");
  }
  const std::map<std::string, std::string> form = ParseFormBody(request.body);
  auto action_it = form.find("action");
  const std::string action = action_it == form.end() ? "" : action_it->second;
  if (action != "approve" && action != "reject") {
    return ErrorPage(400, "the form must say action=approve or action=reject");
  }
  Result<CardView> card = LoadCard(context, ticket, version);
  if (!card.ok()) {
    if (card.status().code() == StatusCode::kNotFound) {
      return ErrorPage(404, "no proposal for ticket " + ticket + " version " + version);
    }
    context.Log("reading an approval failed: " + card.status().ToString());
    return ErrorPage(HttpStatusFor(card.status()), "the approval cannot be read now");
  }
  if (!card->pending) {
    return RedirectWithFlash("/", "error",
                             "Ticket #" + ticket + " was already " + card->decided + ".");
  }
  CardFormState state = StateFromForm(form, *card);
  Status status;
  std::string done;
  if (action == "reject") {
    if (state.reason.empty()) {
      state.error = "Give a reason to reject the proposal.";
      return CardPage(context, request, principal, *card, state, 400);
    }
    status = RejectProposal(context, {ticket, version, principal.Actor(), state.reason});
    done = "Rejected the proposal for ticket #" + ticket + ".";
  } else {
    Result<ApproveRequest> approve = ApproveFromForm(state, *card, principal);
    if (!approve.ok()) {
      state.error = approve.status().message();
      return CardPage(context, request, principal, *card, state, 400);
    }
    status = ApproveProposal(context, *approve);
    done = std::string(approve->edits.empty() ? "Approved" : "Approved with your edits") +
           " the proposal for ticket #" + ticket +
           (state.always ? "; the queue now autofills." : ".");
  }
  if (status.ok()) {
    return RedirectWithFlash("/", "ok", done);
  }
  switch (status.code()) {
    case StatusCode::kFailedPrecondition:
      return RedirectWithFlash("/", "error", status.message());
    case StatusCode::kInvalidArgument:
      state.error = status.message();
      return CardPage(context, request, principal, *card, state, 400);
    case StatusCode::kNotFound:
      return ErrorPage(404, status.message());
    default:
      context.Log("deciding an approval failed: " + status.ToString());
      return ErrorPage(HttpStatusFor(status), "the decision could not be saved; try again");
  }
}

}  // namespace

void RegisterApprovalPages(Routes& routes) {
  routes.Page("GET", "/", false, Role::kViewer, PendingList);
  routes.Page("GET", kCardPrefix, true, Role::kViewer, ShowCard, {"/approvals/{ticket}/{version}"});
  routes.Page("POST", kCardPrefix, true, Role::kApprover, Decide,
              {"/approvals/{ticket}/{version}"});
}

}  // namespace autotriage::dashboard
