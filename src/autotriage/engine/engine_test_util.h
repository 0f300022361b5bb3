// Test-only helpers shared by the engine's test binaries: a model bundle with group, priority and
// type heads trained once per test binary on synthetic tickets, new synthetic tickets from a
// different seed (so they are not training examples), and a fully wired EngineContext.
// Thread-safety: TestBundle is initialised once (static local) and immutable afterwards.
#pragma once

#include <memory>
#include <vector>

#include "autotriage/engine/engine_internal.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/synth/generator.h"

namespace autotriage::testing {

// 1,500 synthetic tickets (seed 7), linear models only (no fastText) so that it takes seconds.
std::shared_ptr<const ModelBundle> TestBundle();

// Synthetic tickets the bundle did not see (seed 99 unless given).
std::vector<SynthTicket> FreshTickets(int count, uint64_t seed = 99);

// The live schema of the synthetic helpdesk (group, priority and type choices).
std::vector<FieldSchema> SynthFieldSchema();

// A context as EngineImpl builds it (policy, schema cache, metrics, and with `with_triage` a
// Triage over TestBundle for group/priority/type), logging nowhere. Without triage no bundle is
// trained, which keeps tests of the dispatcher fast.
std::unique_ptr<EngineContext> MakeTestContext(std::shared_ptr<Store> store,
                                               std::shared_ptr<Helpdesk> helpdesk,
                                               const Config& config, bool with_triage = true);

}  // namespace autotriage::testing
