// ModelRegistry: the model versions in `models.directory` and which one is live.
//
// Layout: every registered bundle is stored as <directory>/<version>.atm, where the version is
// ModelVersionId (bundle.h), the identity decisions and audit entries carry. The registry file
// <directory>/registry.json lists the versions with their creation time, a description of the
// training data, the held-back evaluation figures, their state, the live version and the
// versions that were live before it (newest last; `models rollback` returns to the last one).
//
// States: live (exactly one version, or none in a new registry), candidate (registered, not
// promoted), retired (was live, replaced), refused (its evaluation was worse than the live
// model's; `models promote` needs --force for it).
//
// Writes go to a temporary file that is renamed over registry.json, so a reader (the serving
// engine) sees the old or the new registry, never half of one. Read-modify-write is serialised
// across processes by Update, which holds an exclusive lock on <directory>/registry.lock.
// Errors name the file and what is wrong: a registry that cannot be parsed, has an unknown
// format version, names a live version it does not list, or has two live versions is
// kCorruption and is never replaced silently (the operator repairs or removes it). A missing
// registry.json is an empty registry, not an error.
// Thread-safety: a ModelRegistry value is not synchronised; use one per thread. Update and
// ReadLiveModel may be called from any thread or process at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/ml/bundle.h"

namespace autotriage {

enum class ModelState { kLive, kCandidate, kRetired, kRefused };
std::string_view ToString(ModelState state);

// Figures of one head on the held-back slice.
struct HeadFigures {
  double accuracy = 0;
  double macro_f1 = 0;
  int64_t examples = 0;
};

// How a version compared with the live model on the same held-back slice.
struct ModelEvaluation {
  std::string slice;          // which examples, e.g. "10% held back by ticket hash (seed 1)"
  std::string compared_with;  // the live version at the time; "" when there was none
  // What the candidate was compared with: "live" (the live bundle itself) or "reference" (the
  // live model's settings trained without the slice, because the live bundle had seen it).
  std::string baseline_kind;
  std::map<std::string, HeadFigures> candidate;  // by field
  std::map<std::string, HeadFigures> baseline;   // by field
  double tolerance = 0;                          // allowed drop in accuracy and macro-F1 per head
  bool worse = false;                            // some head dropped by more than the tolerance
  std::string verdict;                           // one line an operator can read
};

struct ModelEvent {
  std::string at;      // ISO 8601 UTC
  std::string what;    // registered, promoted, retired, rolled back, refused
  std::string detail;  // e.g. "forced despite a worse evaluation"
};

struct ModelEntry {
  std::string version;  // ModelVersionId of the bundle
  std::string file;     // bundle file name inside the directory
  std::string created_at;
  std::string training_data;  // e.g. "train.csv.gz + 312 corrections (38,581 examples)"
  // Set when the version was trained without the registry's held-back slice (`retrain`), so
  // later comparisons on that slice are fair to it; "" when it may have seen every example.
  std::string holdout_rule;
  ModelState state = ModelState::kCandidate;
  std::optional<ModelEvaluation> evaluation;
  std::vector<ModelEvent> history;
};

// What the serving engine needs: the live version and the path of its bundle.
struct LiveModel {
  std::string version;
  std::string path;
};

class ModelRegistry {
 public:
  // Reads <directory>/registry.json; an absent file gives an empty registry.
  static Result<ModelRegistry> Open(const std::string& directory);

  // Locks the registry against other writers, reads it, applies `change` and, when that
  // returns OK, writes it atomically. The lock is released on return.
  static Status Update(const std::string& directory,
                       const std::function<Status(ModelRegistry&)>& change);

  // The live version, or nullopt when none is live (or no registry exists).
  static Result<std::optional<LiveModel>> ReadLiveModel(const std::string& directory);

  const std::string& directory() const { return directory_; }
  std::string registry_path() const;
  const std::vector<ModelEntry>& entries() const { return entries_; }
  const ModelEntry* Find(const std::string& version) const;
  const ModelEntry* live() const;
  std::string BundlePath(const ModelEntry& entry) const;
  // Versions that were live before the current one, oldest first.
  const std::vector<std::string>& previous_live() const { return previous_live_; }

  // Saves `bundle` as <version>.atm (unless that file exists) and adds an entry in `state`
  // (kLive makes it live and retires the old live one). The version is computed from the
  // bundle; `entry.version` and `entry.file` are filled in. kAlreadyExists when the version is
  // registered already.
  Result<std::string> Add(const ModelBundle& bundle, ModelEntry entry);

  // Makes `version` live; the old live one is retired and remembered for Rollback.
  // kNotFound for an unknown version, kFailedPrecondition when it is live already, or refused
  // and not `force`, or its bundle file is missing.
  Status Promote(const std::string& version, bool force, const std::string& actor);

  // Makes the previous live version live again; the current one becomes retired. Returns the
  // version now live. kFailedPrecondition when there is no previous version.
  Result<std::string> Rollback(const std::string& actor);

  // Writes registry.json atomically (temporary file, rename). Prefer Update.
  Status Save() const;

 private:
  explicit ModelRegistry(std::string directory) : directory_(std::move(directory)) {}
  ModelEntry* FindMutable(const std::string& version);
  void SetLive(ModelEntry& entry, const std::string& what, const std::string& detail);

  std::string directory_;
  std::vector<ModelEntry> entries_;
  std::vector<std::string> previous_live_;
};

}  // namespace autotriage
