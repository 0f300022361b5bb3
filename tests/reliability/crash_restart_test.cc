// Reliability (label `reliability`): the engine is killed with SIGKILL again and again while
// 10,000 webhook events arrive and are processed, and restarted each time. Every event must be
// processed and no ticket may get a second field update or a second note.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>

#include "autotriage/sandbox/sandbox.h"
#include "autotriage/store/audit.h"
#include "autotriage/store/store.h"
#include "autotriage/synth/generator.h"
#include "tests/reliability/reliability_util.h"

namespace autotriage::testing {
namespace {

constexpr int kTickets = 5000;  // new tickets in the helpdesk
constexpr int kDeliveries = 2;  // each webhook is delivered twice (Freshdesk retries)
constexpr int kEvents = kTickets * kDeliveries;
constexpr int64_t kDrainTimeoutMs = 240000;

// Posts one event to the engine's current port, retrying (as a helpdesk does) until the
// engine answers 202; `restart` is called when the engine is gone.
bool Deliver(EngineProcess& engine, std::unique_ptr<httplib::Client>& client, int& client_port,
             const std::string& body) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (!client || client_port != engine.port()) {
      client = std::make_unique<httplib::Client>("127.0.0.1", engine.port());
      client->set_keep_alive(true);
      client->set_tcp_nodelay(true);  // else Nagle holds the body back ~40 ms per event
      client_port = engine.port();
    }
    auto response = client->Post("/hooks/freshdesk", body, "application/json");
    if (response && response->status == 202) {
      return true;
    }
    if (response) {
      ADD_FAILURE() << "engine answered " << response->status << ": " << response->body;
      return false;
    }
    client.reset();  // connection refused or reset: the engine was killed; a new one follows
    if (!engine.running() && !engine.Start()) {
      return false;
    }
  }
  return false;
}

TEST(CrashRestartTest, SigkillDuringTenThousandEventsLosesNothingAndDuplicatesNothing) {
  TempFolder dir("autotriage_crash_");
  SandboxOptions sandbox_options;
  sandbox_options.tickets = 40;
  sandbox_options.seed = 5;
  Result<std::unique_ptr<SandboxServer>> sandbox = SandboxServer::Start(sandbox_options);
  ASSERT_TRUE(sandbox.ok()) << sandbox.status().ToString();
  SynthOptions synth;
  synth.seed = 77;
  synth.count = kTickets;
  std::vector<int64_t> ids;
  std::vector<std::string> subjects;
  for (const SynthTicket& t : GenerateTickets(synth)) {
    Result<int64_t> id = (*sandbox)->CreateTicket(
        {t.subject, t.body_html, t.requester_email, t.requester_name, t.tags});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
    subjects.push_back(t.subject);
  }
  ASSERT_TRUE(TrainSmallBundle(dir.File("model.atm"), 1500, 3));
  const std::string config = dir.File("engine.yaml");
  std::ofstream(config) << EngineConfigYaml((*sandbox)->base_url(), sandbox_options.api_key,
                                            dir.File("engine.db"), dir.File("model.atm"));

  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  EngineProcess engine(config);
  ASSERT_TRUE(engine.Start());
  // Kill points, in acknowledged events; the last kill hits the engine while it still works
  // through the backlog after the last event.
  const std::set<int> kill_after = {1100, 2900, 4700, 6600, 8300, kEvents};
  std::unique_ptr<httplib::Client> client;
  int client_port = 0;
  int kills = 0;
  for (int event = 0; event < kEvents; ++event) {
    const size_t t = static_cast<size_t>(event / kDeliveries);
    ASSERT_TRUE(Deliver(engine, client, client_port, FreshdeskWebhookBody(ids[t], subjects[t])))
        << "event " << event;
    if (kill_after.count(event + 1) > 0) {
      engine.Kill();
      ++kills;
      ASSERT_TRUE(engine.Start()) << "restart " << kills;
      std::printf("crash test: kill %d after %d events at %.1f s\n", kills, event + 1, seconds());
    }
  }

  StoreConfig store_config;
  store_config.backend = "sqlite";
  store_config.sqlite_path = dir.File("engine.db");
  Result<std::unique_ptr<Store>> store = OpenStore(store_config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const bool drained = WaitFor(
      [&] {
        Result<StoreStats> stats = (*store)->Stats();
        return stats.ok() && stats->jobs_pending == 0 && stats->jobs_running == 0 &&
               stats->writes_open == 0;
      },
      kDrainTimeoutMs);
  ASSERT_TRUE(drained) << "the engine did not finish the backlog";
  std::printf("crash test: backlog done at %.1f s\n", seconds());
  EXPECT_EQ(engine.Terminate(), 0) << "graceful stop after SIGTERM";

  Result<StoreStats> stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(kills, 6);
  EXPECT_EQ(stats->jobs_done, kTickets) << "one job per ticket version; re-deliveries collapse";
  EXPECT_EQ(stats->jobs_failed, 0);

  const std::map<std::string, TicketWrites> writes = CountAppliedWrites((*sandbox)->writes());
  int updated = 0;
  for (int64_t id : ids) {
    const std::string ticket = std::to_string(id);
    Result<std::vector<DecisionRecord>> decisions = (*store)->DecisionsForTicket(ticket);
    ASSERT_TRUE(decisions.ok());
    ASSERT_FALSE(decisions->empty()) << "ticket " << ticket << " was never triaged";
    bool autofilled = false;
    for (const DecisionRecord& d : *decisions) {
      autofilled = autofilled || d.outcome == "applied";
      EXPECT_NE(d.outcome, "autofill") << "ticket " << ticket << ": a planned write never landed";
    }
    auto found = writes.find(ticket);
    const TicketWrites w = found == writes.end() ? TicketWrites{} : found->second;
    EXPECT_LE(w.updates, 1) << "ticket " << ticket << " got a second field update";
    EXPECT_LE(w.notes, 1) << "ticket " << ticket << " got a second note";
    EXPECT_EQ(w.status_changes, 0) << "ticket " << ticket;
    if (autofilled) {
      EXPECT_EQ(w.updates, 1) << "ticket " << ticket;
      EXPECT_EQ(w.notes, 1) << "ticket " << ticket;
      ++updated;
    } else {
      EXPECT_EQ(w.updates + w.notes, 0) << "ticket " << ticket << " was written without a decision";
    }
  }
  EXPECT_GT(updated, kTickets / 2) << "group autofill should apply to most tickets";

  AuditVerifier verifier;
  int64_t after = 0;
  while (true) {
    Result<std::vector<AuditEntry>> chunk = (*store)->ReadAudit(after, 10000);
    ASSERT_TRUE(chunk.ok());
    for (const AuditEntry& entry : *chunk) {
      verifier.Add(entry);
      after = entry.seq;
    }
    if (chunk->size() < 10000) {
      break;
    }
  }
  const AuditVerifyReport report = verifier.Finish();
  EXPECT_TRUE(report.ok) << report.problem;
  std::printf("crash test: %d events, %d kills, %lld jobs, %d tickets written once, %lld audit\n",
              kEvents, kills, static_cast<long long>(stats->jobs_done), updated,
              static_cast<long long>(report.entries));
}

}  // namespace
}  // namespace autotriage::testing
