// Records of the insights side of the engine (issue 7): the tickets the recurring-issue clusterer
// holds (so its state survives a restart without asking the helpdesk again) and the Problems the
// engine proposes when a cluster spikes, with their life through approval and creation.
//
// A proposed Problem moves pending -> approved -> creating -> created, or pending -> rejected, or
// (creating, after the last attempt) -> failed. Only a human approves (never the engine itself).
// "creating" is a lease: a creator that dies leaves it to be taken over after the lease, and the
// taker must first look for the Problem by its marker (the first attempt may have reached the
// helpdesk), which is how a Problem is created exactly once. Store methods: store.h, "insights".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace autotriage {

// One clustered ticket. ticket_id is unique; cluster_id is the cluster it joined (a merged-away
// cluster id is resolved through the clusterer's merge aliases when restored).
struct ClusterMemberRecord {
  std::string ticket_id;
  int64_t created_at = 0;  // the ticket's creation, Unix seconds
  int64_t cluster_id = 0;
  std::string text;  // subject + body, already cut by the clusterer
};

// States of a proposed Problem. Stored in problem_proposals.state.
namespace problem_state {
inline constexpr char kPending[] = "pending";    // waiting for a human
inline constexpr char kApproved[] = "approved";  // approved; creation not yet attempted
inline constexpr char kCreating[] = "creating";  // a creator holds it (lease); may have reached
                                                 // the helpdesk
inline constexpr char kCreated[] = "created";    // the helpdesk has it (problem_id)
inline constexpr char kRejected[] = "rejected";  // a human said no
inline constexpr char kFailed[] = "failed";      // creation gave up (last_error)
// Approved on a helpdesk without Problem records: kept as an approved insight, nothing created.
inline constexpr char kNoProblems[] = "approved_no_problem_records";
}  // namespace problem_state

struct ProblemProposalRecord {
  int64_t id = 0;  // assigned by the store
  // Unique; a second proposal with the same key is refused (kAlreadyExists). The engine uses
  // "cluster:<id>:<window end>" so a restart cannot propose the same spike twice.
  std::string dedupe_key;
  int64_t cluster_id = 0;
  std::string cluster_name;
  std::string state = problem_state::kPending;
  int64_t window_start_ms = 0;
  int64_t window_end_ms = 0;
  int64_t observed = 0;  // tickets in the window
  double expected = 0;   // tickets the cluster's baseline expected
  double p_value = 1.0;  // Poisson upper tail
  std::string subject;   // the Problem's subject
  std::string priority;  // neutral priority ("Medium", ...)
  std::string
      evidence_json;  // {member_ticket_ids, representative_text, top_terms, kb_article|null}
  std::vector<std::string> ticket_ids;  // member tickets in the window
  std::string decided_by;               // "user:alice"
  std::string decision_reason;
  int64_t decided_ms = 0;
  std::string problem_id;  // the helpdesk's id once created
  int attempts = 0;        // creation attempts so far
  std::string last_error;
  int64_t lease_until_ms = 0;  // while creating
  int64_t created_ms = 0;      // 0: now
  int64_t updated_ms = 0;
};

struct ProblemProposalFilter {
  std::string state;       // "" = any
  int64_t cluster_id = 0;  // 0 = any
  int64_t since_ms = 0;    // created_ms >= since_ms
  int limit = 100;         // <= 0: 100; at most 10,000; newest first
};

}  // namespace autotriage
