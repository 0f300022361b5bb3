// Approve and reject as every door of the dashboard does them (form, REST API, Slack button):
// the ApprovalService call, with "not pending" turned into a conflict that says how and by
// whom the proposal was decided.
// Thread-safety: thread-safe.
#pragma once

#include <string>

#include "autotriage/core/status.h"
#include "autotriage/dashboard/context.h"

namespace autotriage::dashboard {

// kFailedPrecondition "... was already approved by user:alice" when the ticket version is no
// longer pending; kNotFound when it never had a proposal; kInvalidArgument for bad edits or an
// empty reject reason; else the service's status.
Status ApproveProposal(Context& context, const ApproveRequest& request);
Status RejectProposal(Context& context, const RejectRequest& request);

// Trims spaces, tabs and line breaks at both ends.
std::string Trim(const std::string& text);
// CRLF and CR -> LF, trailing whitespace of the whole text removed (textarea round trips).
std::string NormalizeNote(const std::string& text);

}  // namespace autotriage::dashboard
