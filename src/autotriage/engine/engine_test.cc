// The Engine end to end: an in-process sandbox Freshdesk (real HTTP on loopback, webhooks to the
// engine), a real SQLite store in a per-test folder, a bundle trained on synthetic tickets, and
// the policy matrix group autofill / priority suggest / type monitor.
// Waiting is Engine::WaitIdle (a wait on the engine's own state), never a sleep.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "autotriage/connectors/factory.h"
#include "autotriage/engine/engine.h"
#include "autotriage/engine/engine_test_util.h"
#include "autotriage/engine/triage.h"
#include "autotriage/sandbox/sandbox.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr char kSecret[] = "s3cret-for-tests";
constexpr int64_t kSettleMs = 60000;

std::string TempDirForTest() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    c = c == '/' ? '_' : c;
  }
  auto path = std::filesystem::temp_directory_path() /
              ("autotriage-engine-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path.string();
}

Config MixedConfig() {
  Config config;
  config.server.listen_address = "127.0.0.1";
  config.server.port = 0;
  config.server.webhook_secret = kSecret;
  config.engine.workers = 2;
  config.engine.dispatchers = 1;
  config.engine.retry_backoff_ms = 20;
  config.log.level = LogLevel::kWarn;
  config.policy.cells = {{"*", "group", AutonomyMode::kAutofill, std::nullopt, std::nullopt},
                         {"*", "priority", AutonomyMode::kSuggest, std::nullopt, std::nullopt},
                         {"*", "type", AutonomyMode::kMonitor, std::nullopt, std::nullopt}};
  return config;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDirForTest();
    clock_->store(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
    SandboxOptions options;
    options.kind = "freshdesk";
    options.tickets = 40;
    options.seed = 5;
    auto clock = clock_;
    options.clock_ms = [clock] { return clock->load(); };
    options.log = [](const std::string&) {};
    auto sandbox = SandboxServer::Start(options);
    ASSERT_TRUE(sandbox.ok()) << sandbox.status().ToString();
    sandbox_ = std::move(sandbox).value();
    StoreConfig store_config;
    store_config.sqlite_path = dir_ + "/engine.db";
    auto store = OpenStore(store_config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  void TearDown() override {
    // Keep-alive connections hold a server thread until they idle out (5 s in cpp-httplib), so
    // each side drops its client connections before the other side's server stops: the
    // sandbox's webhook client first, then the engine (and with it its helpdesk connections).
    sandbox_->SetWebhookUrl("");
    engine_.reset();
    sandbox_->Stop();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Engine> MakeEngine(const Config& config, const std::string& helpdesk_url = "",
                                     KnowledgeLoadReport* knowledge = nullptr) {
    HelpdeskSettings settings;
    settings.kind = "freshdesk";
    settings.url = helpdesk_url.empty() ? sandbox_->base_url() : helpdesk_url;
    settings.api_key = "sandbox-key";
    settings.max_retries = helpdesk_url.empty() ? 2 : 0;
    settings.connect_timeout_ms = 1000;
    auto helpdesk = NewHelpdesk(settings);
    EXPECT_TRUE(helpdesk.ok()) << helpdesk.status().ToString();
    EngineDeps deps;
    deps.config = config;
    deps.store = store_;
    deps.helpdesk = std::shared_ptr<Helpdesk>(std::move(helpdesk).value());
    deps.bundle = testing::TestBundle();
    deps.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    if (knowledge != nullptr) {  // loaded before start, as `autotriage demo` does
      deps.knowledge = std::make_shared<KnowledgeLoader>(config, deps.helpdesk);
      deps.advisor = std::make_shared<Advisor>(
          deps.knowledge->Load(clock_->load() / 1000, /*sync_kb=*/true, knowledge));
      deps.knowledge_loaded = true;
    }
    auto engine = Engine::Create(std::move(deps));
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    return std::move(engine).value();
  }

  void StartEngine(const Config& config, KnowledgeLoadReport* knowledge = nullptr) {
    engine_ = MakeEngine(config, "", knowledge);
    ASSERT_TRUE(engine_->Start().ok());
    webhook_base_ = sandbox_->webhook_stats().queued;
    sandbox_->SetWebhookUrl(url("/hooks/freshdesk?secret=") + kSecret);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(engine_->port()) + path;
  }

  // Waits until every webhook the sandbox has sent so far reached the engine and everything
  // they caused (including the webhooks of the engine's own writes) is processed.
  void Settle() {
    for (int round = 0; round < 100; ++round) {
      const int64_t queued = sandbox_->webhook_stats().queued - webhook_base_;
      ASSERT_TRUE(engine_->WaitIdle(kSettleMs, queued))
          << "engine not idle; events " << engine_->counters().events_received << " of " << queued;
      if (sandbox_->webhook_stats().queued - webhook_base_ == queued) {
        return;
      }
    }
    FAIL() << "webhooks kept coming";
  }

  std::vector<int64_t> CreateTickets(int count, uint64_t seed = 99,
                                     std::vector<std::string> tags = {}) {
    std::vector<int64_t> ids;
    for (const SynthTicket& t : testing::FreshTickets(count, seed)) {
      SandboxNewTicket ticket{t.subject, t.body_html, t.requester_email, t.requester_name, tags};
      auto id = sandbox_->CreateTicket(ticket);
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      ids.push_back(id.ok() ? *id : 0);
    }
    return ids;
  }

  // Recorded API writes per ticket id: (PUTs, note POSTs).
  std::map<int64_t, std::pair<int, int>> WritesPerTicket() {
    std::map<int64_t, std::pair<int, int>> out;
    for (const RecordedWrite& w : sandbox_->writes()) {
      const std::string prefix = "/api/v2/tickets/";
      if (w.path.rfind(prefix, 0) != 0) {
        continue;
      }
      const int64_t id = std::stoll(w.path.substr(prefix.size()));
      if (w.method == "PUT") {
        ++out[id].first;
      } else if (w.path.find("/notes") != std::string::npos) {
        ++out[id].second;
      }
    }
    return out;
  }

  std::vector<DecisionRecord> Decisions(int64_t ticket) {
    auto decisions = store_->DecisionsForTicket(std::to_string(ticket));
    EXPECT_TRUE(decisions.ok());
    return decisions.ok() ? *decisions : std::vector<DecisionRecord>{};
  }

  const DecisionRecord* Find(const std::vector<DecisionRecord>& decisions,
                             const std::string& field) {
    for (const DecisionRecord& d : decisions) {
      if (d.field == field) {
        return &d;
      }
    }
    return nullptr;
  }

  std::vector<AuditEntry> Audit() {
    std::vector<AuditEntry> all;
    int64_t after = 0;
    while (true) {
      auto page = store_->ReadAudit(after, 500);
      EXPECT_TRUE(page.ok());
      if (!page.ok() || page->empty()) {
        return all;
      }
      after = page->back().seq;
      all.insert(all.end(), page->begin(), page->end());
    }
  }

  std::string dir_;
  std::shared_ptr<std::atomic<int64_t>> clock_ = std::make_shared<std::atomic<int64_t>>(0);
  std::unique_ptr<SandboxServer> sandbox_;
  std::shared_ptr<Store> store_;
  std::unique_ptr<Engine> engine_;
  int64_t webhook_base_ = 0;
};

TEST_F(EngineTest, NewTicketsAreTriagedAndGroupWrittenOnceWithOneNote) {
  StartEngine(MixedConfig());
  const auto start = std::chrono::steady_clock::now();
  const std::vector<int64_t> ids = CreateTickets(60);
  Settle();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto writes = WritesPerTicket();
  int applied = 0;
  int pending = 0;
  for (int64_t id : ids) {
    const auto decisions = Decisions(id);
    ASSERT_EQ(decisions.size(), 3u) << "ticket " << id;
    const DecisionRecord* group = Find(decisions, "group");
    const DecisionRecord* priority = Find(decisions, "priority");
    const DecisionRecord* type = Find(decisions, "type");
    ASSERT_TRUE(group != nullptr && priority != nullptr && type != nullptr);
    EXPECT_EQ(type->mode, "monitor");
    EXPECT_NE(type->outcome, outcome::kApplied);
    EXPECT_NE(priority->outcome, outcome::kApplied);
    pending += priority->outcome == outcome::kPending ? 1 : 0;
    auto it = writes.find(id);
    if (group->outcome == outcome::kApplied) {
      ++applied;
      ASSERT_NE(it, writes.end()) << "ticket " << id;
      EXPECT_EQ(it->second.first, 1) << "one PUT for ticket " << id;
      EXPECT_EQ(it->second.second, 1) << "one note for ticket " << id;
      auto ticket_writes = store_->ListWrites(std::to_string(id));
      ASSERT_TRUE(ticket_writes.ok());
      ASSERT_EQ(ticket_writes->size(), 1u);
      EXPECT_EQ((*ticket_writes)[0].state, WriteState::kApplied);
    } else {
      EXPECT_EQ(it, writes.end()) << "ticket " << id << " was written without autofill";
    }
  }
  EXPECT_GT(applied, 0);
  auto listed = store_->ListDecisions({outcome::kPending, "", 1000, 0});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(static_cast<int>(listed->size()), pending);

  // The note carries the write's marker; no write ever touched status.
  for (const RecordedWrite& w : sandbox_->writes()) {
    Json body = Json::parse(w.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded());
    EXPECT_FALSE(body.contains("status")) << w.path << " " << w.body;
    if (w.path.find("/notes") != std::string::npos) {
      EXPECT_NE(w.body.find("[autotriage:"), std::string::npos);
    }
  }
  const EngineCounters counters = engine_->counters();
  EXPECT_EQ(counters.writes_applied, applied);
  EXPECT_GE(counters.events_received, static_cast<int64_t>(ids.size()));

  httplib::Client client("127.0.0.1", engine_->port());
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("autotriage_writes_total{state=\"applied\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("autotriage_decisions_total"), std::string::npos);
  EXPECT_NE(metrics->body.find("autotriage_inbox_depth 0"), std::string::npos);
  std::printf(
      "e2e: %zu tickets (%d written) in %.2f s = %.0f tickets/s; engine_ms p50 %.3f p99 %.3f\n",
      ids.size(), applied, seconds, ids.size() / seconds, counters.triage_p50_ms,
      counters.triage_p99_ms);
}

// Knowledge and routing ride along with every proposal: the advice (KB articles, similar
// resolved tickets, assignees with reasons, summary, draft note) is stored with the decisions,
// the assignee goes through the policy like any field, and the posted note cites the articles.
TEST_F(EngineTest, ProposalsCarryKnowledgeAndNotesCiteArticles) {
  Config config = MixedConfig();
  config.knowledge.index_path = dir_ + "/kb.db";
  config.knowledge.history_days = 3650;  // the test sandbox's history sits on the 2024 timeline
  config.policy.writable_fields = {"group", "priority", "type", "agent"};
  config.policy.cells.push_back({"*", "agent", AutonomyMode::kSuggest, std::nullopt, std::nullopt});
  KnowledgeLoadReport report;
  StartEngine(config, &report);
  EXPECT_TRUE(report.problems.empty()) << ::testing::PrintToString(report.problems);
  EXPECT_GT(report.kb_documents, 5);
  EXPECT_GT(report.history_tickets, 10);
  EXPECT_GT(report.agents, 2);
  const std::vector<int64_t> ids = CreateTickets(12);
  Settle();

  std::set<std::string> with_articles;
  int with_similar = 0;
  for (int64_t id : ids) {
    auto advice = store_->LatestAdvice(std::to_string(id));
    ASSERT_TRUE(advice.ok()) << advice.status().ToString();
    ASSERT_TRUE(advice->has_value()) << "ticket " << id;
    const Json json = Json::parse((*advice)->advice_json);
    if (!json["articles"].empty()) {
      with_articles.insert(std::to_string(id));
    }
    with_similar += json["similar"].empty() ? 0 : 1;
    ASSERT_FALSE(json["assignees"].empty()) << json.dump();
    EXPECT_FALSE(json["assignees"][0]["reason"].get<std::string>().empty());
    EXPECT_FALSE(json["summary"].get<std::string>().empty());
    EXPECT_NE(json["note_draft"].get<std::string>().find("Suggested assignee"), std::string::npos);
    const DecisionRecord* agent = Find(Decisions(id), "agent");
    ASSERT_NE(agent, nullptr) << "ticket " << id;
    EXPECT_EQ(agent->mode, "suggest");
    EXPECT_NE(agent->outcome, outcome::kApplied);  // suggest never writes by itself
  }
  // Articles below the relevance floor are left out rather than padded in, so a few sandbox
  // tickets with no close article get none; most must get one.
  EXPECT_GE(with_articles.size() * 3, ids.size() * 2);
  EXPECT_GT(with_similar, 0);
  int notes = 0;
  int notes_citing = 0;
  for (const RecordedWrite& w : sandbox_->writes()) {
    if (w.path.find("/notes") != std::string::npos) {
      ++notes;
      const size_t id_end = w.path.find("/notes");
      const size_t id_start = w.path.rfind('/', id_end - 1) + 1;
      const bool cites = w.body.find("data-kb=") != std::string::npos;
      notes_citing += cites ? 1 : 0;
      EXPECT_EQ(cites, with_articles.count(w.path.substr(id_start, id_end - id_start)) == 1)
          << w.path << " " << w.body;
      EXPECT_NE(w.body.find("Suggested assignee"), std::string::npos) << w.body;
    }
  }
  EXPECT_GT(notes, 0);
  EXPECT_GT(notes_citing, 0);
}

// Cron mode over a backlog: events stored in one batch, then RunOnce with four workers and four
// dispatchers. Measures the engine's throughput without the sandbox's one-at-a-time webhooks.
TEST_F(EngineTest, RunOnceDrainsABacklog) {
  const std::vector<int64_t> ids = CreateTickets(200, 31);
  std::vector<InboxEvent> events;
  for (int64_t id : ids) {
    InboxEvent event;
    event.source = "cli";
    event.ticket_id = std::to_string(id);
    event.version = "created";
    event.trace_id = "backlog-" + event.ticket_id;
    events.push_back(event);
  }
  ASSERT_TRUE(store_->Enqueue(events).ok());
  Config config = MixedConfig();
  config.engine.workers = 4;
  config.engine.dispatchers = 4;
  auto cron = MakeEngine(config);
  const auto start = std::chrono::steady_clock::now();
  auto report = cron->RunOnce();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->jobs_done, static_cast<int64_t>(ids.size()));
  EXPECT_EQ(report->jobs_failed, 0);
  EXPECT_EQ(report->writes_failed, 0);
  int autofilled = 0;
  for (int64_t id : ids) {
    const DecisionRecord* group = Find(Decisions(id), "group");
    ASSERT_NE(group, nullptr);
    autofilled += group->outcome == outcome::kApplied ? 1 : 0;
  }
  EXPECT_EQ(report->writes_applied, autofilled);
  for (const auto& [id, counts] : WritesPerTicket()) {
    EXPECT_EQ(counts.first, 1) << "ticket " << id;
    EXPECT_EQ(counts.second, 1) << "ticket " << id;
  }
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->jobs_pending, 0);
  EXPECT_EQ(stats->writes_open, 0);
  const EngineCounters counters = cron->counters();
  std::printf(
      "run once: %zu tickets (%d written) in %.2f s = %.0f tickets/s; engine_ms p50 %.3f p99 "
      "%.3f\n",
      ids.size(), autofilled, seconds, ids.size() / seconds, counters.triage_p50_ms,
      counters.triage_p99_ms);
}

TEST_F(EngineTest, HumanChangeAfterWriteIsRememberedAndNeverReapplied) {
  StartEngine(MixedConfig());
  const std::vector<int64_t> ids = CreateTickets(20);
  Settle();
  int64_t target = 0;
  std::string ours;
  for (int64_t id : ids) {
    const DecisionRecord* group = Find(Decisions(id), "group");
    if (group != nullptr && group->outcome == outcome::kApplied) {
      target = id;
      ours = group->new_value;
      break;
    }
  }
  ASSERT_NE(target, 0) << "no ticket was autofilled";
  std::string other;
  for (const std::string& g : SynthGroups()) {
    if (g != ours) {
      other = g;
      break;
    }
  }
  const int puts_before = WritesPerTicket()[target].first;
  clock_->fetch_add(5000);
  ASSERT_TRUE(sandbox_->SimulateAgentUpdate(target, {{"group", other}, {"priority", "High"}}).ok());
  Settle();
  auto overrides = store_->OverridesForTicket(std::to_string(target));
  ASSERT_TRUE(overrides.ok());
  ASSERT_EQ(overrides->size(), 1u);
  EXPECT_EQ((*overrides)[0].field, "group");
  EXPECT_EQ((*overrides)[0].rejected_value, ours);
  EXPECT_EQ((*overrides)[0].human_value, other);

  // More activity on the ticket: no second override, no new write.
  clock_->fetch_add(5000);
  ASSERT_TRUE(sandbox_->SimulateAgentUpdate(target, {{"priority", "Urgent"}}).ok());
  Settle();
  overrides = store_->OverridesForTicket(std::to_string(target));
  ASSERT_TRUE(overrides.ok());
  EXPECT_EQ(overrides->size(), 1u);
  EXPECT_EQ(WritesPerTicket()[target].first, puts_before);
  int override_entries = 0;
  for (const AuditEntry& e : Audit()) {
    override_entries += e.kind == "override" && e.ticket_id == std::to_string(target) ? 1 : 0;
  }
  EXPECT_EQ(override_entries, 1);
}

TEST_F(EngineTest, TicketChangedBetweenPredictionAndWriteIsSuperseded) {
  Config triage_only = MixedConfig();
  triage_only.engine.dispatchers = 0;  // this node triages; the write waits
  StartEngine(triage_only);
  const std::vector<int64_t> ids = CreateTickets(20);
  Settle();
  engine_->Stop();
  sandbox_->SetWebhookUrl("");
  std::vector<int64_t> planned;
  for (int64_t id : ids) {
    const DecisionRecord* group = Find(Decisions(id), "group");
    if (group != nullptr && group->outcome == outcome::kAutofill) {
      planned.push_back(id);
    }
  }
  ASSERT_GE(planned.size(), 2u);
  // A human touches the first ticket a few seconds later; the others stay as predicted.
  clock_->fetch_add(3000);
  ASSERT_TRUE(sandbox_->SimulateAgentUpdate(planned[0], {{"priority", "Urgent"}}).ok());

  auto cron = MakeEngine(MixedConfig());
  auto report = cron->RunOnce();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->writes_superseded, 1);
  EXPECT_EQ(report->writes_applied, static_cast<int64_t>(planned.size()) - 1);
  const auto writes = WritesPerTicket();
  EXPECT_EQ(writes.count(planned[0]), 0u) << "nothing written to the changed ticket";
  EXPECT_EQ(writes.at(planned[1]).first, 1);
  auto changed = store_->ListWrites(std::to_string(planned[0]));
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ((*changed)[0].state, WriteState::kSuperseded);
  EXPECT_EQ(Find(Decisions(planned[0]), "group")->outcome, outcome::kSuperseded);
}

TEST_F(EngineTest, RedeliveredWebhookIsOneJob) {
  Config config = MixedConfig();
  config.policy.kill_switch = true;  // only the intake matters here
  StartEngine(config);
  sandbox_->SetWebhookUrl("");
  const std::vector<int64_t> ids = CreateTickets(1);
  const std::string body = Json{{"freshdesk_webhook",
                                 {{"ticket_id", std::to_string(ids[0])},
                                  {"triggered_event", "{ticket_action:created}"},
                                  {"ticket_subject", "printer jammed"},
                                  {"ticket_status", "Open"}}}}
                               .dump();
  httplib::Client client("127.0.0.1", engine_->port());
  httplib::Headers headers = {{"X-Autotriage-Secret", kSecret}};
  auto first = client.Post("/hooks/freshdesk", headers, body, "application/json");
  auto second = client.Post("/hooks/freshdesk", headers, body, "application/json");
  ASSERT_TRUE(first && second);
  ASSERT_EQ(first->status, 202) << first->body;
  ASSERT_EQ(second->status, 202) << second->body;
  const Json a = Json::parse(first->body);
  const Json b = Json::parse(second->body);
  EXPECT_EQ(a["job_id"], b["job_id"]);
  EXPECT_EQ(b["duplicate"], true);
  auto wrong =
      client.Post("/hooks/freshdesk", {{"X-Autotriage-Secret", "nope"}}, body, "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  ASSERT_TRUE(engine_->WaitIdle(kSettleMs, 2));
  auto job = store_->GetJob(a["job_id"].get<int64_t>());
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->events, 2);
  EXPECT_EQ(job->state, JobState::kDone);
  EXPECT_EQ(Decisions(ids[0]).size(), 3u) << "triaged once";
}

TEST_F(EngineTest, KillSwitchWritesNothing) {
  Config config = MixedConfig();
  config.policy.kill_switch = true;
  StartEngine(config);
  const std::vector<int64_t> ids = CreateTickets(15);
  Settle();
  EXPECT_TRUE(sandbox_->writes().empty());
  int stopped = 0;
  for (int64_t id : ids) {
    const DecisionRecord* group = Find(Decisions(id), "group");
    ASSERT_NE(group, nullptr);
    EXPECT_NE(group->outcome, outcome::kApplied);
    stopped += group->outcome == outcome::kKillSwitch ? 1 : 0;
  }
  EXPECT_GT(stopped, 0);
}

TEST_F(EngineTest, SkipRuleSkipsTicket) {
  Config config = MixedConfig();
  config.policy.skip_tags = {"vip"};
  StartEngine(config);
  const std::vector<int64_t> ids = CreateTickets(3, 99, {"vip"});
  Settle();
  EXPECT_TRUE(sandbox_->writes().empty());
  std::set<std::string> skipped;
  for (const AuditEntry& e : Audit()) {
    if (e.kind == "skipped") {
      skipped.insert(e.ticket_id);
    }
  }
  for (int64_t id : ids) {
    EXPECT_TRUE(Decisions(id).empty());
    EXPECT_EQ(skipped.count(std::to_string(id)), 1u);
  }
}

TEST_F(EngineTest, HealthReadinessAndIntakeOnly) {
  Config config = MixedConfig();
  config.engine.workers = 0;  // intake only: events are stored, nothing is processed
  StartEngine(config);
  httplib::Client client("127.0.0.1", engine_->port());
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Json::parse(health->body)["status"], "ok");
  CreateTickets(2);
  // WaitIdle cannot succeed without workers; it returns false at its deadline once the events
  // are in, which is also how this test knows both webhooks were stored.
  EXPECT_FALSE(engine_->WaitIdle(300, 2));
  EXPECT_EQ(engine_->counters().events_received, 2);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->jobs_pending, 2);
  EXPECT_EQ(stats->decisions, 0);
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  EXPECT_TRUE(engine_->ready());
}

TEST_F(EngineTest, NotReadyWhileTheHelpdeskIsUnreachable) {
  Config config = MixedConfig();
  config.engine.workers = 0;
  engine_ = MakeEngine(config, "http://127.0.0.1:1");
  ASSERT_TRUE(engine_->Start().ok());
  EXPECT_FALSE(engine_->ready());
  httplib::Client client("127.0.0.1", engine_->port());
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_NE(ready->body.find("helpdesk"), std::string::npos) << ready->body;
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace autotriage
