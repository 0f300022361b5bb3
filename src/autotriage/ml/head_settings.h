// Head settings as JSON: what `autotriage train` stores in BundleMetadata::settings_json, and the
// way back, so that `autotriage retrain` trains a candidate exactly as the live bundle was
// trained (same features, model, calibration and threshold settings).
//
// Errors: HeadOptionsFromSettingsJson returns kInvalidArgument when the text is not a JSON
// object or a known key has the wrong type; keys it does not know are ignored and missing keys
// keep HeadOptions' defaults (bundles from older versions stored fewer settings).
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "autotriage/core/status.h"
#include "autotriage/ml/head.h"

namespace autotriage {

std::string HeadSettingsJson(const HeadOptions& options);

Result<HeadOptions> HeadOptionsFromSettingsJson(const std::string& json);

}  // namespace autotriage
