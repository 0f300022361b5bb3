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

#include "autotriage/auth/auth.h"
#include "autotriage/config/config.h"
#include "autotriage/connectors/helpdesk.h"
#include "autotriage/connectors/http_client.h"
#include "autotriage/core/status.h"
#include "autotriage/dashboard/dashboard.h"
#include "autotriage/dashboard/slack_notifier.h"
#include "autotriage/engine/advice.h"
#include "autotriage/engine/approvals.h"
#include "autotriage/engine/engine.h"
#include "autotriage/engine/knowledge_loader.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/sandbox/sandbox.h"
#include "autotriage/slack/slack.h"
#include "autotriage/slack/slack_poster.h"
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

// Human approvals for `serve`, `run --once` and `demo`: the policy holder the engine decides with
// (config.policy with the run-time matrix cells; the engine loads them at start) and the approval
// service over the same store and holder (config.approvals, engine.post_notes, server.public_url,
// the helpdesk's note format). Pass both to EngineDeps; the dashboard, REST API and Slack use the
// same service. The service keeps `store` alive.
struct ApprovalParts {
  std::shared_ptr<PolicyHolder> policy;
  std::shared_ptr<ApprovalService> approvals;
};
ApprovalParts MakeApprovalParts(const Config& config, std::shared_ptr<Store> store,
                                const Helpdesk& helpdesk);

// The dashboard, REST API and Slack callback for `serve` and `demo` (docs/dashboard.md): an
// Authenticator over the engine's store, with slack.enabled a Slack client and the card
// notifier, and the routes, registered on the engine's HTTP server through
// EngineDeps::register_routes. The engine's server calls into these parts: keep them alive
// until the engine is destroyed.
struct DashboardParts {
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<HttpClient> slack_http;
  std::unique_ptr<SlackClient> slack;
  std::unique_ptr<SlackNotifier> notifier;
  std::unique_ptr<SlackPoster> notices;  // EngineDeps::announce -> Slack (with slack.enabled)
};
// With insights.enabled it also attaches the insights (AttachInsights) and shows their clusters
// and the digest; with slack.enabled it sets deps->announce (notices posted in the background)
// and deps->send_daily_digest (the digest collected and posted to Slack), unless already set.
// REQUIRES: deps->store and deps->approvals are set (and deps->helpdesk and deps->advisor
// before, for the insights). Sets deps->register_routes.
// kInvalidArgument when slack.enabled lacks a bot token or webhook URL, or a signing secret.
Result<std::shared_ptr<DashboardParts>> AttachDashboard(const Config& config,
                                                        std::shared_ptr<const ModelBundle> bundle,
                                                        EngineDeps* deps);
// Recurring issues and spikes (config.insights, docs/insights.md): with insights.enabled and no
// deps->insights yet, an InsightsService over deps->store, deps->helpdesk and deps->advisor that
// announces proposed Problems through deps->announce (as set at this call) with links under
// server.public_url. A no-op otherwise. For `run --once`, which has no dashboard.
void AttachInsights(const Config& config, EngineDeps* deps);

// With llm.enabled: the LLM backend (engine/llm_assist.h) from config.llm into deps->llm.
// kInvalidArgument when it cannot be built (no model or base_url); never names the API key.
Status AttachLlm(const Config& config, EngineDeps* deps);

// While no user exists, a new one-time set-up link under `base_url` (an earlier one stops
// working); "" once a user exists.
Result<std::string> DashboardSetupLink(DashboardParts& parts, const std::string& base_url);

}  // namespace autotriage
