// The route groups of the dashboard, one per file, registered by RegisterDashboard.
#pragma once

#include "autotriage/dashboard/context.h"

namespace autotriage::dashboard {

void RegisterStaticAssets(Routes& routes);        // assets.cc
void RegisterAuthPages(Routes& routes);           // pages_auth.cc
void RegisterApprovalPages(Routes& routes);       // pages_approvals.cc
void RegisterTicketPage(Routes& routes);          // pages_ticket.cc
void RegisterMatrixPage(Routes& routes);          // pages_matrix.cc
void RegisterKpiPage(Routes& routes);             // pages_kpis.cc
void RegisterAuditAndModelPages(Routes& routes);  // pages_audit.cc
void RegisterApprovalApi(Routes& routes);         // api_approvals.cc
void RegisterReadApi(Routes& routes);             // api_records.cc
void RegisterMatrixAndKpiApi(Routes& routes);     // api_matrix.cc
void RegisterSlackEndpoint(Routes& routes);       // slack_endpoint.cc
void RegisterInsightsPages(Routes& routes);       // pages_insights.cc (/insights, /digest)
void RegisterProblemPages(Routes& routes);        // pages_problems.cc
void RegisterInsightsApi(Routes& routes);         // api_insights.cc

}  // namespace autotriage::dashboard
