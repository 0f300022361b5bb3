// Retraining from human corrections: merging a corrections log into base training data, the
// held-back slice, and training plus judging a candidate against the live bundle.
//
// Only human-verified corrections count (sources approved, edited, replaced, reverted,
// human_set); anything else, above all the engine's own unreviewed writes, is ignored and
// counted. A correction replaces the base label of the same ticket (by ticket id when the base
// data has ids, else by identical text) and is appended otherwise; of several corrections of one
// ticket and field the last wins.
//
// The held-back slice is chosen per example by a seeded hash of its key (ticket id, else text):
// membership does not depend on the other examples, so a version trained by retrain never saw
// a later run's slice (corrected labels stay in the same slice). Classes are represented in
// proportion to their size in expectation (a hash is independent of the label).
// When the live bundle may have seen the slice (it was made by `autotriage train` on all of its
// data), comparing with it would favour it; then a reference model is trained with the live
// settings on the base data minus the slice and the candidate is compared with that instead
// (ModelEvaluation::baseline_kind "reference"); the live bundle's own figures are reported too.
//
// Thread-safety: functions are reentrant; RunRetrain uses up to `threads` threads itself.
// Errors: kInvalidArgument for malformed corrections (path and line), an empty slice or a
// field with too little data; training errors name the field.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/ml/head.h"
#include "autotriage/ml/registry.h"

namespace autotriage {

struct CorrectionExample {
  std::string ticket_id;
  std::string field;
  std::string label;
  std::string text;    // the ticket's model text; needed when the ticket is not in the base data
  std::string source;  // approved | edited | replaced | reverted | human_set | anything else
};

bool IsHumanVerifiedSource(std::string_view source);

// One {"ticket_id","field","label","text","source"} object per line; blank lines skipped.
// kInvalidArgument naming the path and line for a line that is not such an object.
Result<std::vector<CorrectionExample>> ReadCorrectionsJsonl(const std::string& path);

struct BaseExample {
  std::string ticket_id;  // "" when the base data has no id column
  std::string text;
  std::string label;
};

struct MergedExample {
  std::string key;  // ticket id, else the text: decides the held-back slice
  std::string text;
  std::string label;
  std::string base_label;  // "" for a ticket only the corrections know
};

struct MergeReport {
  int64_t base = 0;
  int64_t overridden = 0;          // corrections that replaced a base label
  int64_t appended = 0;            // corrections of tickets not in the base data
  int64_t ignored_unverified = 0;  // not a human-verified source
  int64_t ignored_no_text = 0;     // an appended correction without text
};

// Corrections of other fields are skipped (not counted). REQUIRES: corrections in log order.
std::vector<MergedExample> MergeCorrections(const std::vector<BaseExample>& base,
                                            const std::vector<CorrectionExample>& corrections,
                                            const std::string& field, MergeReport* report);

struct HoldoutRule {
  double fraction = 0.10;
  uint64_t seed = 1;
  bool Contains(std::string_view key) const;
  // Stored with the versions trained without it ("hash:<seed>:<fraction>").
  std::string Id() const;
  std::string Describe() const;
};

// Accuracy and macro-F1 of `head` on the examples (labels the head does not know count as
// errors), using up to `threads` threads.
HeadFigures EvaluateHead(const Head& head, const std::vector<std::string>& texts,
                         const std::vector<std::string>& labels, int threads);

// worse when some field's accuracy or macro-F1 is below the baseline's by more than
// `tolerance`; the verdict names the worst drop. Fields missing from either side are skipped.
void JudgeEvaluation(ModelEvaluation* evaluation);

struct RetrainField {
  std::string field;
  std::vector<MergedExample> examples;
};

struct RetrainInput {
  const ModelBundle* live = nullptr;  // REQUIRES: non-null; its heads name the fields
  bool live_saw_holdout = true;       // false when the live version was trained without it
  std::string live_version;
  std::vector<RetrainField> fields;
  HoldoutRule holdout;
  double tolerance = 0.005;
  std::string training_data_name;  // for the candidate's metadata
  int threads = 2;
  ProgressFn progress;  // stage names include the field
};

struct RetrainOutcome {
  ModelBundle candidate;
  ModelEvaluation evaluation;
  std::map<std::string, HeadFigures> live_on_slice;  // the live bundle itself, per field
  int64_t training_examples = 0;                     // of the first field
};

Result<RetrainOutcome> RunRetrain(const RetrainInput& input);

}  // namespace autotriage
