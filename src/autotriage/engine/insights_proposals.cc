// InsightsService::ProposeSpikes (insights_service.h): a spike becomes a proposed Problem with
// its evidence, stored for approval and announced.
#include <cstdio>
#include <utility>

#include <nlohmann/json.hpp>

#include "autotriage/engine/insights_service.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr int64_t kHighPriorityTickets = 10;  // a spike this big is more than a nuisance

std::string ProposalSubject(const insights::Spike& spike) {
  const int64_t minutes = (spike.window_end - spike.window_start + 59) / 60;
  const std::string name = spike.cluster_name.empty()
                               ? "cluster " + std::to_string(spike.cluster_id)
                               : spike.cluster_name;
  return "Recurring issue: " + name + " (" + std::to_string(spike.observed) + " tickets in " +
         std::to_string(minutes) + " min)";
}

}  // namespace

Result<int64_t> InsightsService::ProposeSpikes(const std::vector<insights::Spike>& spikes,
                                               int64_t now_s) {
  std::vector<insights::Spike> todo = std::move(unproposed_);
  unproposed_.clear();
  todo.insert(todo.end(), spikes.begin(), spikes.end());
  int64_t proposed = 0;
  for (size_t i = 0; i < todo.size(); ++i) {
    const insights::Spike& spike = todo[i];
    // One open proposal per recurring issue: a human is already looking at it.
    ProblemProposalFilter open;
    open.state = problem_state::kPending;
    open.cluster_id = spike.cluster_id;
    open.limit = 1;
    Result<std::vector<ProblemProposalRecord>> pending = store_->ListProblemProposals(open);
    if (!pending.ok()) {
      unproposed_.assign(todo.begin() + static_cast<ptrdiff_t>(i), todo.end());
      return pending.status().WithContext("insights: looking for open proposals");
    }
    if (!pending->empty()) {
      continue;
    }
    ProblemProposalRecord record;
    record.dedupe_key = "cluster:" + std::to_string(spike.cluster_id) + ":" +
                        std::to_string(spike.window_end / 3600);
    record.cluster_id = spike.cluster_id;
    record.cluster_name = spike.cluster_name;
    record.window_start_ms = spike.window_start * 1000;
    record.window_end_ms = spike.window_end * 1000;
    record.observed = spike.observed;
    record.expected = spike.expected;
    record.p_value = spike.p_value;
    record.subject = ProposalSubject(spike);
    record.priority = spike.observed >= kHighPriorityTickets ? "High" : "Medium";
    record.ticket_ids = spike.member_ticket_ids;
    Json evidence = {{"member_ticket_ids", spike.member_ticket_ids},
                     {"representative_text", spike.representative_text},
                     {"top_terms", spike.top_terms},
                     {"score", spike.score},
                     // Which test fired: a group of near-identical tickets, or the cluster's rate.
                     {"test", spike.near_duplicates ? "near_duplicates" : "cluster_rate"},
                     {"kb_article", nullptr}};
    if (advisor_ != nullptr) {
      std::vector<KbHit> hits = advisor_->SearchKb(spike.representative_text, 1);
      if (!hits.empty()) {
        evidence["kb_article"] = {{"id", hits[0].id},
                                  {"title", hits[0].title},
                                  {"url", hits[0].url},
                                  {"relevance", hits[0].relevance}};
      }
    }
    record.evidence_json = evidence.dump(-1, ' ', false, Json::error_handler_t::replace);
    record.created_ms = now_s * 1000;
    AuditEntry audit;
    audit.kind = "problem_proposed";
    audit.time_ms = now_s * 1000;
    audit.trace_id = record.dedupe_key;
    char expected[32];
    std::snprintf(expected, sizeof(expected), "%.2f", spike.expected);
    audit.detail =
        Json{{"cluster_id", spike.cluster_id},
             {"cluster_name", spike.cluster_name},
             {"observed", spike.observed},
             {"expected", expected},
             {"p_value", spike.p_value},
             {"tickets", spike.member_ticket_ids},
             {"kb_article",
              evidence["kb_article"].is_object() ? evidence["kb_article"]["id"] : Json(nullptr)}}
            .dump(-1, ' ', false, Json::error_handler_t::replace);
    Result<int64_t> id = store_->ProposeProblem(record, audit);
    if (!id.ok()) {
      if (id.status().code() == StatusCode::kAlreadyExists) {
        continue;  // proposed before a restart
      }
      unproposed_.assign(todo.begin() + static_cast<ptrdiff_t>(i), todo.end());
      return id.status().WithContext("insights: storing a proposed Problem");
    }
    ++proposed;
    if (announce_) {
      std::string text = "autotriage proposes a Problem: " + record.subject + ". " +
                         (evidence["kb_article"].is_object()
                              ? "KB article: " + evidence["kb_article"]["title"].get<std::string>()
                              : std::string("No KB article matches it")) +
                         ".";
      if (!dashboard_url_.empty()) {
        text += " Review it at " + dashboard_url_ + "/problems/" + std::to_string(*id);
      }
      announce_(text);
    }
  }
  return proposed;
}

}  // namespace autotriage
