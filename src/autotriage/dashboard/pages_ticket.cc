// GET /tickets/{id}: what the engine and people decided about one ticket, oldest first:
// its decisions (every field of every version), the approval actions and the helpdesk writes,
// and the LLM transcripts of its latest triage (as sent: redacted; all escaped).
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "autotriage/dashboard/card.h"
#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

constexpr char kPrefix[] = "/tickets/";
constexpr int kActionsShown = 500;

std::string DecisionsTable(const std::vector<DecisionRecord>& decisions) {
  std::string html =
      "<table id=\"decisions\"><thead><tr><th>Time</th><th>Version</th><th>Field</th>"
      "<th>Current</th><th>Proposed</th><th>Confidence</th><th>Mode</th><th>Outcome</th>"
      "<th>Reason</th></tr></thead><tbody>";
  std::set<std::string> linked;
  for (const DecisionRecord& d : decisions) {
    std::string version = Escape(d.ticket_version);
    if (d.mode == "suggest" && !linked.count(d.ticket_version)) {
      linked.insert(d.ticket_version);
      version =
          "<a href=\"" + Escape(CardPath(d.ticket_id, d.ticket_version)) + "\">" + version + "</a>";
    }
    html += "<tr data-decision=\"" + std::to_string(d.id) + "\" data-field=\"" + Escape(d.field) +
            "\"><td>" + Escape(FormatTime(d.created_ms)) + "</td><td>" + version + "</td><td>" +
            Escape(d.field) + "</td><td class=\"old\">" + Escape(d.old_value) +
            "</td><td class=\"new\">" + Escape(d.new_value) + "</td><td>" +
            FormatNumber(d.confidence, 2) + "</td><td>" + Escape(d.mode) +
            "</td><td class=\"outcome outcome-" + Escape(d.outcome) + "\">" + Escape(d.outcome) +
            "</td><td>" + Escape(d.reason) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string ActionsTable(const std::vector<ApprovalActionRecord>& actions) {
  std::string html =
      "<table id=\"approval-actions\"><thead><tr><th>Decided</th><th>Version</th><th>Field</th>"
      "<th>Proposed</th><th>Action</th><th>By</th><th>Value written</th><th>Reason</th></tr>"
      "</thead><tbody>";
  for (const ApprovalActionRecord& a : actions) {
    html += "<tr><td>" + Escape(FormatTime(a.decided_ms)) + "</td><td>" + Escape(a.ticket_version) +
            "</td><td>" + Escape(a.field) + "</td><td>" + Escape(a.proposed_value) +
            "</td><td class=\"action\">" + Escape(a.action) + "</td><td class=\"actor\">" +
            Escape(a.actor) + "</td><td>" + Escape(a.human_value) + "</td><td>" + Escape(a.reason) +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string WritesTable(const std::vector<WriteRecord>& writes) {
  std::string html =
      "<table id=\"writes\"><thead><tr><th>Planned</th><th>Version</th><th>State</th>"
      "<th>Attempts</th><th>Changes</th><th>Last error</th></tr></thead><tbody>";
  for (const WriteRecord& w : writes) {
    html += "<tr><td>" + Escape(FormatTime(w.created_ms)) + "</td><td>" + Escape(w.ticket_version) +
            "</td><td class=\"state\">" + Escape(ToString(w.state)) + "</td><td>" +
            std::to_string(w.attempts) + "</td><td><code>" + Escape(w.updates_json) +
            "</code></td><td>" + Escape(w.last_error) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

// The LLM exchanges stored with the ticket's latest advice (engine/llm_assist.h); the audit
// entries "llm_transcript" hold the same, hash-chained. "" when there are none.
std::string TranscriptsSection(Store& store, const std::string& ticket) {
  using Json = nlohmann::json;
  Result<std::optional<AdviceRecord>> advice = store.LatestAdvice(ticket);
  if (!advice.ok() || !advice->has_value()) {
    return "";
  }
  const Json json = Json::parse((*advice)->advice_json, nullptr, false);
  if (!json.is_object() || !json.contains("llm_transcripts") ||
      !json["llm_transcripts"].is_array() || json["llm_transcripts"].empty()) {
    return "";
  }
  auto text = [](const Json& object, const char* key) {
    return object.is_object() && object.contains(key) && object[key].is_string()
               ? object[key].get<std::string>()
               : std::string();
  };
  auto dump = [](const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  std::string html = "<h2>LLM transcripts</h2><p>Trace " + Escape((*advice)->trace_id) +
                     "; personal data was replaced by placeholders before sending.</p>";
  for (const Json& t : json["llm_transcripts"]) {
    html += "<details class=\"llm-transcript\"><summary>" + Escape(text(t, "purpose")) + " " +
            Escape(text(t, "field")) + ": " + Escape(text(t, "outcome")) + " (" +
            Escape(text(t, "model")) + ")</summary><p>" + Escape(text(t, "detail")) +
            "</p><p>Redacted: " +
            Escape(t.is_object() ? dump(t.value("redactions", Json::array())) : std::string()) +
            "; tokens: " +
            Escape(t.is_object() ? dump(t.value("usage", Json::object())) : std::string()) +
            "</p><ol>";
    const Json messages = t.is_object() ? t.value("messages", Json::array()) : Json::array();
    for (const Json& m : messages) {
      html += "<li><b>" + Escape(text(m, "role")) + "</b> <pre>" + Escape(text(m, "content"));
      if (m.is_object() && m.contains("tool_calls")) {
        html += "\n" + Escape(dump(m["tool_calls"]));
      }
      html += "</pre></li>";
    }
    html += "</ol></details>";
  }
  return html;
}

ServerResponse TicketPage(Context& context, const ServerRequest& request,
                          const Principal& principal) {
  const std::string ticket = request.path.substr(sizeof(kPrefix) - 1);
  if (ticket.empty()) {
    return ErrorPage(404, "a ticket address is /tickets/<id>");
  }
  Store& store = *context.deps.store;
  Result<std::vector<DecisionRecord>> decisions = store.DecisionsForTicket(ticket);
  Result<std::vector<ApprovalActionRecord>> actions =
      store.ListApprovalActions(ticket, kActionsShown);
  Result<std::vector<WriteRecord>> writes = store.ListWrites(ticket);
  for (const Status* status : {&decisions.status(), &actions.status(), &writes.status()}) {
    if (!status->ok()) {
      context.Log("reading ticket history failed: " + status->ToString());
      return ErrorPage(HttpStatusFor(*status), "the ticket's history cannot be read now");
    }
  }
  std::string html = "<section class=\"history\" data-ticket=\"" + Escape(ticket) + "\">";
  if (decisions->empty() && actions->empty() && writes->empty()) {
    html += "<p class=\"empty\">autotriage has not decided anything about this ticket.</p>";
  }
  html += "<h2>Decisions</h2>" + DecisionsTable(*decisions) + "<h2>Approvals</h2>" +
          ActionsTable(*actions) + "<h2>Helpdesk writes</h2>" + WritesTable(*writes) +
          TranscriptsSection(store, ticket) + "</section>";
  return RenderPage(request, &principal, {"Ticket #" + ticket, "", 200}, html);
}

}  // namespace

void RegisterTicketPage(Routes& routes) {
  routes.Page("GET", kPrefix, true, Role::kViewer, TicketPage, {"/tickets/{id}"});
}

}  // namespace autotriage::dashboard
