// webhook_intake_server: the webhook intake alone, for the reference rows of bench/run intake
// (the measured row is `autotriage serve` with engine.workers: 0). It isolates what serve adds
// around the same routes and group commit, and what durability costs.
//
// Modes:
//   sqlite   HttpServer + webhook routes + GroupCommitter + the real SQLite store (WAL,
//            synchronous=FULL): each event is on disk before its 202 (reference row).
//   memory   the same routes and group commit over an in-memory store: what intake costs
//            without durability (baseline).
//   trivial  POST /hooks/freshdesk answers 202 at once, nothing parsed or stored: the HTTP
//            server's own ceiling (baseline).
// Prints {"url", "port", "mode"} on stdout once it accepts connections; runs until stdin is
// closed; then prints {"commits", "committed_events", "mean_batch", "jobs", "audit_entries",
// "cpu_seconds"} and exits. The secret comes from AUTOTRIAGE_WEBHOOK_SECRET.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "autotriage/server/fake_store_for_test.h"
#include "autotriage/server/group_committer.h"
#include "autotriage/server/http_server.h"
#include "autotriage/server/metrics.h"
#include "autotriage/server/webhook_intake.h"
#include "autotriage/store/store.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "webhook_intake_server: %s\n"
               "usage: webhook_intake_server --mode sqlite|memory|trivial [--db FILE]\n"
               "         [--port 0] [--workers 64] [--max-batch 256]\n",
               problem.c_str());
  std::exit(2);
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int RunIntakeServer(int argc, char** argv) {
  std::string mode;
  std::string db;
  HttpServerOptions server_options;
  GroupCommitterOptions committer_options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      Usage("missing value for " + arg);
    }
    const std::string value = argv[++i];
    if (arg == "--mode") {
      mode = value;
    } else if (arg == "--db") {
      db = value;
    } else if (arg == "--port") {
      server_options.port = std::atoi(value.c_str());
    } else if (arg == "--workers") {
      server_options.worker_threads = std::atoi(value.c_str());
    } else if (arg == "--max-batch") {
      committer_options.max_batch = std::atoi(value.c_str());
    } else {
      Usage("unknown option " + arg);
    }
  }
  if (mode != "sqlite" && mode != "memory" && mode != "trivial") {
    Usage("--mode must be sqlite, memory or trivial");
  }
  if (mode == "sqlite" && db.empty()) {
    Usage("--mode sqlite needs --db FILE");
  }

  std::unique_ptr<Store> store;
  if (mode == "sqlite") {
    StoreConfig config;
    config.backend = "sqlite";
    config.sqlite_path = db;
    Result<std::unique_ptr<Store>> opened = OpenStore(config);
    if (!opened.ok()) {
      std::fprintf(stderr, "webhook_intake_server: %s\n", opened.status().ToString().c_str());
      return 1;
    }
    store = std::move(opened).value();
  } else if (mode == "memory") {
    auto memory = std::make_unique<FakeStore>();
    memory->KeepEvents(false);
    store = std::move(memory);
  }

  MetricsRegistry metrics;
  std::unique_ptr<HttpServer> server = HttpServer::Create(server_options);
  std::unique_ptr<GroupCommitter> committer;
  committer_options.metrics = &metrics;
  if (store != nullptr) {
    committer = std::make_unique<GroupCommitter>(store.get(), committer_options);
    WebhookIntakeOptions intake;
    intake.kinds = {"freshdesk", "freshservice"};
    if (const char* secret = std::getenv("AUTOTRIAGE_WEBHOOK_SECRET")) {
      intake.secret = secret;
    }
    RegisterWebhookRoutes(*server, intake, *committer, metrics, nullptr);
  } else {
    server->Handle("POST", "/hooks/freshdesk", [](const ServerRequest&) {
      ServerResponse response;
      response.status = 202;
      response.body = R"({"job_id":1,"duplicate":false,"trace_id":"0"})";
      return response;
    });
  }
  const Status started = server->Start();
  if (!started.ok()) {
    std::fprintf(stderr, "webhook_intake_server: %s\n", started.ToString().c_str());
    return 1;
  }
  std::printf("%s\n", Json{{"url", "http://127.0.0.1:" + std::to_string(server->port())},
                           {"port", server->port()},
                           {"mode", mode}}
                          .dump()
                          .c_str());
  std::fflush(stdout);

  // Runs until the benchmark closes our stdin.
  std::string ignored;
  while (std::getline(std::cin, ignored)) {
  }
  server->Stop();
  Json done = {{"cpu_seconds", CpuSeconds()}};
  if (committer != nullptr) {
    committer->Stop();
    done["commits"] = committer->commits();
    done["committed_events"] = committer->committed_events();
    done["mean_batch"] =
        committer->commits() > 0
            ? static_cast<double>(committer->committed_events()) / committer->commits()
            : 0.0;
    Result<StoreStats> stats = store->Stats();
    if (stats.ok()) {
      done["jobs"] = stats->jobs_pending + stats->jobs_running + stats->jobs_done;
      done["audit_entries"] = stats->audit_entries;
    }
    // Registered already; these calls return the existing histograms.
    const Histogram* latency = metrics.AddHistogram("autotriage_intake_latency_seconds", "");
    const Histogram* commit = metrics.AddHistogram("autotriage_inbox_commit_seconds", "");
    done["server_p50_ms"] = latency->Quantile(0.5) * 1000;
    done["server_p99_ms"] = latency->Quantile(0.99) * 1000;
    done["commit_mean_ms"] = commit->count() > 0 ? commit->sum() / commit->count() * 1000 : 0.0;
    done["commit_p99_ms"] = commit->Quantile(0.99) * 1000;
  }
  std::printf("%s\n", done.dump().c_str());
  return 0;
}

}  // namespace autotriage

int main(int argc, char** argv) {
  return autotriage::RunIntakeServer(argc, argv);
}
