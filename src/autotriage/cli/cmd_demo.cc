// autotriage demo: the end-to-end walk-through run by the README's first command. It starts a
// sandbox Freshdesk in this process, trains the group / priority / type heads on its history,
// runs the engine against it with a mixed autonomy matrix (group autofill, priority suggest,
// type monitor), streams new tickets through the sandbox's webhooks, shows a human override,
// and prints what happened and where to look.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "autotriage/auth/users.h"
#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/demo_model.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/cli/version.h"
#include "autotriage/engine/engine.h"
#include "autotriage/store/audit.h"

namespace autotriage {
namespace {

namespace fs = std::filesystem;

struct DemoArgs {
  std::string out = "demo-output";
  uint64_t seed = 42;
  int count = 3000;
  int stream = 24;
  bool keep_running = false;
};

// The configuration the demo runs with, also written to <out>/autotriage.yaml so that the
// store commands (`approvals list`, `audit verify`) can be pointed at the demo's database.
std::string DemoConfigYaml(const std::string& db_path, const std::string& model_path,
                           const std::string& kb_path) {
  return "# Written by `autotriage demo`: the settings the demo engine ran with.\n"
         "helpdesk:\n  kind: sandbox\n"
         "store:\n  backend: sqlite\n  sqlite_path: " +
         db_path +
         "\n"
         "server:\n  port: 0\n"
         "models:\n  active: " +
         model_path +
         "\n"
         "policy:\n  default_mode: monitor\n"
         "  writable_fields: [group, priority, type, agent]\n  cells:\n"
         "    - {queue: \"*\", field: group, mode: autofill}\n"
         "    - {queue: \"*\", field: priority, mode: suggest}\n"
         "    - {queue: \"*\", field: type, mode: monitor}\n"
         "    - {queue: \"*\", field: agent, mode: suggest}\n"
         "knowledge:\n  index_path: " +
         kb_path +
         "\n"
         "log:\n  level: warn\n";
}

std::string Shorten(const std::string& text, size_t width) {
  return text.size() <= width ? text : text.substr(0, width - 3) + "...";
}

// What the engine proposes besides field values for one ticket: KB articles, similar resolved
// tickets and assignees with reasons, as the approval card will show them.
void PrintAdvice(Store& store, const std::string& ticket_id) {
  Result<std::optional<AdviceRecord>> advice = store.LatestAdvice(ticket_id);
  if (!advice.ok() || !advice->has_value()) {
    std::printf("   (no knowledge advice stored for #%s)\n", ticket_id.c_str());
    return;
  }
  const nlohmann::json json = nlohmann::json::parse((*advice)->advice_json, nullptr, false);
  if (json.is_discarded()) {
    return;
  }
  std::printf("   Advice for #%s:\n", ticket_id.c_str());
  for (const auto& article : json.value("articles", nlohmann::json::array())) {
    std::printf("     KB       %-50s score %.2f\n", Shorten(article.value("title", ""), 50).c_str(),
                article.value("score", 0.0));
  }
  for (const auto& similar : json.value("similar", nlohmann::json::array())) {
    std::printf("     similar  #%s %s (%s)\n", similar.value("id", "").c_str(),
                Shorten(similar.value("subject", ""), 44).c_str(),
                similar.value("label", "").c_str());
  }
  for (const auto& agent : json.value("assignees", nlohmann::json::array())) {
    std::printf("     assignee %s: %s\n", agent.value("name", "").c_str(),
                agent.value("reason", "").c_str());
  }
  const std::string summary = json.value("summary", "");
  if (!summary.empty()) {
    std::printf("     summary  %s\n", Shorten(summary, 100).c_str());
  }
  std::printf("\n");
}

const DecisionRecord* FindDecision(const std::vector<DecisionRecord>& decisions,
                                   const std::string& field) {
  const DecisionRecord* found = nullptr;
  for (const DecisionRecord& d : decisions) {
    if (d.field == field) {
      found = &d;  // the latest wins
    }
  }
  return found;
}

std::string Describe(const DecisionRecord* d, const std::string& truth) {
  if (d == nullptr) {
    return "-";
  }
  std::string value = d->new_value.empty() ? "(none)" : d->new_value;
  const char* mark = d->new_value == truth ? "ok" : "x";
  return value + " " + d->outcome + " " + mark;
}

// Waits (up to two minutes) until the sandbox has delivered every webhook it queued and the
// engine has worked through them; repeated because the engine's own writes make the sandbox send
// more webhooks (the engine then only checks those tickets). False on timeout.
bool WaitUntilQuiet(const SandboxServer& sandbox, Engine& engine) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (std::chrono::steady_clock::now() < deadline) {
    const SandboxWebhookStats before = sandbox.webhook_stats();
    if (before.delivered + before.failed < before.queued) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (!engine.WaitIdle(60000)) {
      return false;
    }
    if (sandbox.webhook_stats().queued == before.queued) {
      return true;
    }
  }
  return false;
}

// The dashboard's address and how to sign in. There is no default password: with
// AUTOTRIAGE_DEMO_PASSWORD set (12+ characters) the demo creates demo-admin, demo-approver and
// demo-viewer with it (for scripted walk-throughs and browser tests; the password is never
// printed); otherwise it prints the one-time link that creates the first admin.
void PrintDemoDashboard(DashboardParts& dashboard, Store& store, const std::string& engine_url) {
  std::printf("Dashboard: %s/  (REST API %s/api/v1/, OpenAPI %s/api/v1/openapi.json)\n",
              engine_url.c_str(), engine_url.c_str(), engine_url.c_str());
  const char* password = std::getenv("AUTOTRIAGE_DEMO_PASSWORD");
  if (password != nullptr && *password != '\0') {
    const int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000;
    for (const auto& [name, role] : {std::pair<const char*, Role>{"demo-admin", Role::kAdmin},
                                     {"demo-approver", Role::kApprover},
                                     {"demo-viewer", Role::kViewer}}) {
      NewUser user;
      user.name = name;
      user.role = role;
      user.password = password;
      Result<int64_t> created = CreateUser(store, user, "demo", now);
      if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
        std::printf("  cannot create %s: %s\n", name, created.status().message().c_str());
      }
    }
    std::printf(
        "  sign in as demo-admin, demo-approver or demo-viewer with the password in "
        "AUTOTRIAGE_DEMO_PASSWORD\n");
    return;
  }
  Result<std::string> link = DashboardSetupLink(dashboard, engine_url);
  if (!link.ok()) {
    std::printf("  (no set-up link: %s)\n", link.status().message().c_str());
  } else if (!link->empty()) {
    std::printf(
        "  create the first admin once through %s\n"
        "  (or set AUTOTRIAGE_DEMO_PASSWORD to get demo-admin / demo-approver / "
        "demo-viewer)\n",
        link->c_str());
  }
}

#define DEMO_CHECK(expr)                        \
  do {                                          \
    ::autotriage::Status demo_status_ = (expr); \
    if (!demo_status_.ok()) {                   \
      PrintError(demo_status_);                 \
      return ExitCodeFor(demo_status_);         \
    }                                           \
  } while (false)

int RunDemo(const DemoArgs& args) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (args.keep_running) {
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::error_code error;
  fs::create_directories(args.out, error);
  if (error) {
    PrintError(IoError("cannot create " + args.out + ": " + error.message()));
    return 1;
  }
  const std::string model_path = (fs::path(args.out) / "model.atm").string();
  const std::string db_path = (fs::path(args.out) / "autotriage.db").string();
  const std::string kb_path = (fs::path(args.out) / "autotriage-kb.db").string();
  const std::string config_path = (fs::path(args.out) / "autotriage.yaml").string();

  std::printf(
      "autotriage %s demo\n\n1. Generating %d tickets of helpdesk history (English and "
      "German, HTML bodies, seed %llu)\n",
      kVersion, args.count, static_cast<unsigned long long>(args.seed));
  SynthOptions synth;
  synth.seed = args.seed;
  synth.count = args.count;
  std::vector<SynthTicket> tickets = GenerateTickets(synth);
  const size_t split = tickets.size() * 9 / 10;
  std::vector<SynthTicket> history(tickets.begin(), tickets.begin() + split);
  std::vector<SynthTicket> held_back(tickets.begin() + split, tickets.end());

  std::printf(
      "\n2. Training the group, priority and type heads on %zu tickets (TF-IDF + "
      "LIBLINEAR and fastText, calibrated, thresholds for precision 0.90)\n",
      history.size());
  Result<ModelBundle> trained = TrainDemoBundle(history, args.seed, model_path);
  if (!trained.ok()) {
    PrintError(trained.status());
    return 1;
  }
  std::printf("   saved %s; on %zu held-back tickets:\n", model_path.c_str(), held_back.size());
  PrintDemoEvaluation(*trained, held_back);
  auto bundle = std::make_shared<const ModelBundle>(std::move(*trained));

  // A fresh database each run, so the demo's figures are its own.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(db_path + suffix, error);
    fs::remove(kb_path + suffix, error);
  }
  {
    std::ofstream config_file(config_path, std::ios::trunc);
    config_file << DemoConfigYaml(db_path, model_path, kb_path);
  }
  Result<Config> config = LoadConfigForCommand(config_path);
  if (!config.ok()) {
    PrintError(config.status());
    return 1;
  }
  std::printf(
      "\n3. Starting a sandbox Freshdesk and the engine (store %s)\n"
      "   autonomy matrix: group autofill, priority suggest (needs approval), type "
      "monitor (shadow)\n",
      db_path.c_str());
  auto log = MakeStderrLogger(config->log);
  Result<HelpdeskConnection> helpdesk =
      ConnectConfiguredHelpdesk(*config, log, args.count, args.seed);
  if (!helpdesk.ok()) {
    PrintError(helpdesk.status());
    return 1;
  }
  Result<std::unique_ptr<Store>> opened = OpenConfiguredStore(*config);
  if (!opened.ok()) {
    PrintError(opened.status());
    return 1;
  }
  std::shared_ptr<Store> store = std::move(*opened);
  EngineDeps deps;
  deps.config = *config;
  deps.config.models.reload_seconds = 0;  // the demo serves its own bundle, not a registry's
  deps.store = store;
  ApprovalParts approvals = MakeApprovalParts(*config, store, *helpdesk->helpdesk);
  deps.policy = approvals.policy;
  deps.approvals = approvals.approvals;
  deps.helpdesk = helpdesk->helpdesk;
  deps.bundle = bundle;
  deps.http = helpdesk->http;
  deps.log = log;
  // Knowledge first, so the first streamed ticket already gets articles, precedents and an
  // assignee: the sandbox's solutions are synced into a fresh index and its history is read.
  KnowledgeParts knowledge = MakeKnowledgeParts(*config, helpdesk->helpdesk);
  KnowledgeLoadReport knowledge_report;
  knowledge.advisor->Replace(
      knowledge.loader->Load(std::time(nullptr), /*sync_kb=*/true, &knowledge_report));
  deps.advisor = knowledge.advisor;
  deps.knowledge = knowledge.loader;
  deps.knowledge_loaded = true;
  // The dashboard on the engine's port; declared before the engine, so it outlives its server.
  Result<std::shared_ptr<DashboardParts>> dashboard = AttachDashboard(*config, bundle, &deps);
  DEMO_CHECK(dashboard.status());
  DEMO_CHECK(AttachLlm(*config, &deps));
  std::printf(
      "   knowledge: %lld KB articles indexed, %lld resolved tickets as history, %lld agents\n",
      static_cast<long long>(knowledge_report.kb_documents),
      static_cast<long long>(knowledge_report.history_tickets),
      static_cast<long long>(knowledge_report.agents));
  for (const std::string& problem : knowledge_report.problems) {
    std::printf("   knowledge: %s\n", problem.c_str());
  }
  Result<std::unique_ptr<Engine>> created = Engine::Create(std::move(deps));
  if (!created.ok()) {
    PrintError(created.status());
    return 1;
  }
  Engine& engine = **created;
  DEMO_CHECK(engine.Start());
  SandboxServer& sandbox = *helpdesk->sandbox;
  const std::string engine_url = "http://127.0.0.1:" + std::to_string(engine.port());
  sandbox.SetWebhookUrl(engine_url + "/hooks/freshdesk");
  std::printf("   sandbox Freshdesk %s (%lld tickets), engine %s\n", sandbox.base_url().c_str(),
              static_cast<long long>(sandbox.ticket_count()), engine_url.c_str());

  std::printf("\n4. Streaming %d new tickets into the sandbox; its webhooks reach the engine\n",
              args.stream);
  SynthOptions fresh_options;
  fresh_options.seed = args.seed + 1;
  fresh_options.count = args.stream;
  std::vector<SynthTicket> fresh = GenerateTickets(fresh_options);
  std::vector<std::pair<int64_t, const SynthTicket*>> streamed;
  for (const SynthTicket& t : fresh) {
    Result<int64_t> id =
        sandbox.CreateTicket({t.subject, t.body_html, t.requester_email, t.requester_name, t.tags});
    DEMO_CHECK(id.status());
    streamed.emplace_back(*id, &t);
  }
  // The sandbox sends its webhooks from a background thread: wait until all were delivered
  // (or failed), then until the engine has worked through them.
  if (!WaitUntilQuiet(sandbox, engine)) {
    std::printf("   (the engine was still busy after 60 s; the figures below are partial)\n");
  }
  std::printf("\n   %-6s %-34s %-28s %-26s %s\n", "ticket", "subject", "group", "priority", "type");
  std::map<std::string, int> outcomes;
  std::string override_ticket;
  std::string override_from;
  for (const auto& [id, t] : streamed) {
    Result<std::vector<DecisionRecord>> decisions = store->DecisionsForTicket(std::to_string(id));
    DEMO_CHECK(decisions.status());
    const DecisionRecord* group = FindDecision(*decisions, "group");
    for (const DecisionRecord& d : *decisions) {
      ++outcomes[d.field + " " + d.outcome];
    }
    if (override_ticket.empty() && group != nullptr && group->outcome == "applied") {
      override_ticket = std::to_string(id);
      override_from = group->new_value;
    }
    std::printf("   #%-5lld %-34s %-28s %-26s %s\n", static_cast<long long>(id),
                Shorten(t->subject, 34).c_str(), Describe(group, t->group).c_str(),
                Describe(FindDecision(*decisions, "priority"), t->priority).c_str(),
                Describe(FindDecision(*decisions, "type"), t->type).c_str());
  }
  std::printf("   (\"ok\" / \"x\": the prediction against the generator's true label)\n\n");
  if (!streamed.empty()) {
    PrintAdvice(*store, std::to_string(streamed.front().first));
  }
  for (const auto& [key, count] : outcomes) {
    std::printf("   %-28s %d\n", key.c_str(), count);
  }

  if (!override_ticket.empty()) {
    const std::string other = override_from == "Network" ? "Service Desk" : "Network";
    std::printf("\n5. A human moves ticket #%s from %s to %s in the helpdesk\n",
                override_ticket.c_str(), override_from.c_str(), other.c_str());
    DEMO_CHECK(sandbox.SimulateAgentUpdate(std::stoll(override_ticket), {{"group", other}}));
    WaitUntilQuiet(sandbox, engine);
    Result<std::vector<OverrideRecord>> overrides = store->OverridesForTicket(override_ticket);
    DEMO_CHECK(overrides.status());
    std::printf("   override memory: %s\n",
                overrides->empty()
                    ? "(not yet recorded)"
                    : ("the engine will never set group=" + overrides->front().rejected_value +
                       " on #" + override_ticket + " again")
                          .c_str());
  }

  int puts = 0;
  int notes = 0;
  for (const RecordedWrite& w : sandbox.writes()) {
    puts += w.method == "PUT" ? 1 : 0;
    notes += w.method == "POST" && w.path.find("/notes") != std::string::npos ? 1 : 0;
  }
  AuditVerifier verifier;
  Result<std::vector<AuditEntry>> audit = store->ReadAudit(0, 1000000);
  DEMO_CHECK(audit.status());
  for (const AuditEntry& entry : *audit) {
    verifier.Add(entry);
  }
  const AuditVerifyReport report = verifier.Finish();
  std::printf(
      "\n6. What reached the helpdesk: %d field updates and %d private notes (each note "
      "carries an idempotency marker; no ticket was closed)\n"
      "   audit trail: %lld hash-chained records, %s\n",
      puts, notes, static_cast<long long>(report.entries),
      report.ok ? "chain intact" : report.problem.c_str());

  std::printf(
      "\nWhere to look next:\n"
      "  autotriage approvals list --config %s    the priority suggestions waiting\n"
      "  autotriage audit verify --config %s      re-check the audit chain\n"
      "  autotriage audit export --config %s      every step as JSON lines\n"
      "  autotriage backtest --model %s ...       readiness per queue and field\n",
      config_path.c_str(), config_path.c_str(), config_path.c_str(), model_path.c_str());
  if (args.keep_running) {
    std::printf("\nThe engine keeps running: %s/metrics, %s/readyz, sandbox %s/_sandbox/writes\n",
                engine_url.c_str(), engine_url.c_str(), sandbox.base_url().c_str());
    PrintDemoDashboard(**dashboard, *store, engine_url);
    std::printf("Press Ctrl+C to stop.\n");
    std::fflush(stdout);
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
  }
  engine.Stop();
  sandbox.Stop();
  return report.ok ? 0 : 1;
}

}  // namespace

void AddDemoCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Run the end-to-end demo: sandbox helpdesk, training, engine, write-back");
  cmd->footer(
      "Starts a sandbox Freshdesk in this process, trains the group / priority / type heads on\n"
      "its history, runs the engine with group autofill, priority suggest and type monitor,\n"
      "streams new tickets through the sandbox's webhooks and prints every decision. Everything\n"
      "stays on this machine; files go to --out (model, SQLite store, the configuration used).");
  cmd->add_option("--out", args->out, "Folder for the model, store and configuration")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the synthetic data")->capture_default_str();
  cmd->add_option("--count", args->count, "Tickets of history to generate")
      ->capture_default_str()
      ->check(CLI::Range(500, 1000000));
  cmd->add_option("--stream", args->stream, "New tickets to stream through the engine")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--keep-running", args->keep_running,
                "Keep the engine and sandbox running after the walk-through (Ctrl+C stops)");
  cmd->callback([args, exit_code] { *exit_code = RunDemo(*args); });
}

}  // namespace autotriage
