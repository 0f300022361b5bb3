#include "autotriage/dashboard/problem_view.h"

#include <nlohmann/json.hpp>

#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"

namespace autotriage::dashboard {
namespace {

using Json = nlohmann::json;

constexpr size_t kMembersShown = 50;

std::string StringOf(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> StringsOf(const Json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) {
    return out;
  }
  for (const Json& item : *it) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    }
  }
  return out;
}

std::string StateHtml(const ProblemProposalRecord& p) {
  std::string text = p.state;
  if (!p.decided_by.empty()) {
    text += " by " + p.decided_by;
  }
  if (!p.problem_id.empty()) {
    text += " · helpdesk Problem " + p.problem_id;
  }
  return "<span class=\"badge state state-" + Escape(p.state) + "\">" + Escape(text) + "</span>";
}

std::string ArticleHtml(const ProblemEvidence& e) {
  if (!e.has_article) {
    return "<span class=\"none\">no article</span>";
  }
  const std::string title = e.article_title.empty() ? e.article_id : e.article_title;
  const std::string shown = IsSafeLink(e.article_url) ? "<a href=\"" + Escape(e.article_url) +
                                                            "\">" + Escape(title) + "</a>"
                                                      : Escape(title);
  return shown + " <small>(relevance " + FormatNumber(e.article_relevance, 2) + ")</small>";
}

std::string MembersHtml(const std::vector<std::string>& ids) {
  std::string html = "<ul class=\"members\">";
  for (size_t i = 0; i < ids.size() && i < kMembersShown; ++i) {
    html += "<li><a href=\"/tickets/" + UrlEncode(ids[i]) + "\">#" + Escape(ids[i]) + "</a></li>";
  }
  if (ids.size() > kMembersShown) {
    html += "<li class=\"count\">and " + std::to_string(ids.size() - kMembersShown) + " more</li>";
  }
  return html + "</ul>";
}

std::string DecideForm(const ProblemProposalRecord& p, const Principal& principal) {
  return "<form method=\"post\" action=\"" + ProblemPath(p.id) + "\" class=\"decide-problem\">" +
         CsrfField(principal) +
         "<label>Reason (optional)<input type=\"text\" name=\"reason\" maxlength=\"500\"></label>"
         "<div class=\"decide-actions\"><button type=\"submit\" name=\"action\" value=\"approve\" "
         "class=\"approve\">Approve: create the Problem</button><button type=\"submit\" "
         "name=\"action\" value=\"reject\" class=\"reject\">Reject</button></div></form>";
}

}  // namespace

ProblemEvidence ParseEvidence(const ProblemProposalRecord& proposal) {
  ProblemEvidence evidence;
  const Json json = Json::parse(proposal.evidence_json, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    evidence.member_ticket_ids = StringsOf(json, "member_ticket_ids");
    evidence.representative_text = StringOf(json, "representative_text");
    evidence.top_terms = StringsOf(json, "top_terms");
    auto article = json.find("kb_article");
    if (article != json.end() && article->is_object()) {
      evidence.has_article = true;
      evidence.article_id = StringOf(*article, "id");
      evidence.article_title = StringOf(*article, "title");
      evidence.article_url = StringOf(*article, "url");
      auto relevance = article->find("relevance");
      if (relevance != article->end() && relevance->is_number()) {
        evidence.article_relevance = relevance->get<double>();
      }
    }
  }
  if (evidence.member_ticket_ids.empty()) {
    evidence.member_ticket_ids = proposal.ticket_ids;
  }
  return evidence;
}

std::string ProblemPath(int64_t id) {
  return "/problems/" + std::to_string(id);
}

std::string ProblemHtml(const ProblemProposalRecord& p, const Principal& principal, bool detail) {
  const ProblemEvidence e = ParseEvidence(p);
  std::string html = "<article class=\"problem\" id=\"problem-" + std::to_string(p.id) + "\">";
  html += detail ? "<h2>" + Escape(p.subject) + "</h2>"
                 : "<h2><a href=\"" + ProblemPath(p.id) + "\">" + Escape(p.subject) + "</a></h2>";
  html += "<p class=\"meta\">" + StateHtml(p) + " · recurring issue <strong>" +
          Escape(p.cluster_name) + "</strong> · proposed " + Escape(FormatTime(p.created_ms)) +
          " · priority " + Escape(p.priority) + "</p>";
  html += "<dl class=\"evidence\"><dt>Window</dt><dd>" + Escape(FormatTime(p.window_start_ms)) +
          " – " + Escape(FormatTime(p.window_end_ms)) + "</dd><dt>Tickets</dt><dd>" +
          std::to_string(p.observed) + " where about " + FormatNumber(p.expected, 1) +
          " were expected</dd><dt>KB article</dt><dd>" + ArticleHtml(e) + "</dd>";
  if (!e.top_terms.empty()) {
    std::string terms;
    for (const std::string& term : e.top_terms) {
      terms += (terms.empty() ? "" : ", ") + Escape(term);
    }
    html += "<dt>Top terms</dt><dd>" + terms + "</dd>";
  }
  html += "</dl>";
  if (!e.representative_text.empty()) {
    html += "<h3>A typical ticket</h3><blockquote class=\"summary\">" +
            Escape(e.representative_text) + "</blockquote>";
  }
  html += "<h3>Member tickets (" + std::to_string(e.member_ticket_ids.size()) + ")</h3>" +
          MembersHtml(e.member_ticket_ids);
  if (!p.decision_reason.empty()) {
    html += "<p>Reason: " + Escape(p.decision_reason) + "</p>";
  }
  if (!p.last_error.empty()) {
    html += "<p class=\"error\">Last error: " + Escape(p.last_error) + "</p>";
  }
  if (p.state == problem_state::kPending && principal.role >= Role::kApprover) {
    html += DecideForm(p, principal);
  }
  return html + "</article>";
}

Result<int64_t> ProblemIdOf(const std::string& segment) {
  int64_t id = 0;
  if (segment.empty() || segment.size() > 18) {
    return NotFound("no proposed Problem '" + segment + "'");
  }
  for (char c : segment) {
    if (c < '0' || c > '9') {
      return NotFound("no proposed Problem '" + segment + "'");
    }
    id = id * 10 + (c - '0');
  }
  if (id <= 0) {
    return NotFound("no proposed Problem '" + segment + "'");
  }
  return id;
}

Status DecideProblem(Context& context, int64_t id, bool approve, const Principal& principal,
                     const std::string& reason) {
  Result<ProblemProposalRecord> proposal = context.deps.store->GetProblemProposal(id);
  if (!proposal.ok()) {
    return proposal.status();
  }
  const int64_t now = context.Now();
  AuditEntry audit;
  audit.kind = approve ? "problem_approved" : "problem_rejected";
  audit.time_ms = now;
  audit.trace_id = "problem-" + std::to_string(id);
  audit.detail = Json{
      {"proposal_id", id},
      {"cluster_id", proposal->cluster_id},
      {"cluster_name", proposal->cluster_name},
      {"actor", principal.Actor()},
      {"reason",
       reason}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  return context.deps.store->DecideProblemProposal(id, approve, principal.Actor(), reason, now,
                                                   audit);
}

}  // namespace autotriage::dashboard
