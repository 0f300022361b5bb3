// Proposed Problems (issue 7): the text of a Problem record built from a spike's evidence, and
// ProblemCreator, which creates the approved proposals at the helpdesk exactly once.
//
// Exactly once: each Problem's description carries the marker "[autotriage:problem-<id>]". A
// creation is claimed with a lease (Store::ClaimProblemCreations); before any attempt after the
// first, the creator asks the helpdesk for a Problem with that marker (the earlier attempt may
// have reached it before its answer was lost) and records that one instead of creating another.
// A helpdesk that cannot be asked (Helpdesk::FindProblemByMarker unimplemented) gets no second
// attempt: the proposal fails with a message telling the admin to check the helpdesk.
// A helpdesk without Problem records (Freshdesk, RT) ends an approved proposal in
// "approved_no_problem_records": the insight stays on the dashboard, nothing is created.
// Transient errors (unavailable, timeout, 429) retry with a doubling delay (30 s, 60 s, ...) up to
// kMaxProblemAttempts; other errors fail the proposal. Every end is audited ("problem_created",
// "problem_retry", "problem_failed"). The kill switch holds creations back (the caller checks).
// Thread-safety: RunOnce may run on several nodes at once (the store's claim decides).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "autotriage/connectors/helpdesk.h"
#include "autotriage/core/status.h"
#include "autotriage/store/store.h"

namespace autotriage {

inline constexpr int kMaxProblemAttempts = 5;

// "[autotriage:problem-<id>]".
std::string ProblemMarker(int64_t proposal_id);

// The Problem record for an approved proposal: subject, priority, member tickets, and an HTML
// description with the evidence (window, observed against expected, representative text, KB
// article or "no article", member tickets) and the marker. Everything from tickets is escaped.
ProblemRecord BuildProblemRecord(const ProblemProposalRecord& proposal);

struct ProblemCreatorReport {
  int created = 0;
  int recovered = 0;  // found at the helpdesk by marker after an interrupted attempt
  int retried = 0;
  int failed = 0;
  int no_problem_records = 0;
};

class ProblemCreator {
 public:
  ProblemCreator(std::shared_ptr<Store> store, std::shared_ptr<Helpdesk> helpdesk,
                 std::function<void(const std::string& line)> log = {});
  // Claims the approved proposals and creates them. Errors only when the store fails; a
  // helpdesk error ends in a retry or failure of that proposal.
  Result<ProblemCreatorReport> RunOnce(int64_t now_ms);

 private:
  std::shared_ptr<Store> store_;
  std::shared_ptr<Helpdesk> helpdesk_;
  std::function<void(const std::string&)> log_;
};

}  // namespace autotriage
