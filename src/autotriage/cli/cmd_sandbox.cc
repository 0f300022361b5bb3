// autotriage sandbox: serve an emulated Freshdesk or Freshservice API from generated data until
// SIGINT or SIGTERM.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/sandbox/sandbox.h"

namespace autotriage {
namespace {

struct SandboxArgs {
  SandboxOptions options;
  std::string history_end = "now";
  bool json = false;
};

std::string FormatRate(double rate) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.0f%%", rate * 100);
  return buffer;
}

int RunSandbox(SandboxArgs args) {
  if (args.history_end == "now") {
    args.options.history_end = static_cast<int64_t>(std::time(nullptr));
  } else if (args.history_end == "fixed") {
    args.options.history_end = 0;
  } else {
    try {
      args.options.history_end = std::stoll(args.history_end);
    } catch (const std::exception&) {
      PrintError(InvalidArgument("--history-end takes 'now', 'fixed' or Unix seconds, not '" +
                                 args.history_end + "'"));
      return 2;
    }
  }
  // Block the stop signals before any server thread starts, so that every thread inherits the
  // mask and only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A dropped connection (--drop-rate) must not kill the process with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  Result<std::unique_ptr<SandboxServer>> started = SandboxServer::Start(args.options);
  if (!started.ok()) {
    PrintError(started.status());
    return ExitCodeFor(started.status());
  }
  SandboxServer& server = **started;
  const SandboxOptions& o = args.options;
  if (args.json) {
    nlohmann::json line = {{"kind", o.kind},       {"url", server.base_url()},
                           {"api_key", o.api_key}, {"tickets", server.ticket_count()},
                           {"db", o.db_path},      {"port", server.port()}};
    std::printf("%s\n", line.dump().c_str());
  } else {
    std::printf("autotriage sandbox: %s API v2 at %s\n", o.kind.c_str(), server.base_url().c_str());
    std::printf("  url:        %s\n", server.base_url().c_str());
    std::printf("  api_key:    %s   (Basic auth, password ignored: -u %s:X)\n", o.api_key.c_str(),
                o.api_key.c_str());
    std::printf("  tickets:    %lld (seed %llu)%s\n", static_cast<long long>(server.ticket_count()),
                static_cast<unsigned long long>(o.seed),
                o.db_path.empty() ? ", in memory" : (", stored in " + o.db_path).c_str());
    std::printf(
        "  faults:     fail %s, drop %s, throttle %s, slow %s (%d ms), latency %d ms, "
        "rate limit %s\n",
        FormatRate(o.fail_rate).c_str(), FormatRate(o.drop_rate).c_str(),
        FormatRate(o.throttle_rate).c_str(), FormatRate(o.slow_rate).c_str(), o.slow_ms,
        o.latency_ms,
        o.rate_limit_per_minute == 0 ? "none"
                                     : (std::to_string(o.rate_limit_per_minute) + "/min").c_str());
    if (!o.webhook_url.empty()) {
      std::printf("  webhooks:   POST %s on ticket create/update/note\n", o.webhook_url.c_str());
    }
    std::printf("  try:        curl -u %s:X '%s/api/v2/tickets?updated_since=2000-01-01'\n",
                o.api_key.c_str(), server.base_url().c_str());
    std::printf("  writes:     curl '%s/_sandbox/writes'\n", server.base_url().c_str());
    std::printf("Press Ctrl+C to stop.\n");
  }
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "autotriage sandbox: %s received, stopping\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  const size_t writes = server.writes().size();
  server.Stop();
  std::fprintf(stderr, "autotriage sandbox: stopped after %zu recorded writes\n", writes);
  return 0;
}

}  // namespace

void AddSandboxCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "sandbox", "Serve an emulated Freshdesk or Freshservice API from generated tickets");
  cmd->footer(
      "The sandbox speaks the helpdesk's REST API v2 (Basic auth with the API key, paging with\n"
      "Link headers, search/filter queries, X-RateLimit-* headers, webhooks) over generated\n"
      "tickets, groups, agents, ticket fields and KB articles in English and German. Every\n"
      "write is recorded: GET /_sandbox/writes. Lists without updated_since show only the last\n"
      "30 days, as on the real API. Runs until Ctrl+C (SIGINT) or SIGTERM.\n"
      "Example: autotriage sandbox --kind freshdesk --port 8790 --tickets 5000 --db sandbox.db");
  auto args = std::make_shared<SandboxArgs>();
  SandboxOptions& o = args->options;
  cmd->add_option("--kind", o.kind, "Helpdesk to emulate")
      ->check(CLI::IsMember({"freshdesk", "freshservice"}))
      ->capture_default_str();
  cmd->add_option("--port", o.port, "TCP port (0 = any free port, printed on start)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--listen", o.listen, "Address to listen on")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Generator seed (same seed, same data)")->capture_default_str();
  cmd->add_option("--tickets", o.tickets, "Number of generated tickets on first start")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--db", o.db_path,
                  "SQLite file keeping the state across restarts (created and seeded if new)");
  cmd->add_option("--api-key", o.api_key, "API key clients must send as the Basic-auth user")
      ->envname("AUTOTRIAGE_SANDBOX_API_KEY")
      ->capture_default_str();
  cmd->add_option("--fail-rate", o.fail_rate, "Share of API requests answered 500/502/503")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--rate-limit", o.rate_limit_per_minute,
                  "Requests per minute before 429 + Retry-After (0 = unlimited)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--latency", o.latency_ms, "Milliseconds added to every API response")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  cmd->add_option("--drop-rate", o.drop_rate,
                  "Share of API requests whose connection is closed without an answer")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--throttle-rate", o.throttle_rate,
                  "Share of API requests answered 429 with Retry-After: 1 (bursts of throttling)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--slow-rate", o.slow_rate,
                  "Share of API requests answered only after --slow-ms (and then applied)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--slow-ms", o.slow_ms, "Delay of a slow request in milliseconds")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  cmd->add_option("--fault-seed", o.fault_seed, "Seed of the fault decisions")
      ->capture_default_str();
  cmd->add_option("--webhook-url", o.webhook_url,
                  "POST the helpdesk's webhook payload here on ticket create, update and note");
  cmd->add_option("--history-end", args->history_end,
                  "When the generated history ends: 'now', 'fixed' (2024-05-30, the same every "
                  "run) or Unix seconds")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print the URL and API key as one JSON line");
  cmd->callback([args, exit_code] { *exit_code = RunSandbox(*args); });
}

}  // namespace autotriage
