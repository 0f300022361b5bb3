// The autonomy matrix as the dashboard shows it: the configuration's cells with the run-time
// cells (Store::ListMatrixCells) laid over them, resolved the way the policy resolves them
// (a queue's own cell, else the "*" cell, else policy.default_mode; a run-time cell wins over
// the configuration's for the same queue and field).
// Thread-safety: BuildMatrix reads the store; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/dashboard/context.h"

namespace autotriage::dashboard {

struct MatrixCellView {
  std::string queue;
  std::string field;
  std::string mode;    // "off", "monitor", "suggest", "autofill"
  std::string source;  // "runtime", "config" or "default"
  std::string via;     // the queue of the cell that decided: the queue itself or "*"
  std::string actor;   // run-time cells: who set it
  int64_t updated_ms = 0;
};

struct MatrixView {
  std::vector<std::string> queues;  // "*" first
  std::vector<std::string> fields;
  std::vector<MatrixCellView> cells;  // queues.size() x fields.size(), queue-major
  std::string default_mode;
  bool kill_switch = false;
};

Result<MatrixView> BuildMatrix(Context& context);

// The modes a cell may take, in order.
const std::vector<std::string>& MatrixModes();

}  // namespace autotriage::dashboard
