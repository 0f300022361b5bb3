// Outcome tracking (issue 7): what became of the engine's suggestions and autofills, read from
// later versions of the ticket, plus the human-verified labels they reveal (the corrections log)
// and the ticket's resolution facts (first-contact resolution, time to resolve).
//
// Per decision that was suggested or autofilled (once; the store keeps the first outcome):
//   accepted  the engine's value stands after a human touched the ticket (a reply or note that
//             is not the engine's own, or the ticket resolved), a human set the suggested value,
//             or a human approved the suggestion;
//   replaced  a human set another value (or approved with an edited value);
//   reverted  an applied value went back to the value it replaced;
//   skipped   a suggestion that expired, was rejected or still waited, the field untouched
//             until resolution.
// Corrections: approvals (approved, edited), replaced / reverted values, a value a human set,
// and accepted values on a ticket a human resolved. Never an autofill nobody reviewed.
// Thread-safety: the functions are pure; RecordTicketOutcomes uses the thread-safe Store.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/core/ticket.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct EngineContext;
struct Job;

// True for the helpdesk statuses that end a ticket ("resolved", "closed"; case-insensitive).
bool IsResolvedStatus(const std::string& status);

// An outcome and the correction it yields (none for an unreviewed acceptance).
struct ClassifiedOutcome {
  OutcomeRecord outcome;
  std::optional<CorrectionRecord> correction;
};

// Classifies the decisions of `ticket` (as fetched now) that have no outcome yet (ids in
// `known`). `actions` are the ticket's approval actions (any order). observed_ms of every
// record is `now_ms`; correction texts are TicketModelText(ticket).
std::vector<ClassifiedOutcome> ClassifyOutcomes(const Ticket& ticket,
                                                const std::vector<DecisionRecord>& decisions,
                                                const std::vector<ApprovalActionRecord>& actions,
                                                const std::set<int64_t>& known, int64_t now_ms);

// The resolution facts of a resolved ticket (nullopt while it is open). resolved_ms is the
// ticket's updated_at (the version it was seen resolved at); first contact: at most one public
// agent reply and no requester message after it. `queue`: the ticket's group, else the one given.
std::optional<ResolutionRecord> ResolutionOf(const Ticket& ticket, const std::string& queue,
                                             int64_t now_ms);

// Records the outcomes, corrections and resolution of one tracked ticket version, with
// "outcome" and "ticket_resolved" audit entries, metrics and log lines. Errors: the store's.
Status RecordTicketOutcomes(EngineContext* context, const Job& job, const Ticket& ticket,
                            const std::vector<DecisionRecord>& decisions);

}  // namespace autotriage
