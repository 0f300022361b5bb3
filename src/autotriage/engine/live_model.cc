#include "autotriage/engine/live_model.h"

#include "autotriage/ml/registry.h"

namespace autotriage {

void LiveTriage::Set(std::shared_ptr<const ModelBundle> bundle, std::unique_ptr<Triage> triage) {
  // The deleter owns the bundle, so the bundle lives exactly as long as its Triage is in use.
  std::shared_ptr<const Triage> next(triage.release(),
                                     [bundle = std::move(bundle)](const Triage* t) { delete t; });
  std::lock_guard<std::mutex> lock(mutex_);
  current_.swap(next);
  // `next` (the old model) is released here, outside any triage still holding its own copy.
}

std::shared_ptr<const Triage> LiveTriage::get() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

Result<bool> ModelFollower::CheckOnce() {
  Result<std::optional<LiveModel>> live = ModelRegistry::ReadLiveModel(directory_);
  if (!live.ok()) {
    return live.status();
  }
  if (!live->has_value()) {
    return false;
  }
  const LiveModel& target = **live;
  const std::shared_ptr<const Triage> current = live_->get();
  if (current != nullptr && current->model_version() == target.version) {
    failed_version_.clear();
    return false;
  }
  if (target.version == failed_version_) {
    return false;  // reported once; waits for another promotion
  }
  Result<ModelBundle> bundle = ModelBundle::Load(target.path);
  if (!bundle.ok()) {
    failed_version_ = target.version;
    return bundle.status().WithContext("loading live model " + target.version +
                                       "; the engine keeps the current model");
  }
  if (ModelVersionId(*bundle) != target.version) {
    failed_version_ = target.version;
    return Corruption("the bundle " + target.path + " is version " + ModelVersionId(*bundle) +
                      ", not the registered " + target.version +
                      "; the engine keeps the current model");
  }
  if (bundle->fields().empty()) {
    failed_version_ = target.version;
    return FailedPrecondition("live model " + target.version +
                              " has no heads; the engine keeps the current model");
  }
  auto shared = std::make_shared<const ModelBundle>(std::move(*bundle));
  live_->Set(shared, std::make_unique<Triage>(shared.get(), nullptr, options_, advisor_));
  failed_version_.clear();
  return true;
}

}  // namespace autotriage
