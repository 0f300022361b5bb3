#include "autotriage/dashboard/matrix_view.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace autotriage::dashboard {
namespace {

using CellKey = std::pair<std::string, std::string>;  // queue, field

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(value);
  }
}

}  // namespace

const std::vector<std::string>& MatrixModes() {
  static const std::vector<std::string> kModes = {"off", "monitor", "suggest", "autofill"};
  return kModes;
}

Result<MatrixView> BuildMatrix(Context& context) {
  Result<std::vector<MatrixCellRecord>> runtime = context.deps.store->ListMatrixCells();
  if (!runtime.ok()) {
    return runtime.status();
  }
  const PolicyOptions& policy = context.deps.policy;
  MatrixView view;
  view.default_mode = std::string(ToString(policy.default_mode));
  view.kill_switch = policy.kill_switch;
  view.fields = context.deps.fields.empty() ? policy.writable_fields : context.deps.fields;

  std::map<CellKey, std::string> config_modes;
  std::set<std::string> queues;
  for (const PolicyCell& cell : policy.cells) {
    config_modes[{cell.queue, cell.field}] = std::string(ToString(cell.mode));
    queues.insert(cell.queue);
    AddUnique(view.fields, cell.field);
  }
  std::map<CellKey, const MatrixCellRecord*> runtime_cells;
  for (const MatrixCellRecord& cell : *runtime) {
    runtime_cells[{cell.queue, cell.field}] = &cell;
    queues.insert(cell.queue);
    AddUnique(view.fields, cell.field);
  }
  view.queues.push_back("*");
  for (const std::string& queue : queues) {
    if (queue != "*") {
      view.queues.push_back(queue);
    }
  }
  for (const std::string& queue : view.queues) {
    for (const std::string& field : view.fields) {
      MatrixCellView cell{queue, field, view.default_mode, "default", "", "", 0};
      for (const std::string& via : {queue, std::string("*")}) {
        auto run = runtime_cells.find({via, field});
        if (run != runtime_cells.end()) {
          cell.mode = run->second->mode;
          cell.source = "runtime";
          cell.via = via;
          cell.actor = run->second->actor;
          cell.updated_ms = run->second->updated_ms;
          break;
        }
        auto config = config_modes.find({via, field});
        if (config != config_modes.end()) {
          cell.mode = config->second;
          cell.source = "config";
          cell.via = via;
          break;
        }
        if (queue == "*") {
          break;  // "*" has no fallback but the default
        }
      }
      view.cells.push_back(std::move(cell));
    }
  }
  return view;
}

}  // namespace autotriage::dashboard
