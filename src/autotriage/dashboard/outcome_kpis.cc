#include "autotriage/dashboard/outcome_kpis.h"

#include <algorithm>
#include <map>
#include <utility>

namespace autotriage::dashboard {
namespace {

void Add(OutcomeTally& tally, const std::string& kind, int64_t n) {
  if (kind == outcome_kind::kAccepted) {
    tally.accepted += n;
  } else if (kind == outcome_kind::kReplaced) {
    tally.replaced += n;
  } else if (kind == outcome_kind::kReverted) {
    tally.reverted += n;
  } else if (kind == outcome_kind::kSkipped) {
    tally.skipped += n;
  }
}

}  // namespace

Result<OutcomeKpis> LoadOutcomeKpis(Store& store, int64_t since_ms,
                                    const std::vector<std::string>& days) {
  Result<std::vector<OutcomeCountRow>> outcomes = store.CountOutcomes(since_ms);
  if (!outcomes.ok()) {
    return outcomes.status();
  }
  Result<std::vector<ResolutionCountRow>> resolutions = store.CountResolutions(since_ms);
  if (!resolutions.ok()) {
    return resolutions.status();
  }
  Result<std::vector<MatrixCellRecord>> cells = store.ListMatrixCells();
  if (!cells.ok()) {
    return cells.status();
  }
  OutcomeKpis kpis;
  std::map<std::string, size_t> day_index;
  for (const std::string& day : days) {
    day_index[day] = kpis.by_day.size();
    kpis.by_day.push_back({day, {}, 0, 0, -1});
  }
  std::map<std::pair<std::string, std::string>, OutcomeTally> by_cell;
  std::map<std::string, OutcomeTally> by_field;
  for (const OutcomeCountRow& row : *outcomes) {
    Add(by_cell[{row.queue, row.field}], row.kind, row.count);
    Add(by_field[row.field], row.kind, row.count);
    Add(kpis.total, row.kind, row.count);
    if (auto it = day_index.find(row.day); it != day_index.end()) {
      Add(kpis.by_day[it->second].counts, row.kind, row.count);
    }
  }
  for (const auto& [key, tally] : by_cell) {
    kpis.cells.push_back({key.first, key.second, tally});
  }
  for (const auto& [field, tally] : by_field) {
    kpis.fields.push_back({"", field, tally});
  }
  double seconds = 0;
  std::map<size_t, double> day_seconds;
  for (const ResolutionCountRow& row : *resolutions) {
    kpis.resolved += row.resolved;
    kpis.first_contact += row.first_contact;
    seconds += row.mean_resolve_seconds * static_cast<double>(row.resolved);
    if (auto it = day_index.find(row.day); it != day_index.end()) {
      OutcomeDay& day = kpis.by_day[it->second];
      day.resolved += row.resolved;
      day.first_contact += row.first_contact;
      day_seconds[it->second] += row.mean_resolve_seconds * static_cast<double>(row.resolved);
    }
  }
  for (const auto& [index, sum] : day_seconds) {
    OutcomeDay& day = kpis.by_day[index];
    if (day.resolved > 0) {
      day.mean_resolve_hours = sum / static_cast<double>(day.resolved) / 3600.0;
    }
  }
  if (kpis.resolved > 0) {
    kpis.fcr = static_cast<double>(kpis.first_contact) / static_cast<double>(kpis.resolved);
    kpis.mean_resolve_hours = seconds / static_cast<double>(kpis.resolved) / 3600.0;
  }
  for (const MatrixCellRecord& cell : *cells) {
    if (cell.actor == "system:demotion") {
      kpis.demoted.push_back(cell);
    }
  }
  std::sort(kpis.demoted.begin(), kpis.demoted.end(),
            [](const MatrixCellRecord& a, const MatrixCellRecord& b) {
              return a.updated_ms > b.updated_ms;
            });
  return kpis;
}

}  // namespace autotriage::dashboard
