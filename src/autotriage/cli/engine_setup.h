// Engine set-up shared by `serve`, `run`, `demo` and the store commands: turns a Config into the
// parts the engine runs on (store, helpdesk connector, model bundle, logger).
//
// helpdesk.kind "sandbox" starts the built-in emulated Freshdesk in this process (in memory,
// generated history ending now) and connects to it like to the real one.
// Used from the main thread; the returned parts are thread-safe where their own headers say so.
// Errors name what is missing and what to do (models.active unset, an unreadable model file, a
// store that cannot be opened); they never contain a secret.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "autotriage/config/config.h"
#include "autotriage/connectors/helpdesk.h"
#include "autotriage/connectors/http_client.h"
#include "autotriage/core/status.h"
#include "autotriage/engine/advice.h"
#include "autotriage/engine/knowledge_loader.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/sandbox/sandbox.h"
#include "autotriage/store/store.h"

namespace autotriage {

// Writes log lines to stderr: JSON objects as they are (log.format json) or as
// "time level message key=value ..." (log.format text); lines below log.level are dropped.
// Thread-safe.
std::function<void(const std::string&)> MakeStderrLogger(const LogOptions& options);

// Loads --config FILE (or the defaults when empty), printing every problem on failure.
Result<Config> LoadConfigForCommand(const std::string& path);

Result<std::unique_ptr<Store>> OpenConfiguredStore(const Config& config);

struct HelpdeskConnection {
  std::unique_ptr<SandboxServer> sandbox;  // set when helpdesk.kind is sandbox
  std::shared_ptr<HttpClient> http;        // the connector's client (for its stats)
  std::shared_ptr<Helpdesk> helpdesk;
};

// sandbox_tickets / sandbox_seed: the generated history when the built-in sandbox is started.
Result<HelpdeskConnection> ConnectConfiguredHelpdesk(
    const Config& config, const std::function<void(const std::string&)>& log,
    int sandbox_tickets = 2000, uint64_t sandbox_seed = 42);

// models.active, or `override_path` when not empty.
Result<std::shared_ptr<const ModelBundle>> LoadConfiguredBundle(const Config& config,
                                                                const std::string& override_path);

// Knowledge and routing for the engine (config.knowledge, config.routing): an Advisor that starts
// empty (its notes say the knowledge is still loading) and the loader that fills it. Both null
// when knowledge.enabled is false.
struct KnowledgeParts {
  std::shared_ptr<Advisor> advisor;
  std::shared_ptr<KnowledgeLoader> loader;
};
KnowledgeParts MakeKnowledgeParts(const Config& config, std::shared_ptr<Helpdesk> helpdesk);

}  // namespace autotriage
