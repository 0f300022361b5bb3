// The demo's model step: trains the group / priority / type heads on generated history,
// evaluates them on held-back tickets and saves the bundle. Used by cmd_demo.cc only.
#pragma once

#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/synth/generator.h"

namespace autotriage {

inline const std::vector<std::string>& DemoFields() {
  static const std::vector<std::string> fields = {"group", "priority", "type"};
  return fields;
}

// The label of `field` on a generated ticket.
const std::string& DemoLabel(const SynthTicket& ticket, const std::string& field);

// Trains on `history` (progress bar on a terminal) and saves the bundle to `model_path`.
Result<ModelBundle> TrainDemoBundle(const std::vector<SynthTicket>& history, uint64_t seed,
                                    const std::string& model_path);

// Prints one line per field: accuracy, macro-F1, ECE and the share decided at the thresholds.
void PrintDemoEvaluation(const ModelBundle& bundle, const std::vector<SynthTicket>& held_back);

}  // namespace autotriage
