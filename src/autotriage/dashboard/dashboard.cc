#include "autotriage/dashboard/dashboard.h"

#include <memory>

#include "autotriage/dashboard/context.h"
#include "autotriage/dashboard/registrations.h"

namespace autotriage {

std::vector<DashboardRoute> RegisterDashboard(HttpServer& server, const DashboardDeps& deps) {
  auto context = std::make_shared<dashboard::Context>(deps);
  dashboard::Routes routes(server, context);
  dashboard::RegisterStaticAssets(routes);
  dashboard::RegisterAuthPages(routes);
  dashboard::RegisterApprovalPages(routes);
  dashboard::RegisterTicketPage(routes);
  dashboard::RegisterMatrixPage(routes);
  dashboard::RegisterKpiPage(routes);
  dashboard::RegisterAuditAndModelPages(routes);
  dashboard::RegisterApprovalApi(routes);
  dashboard::RegisterReadApi(routes);
  dashboard::RegisterMatrixAndKpiApi(routes);
  dashboard::RegisterInsightsPages(routes);
  dashboard::RegisterProblemPages(routes);
  dashboard::RegisterInsightsApi(routes);
  if (!deps.slack_signing_secret.empty()) {
    dashboard::RegisterSlackEndpoint(routes);
  }
  return routes.routes();
}

}  // namespace autotriage
