// The engine's live model: the Triage (and the bundle under it) that workers use, swappable
// while they run, and the follower that swaps it when the model registry's live version changes
// (`autotriage retrain` / `models promote` / `models rollback`, docs/models.md).
//
// LiveTriage::get() hands out a shared_ptr that keeps that Triage and its bundle alive, so a
// triage in flight finishes on the model it started with while new ones use the new model; the
// old bundle is freed when the last of them ends. `context->triage->Run(...)` takes one such
// snapshot for the call.
// ModelFollower::CheckOnce reads <models.directory>/registry.json; when it names a live version
// other than the current one, it loads that bundle, checks that the file is that version, builds
// a Triage with the same options and swaps it in. Any failure (corrupt registry, unreadable or
// mismatching bundle, no heads) keeps the current model and returns the error for the log.
// Thread-safety: LiveTriage is safe from any thread; CheckOnce from one thread at a time.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "autotriage/core/status.h"
#include "autotriage/engine/advice.h"
#include "autotriage/engine/triage.h"
#include "autotriage/ml/bundle.h"

namespace autotriage {

class LiveTriage {
 public:
  // REQUIRES: `triage` was built over `bundle`.
  void Set(std::shared_ptr<const ModelBundle> bundle, std::unique_ptr<Triage> triage);
  // Null before the first Set.
  std::shared_ptr<const Triage> get() const;
  std::shared_ptr<const Triage> operator->() const { return get(); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Triage> current_;
};

class ModelFollower {
 public:
  // REQUIRES: `live`, `advisor` (when given) outlive the follower.
  ModelFollower(std::string directory, TriageOptions options, const Advisor* advisor,
                LiveTriage* live)
      : directory_(std::move(directory)),
        options_(std::move(options)),
        advisor_(advisor),
        live_(live) {}

  // true when a new version was swapped in; false when the registry names none or the current.
  Result<bool> CheckOnce();

 private:
  std::string directory_;
  TriageOptions options_;
  const Advisor* advisor_;
  LiveTriage* live_;
  std::string failed_version_;  // a version that failed to load is not retried every check
};

}  // namespace autotriage
