// PolicyHolder: the config's policy with the run-time matrix cells laid over it.
#include <utility>

#include "autotriage/engine/approvals_internal.h"
#include "autotriage/policy/policy.h"

namespace autotriage {

std::optional<AutonomyMode> ParseAutonomyMode(const std::string& name) {
  for (AutonomyMode mode : {AutonomyMode::kOff, AutonomyMode::kMonitor, AutonomyMode::kSuggest,
                            AutonomyMode::kAutofill}) {
    if (ToString(mode) == name) {
      return mode;
    }
  }
  return std::nullopt;
}

PolicyHolder::PolicyHolder(PolicyOptions base)
    : base_(std::move(base)), current_(std::make_shared<const Policy>(base_)) {}

std::shared_ptr<const Policy> PolicyHolder::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

Status PolicyHolder::Reload(Store& store) {
  std::lock_guard<std::mutex> reload_lock(reload_mutex_);
  Result<std::vector<MatrixCellRecord>> cells = store.ListMatrixCells();
  if (!cells.ok()) {
    return cells.status().WithContext("reading the autonomy matrix cells set at run time");
  }
  PolicyOptions options = base_;
  for (const MatrixCellRecord& cell : *cells) {
    const std::optional<AutonomyMode> mode = ParseAutonomyMode(cell.mode);
    if (!mode.has_value() || cell.queue.empty() || cell.field.empty()) {
      return Corruption("stored matrix cell (queue '" + cell.queue + "', field '" + cell.field +
                        "') has an unknown mode '" + cell.mode + "' or no queue/field");
    }
    bool replaced = false;
    for (PolicyCell& existing : options.cells) {
      if (existing.queue == cell.queue && existing.field == cell.field) {
        existing.mode = *mode;  // the config's thresholds for the cell stay
        replaced = true;
      }
    }
    if (!replaced) {
      PolicyCell added;
      added.queue = cell.queue;
      added.field = cell.field;
      added.mode = *mode;
      options.cells.push_back(std::move(added));
    }
  }
  auto next = std::make_shared<const Policy>(std::move(options));
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = std::move(next);
  return Status::Ok();
}

}  // namespace autotriage
