// Outcome KPIs (issue 7) for the KPI page, GET /api/v1/kpis and the demotion notice, from
// Store::CountOutcomes, Store::CountResolutions and the run-time matrix cells: per (queue, field)
// cell and per UTC day the accepted / replaced / reverted / skipped counts and the acceptance
// (accepted / (accepted + replaced + reverted)); first-contact resolution and mean time to
// resolve from the helpdesk's own data; the cells the engine demoted (actor "system:demotion").
// Served through KpiCache with the other KPI figures (kpis.h), so no request counts twice.
// Thread-safety: LoadOutcomeKpis reads the store; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/store/store.h"

namespace autotriage::dashboard {

struct OutcomeTally {
  int64_t accepted = 0;
  int64_t replaced = 0;
  int64_t reverted = 0;
  int64_t skipped = 0;
  int64_t judged() const { return accepted + replaced + reverted; }
  // -1 when nothing was judged.
  double acceptance() const {
    return judged() == 0 ? -1 : static_cast<double>(accepted) / static_cast<double>(judged());
  }
};

struct OutcomeCell {
  std::string queue;
  std::string field;
  OutcomeTally counts;
};

struct OutcomeDay {
  std::string day;  // YYYY-MM-DD
  OutcomeTally counts;
  int64_t resolved = 0;
  int64_t first_contact = 0;
  double mean_resolve_hours = -1;  // -1: nothing resolved that day
};

struct OutcomeKpis {
  std::vector<OutcomeDay> by_day;   // the days asked for, oldest first
  std::vector<OutcomeCell> cells;   // by queue, then field
  std::vector<OutcomeCell> fields;  // every queue together, by field
  OutcomeTally total;
  int64_t resolved = 0;
  int64_t first_contact = 0;
  double fcr = -1;                        // first_contact / resolved; -1: none resolved
  double mean_resolve_hours = -1;         // -1: none resolved
  std::vector<MatrixCellRecord> demoted;  // cells the engine demoted, newest first
};

// `days`: the UTC days of the period, oldest first; since_ms: the start of the first.
Result<OutcomeKpis> LoadOutcomeKpis(Store& store, int64_t since_ms,
                                    const std::vector<std::string>& days);

// The KPI page's outcome part (pages_outcomes.cc): a notice per demoted cell (shown first on the
// page), totals with FCR and MTTR, outcomes per day (stacked bars), acceptance per day (line) and
// a table per queue and field cell. Every text escaped.
std::string RenderDemotionNotices(const OutcomeKpis& kpis);
std::string RenderOutcomeSection(const OutcomeKpis& kpis);

}  // namespace autotriage::dashboard
