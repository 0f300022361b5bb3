// Proposed Problems as the dashboard shows and decides them (internal to the module): the
// evidence a spike left in ProblemProposalRecord::evidence_json, the HTML block of one proposal
// (with the Approve / Reject form for approvers while it is pending), and the decision every
// door uses (page form and REST API).
// Thread-safety: pure functions, except DecideProblem (the store; thread-safe).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/auth/auth.h"
#include "autotriage/core/status.h"
#include "autotriage/dashboard/context.h"
#include "autotriage/store/store.h"

namespace autotriage::dashboard {

struct ProblemEvidence {
  std::vector<std::string> member_ticket_ids;
  std::string representative_text;
  std::vector<std::string> top_terms;
  bool has_article = false;  // false: "no article" above the relevance floor
  std::string article_id;
  std::string article_title;
  std::string article_url;
  double article_relevance = 0;
};

// Reads the evidence; missing or malformed parts are left empty (the proposal's own ticket ids
// stand in for missing member ids).
ProblemEvidence ParseEvidence(const ProblemProposalRecord& proposal);

// "/problems/<id>".
std::string ProblemPath(int64_t id);

// The proposal as an <article class="problem">: subject (linked to its page unless `detail`),
// state and who decided, window, observed against expected, representative text, KB article or
// "no article", member tickets linked to /tickets/{id}, and for an approver a pending proposal's
// form (CSRF field, optional reason, Approve and Reject buttons). Everything escaped.
std::string ProblemHtml(const ProblemProposalRecord& proposal, const Principal& principal,
                        bool detail);

// The proposal id of a path segment: kNotFound naming it unless a positive whole number.
Result<int64_t> ProblemIdOf(const std::string& segment);

// Approves or rejects proposal `id` as `principal` (Actor()), audited as "problem_approved" /
// "problem_rejected" with the actor. kNotFound for an unknown id; kFailedPrecondition "... was
// already approved by user:alice" when it is no longer pending; else the store's status.
Status DecideProblem(Context& context, int64_t id, bool approve, const Principal& principal,
                     const std::string& reason);

}  // namespace autotriage::dashboard
