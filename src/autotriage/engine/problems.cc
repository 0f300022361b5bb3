// Problem records from proposals and their creation exactly once (problems.h).
#include "autotriage/engine/problems.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include <nlohmann/json.hpp>

#include "autotriage/text/html_escape.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr int64_t kProblemLeaseMs = 120000;  // longer than one CreateProblem with its retries
constexpr int64_t kFirstRetryMs = 30000;
constexpr int kClaimBatch = 10;

std::string FormatUtc(int64_t ms) {
  const time_t seconds = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

std::string JsonString(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Transient(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded ||
         code == StatusCode::kResourceExhausted;
}

AuditEntry ProblemAudit(const char* kind, const ProblemProposalRecord& p, Json detail,
                        int64_t now_ms) {
  AuditEntry entry;
  entry.kind = kind;
  entry.time_ms = now_ms;
  entry.trace_id = "problem-" + std::to_string(p.id);
  detail["proposal_id"] = p.id;
  detail["cluster_id"] = p.cluster_id;
  detail["attempt"] = p.attempts;
  entry.detail = detail.dump(-1, ' ', false, Json::error_handler_t::replace);
  return entry;
}

}  // namespace

std::string ProblemMarker(int64_t proposal_id) {
  return "[autotriage:problem-" + std::to_string(proposal_id) + "]";
}

ProblemRecord BuildProblemRecord(const ProblemProposalRecord& proposal) {
  ProblemRecord record;
  record.subject = proposal.subject;
  record.priority = proposal.priority;
  record.ticket_ids = proposal.ticket_ids;
  const Json evidence = Json::parse(proposal.evidence_json, nullptr, /*allow_exceptions=*/false);
  const Json empty = Json::object();
  const Json& e = evidence.is_object() ? evidence : empty;
  char rate[160];
  std::snprintf(rate, sizeof(rate), "%lld tickets where about %.1f were expected (p = %.1e)",
                static_cast<long long>(proposal.observed), proposal.expected, proposal.p_value);
  std::string html = "<p>autotriage noticed a spike in the recurring issue <b>" +
                     EscapeHtml(proposal.cluster_name) + "</b>: " + rate + " between " +
                     FormatUtc(proposal.window_start_ms) + " and " +
                     FormatUtc(proposal.window_end_ms) + ".</p>";
  const std::string representative = JsonString(e, "representative_text");
  if (!representative.empty()) {
    html += "<p>A typical ticket:</p><blockquote>" + EscapeHtml(representative) + "</blockquote>";
  }
  const auto article = e.find("kb_article");
  if (article != e.end() && article->is_object()) {
    const std::string url = JsonString(*article, "url");
    const std::string title = EscapeHtml(JsonString(*article, "title"));
    html += "<p>Matching KB article: " +
            (url.empty() ? title : "<a href=\"" + EscapeHtml(url) + "\">" + title + "</a>") +
            "</p>";
  } else {
    html += "<p>No KB article matches this issue: a gap in the knowledge base.</p>";
  }
  if (!proposal.decided_by.empty()) {
    html += "<p>Approved by " + EscapeHtml(proposal.decided_by) + ".</p>";
  }
  html += "<p>" + ProblemMarker(proposal.id) + "</p>";
  record.description_html = std::move(html);
  return record;
}

ProblemCreator::ProblemCreator(std::shared_ptr<Store> store, std::shared_ptr<Helpdesk> helpdesk,
                               std::function<void(const std::string&)> log)
    : store_(std::move(store)), helpdesk_(std::move(helpdesk)), log_(std::move(log)) {}

Result<ProblemCreatorReport> ProblemCreator::RunOnce(int64_t now_ms) {
  ProblemCreatorReport report;
  Result<std::vector<ProblemProposalRecord>> claimed =
      store_->ClaimProblemCreations(kClaimBatch, kProblemLeaseMs, now_ms);
  if (!claimed.ok()) {
    return claimed.status().WithContext("claiming approved Problems");
  }
  for (const ProblemProposalRecord& p : *claimed) {
    auto finish = [&](const char* state, const std::string& problem_id, const std::string& error,
                      int64_t retry_at_ms, const char* kind, Json detail) {
      if (!error.empty()) {
        detail["error"] = error;
      }
      if (!problem_id.empty()) {
        detail["problem_id"] = problem_id;
      }
      Status s = store_->FinishProblemCreation(p.id, p.attempts, state, problem_id, error,
                                               retry_at_ms, ProblemAudit(kind, p, detail, now_ms));
      if (!s.ok() && log_) {
        log_("finishing Problem proposal " + std::to_string(p.id) + " failed: " + s.ToString());
      }
      return s;
    };
    if (!helpdesk_->capabilities().problems) {
      const std::string why = helpdesk_->kind() + " has no Problem records; nothing was created";
      (void)finish(problem_state::kNoProblems, "", why, 0, "problem_failed",
                   {{"outcome", problem_state::kNoProblems}});
      ++report.no_problem_records;
      continue;
    }
    const std::string marker = ProblemMarker(p.id);
    if (p.attempts > 1) {
      // The previous attempt may have reached the helpdesk: look before creating again.
      Result<std::optional<std::string>> found = helpdesk_->FindProblemByMarker(marker);
      if (found.ok() && found->has_value()) {
        (void)finish(problem_state::kCreated, **found, "", 0, "problem_created",
                     {{"recovered", true}});
        ++report.recovered;
        continue;
      }
      if (!found.ok()) {
        const bool can_wait = Transient(found.status().code()) && p.attempts < kMaxProblemAttempts;
        const std::string error = found.status().code() == StatusCode::kUnimplemented
                                      ? "an earlier attempt may have created the Problem and " +
                                            helpdesk_->kind() + " cannot be searched for " +
                                            marker + "; check the helpdesk"
                                      : "looking for " + marker + ": " + found.status().ToString();
        if (can_wait) {
          (void)finish(problem_state::kApproved, "", error,
                       now_ms + (kFirstRetryMs << std::min(p.attempts - 1, 6)), "problem_retry",
                       Json::object());
          ++report.retried;
        } else {
          (void)finish(problem_state::kFailed, "", error, 0, "problem_failed", Json::object());
          ++report.failed;
        }
        continue;
      }
    }
    Result<std::string> created = helpdesk_->CreateProblem(BuildProblemRecord(p));
    if (created.ok()) {
      (void)finish(problem_state::kCreated, *created, "", 0, "problem_created", Json::object());
      ++report.created;
    } else if (Transient(created.status().code()) && p.attempts < kMaxProblemAttempts) {
      (void)finish(problem_state::kApproved, "", created.status().ToString(),
                   now_ms + (kFirstRetryMs << std::min(p.attempts - 1, 6)), "problem_retry",
                   Json::object());
      ++report.retried;
    } else {
      (void)finish(problem_state::kFailed, "", created.status().ToString(), 0, "problem_failed",
                   Json::object());
      ++report.failed;
    }
  }
  return report;
}

}  // namespace autotriage
