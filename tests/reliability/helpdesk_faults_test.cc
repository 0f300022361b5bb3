// Reliability (label `reliability`): the engine against a sandbox Freshdesk that answers 20% of
// requests with 5xx, throttles with 429 bursts, drops connections after applying writes and
// answers some requests only after the client's timeout. Every ticket must still be triaged,
// and no ticket may get a second field update or a second note.
#include <gtest/gtest.h>

#include <fstream>

#include "autotriage/config/loader.h"
#include "autotriage/connectors/factory.h"
#include "autotriage/engine/engine.h"
#include "autotriage/sandbox/sandbox.h"
#include "autotriage/store/store.h"
#include "autotriage/synth/generator.h"
#include "tests/reliability/reliability_util.h"

namespace autotriage::testing {
namespace {

constexpr int kTickets = 200;

TEST(HelpdeskFaultsTest, EveryTicketIsTriagedOnceDespite5xx429DropsAndTimeouts) {
  TempFolder dir("autotriage_faults_");
  ASSERT_TRUE(TrainSmallBundle(dir.File("model.atm"), 1500, 4));
  SandboxOptions sandbox_options;
  sandbox_options.tickets = 30;
  sandbox_options.seed = 6;
  sandbox_options.fail_rate = 0.20;
  sandbox_options.throttle_rate = 0.02;  // each 429 holds every request to the host for 1 s
  sandbox_options.drop_rate = 0.03;
  sandbox_options.slow_rate = 0.02;
  sandbox_options.slow_ms = 1500;  // above the client's 1 s timeout: it gives up, the write lands
  sandbox_options.fault_seed = 11;
  Result<std::unique_ptr<SandboxServer>> sandbox = SandboxServer::Start(sandbox_options);
  ASSERT_TRUE(sandbox.ok()) << sandbox.status().ToString();

  std::string yaml = EngineConfigYaml((*sandbox)->base_url(), sandbox_options.api_key,
                                      dir.File("engine.db"), dir.File("model.atm"));
  Result<Config> config = LoadConfigString(
      yaml + "", "faults.yaml", [](const std::string&) { return std::optional<std::string>(); });
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  config->helpdesk.request_timeout_ms = 1000;
  config->helpdesk.max_retries = 3;
  // Retry-After and back-off waits are spent in the calling thread; more threads keep the run
  // short.
  config->engine.workers = 8;
  config->engine.dispatchers = 8;

  HelpdeskSettings settings;
  settings.kind = "freshdesk";
  settings.url = (*sandbox)->base_url();
  settings.api_key = sandbox_options.api_key;
  settings.request_timeout_ms = config->helpdesk.request_timeout_ms;
  settings.max_retries = config->helpdesk.max_retries;
  Result<std::unique_ptr<Helpdesk>> helpdesk = NewHelpdesk(settings);
  ASSERT_TRUE(helpdesk.ok()) << helpdesk.status().ToString();
  StoreConfig store_config;
  store_config.sqlite_path = dir.File("engine.db");
  Result<std::unique_ptr<Store>> store = OpenStore(store_config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Result<ModelBundle> bundle = ModelBundle::Load(dir.File("model.atm"));
  ASSERT_TRUE(bundle.ok());

  std::shared_ptr<Store> shared_store = std::move(*store);
  EngineDeps deps;
  deps.config = *config;
  deps.store = shared_store;
  deps.helpdesk = std::move(*helpdesk);
  deps.bundle = std::make_shared<const ModelBundle>(std::move(*bundle));
  deps.log = [](const std::string&) {};  // faults are expected; the assertions below judge
  Result<std::unique_ptr<Engine>> engine = Engine::Create(std::move(deps));
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  ASSERT_TRUE((*engine)->Start().ok());
  (*sandbox)->SetWebhookUrl("http://127.0.0.1:" + std::to_string((*engine)->port()) +
                            "/hooks/freshdesk");

  SynthOptions synth;
  synth.seed = 99;
  synth.count = kTickets;
  std::vector<int64_t> ids;
  for (const SynthTicket& t : GenerateTickets(synth)) {
    Result<int64_t> id = (*sandbox)->CreateTicket(
        {t.subject, t.body_html, t.requester_email, t.requester_name, t.tags});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  // Webhooks are sent in the background; wait until each reached the engine, then until the
  // engine has nothing left to do.
  ASSERT_TRUE(WaitFor([&] { return (*sandbox)->webhook_stats().delivered >= kTickets; }, 60000));
  ASSERT_TRUE((*engine)->WaitIdle(300000)) << "the engine did not finish under faults";
  (*engine)->Stop();

  Result<StoreStats> stats = shared_store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->jobs_failed, 0);
  // One job per ticket creation, plus the jobs for the update and note events that the engine's
  // own writes make the helpdesk send (those only check the ticket and write nothing).
  EXPECT_GE(stats->jobs_done, kTickets);
  const std::map<std::string, TicketWrites> writes = CountAppliedWrites((*sandbox)->writes());
  int applied = 0;
  for (int64_t id : ids) {
    const std::string ticket = std::to_string(id);
    Result<std::vector<DecisionRecord>> decisions = shared_store->DecisionsForTicket(ticket);
    ASSERT_TRUE(decisions.ok());
    ASSERT_FALSE(decisions->empty()) << "ticket " << ticket << " was never triaged";
    bool autofilled = false;
    for (const DecisionRecord& d : *decisions) {
      autofilled = autofilled || d.outcome == "applied";
      EXPECT_NE(d.outcome, "autofill") << "ticket " << ticket << ": write never finished";
      EXPECT_NE(d.outcome, "failed") << "ticket " << ticket;
    }
    auto found = writes.find(ticket);
    const TicketWrites w = found == writes.end() ? TicketWrites{} : found->second;
    EXPECT_LE(w.updates, 1) << "ticket " << ticket;
    EXPECT_LE(w.notes, 1) << "ticket " << ticket;
    EXPECT_EQ(w.status_changes, 0) << "ticket " << ticket;
    if (autofilled) {
      EXPECT_EQ(w.updates, 1) << "ticket " << ticket;
      EXPECT_EQ(w.notes, 1) << "ticket " << ticket;
      ++applied;
    }
  }
  EXPECT_GT(applied, kTickets / 2);
  const MetricsRegistry& metrics = (*engine)->metrics();
  EXPECT_NE(metrics.RenderText().find("autotriage_helpdesk_errors_total"), std::string::npos);
}

}  // namespace
}  // namespace autotriage::testing
