// GET /audit?before=SEQ: the newest audit entries, 50 a page, with the chain's verification
// status (.verify-status). GET /models: the model versions the engine knows.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

constexpr int kPageSize = 50;
constexpr size_t kDetailShown = 400;

int64_t Int64Parameter(const ServerRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end()) {
    return 0;
  }
  char* end = nullptr;
  const long long value = std::strtoll(it->second.c_str(), &end, 10);
  return end != nullptr && *end == '\0' && value > 0 ? value : 0;
}

std::string VerifyStatus(const AuditChainStatus& status) {
  std::string html = "<p class=\"verify-status " + std::string(status.ok ? "ok" : "broken") +
                     "\" data-ok=\"" + (status.ok ? "true" : "false") + "\" data-entries=\"" +
                     std::to_string(status.entries) + "\">";
  if (status.ok) {
    html += "verified " + std::to_string(status.entries) + " entries";
  } else {
    html += "chain broken at record " + std::to_string(status.first_bad_seq) + ": " +
            Escape(status.problem);
  }
  return html + "</p><p class=\"verify-time\">New entries checked " +
         Escape(FormatTime(status.checked_ms)) + "; the whole chain checked " +
         Escape(FormatTime(status.full_check_ms)) +
         ". <code>autotriage audit verify</code> "
         "checks it from the command line.</p>";
}

std::string EntriesTable(const std::vector<AuditEntry>& entries) {
  std::string html =
      "<table id=\"audit\"><thead><tr><th>#</th><th>Time</th><th>Kind</th><th>Ticket</th>"
      "<th>Model</th><th>Detail</th></tr></thead><tbody>";
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const AuditEntry& e = *it;
    std::string detail =
        e.detail.size() > kDetailShown ? e.detail.substr(0, kDetailShown) + "…" : e.detail;
    std::string ticket = e.ticket_id.empty() ? ""
                                             : "<a href=\"/tickets/" + UrlEncode(e.ticket_id) +
                                                   "\">#" + Escape(e.ticket_id) + "</a>";
    html += "<tr data-seq=\"" + std::to_string(e.seq) + "\"><td>" + std::to_string(e.seq) +
            "</td><td>" + Escape(FormatTime(e.time_ms)) + "</td><td class=\"kind\">" +
            Escape(e.kind) + "</td><td>" + ticket + "</td><td>" + Escape(e.model_version) +
            "</td><td><code>" + Escape(detail) + "</code></td></tr>";
  }
  return html + "</tbody></table>";
}

ServerResponse AuditPage(Context& context, const ServerRequest& request,
                         const Principal& principal) {
  Result<AuditChainStatus> status = context.audit_status.Refresh(
      *context.deps.store, context.Now(), context.deps.audit_full_check_interval_ms);
  if (!status.ok()) {
    context.Log("verifying the audit chain failed: " + status.status().ToString());
    return ErrorPage(HttpStatusFor(status.status()), "the audit trail cannot be read now");
  }
  const int64_t last = status->last_seq;
  int64_t before = Int64Parameter(request, "before");
  if (before <= 0 || before > last + 1) {
    before = last + 1;
  }
  const int64_t after = std::max<int64_t>(0, before - 1 - kPageSize);
  Result<std::vector<AuditEntry>> entries =
      context.deps.store->ReadAudit(after, static_cast<int>(before - 1 - after));
  if (!entries.ok()) {
    context.Log("reading the audit trail failed: " + entries.status().ToString());
    return ErrorPage(HttpStatusFor(entries.status()), "the audit trail cannot be read now");
  }
  std::string html = VerifyStatus(*status) + EntriesTable(*entries) + "<nav class=\"pager\">";
  if (before <= last) {
    html += "<a class=\"newer\" href=\"/audit?before=" +
            std::to_string(std::min(last + 1, before + kPageSize)) + "\">Newer</a> ";
  }
  if (after > 0) {
    html += "<a class=\"older\" href=\"/audit?before=" + std::to_string(after + 1) + "\">Older</a>";
  }
  html += "</nav>";
  return RenderPage(request, &principal, {"Audit trail", "audit", 200}, html);
}

ServerResponse ModelsPage(Context& context, const ServerRequest& request,
                          const Principal& principal) {
  std::vector<ModelInfo> models;
  if (context.deps.models) {
    models = context.deps.models();
  }
  std::string html;
  if (models.empty()) {
    html += "<p class=\"empty\">No model information is available.</p>";
  }
  for (const ModelInfo& model : models) {
    html += "<section class=\"model\" data-version=\"" + Escape(model.version) + "\"><h2>" +
            Escape(model.version) +
            (model.active ? " <span class=\"badge active\">active</span>" : "") +
            "</h2><p class=\"meta\">Created " + Escape(model.created_at) + " · trained on " +
            Escape(model.training_data) +
            "</p><table class=\"fields\"><thead><tr><th>Field</th>"
            "<th>Labels</th><th>Training examples</th><th>Metrics</th></tr></thead><tbody>";
    for (const ModelFieldInfo& field : model.fields) {
      std::string metrics;
      for (const auto& [name, value] : field.metrics) {
        metrics +=
            "<span class=\"metric\">" + Escape(name) + " " + FormatNumber(value, 3) + "</span> ";
      }
      html += "<tr data-field=\"" + Escape(field.field) + "\"><th scope=\"row\">" +
              Escape(field.field) + "</th><td>" + std::to_string(field.labels) + "</td><td>" +
              std::to_string(field.training_examples) + "</td><td>" + metrics + "</td></tr>";
    }
    html += "</tbody></table></section>";
  }
  return RenderPage(request, &principal, {"Models", "models", 200}, html);
}

}  // namespace

void RegisterAuditAndModelPages(Routes& routes) {
  routes.Page("GET", "/audit", false, Role::kViewer, AuditPage);
  routes.Page("GET", "/models", false, Role::kViewer, ModelsPage);
}

}  // namespace autotriage::dashboard
