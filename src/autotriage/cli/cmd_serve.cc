// autotriage serve / autotriage run --once: the engine as a service, or one pass for cron.
#include <pthread.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/engine/engine.h"

namespace autotriage {
namespace {

struct ServeArgs {
  std::string config;
  std::string model;
  int port = -1;  // -1: the configuration's server.port
  bool once = false;
  bool json = false;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Everything an engine runs on, kept alive together (the sandbox must outlive the engine).
struct EngineParts {
  HelpdeskConnection helpdesk;
  ApprovalParts approvals;
  std::shared_ptr<DashboardParts> dashboard;  // serve only; outlives the engine's server
  std::unique_ptr<Engine> engine;
};

Result<EngineParts> BuildEngine(const ServeArgs& args,
                                const std::function<void(const std::string&)>& log,
                                Config* config_out) {
  Result<Config> config = LoadConfigForCommand(args.config);
  if (!config.ok()) {
    return config.status();
  }
  if (args.port >= 0) {
    config->server.port = args.port;
  }
  if (!args.model.empty()) {
    config->models.reload_seconds = 0;  // --model pins the bundle: no switch to the registry's
  }
  *config_out = *config;
  Result<std::shared_ptr<const ModelBundle>> bundle = LoadConfiguredBundle(*config, args.model);
  if (!bundle.ok()) {
    return bundle.status();
  }
  Result<std::unique_ptr<Store>> store = OpenConfiguredStore(*config);
  if (!store.ok()) {
    return store.status().WithContext("opening the store");
  }
  EngineParts parts;
  Result<HelpdeskConnection> helpdesk = ConnectConfiguredHelpdesk(*config, log);
  if (!helpdesk.ok()) {
    return helpdesk.status();
  }
  parts.helpdesk = std::move(*helpdesk);
  EngineDeps deps;
  deps.config = *config;
  deps.store = std::move(*store);
  parts.approvals = MakeApprovalParts(*config, deps.store, *parts.helpdesk.helpdesk);
  deps.policy = parts.approvals.policy;
  deps.approvals = parts.approvals.approvals;
  deps.helpdesk = parts.helpdesk.helpdesk;
  deps.http = parts.helpdesk.http;
  deps.bundle = *bundle;
  deps.log = log;
  KnowledgeParts knowledge = MakeKnowledgeParts(*config, parts.helpdesk.helpdesk);
  deps.advisor = knowledge.advisor;
  deps.knowledge = knowledge.loader;
  if (!args.once) {
    Result<std::shared_ptr<DashboardParts>> dashboard = AttachDashboard(*config, *bundle, &deps);
    if (!dashboard.ok()) {
      return dashboard.status();
    }
    parts.dashboard = std::move(*dashboard);
  } else {
    AttachInsights(*config, &deps);  // no dashboard: AttachDashboard would have done it
  }
  if (Status llm = AttachLlm(*config, &deps); !llm.ok()) {
    return llm;
  }
  Result<std::unique_ptr<Engine>> engine = Engine::Create(std::move(deps));
  if (!engine.ok()) {
    return engine.status();
  }
  parts.engine = std::move(*engine);
  return parts;
}

int RunServe(const ServeArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  // Stop signals are taken by sigwait below only; every thread started later inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Config config;
  Result<Config> preview = LoadConfigForCommand(args.config);
  if (!preview.ok()) {
    PrintError(preview.status());
    return 2;
  }
  auto log = MakeStderrLogger(preview->log);
  Result<EngineParts> parts = BuildEngine(args, log, &config);
  if (!parts.ok()) {
    PrintError(parts.status());
    return ExitCodeFor(parts.status());
  }
  Engine& engine = *parts->engine;
  if (Status started = engine.Start(); !started.ok()) {
    PrintError(started);
    return ExitCodeFor(started);
  }
  const double ready_seconds = SecondsSince(start);
  const std::string base =
      "http://" + config.server.listen_address + ":" + std::to_string(engine.port());
  // No user yet: the one-time link through which the first admin is created (never a default
  // password).
  Result<std::string> setup_link = DashboardSetupLink(
      *parts->dashboard, config.server.public_url.empty() ? base : config.server.public_url);
  if (!setup_link.ok()) {
    PrintError(setup_link.status().WithContext("making the dashboard's set-up link"));
  }
  const std::string setup_url = setup_link.ok() ? *setup_link : "";
  if (args.json) {
    nlohmann::json line = {{"port", engine.port()},
                           {"url", base},
                           {"dashboard_url", base + "/"},
                           {"ready_seconds", ready_seconds},
                           {"store", std::string(ToString(config.store.backend))}};
    if (!setup_url.empty()) {
      line["setup_url"] = setup_url;
    }
    if (parts->helpdesk.sandbox) {
      line["sandbox_url"] = parts->helpdesk.sandbox->base_url();
    }
    std::printf("%s\n", line.dump().c_str());
  } else {
    std::printf("autotriage serve: listening on %s (ready after %.2f s)\n", base.c_str(),
                ready_seconds);
    std::printf("  webhooks: POST %s/hooks/freshdesk, %s/hooks/freshservice\n", base.c_str(),
                base.c_str());
    std::printf("  health:   %s/healthz  %s/readyz  metrics: %s/metrics\n", base.c_str(),
                base.c_str(), base.c_str());
    std::printf("  dashboard: %s/  REST API: %s/api/v1/ (OpenAPI: %s/api/v1/openapi.json)\n",
                base.c_str(), base.c_str(), base.c_str());
    if (!setup_url.empty()) {
      std::printf(
          "  no dashboard user yet: create the first admin once through\n    %s\n"
          "  (valid 24 h; or add users with `autotriage users add`)\n",
          setup_url.c_str());
    }
    if (parts->helpdesk.sandbox) {
      std::printf("  helpdesk: built-in sandbox at %s\n",
                  parts->helpdesk.sandbox->base_url().c_str());
    }
  }
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log(nlohmann::json{
      {"level", "info"},
      {"msg", std::string("stopping: ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
                  " received, draining in-flight work"}}
          .dump());
  engine.Stop();
  const EngineCounters counters = engine.counters();
  log(nlohmann::json{{"level", "info"},
                     {"msg", "stopped"},
                     {"jobs_done", counters.jobs_done},
                     {"writes_applied", counters.writes_applied}}
          .dump());
  return 0;
}

int RunOnce(const ServeArgs& args) {
  Result<Config> preview = LoadConfigForCommand(args.config);
  if (!preview.ok()) {
    PrintError(preview.status());
    return 2;
  }
  auto log = MakeStderrLogger(preview->log);
  Config config;
  Result<EngineParts> parts = BuildEngine(args, log, &config);
  if (!parts.ok()) {
    PrintError(parts.status());
    return ExitCodeFor(parts.status());
  }
  const auto start = std::chrono::steady_clock::now();
  Result<RunOnceReport> report = parts->engine->RunOnce();
  if (!report.ok()) {
    PrintError(report.status());
    return ExitCodeFor(report.status());
  }
  const RunOnceReport& r = *report;
  if (args.json) {
    std::printf("%s\n", nlohmann::json{{"polled_events", r.polled_events},
                                       {"jobs_done", r.jobs_done},
                                       {"jobs_failed", r.jobs_failed},
                                       {"writes_applied", r.writes_applied},
                                       {"writes_superseded", r.writes_superseded},
                                       {"writes_failed", r.writes_failed},
                                       {"seconds", SecondsSince(start)}}
                            .dump()
                            .c_str());
  } else {
    std::printf(
        "autotriage run --once: %lld events polled, %lld jobs done (%lld failed), %lld writes "
        "applied, %lld superseded, %lld failed, in %.2f s\n",
        static_cast<long long>(r.polled_events), static_cast<long long>(r.jobs_done),
        static_cast<long long>(r.jobs_failed), static_cast<long long>(r.writes_applied),
        static_cast<long long>(r.writes_superseded), static_cast<long long>(r.writes_failed),
        SecondsSince(start));
  }
  return r.jobs_failed > 0 || r.writes_failed > 0 ? 1 : 0;
}

void AddCommonOptions(CLI::App* cmd, ServeArgs* args) {
  cmd->add_option("--config", args->config, "YAML configuration (see `autotriage config example`)")
      ->envname("AUTOTRIAGE_CONFIG");
  cmd->add_option("--model", args->model,
                  "Model bundle to serve, pinned (default: the model registry's live version, else "
                  "models.active; docs/models.md)");
  cmd->add_flag("--json", args->json, "Print the summary as one JSON object");
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("serve", "Run the triage engine: webhooks, polling, workers");
  cmd->footer(
      "Receives helpdesk webhooks (POST /hooks/freshdesk, /hooks/freshservice), polls where\n"
      "configured, triages each new ticket with the model and writes back only what the policy\n"
      "allows. Serves /healthz, /readyz and Prometheus /metrics. SIGTERM or Ctrl+C drains\n"
      "in-flight work and stops. Example: autotriage serve --config "
      "/etc/autotriage/autotriage.yaml");
  auto args = std::make_shared<ServeArgs>();
  AddCommonOptions(cmd, args.get());
  cmd->add_option("--port", args->port, "HTTP port (overrides server.port; 0 = any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->callback([args, exit_code] { *exit_code = RunServe(*args); });
}

void AddRunCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("run", "Triage what is pending once and exit (for cron)");
  cmd->footer(
      "Polls the helpdesk once (cursor kept in the store), processes every pending job and\n"
      "planned write, prints a summary and exits: 0 on success, 1 when a job or write failed.\n"
      "Example: autotriage run --once --config /etc/autotriage/autotriage.yaml");
  auto args = std::make_shared<ServeArgs>();
  AddCommonOptions(cmd, args.get());
  cmd->add_flag("--once", args->once, "Required: one pass, then exit")->required();
  cmd->callback([args, exit_code] { *exit_code = RunOnce(*args); });
}

}  // namespace autotriage
