// GET /matrix: the autonomy matrix (queue x field) with where each mode comes from; admins get a
// form per cell and one to add a cell for another queue. POST /matrix (admin, CSRF) sets a cell
// through ApprovalService::SetCell (audited; the engine's policy uses it at once).
#include <map>
#include <string>

#include "autotriage/auth/form.h"
#include "autotriage/dashboard/decide.h"
#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"
#include "autotriage/dashboard/matrix_view.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

std::string ModeSelect(const std::string& current) {
  std::string html = "<select name=\"mode\">";
  for (const std::string& mode : MatrixModes()) {
    html += "<option value=\"" + mode + "\"" + (mode == current ? " selected" : "") + ">" + mode +
            "</option>";
  }
  return html + "</select>";
}

std::string SourceLine(const MatrixCellView& cell) {
  if (cell.source == "runtime") {
    return "set by " + Escape(cell.actor) + (cell.via == "*" ? " for every queue" : "") + ", " +
           Escape(FormatTime(cell.updated_ms));
  }
  if (cell.source == "config") {
    return cell.via == "*" && cell.queue != "*" ? "configuration (every queue)" : "configuration";
  }
  return "default mode";
}

std::string CellHtml(const MatrixCellView& cell, const Principal& principal, bool admin) {
  std::string html = "<td class=\"cell mode-" + Escape(cell.mode) + "\" data-queue=\"" +
                     Escape(cell.queue) + "\" data-field=\"" + Escape(cell.field) +
                     "\" data-mode=\"" + Escape(cell.mode) + "\">";
  if (admin) {
    html += "<form class=\"cell\" method=\"post\" action=\"/matrix\" data-queue=\"" +
            Escape(cell.queue) + "\" data-field=\"" + Escape(cell.field) + "\">" +
            CsrfField(principal) + "<input type=\"hidden\" name=\"queue\" value=\"" +
            Escape(cell.queue) + "\"><input type=\"hidden\" name=\"field\" value=\"" +
            Escape(cell.field) + "\">" + ModeSelect(cell.mode) +
            "<button type=\"submit\" class=\"save\">Save</button></form>";
  } else {
    html += "<span class=\"mode\">" + Escape(cell.mode) + "</span>";
  }
  return html + "<small class=\"source\">" + SourceLine(cell) + "</small></td>";
}

std::string AddCellForm(const MatrixView& view, const Principal& principal) {
  std::string fields = "<select name=\"field\">";
  for (const std::string& field : view.fields) {
    fields += "<option value=\"" + Escape(field) + "\">" + Escape(field) + "</option>";
  }
  fields += "</select>";
  return "<h2>Set a cell for another queue</h2><form class=\"cell-new\" method=\"post\" "
         "action=\"/matrix\">" +
         CsrfField(principal) +
         "<label>Queue <input type=\"text\" name=\"queue\" required maxlength=\"200\"></label>"
         "<label>Field " +
         fields + "</label><label>Mode " + ModeSelect("suggest") +
         "</label><button type=\"submit\" class=\"save\">Save</button></form>";
}

ServerResponse MatrixPage(Context& context, const ServerRequest& request,
                          const Principal& principal) {
  Result<MatrixView> view = BuildMatrix(context);
  if (!view.ok()) {
    context.Log("reading the matrix failed: " + view.status().ToString());
    return ErrorPage(HttpStatusFor(view.status()), "the autonomy matrix cannot be read now");
  }
  const bool admin = principal.role >= Role::kAdmin;
  std::string html;
  if (view->kill_switch) {
    html +=
        "<p class=\"kill-switch\">The kill switch is on: nothing is written to the helpdesk, "
        "whatever the cells say.</p>";
  }
  html +=
      "<p>Modes: <em>off</em> (not predicted), <em>monitor</em> (recorded only), "
      "<em>suggest</em> (a person approves), <em>autofill</em> (written directly). "
      "Default for cells nobody set: <strong>" +
      Escape(view->default_mode) + "</strong>.</p>";
  html += "<table id=\"matrix\"><thead><tr><th>Queue</th>";
  for (const std::string& field : view->fields) {
    html += "<th scope=\"col\">" + Escape(field) + "</th>";
  }
  html += "</tr></thead><tbody>";
  size_t index = 0;
  for (const std::string& queue : view->queues) {
    html += "<tr data-queue=\"" + Escape(queue) + "\"><th scope=\"row\">" +
            Escape(queue == "*" ? "* (every queue)" : queue) + "</th>";
    for (size_t f = 0; f < view->fields.size(); ++f) {
      html += CellHtml(view->cells[index++], principal, admin);
    }
    html += "</tr>";
  }
  html += "</tbody></table>";
  if (admin) {
    html += AddCellForm(*view, principal);
  } else {
    html += "<p class=\"hint\">Only administrators change the matrix.</p>";
  }
  return RenderPage(request, &principal, {"Autonomy matrix", "matrix", 200}, html);
}

ServerResponse SaveCell(Context& context, const ServerRequest& request,
                        const Principal& principal) {
  const std::map<std::string, std::string> form = ParseFormBody(request.body);
  auto value = [&form](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : Trim(it->second);
  };
  const std::string queue = value("queue");
  const std::string field = value("field");
  const std::string mode = value("mode");
  if (queue.empty() || field.empty() || mode.empty()) {
    return RedirectWithFlash("/matrix", "error", "A cell needs a queue, a field and a mode.");
  }
  Status status = context.deps.approvals->SetCell(queue, field, mode, principal.Actor());
  if (status.ok()) {
    return RedirectWithFlash("/matrix", "ok",
                             "Set " + field + " for queue " + queue + " to " + mode + ".");
  }
  if (status.code() == StatusCode::kInvalidArgument) {
    return RedirectWithFlash("/matrix", "error", status.message());
  }
  context.Log("setting a matrix cell failed: " + status.ToString());
  return ErrorPage(HttpStatusFor(status), "the cell could not be saved; try again");
}

}  // namespace

void RegisterMatrixPage(Routes& routes) {
  routes.Page("GET", "/matrix", false, Role::kViewer, MatrixPage);
  routes.Page("POST", "/matrix", false, Role::kAdmin, SaveCell);
}

}  // namespace autotriage::dashboard
