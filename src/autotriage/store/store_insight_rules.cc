// The rules of cluster members and proposed Problems shared by both backends (store_internal.h).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

std::string ProposalName(int64_t id) {
  return "problem proposal " + std::to_string(id);
}

}  // namespace

Status ValidateClusterMembers(const std::vector<ClusterMemberRecord>& members) {
  for (size_t i = 0; i < members.size(); ++i) {
    const ClusterMemberRecord& m = members[i];
    const std::string which =
        "cluster member " + std::to_string(i) +
        (m.ticket_id.empty() || !IsStorableText(m.ticket_id) ? std::string()
                                                             : " (ticket " + m.ticket_id + ")");
    if (m.ticket_id.empty()) {
      return InvalidArgument(which + ": ticket_id is empty");
    }
    if (!IsStorableText(m.ticket_id)) {
      return InvalidArgument(which + ": ticket_id is not well-formed UTF-8 without NUL bytes");
    }
    if (m.created_at <= 0) {
      return InvalidArgument(which + ": created_at must be positive Unix seconds, not " +
                             std::to_string(m.created_at));
    }
    if (m.cluster_id <= 0) {
      return InvalidArgument(which + ": cluster_id must be positive, not " +
                             std::to_string(m.cluster_id));
    }
    if (!IsStorableText(m.text)) {
      return InvalidArgument(which + ": text is not well-formed UTF-8 without NUL bytes");
    }
  }
  return Status::Ok();
}

std::vector<ClusterMemberRecord> LastMemberOfEachTicket(
    const std::vector<ClusterMemberRecord>& members) {
  std::unordered_set<std::string_view> seen;
  std::vector<const ClusterMemberRecord*> kept;
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    if (seen.insert(it->ticket_id).second) {
      kept.push_back(&*it);
    }
  }
  std::vector<ClusterMemberRecord> out;
  out.reserve(kept.size());
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    out.push_back(**it);
  }
  return out;
}

Status ValidateProblemProposal(const ProblemProposalRecord& p) {
  if (p.dedupe_key.empty()) {
    return InvalidArgument("a problem proposal needs a dedupe_key");
  }
  const std::string which =
      "problem proposal '" + (IsStorableText(p.dedupe_key) ? p.dedupe_key : std::string("?")) + "'";
  if (p.subject.empty()) {
    return InvalidArgument(which + ": subject is empty");
  }
  if (p.cluster_id <= 0) {
    return InvalidArgument(which + ": cluster_id must be positive, not " +
                           std::to_string(p.cluster_id));
  }
  if (p.ticket_ids.empty()) {
    return InvalidArgument(which + ": ticket_ids is empty");
  }
  const std::pair<const char*, const std::string*> texts[] = {
      {"dedupe_key", &p.dedupe_key},
      {"cluster_name", &p.cluster_name},
      {"subject", &p.subject},
      {"priority", &p.priority},
      {"evidence_json", &p.evidence_json},
      {"decided_by", &p.decided_by},
      {"decision_reason", &p.decision_reason},
      {"problem_id", &p.problem_id},
      {"last_error", &p.last_error}};
  for (const auto& [field, text] : texts) {
    if (!IsStorableText(*text)) {
      return InvalidArgument(which + ": " + field + " is not well-formed UTF-8 without NUL bytes");
    }
  }
  for (const std::string& ticket_id : p.ticket_ids) {
    if (ticket_id.empty() || !IsStorableText(ticket_id)) {
      return InvalidArgument(which +
                             ": ticket_ids holds an empty id or one that is not well-formed "
                             "UTF-8 without NUL bytes");
    }
  }
  return Status::Ok();
}

bool IsProblemState(std::string_view state) {
  for (std::string_view name :
       {problem_state::kPending, problem_state::kApproved, problem_state::kCreating,
        problem_state::kCreated, problem_state::kRejected, problem_state::kFailed,
        problem_state::kNoProblems}) {
    if (state == name) {
      return true;
    }
  }
  return false;
}

Status ValidateProblemFilter(const ProblemProposalFilter& filter) {
  if (!filter.state.empty() && !IsProblemState(filter.state)) {
    return InvalidArgument("unknown problem proposal state '" + filter.state +
                           "' in the filter (expected pending, approved, creating, created, "
                           "rejected, failed or approved_no_problem_records)");
  }
  return Status::Ok();
}

Status ValidateProblemDecision(int64_t id, const std::string& actor, const std::string& reason) {
  if (actor.empty()) {
    return InvalidArgument("deciding " + ProposalName(id) + " needs an actor");
  }
  if (!IsStorableText(actor) || !IsStorableText(reason)) {
    return InvalidArgument("deciding " + ProposalName(id) +
                           ": actor or reason is not well-formed UTF-8 without NUL bytes");
  }
  return Status::Ok();
}

Status ValidateProblemFinish(int64_t id, const std::string& new_state,
                             const std::string& problem_id, const std::string& error) {
  if (new_state != problem_state::kCreated && new_state != problem_state::kFailed &&
      new_state != problem_state::kNoProblems && new_state != problem_state::kApproved) {
    return InvalidArgument("finishing the creation of " + ProposalName(id) + ": new_state '" +
                           (IsStorableText(new_state) ? new_state : std::string("?")) +
                           "' is not created, failed, approved_no_problem_records or approved");
  }
  if (new_state == problem_state::kCreated && problem_id.empty()) {
    return InvalidArgument("finishing the creation of " + ProposalName(id) +
                           ": state created needs the problem_id");
  }
  if (!IsStorableText(problem_id) || !IsStorableText(error)) {
    return InvalidArgument("finishing the creation of " + ProposalName(id) +
                           ": problem_id or error is not well-formed UTF-8 without NUL bytes");
  }
  return Status::Ok();
}

Status ProblemAlreadyDecided(int64_t id, const std::string& state, const std::string& decided_by) {
  // Every state after pending came from a decision: rejected, or approved (then creating, ...).
  const std::string decision =
      state == problem_state::kRejected ? problem_state::kRejected : problem_state::kApproved;
  std::string message = ProposalName(id) + " is already " + decision;
  if (!decided_by.empty()) {
    message += " by " + decided_by;
  }
  if (state != decision) {
    message += " (now " + state + ")";
  }
  return FailedPrecondition(message);
}

Status ProblemClaimLost(int64_t id, int attempt, const std::string& state, int attempts) {
  if (state != problem_state::kCreating) {
    return FailedPrecondition(ProposalName(id) + " is " + state + ", not creating: claim " +
                              std::to_string(attempt) + " finishes nothing");
  }
  return FailedPrecondition(ProposalName(id) + " was taken over by claim " +
                            std::to_string(attempts) + ": claim " + std::to_string(attempt) +
                            " finishes nothing");
}

std::string ProblemTicketIdsJson(const std::vector<std::string>& ticket_ids) {
  return nlohmann::json(ticket_ids).dump();
}

Result<std::vector<std::string>> ParseProblemTicketIds(int64_t id, std::string_view json) {
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) {
    return Corruption(ProposalName(id) + ": stored ticket_ids is not a JSON array");
  }
  std::vector<std::string> ids;
  ids.reserve(parsed.size());
  for (const nlohmann::json& item : parsed) {
    if (!item.is_string()) {
      return Corruption(ProposalName(id) + ": stored ticket_ids holds a non-string");
    }
    ids.push_back(item.get<std::string>());
  }
  return ids;
}

}  // namespace autotriage
