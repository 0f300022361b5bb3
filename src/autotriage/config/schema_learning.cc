// Bindings of the `learning:` section (issue 7): automatic demotion of autonomy-matrix cells, and
// of the `insights:` section: recurring issues, spikes, proposed Problems and the digest.
#include <string>

#include "autotriage/config/internal/fields.h"
#include "autotriage/config/internal/schema.h"

namespace autotriage {
namespace {

constexpr Interval kFloor{0, 1, false, false};

// A suggest floor above the autofill floor would demote suggest cells that an autofill cell
// with the same acceptance keeps: almost certainly a typo.
void CheckLearning(ConfigBinder& binder, const std::string& path, const LearningOptions& l) {
  if (l.suggest_floor > l.autofill_floor) {
    binder.Warning(binder.PosOf(path + ".suggest_floor"),
                   "'" + path + ".suggest_floor' (" + std::to_string(l.suggest_floor) +
                       ") is above autofill_floor (" + std::to_string(l.autofill_floor) + ")");
  }
}

}  // namespace

const SectionSpec<LearningOptions>& LearningSpec() {
  using S = LearningOptions;
  static const SectionSpec<S> spec{
      {
          BoolField("auto_demotion", &S::auto_demotion),
          IntField("demotion_window_days", &S::demotion_window_days, 1, 365),
          IntField("min_outcomes", &S::min_outcomes, 1, 1000000),
          DoubleField("autofill_floor", &S::autofill_floor, kFloor),
          DoubleField("suggest_floor", &S::suggest_floor, kFloor),
      },
      CheckLearning};
  return spec;
}

const SectionSpec<InsightsOptions>& InsightsSpec() {
  using S = InsightsOptions;
  static const SectionSpec<S> spec{{
                                       BoolField("enabled", &S::enabled),
                                       IntField("interval_seconds", &S::interval_seconds, 10, 3600),
                                       IntField("window_days", &S::window_days, 1, 90),
                                       BoolField("propose_problems", &S::propose_problems),
                                       IntField("digest_hour_utc", &S::digest_hour_utc, -1, 23),
                                       IntField("min_cluster_size", &S::min_cluster_size, 2, 1000),
                                   },
                                   nullptr};
  return spec;
}

}  // namespace autotriage
