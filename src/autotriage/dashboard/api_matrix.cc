// REST API of the autonomy matrix and the KPIs:
//   GET /api/v1/matrix            every queue x field cell with its mode and source (viewer)
//   PUT /api/v1/matrix            {queue, field, mode} (admin; audited)
//   GET /api/v1/kpis?days=N       the KPI figures (kpis.h), N in 1..365, default 30; with
//                                 `outcomes` (outcome_kpis.h); window_days=N is the same as days
#include <nlohmann/json.hpp>
#include <string>

#include "autotriage/dashboard/api_util.h"
#include "autotriage/dashboard/decide.h"
#include "autotriage/dashboard/kpis.h"
#include "autotriage/dashboard/matrix_view.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage::dashboard {
namespace {

using Json = nlohmann::json;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

ServerResponse GetMatrix(Context& context, const ServerRequest&, const Principal&) {
  Result<MatrixView> view = BuildMatrix(context);
  if (!view.ok()) {
    return ApiError(context, view.status(), "reading the matrix");
  }
  Json cells = Json::array();
  for (const MatrixCellView& cell : view->cells) {
    cells.push_back({{"queue", cell.queue},
                     {"field", cell.field},
                     {"mode", cell.mode},
                     {"source", cell.source},
                     {"via", cell.via},
                     {"actor", cell.actor},
                     {"updated_ms", cell.updated_ms}});
  }
  return JsonResponse(200, Dump({{"queues", view->queues},
                                 {"fields", view->fields},
                                 {"default_mode", view->default_mode},
                                 {"kill_switch", view->kill_switch},
                                 {"cells", cells}}));
}

ServerResponse PutMatrix(Context& context, const ServerRequest& request,
                         const Principal& principal) {
  const Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return JsonError(400, "the body must be a JSON object {queue, field, mode}");
  }
  std::string values[3];
  const char* names[3] = {"queue", "field", "mode"};
  for (int i = 0; i < 3; ++i) {
    auto it = body.find(names[i]);
    if (it == body.end() || !it->is_string() || Trim(it->get<std::string>()).empty()) {
      return JsonError(400, std::string("'") + names[i] + "' must be a non-empty string");
    }
    values[i] = Trim(it->get<std::string>());
  }
  Status status =
      context.deps.approvals->SetCell(values[0], values[1], values[2], principal.Actor());
  if (!status.ok()) {
    return ApiError(context, status, "setting the matrix cell");
  }
  return JsonResponse(200, Dump({{"queue", values[0]},
                                 {"field", values[1]},
                                 {"mode", values[2]},
                                 {"actor", principal.Actor()}}));
}

Json CountsJson(const KpiCounts& c) {
  return {{"accepted", c.accepted},
          {"replaced", c.replaced},
          {"skipped", c.skipped},
          {"superseded", c.superseded}};
}

Json NullIfNegative(double value) {
  return value < 0 ? Json(nullptr) : Json(value);
}

Json TallyJson(const OutcomeTally& t) {
  return {{"accepted", t.accepted},
          {"replaced", t.replaced},
          {"reverted", t.reverted},
          {"skipped", t.skipped},
          {"acceptance", NullIfNegative(t.acceptance())}};
}

Json OutcomesJson(const OutcomeKpis& o) {
  Json by_day = Json::array();
  for (const OutcomeDay& day : o.by_day) {
    Json entry = TallyJson(day.counts);
    entry["day"] = day.day;
    entry["resolved"] = day.resolved;
    entry["first_contact"] = day.first_contact;
    entry["mean_resolve_hours"] = NullIfNegative(day.mean_resolve_hours);
    by_day.push_back(entry);
  }
  auto cells = [](const std::vector<OutcomeCell>& list, bool with_queue) {
    Json json = Json::array();
    for (const OutcomeCell& cell : list) {
      Json entry = TallyJson(cell.counts);
      if (with_queue) {
        entry["queue"] = cell.queue;
      }
      entry["field"] = cell.field;
      json.push_back(entry);
    }
    return json;
  };
  Json demoted = Json::array();
  for (const MatrixCellRecord& cell : o.demoted) {
    demoted.push_back({{"queue", cell.queue},
                       {"field", cell.field},
                       {"mode", cell.mode},
                       {"updated_ms", cell.updated_ms}});
  }
  Json totals = TallyJson(o.total);
  totals["resolved"] = o.resolved;
  totals["first_contact"] = o.first_contact;
  totals["fcr"] = NullIfNegative(o.fcr);
  totals["mean_resolve_hours"] = NullIfNegative(o.mean_resolve_hours);
  return {{"totals", totals},
          {"by_day", by_day},
          {"by_cell", cells(o.cells, true)},
          {"by_field", cells(o.fields, false)},
          {"demoted", demoted}};
}

ServerResponse Kpis(Context& context, const ServerRequest& request, const Principal&) {
  Result<int64_t> plain_days = IntParameter(request, "days", 30, 1, 365);
  if (!plain_days.ok()) {
    return JsonError(400, plain_days.status().message());
  }
  Result<int64_t> days = IntParameter(request, "window_days", *plain_days, 1, 365);
  if (!days.ok()) {
    return JsonError(400, days.status().message());
  }
  Result<KpiData> data = context.kpis.Get(*context.deps.store, context.Now(),
                                          static_cast<int>(*days), context.deps.kpi_cache_ms);
  if (!data.ok()) {
    return ApiError(context, data.status(), "reading KPIs");
  }
  Json by_day = Json::array();
  for (const KpiDay& day : data->by_day) {
    Json entry = CountsJson(day.review);
    entry["day"] = day.day;
    entry["decisions"] = day.decisions;
    entry["written"] = day.written;
    entry["auto_written"] = day.auto_written;
    entry["mean_decide_minutes"] =
        day.mean_decide_minutes < 0 ? Json(nullptr) : Json(day.mean_decide_minutes);
    by_day.push_back(entry);
  }
  auto groups = [](const std::vector<KpiGroup>& list) {
    Json json = Json::array();
    for (const KpiGroup& g : list) {
      Json entry = CountsJson(g.review);
      entry["key"] = g.key;
      json.push_back(entry);
    }
    return json;
  };
  Json totals = CountsJson(data->total);
  totals["decisions"] = data->decisions;
  totals["written"] = data->written;
  totals["auto_written"] = data->auto_written;
  totals["mean_decide_minutes"] =
      data->mean_decide_minutes < 0 ? Json(nullptr) : Json(data->mean_decide_minutes);
  return JsonResponse(200, Dump({{"days", data->days},
                                 {"computed_ms", data->computed_ms},
                                 {"totals", totals},
                                 {"by_day", by_day},
                                 {"by_field", groups(data->by_field)},
                                 {"by_queue", groups(data->by_queue)},
                                 {"outcomes", OutcomesJson(data->outcomes)}}));
}

}  // namespace

void RegisterMatrixAndKpiApi(Routes& routes) {
  routes.Api("GET", "/api/v1/matrix", false, Role::kViewer, GetMatrix);
  routes.Api("PUT", "/api/v1/matrix", false, Role::kAdmin, PutMatrix);
  routes.Api("GET", "/api/v1/kpis", false, Role::kViewer, Kpis);
}

}  // namespace autotriage::dashboard
