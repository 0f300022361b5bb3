#include "autotriage/dashboard/decide.h"

#include "autotriage/dashboard/card.h"

namespace autotriage::dashboard {
namespace {

// After the service said "not found": either the version was decided (a conflict) or it never
// had a proposal.
Status NotPending(Context& context, const std::string& ticket_id, const std::string& ticket_version,
                  const Status& original) {
  if (original.code() != StatusCode::kNotFound) {
    return original;
  }
  Result<CardView> card = CardFromStore(*context.deps.store, ticket_id, ticket_version);
  if (!card.ok() || card->fields.empty()) {
    return NotFound("ticket " + ticket_id + " version " + ticket_version +
                    " has no proposal waiting for approval");
  }
  if (card->pending) {
    return original;
  }
  return FailedPrecondition("the proposal for ticket " + ticket_id + " was already " +
                            (card->decided.empty() ? std::string("decided") : card->decided));
}

}  // namespace

Status ApproveProposal(Context& context, const ApproveRequest& request) {
  Status status = context.deps.approvals->Approve(request);
  if (status.ok()) {
    return status;
  }
  return NotPending(context, request.ticket_id, request.ticket_version, status);
}

Status RejectProposal(Context& context, const RejectRequest& request) {
  if (Trim(request.reason).empty()) {
    return InvalidArgument("a reason is required to reject a proposal");
  }
  Status status = context.deps.approvals->Reject(request);
  if (status.ok()) {
    return status;
  }
  return NotPending(context, request.ticket_id, request.ticket_version, status);
}

std::string Trim(const std::string& text) {
  const char* kSpace = " \t\r\n";
  const size_t start = text.find_first_not_of(kSpace);
  if (start == std::string::npos) {
    return "";
  }
  const size_t end = text.find_last_not_of(kSpace);
  return text.substr(start, end - start + 1);
}

std::string NormalizeNote(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      continue;
    }
    out += text[i];
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\n')) {
    out.pop_back();
  }
  return out;
}

}  // namespace autotriage::dashboard
