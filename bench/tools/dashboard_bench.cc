// dashboard_bench: the dashboard under a realistic store (bench/run dashboard).
//
// 1. Seeds a temporary SQLite store (WAL, synchronous=FULL, in --dir) with --decisions triage
//    decisions (3 fields per ticket version, spread over 30 days: autofill / applied, monitor,
//    abstentions and pending suggestions), decides --decided of the proposals through the
//    ApprovalService (approved, edited, rejected: the KPI rows) and leaves --approvals pending in
//    the queue "Bench" for step 3 (plus 300 pending elsewhere).
// 2. Serves the dashboard (the real Authenticator, ApprovalService and HttpServer on loopback)
//    and requests every page and the main API reads --requests times each, one at a time on a
//    keep-alive connection, signed in as a viewer. Server time per request comes from the
//    Server-Timing header (the handler's own time); the round trip is measured too.
// 3. Runs --approvers approvers at once (one thread, API token and keep-alive connection each)
//    who all try to approve every pending approval of "Bench", in their own shuffled order.
//    Each approval must be approved exactly once (200) and refused to everyone else (409);
//    anything else is an error. Afterwards every approval must have exactly one planned write
//    and one approval action per decision: more is a double dispatch.
// Prints one JSON object (stdout); progress on stderr.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "autotriage/auth/auth.h"
#include "autotriage/dashboard/dashboard.h"
#include "autotriage/dashboard/testing/seed.h"
#include "autotriage/engine/approvals.h"
#include "autotriage/server/http_server.h"
#include "autotriage/store/store.h"
#include "bench/tools/dashboard_bench_load.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr char kBenchQueue[] = "Bench";
const char* const kQueues[] = {"Service Desk", "Network", "Hardware", "Access", "Mail", "Printing"};

struct Args {
  std::string dir;
  int64_t decisions = 100000;
  int requests = 200;
  int approvers = 50;
  int approvals = 200;
  int decided = 3000;
  int seed_threads = 16;
  uint64_t seed = 42;
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "dashboard_bench: %s\n"
               "usage: dashboard_bench --dir DIR [--decisions 100000] [--requests 200]\n"
               "         [--approvers 50] [--approvals 200] [--decided 3000] [--seed 42]\n",
               problem.c_str());
  std::exit(2);
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      Usage("missing value after " + arg);
    }
    const std::string value = argv[++i];
    char* end = nullptr;
    const long long number = std::strtoll(value.c_str(), &end, 10);
    const bool numeric = end != nullptr && *end == '\0' && number >= 0;
    if (arg == "--dir") {
      args.dir = value;
    } else if (!numeric) {
      Usage(arg + " needs a whole number, got '" + value + "'");
    } else if (arg == "--decisions") {
      args.decisions = number;
    } else if (arg == "--requests") {
      args.requests = static_cast<int>(std::max(1LL, number));
    } else if (arg == "--approvers") {
      args.approvers = static_cast<int>(std::max(1LL, number));
    } else if (arg == "--approvals") {
      args.approvals = static_cast<int>(number);
    } else if (arg == "--decided") {
      args.decided = static_cast<int>(number);
    } else if (arg == "--seed") {
      args.seed = static_cast<uint64_t>(number);
    } else {
      Usage("unknown option " + arg);
    }
  }
  if (args.dir.empty()) {
    Usage("--dir is required");
  }
  return args;
}

void Progress(const std::string& line) {
  std::fprintf(stderr, "dashboard_bench: %s\n", line.c_str());
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A ticket of the history: three decisions whose modes and outcomes vary like a rollout's.
SeedTicket HistoryTicket(int64_t n, int64_t created_ms, std::mt19937_64& random, bool pending,
                         const std::string& queue) {
  SeedTicket t = ExampleProposal(std::to_string(100000 + n), std::to_string(created_ms / 1000),
                                 queue, created_ms);
  t.subject = "Ticket " + std::to_string(n) + ": " + t.subject;
  t.fields.push_back({"type", "", "Incident", 0.7, {{"down", 0.3}}, "monitor", "recorded"});
  if (pending) {
    return t;  // group and priority wait for approval
  }
  const int roll = static_cast<int>(random() % 100);
  t.fields[0].mode = "autofill";
  t.fields[0].outcome = roll < 75 ? "applied" : roll < 90 ? "abstain" : "superseded";
  t.fields[1].mode = "monitor";
  t.fields[1].outcome = roll % 3 == 0 ? "abstain" : "recorded";
  t.with_advice = roll < 20;  // advice rows for a share of the history
  return t;
}

}  // namespace

int RunDashboardBench(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  std::filesystem::create_directories(args.dir);
  const std::string db_path = args.dir + "/dashboard-bench.db";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(db_path + suffix);
  }
  StoreConfig config;
  config.sqlite_path = db_path;
  Result<std::unique_ptr<Store>> opened = OpenStore(config);
  if (!opened.ok()) {
    Progress(opened.status().ToString());
    return 1;
  }
  Store& store = **opened;
  std::mt19937_64 random(args.seed);
  const int64_t now = NowMs();

  // 1. History, pending proposals elsewhere, and the approvals the approvers race for.
  const auto seed_start = Clock::now();
  const int64_t tickets = std::max<int64_t>(1, args.decisions / 3);
  const int64_t other_pending = std::min<int64_t>(300, tickets / 10);
  // History proposals decided by people (KPI rows); at most what the history has.
  const int64_t decided = std::min<int64_t>(args.decided, tickets - other_pending);
  std::vector<SeedTicket> seeds;
  for (int64_t n = 0; n < tickets; ++n) {
    const int64_t created = now - static_cast<int64_t>(random() % (30 * kDayMs));
    const bool pending = n < other_pending + decided;
    seeds.push_back(HistoryTicket(n, created, random, pending, kQueues[n % 6]));
  }
  for (int i = 0; i < args.approvals; ++i) {
    seeds.push_back(HistoryTicket(tickets + i, now - 60000, random, true, kBenchQueue));
  }
  Progress("seeding " + std::to_string(seeds.size() * 3) + " decisions into " + db_path);
  if (Status seeded = SeedTickets(store, seeds, args.seed_threads); !seeded.ok()) {
    Progress(seeded.ToString());
    return 1;
  }
  PolicyOptions policy;
  policy.writable_fields = {"group", "priority", "type"};
  for (const char* field : {"group", "priority"}) {
    PolicyCell cell;
    cell.queue = "*";
    cell.field = field;
    cell.mode = AutonomyMode::kSuggest;
    policy.cells.push_back(cell);
  }
  PolicyHolder holder(policy);
  ApprovalOptions approval_options;
  approval_options.expire_after_hours = 0;  // history proposals up to 30 days old stay open
  approval_options.escalate_after_minutes = 0;
  std::unique_ptr<ApprovalService> approvals =
      ApprovalService::Create(&store, &holder, approval_options, false, "http://bench");
  std::atomic<int64_t> next_decided{other_pending};
  std::vector<std::thread> deciders;
  for (int t = 0; t < args.seed_threads; ++t) {
    deciders.emplace_back([&] {
      for (int64_t n = next_decided++; n < other_pending + decided; n = next_decided++) {
        const SeedTicket& s = seeds[n];
        if (n % 5 == 0) {
          (void)approvals->Reject({s.ticket_id, s.version, "user:history", "not this one"});
        } else {
          ApproveRequest approve{s.ticket_id, s.version, "user:history", {}, std::nullopt, false};
          if (n % 4 == 0) {
            approve.edits["priority"] = "Urgent";
          }
          (void)approvals->Approve(approve);
        }
      }
    });
  }
  for (std::thread& t : deciders) {
    t.join();
  }
  const double seed_seconds = std::chrono::duration<double>(Clock::now() - seed_start).count();
  Result<StoreStats> stats = store.Stats();
  Progress("seeded in " + std::to_string(seed_seconds) + " s");

  // 2. The server and the page timings.
  std::unique_ptr<Authenticator> auth = Authenticator::Create(&store, AuthOptions{});
  HttpServerOptions server_options;
  server_options.worker_threads = args.approvers + 16;
  std::unique_ptr<HttpServer> server = HttpServer::Create(server_options);
  DashboardDeps deps;
  deps.store = &store;
  deps.auth = auth.get();
  deps.approvals = approvals.get();
  deps.policy = policy;
  deps.models = [] {
    ModelInfo model;
    model.version = "m-bench";
    model.active = true;
    model.fields.push_back({"group", 12, 30000, {{"accuracy", 0.9}}});
    return std::vector<ModelInfo>{model};
  };
  deps.public_url = "http://bench";
  RegisterDashboard(*server, deps);
  if (Status started = server->Start(); !started.ok()) {
    Progress(started.ToString());
    return 1;
  }
  UserRecord viewer;
  viewer.name = "bench-viewer";
  viewer.role = "viewer";
  Result<std::string> viewer_hash = HashPassword("bench viewer password");
  viewer.password_hash = viewer_hash.ok() ? *viewer_hash : "";
  viewer.created_ms = now;
  (void)store.AddUser(viewer, AuditEntry{});
  Result<LoginResult> login = auth->Login("bench-viewer", "bench viewer password", "127.0.0.1");
  if (!login.ok()) {
    Progress("login failed: " + login.status().ToString());
    return 1;
  }
  const std::string cookie = login->set_cookie.substr(0, login->set_cookie.find(';'));
  const SeedTicket& sample =
      seeds[static_cast<size_t>(std::min<int64_t>(other_pending + decided + 1, tickets - 1))];
  const SeedTicket& pending = seeds[0];
  const std::vector<std::string> pages = {"/",
                                          "/approvals/" + pending.ticket_id + "/" + pending.version,
                                          "/tickets/" + sample.ticket_id,
                                          "/matrix",
                                          "/kpis",
                                          "/kpis?days=90",
                                          "/audit",
                                          "/models",
                                          "/api/v1/approvals",
                                          "/api/v1/kpis",
                                          "/api/v1/tickets/" + sample.ticket_id + "/decisions"};
  Json page_json = Json::object();
  double page_p99 = 0;
  double page_p99_roundtrip = 0;
  int page_errors = 0;
  for (const std::string& page : pages) {
    PageStats s = MeasurePage(server->port(), page, cookie, args.requests);
    const double p99 = Percentile(s.server_ms, 0.99);
    const double rt99 = Percentile(s.roundtrip_ms, 0.99);
    page_p99 = std::max(page_p99, p99);
    page_p99_roundtrip = std::max(page_p99_roundtrip, rt99);
    page_errors += s.errors;
    page_json[page] = {{"first_ms", s.first_ms},
                       {"p50_ms", Percentile(s.server_ms, 0.5)},
                       {"p99_ms", p99},
                       {"roundtrip_p99_ms", rt99},
                       {"errors", s.errors}};
    Progress(page + ": first " + std::to_string(s.first_ms) + " ms, p50 " +
             std::to_string(Percentile(s.server_ms, 0.5)) + " ms, p99 " + std::to_string(p99) +
             " ms");
  }

  // 3. Concurrent approvers on the same queue.
  std::vector<std::pair<std::string, std::string>> targets;
  for (int i = 0; i < args.approvals; ++i) {
    const SeedTicket& s = seeds[static_cast<size_t>(tickets + i)];
    targets.emplace_back(s.ticket_id, s.version);
  }
  std::vector<RaceApprover> approvers(static_cast<size_t>(args.approvers));
  for (int a = 0; a < args.approvers; ++a) {
    UserRecord user;
    user.name = "approver" + std::to_string(a);
    user.role = "approver";
    user.created_ms = now;
    (void)store.AddUser(user, AuditEntry{});
    Result<std::string> token = auth->CreateApiToken(user.name, "bench");
    if (!token.ok()) {
      Progress("token: " + token.status().ToString());
      return 1;
    }
    approvers[a].token = *token;
    approvers[a].order = targets;
    std::shuffle(approvers[a].order.begin(), approvers[a].order.end(), random);
  }
  const RaceResult race = RaceApprovers(server->port(), approvers);
  int64_t double_dispatch = 0;
  int64_t undecided = 0;
  for (const auto& key : targets) {
    const int won = race.wins.count(key) ? race.wins.at(key) : 0;
    Result<std::vector<WriteRecord>> writes = store.ListWrites(key.first);
    Result<std::vector<ApprovalActionRecord>> actions = store.ListApprovalActions(key.first, 100);
    const size_t write_count = writes.ok() ? writes->size() : 0;
    const size_t action_count = actions.ok() ? actions->size() : 0;
    if (won > 1 || write_count > 1 || action_count > 2) {
      ++double_dispatch;
    }
    if (won == 0 || write_count == 0) {
      ++undecided;
    }
  }
  server->Stop();

  Json out = {
      {"decisions", stats.ok() ? stats->decisions : 0},
      {"audit_entries", stats.ok() ? stats->audit_entries : 0},
      {"seed_seconds", seed_seconds},
      {"requests_per_page", args.requests},
      {"page_p99_ms", page_p99},
      {"page_p99_roundtrip_ms", page_p99_roundtrip},
      {"page_errors", page_errors},
      {"pages", page_json},
      {"approvers", args.approvers},
      {"approvals", args.approvals},
      {"approve_requests", race.ok + race.conflicts + race.errors},
      {"approved", race.ok},
      {"conflicts_409", race.conflicts},
      {"concurrent_approver_errors", race.errors},
      {"double_dispatch", double_dispatch},
      {"undecided", undecided},
      {"approve_p50_ms", Percentile(race.latencies_ms, 0.5)},
      {"approve_p99_ms", Percentile(race.latencies_ms, 0.99)},
      {"race_seconds", race.seconds},
  };
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace autotriage

int main(int argc, char** argv) {
  return autotriage::RunDashboardBench(argc, argv);
}
