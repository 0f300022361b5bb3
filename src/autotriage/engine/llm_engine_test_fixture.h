// Test fixture for the engine's LLM step: a real in-memory SQLite store, a scripted helpdesk
// holding one ticket with personal data in it, the test bundle, and an LlmAssist talking to the
// scripted chat-completions server (fake sleep, fake breaker clock). Jobs are processed with the
// real JobProcessor, so what is checked is what the engine commits.
// Tests only.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "autotriage/engine/engine_internal.h"
#include "autotriage/engine/engine_test_util.h"
#include "autotriage/engine/llm_assist.h"
#include "autotriage/engine/scripted_helpdesk.h"
#include "autotriage/llm/scripted_server.h"
#include "autotriage/store/audit.h"

namespace autotriage {

class LlmEngineTest : public ::testing::Test {
 protected:
  static constexpr int64_t kVersion = 1700000000;
  static constexpr char kApiKey[] = "sk-test-secret-key";
  static constexpr char kEmail[] = "anna.mueller@example.com";
  static constexpr char kPhone[] = "+49 170 1234567";

  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    StoreConfig store_config;
    store_config.sqlite_path = ":memory:";
    auto store = OpenStore(store_config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    helpdesk_ = std::make_shared<testing::ScriptedHelpdesk>();
    helpdesk_->schema = testing::SynthFieldSchema();
    config_.engine.max_attempts = 2;
    config_.llm.enabled = true;
    config_.llm.model = "scripted-model";
    config_.llm.base_url = server_.BaseUrl();
    config_.llm.api_key = kApiKey;
    config_.llm.max_retries = 0;
    config_.llm.timeout_ms = 5000;
    config_.llm.max_turns = 4;
    SetCells(AutonomyMode::kAutofill, AutonomyMode::kAutofill);
  }

  void SetCells(AutonomyMode group, AutonomyMode priority) {
    config_.policy.cells = {{"*", "group", group, std::nullopt, std::nullopt},
                            {"*", "priority", priority, std::nullopt, std::nullopt},
                            {"*", "type", AutonomyMode::kOff, std::nullopt, std::nullopt}};
  }

  // Builds the context and the LlmAssist from config_, then picks a synthetic ticket (with the
  // requester's name, e-mail and phone in its text) whose group the local model decides and
  // whose priority it abstains on.
  void Build() {
    context_ = testing::MakeTestContext(store_, helpdesk_, config_);
    ChatClientOptions client;
    client.base_url = config_.llm.base_url;
    client.api_key = config_.llm.api_key;
    client.model = config_.llm.model;
    client.timeout_ms = config_.llm.timeout_ms;
    client.max_retries = config_.llm.max_retries;
    HttpClientOptions http = ChatHttpOptions(client);
    http.jitter_seed = 1;
    http.sleep = [](std::chrono::milliseconds) {};
    TokenBudgetOptions budget;
    budget.tokens_per_ticket = config_.llm.tokens_per_ticket;
    budget.tokens_per_day = config_.llm.tokens_per_day;
    LlmAssistOptions options;
    options.llm = config_.llm;
    auto clock = clock_ms_;
    options.now_ms = [clock] { return clock->load(); };
    std::shared_ptr<ChatClient> chat = NewChatClient(client, NewCurlHttpClient(http));
    assist_ = std::make_shared<LlmAssist>(options, chat, std::make_shared<TokenBudget>(budget));
    context_->llm = assist_;
    for (const FieldSchema& f : helpdesk_->schema) {
      schema_[f.name] = f.choices;
    }
    for (const SynthTicket& synth : testing::FreshTickets(300, 4242)) {
      Ticket ticket = MakeTicket(synth, "7");
      const std::shared_ptr<const Policy> policy = context_->policy->current();
      TriageInput input;
      input.ticket = &ticket;
      input.policy = policy.get();
      input.schema = &schema_;
      const TriageResult result = context_->triage->Run(input);
      const DecisionRecord* group = Find(result.commit.decisions, "group");
      const DecisionRecord* priority = Find(result.commit.decisions, "priority");
      if (group != nullptr &&
          (group->outcome == outcome::kAutofill || group->outcome == outcome::kKillSwitch) &&
          priority != nullptr &&
          (priority->outcome == outcome::kAbstain ||
           priority->reason.rfind("monitor only; would stop at abstain", 0) == 0)) {
        synth_ = synth;
        helpdesk_->ticket = ticket;
        return;
      }
    }
    FAIL() << "no synthetic ticket with a decided group and an abstained priority";
  }

  static Ticket MakeTicket(const SynthTicket& synth, const std::string& id) {
    Ticket ticket;
    ticket.id = id;
    ticket.subject = synth.subject;
    ticket.description_html = synth.body_html + "<p>Regards, Anna M\xC3\xBCller, " +
                              std::string(kEmail) + ", phone " + kPhone + "</p>";
    ticket.requester_name = "Anna M\xC3\xBCller";
    ticket.requester_email = kEmail;
    ticket.updated_at = kVersion;
    return ticket;
  }

  // Processes one job for the helpdesk's current ticket under `id` (a fresh ticket each time).
  WorkOutcome Deliver(const std::string& id = "7") {
    helpdesk_->ticket.id = id;
    InboxEvent event;
    event.source = "cli";
    event.ticket_id = id;
    event.version = std::to_string(kVersion);
    event.trace_id = "trace-" + id;
    EXPECT_TRUE(store_->Enqueue({event}).ok());
    auto jobs = store_->ClaimJobs("test", 1, 60000, NowMs() + 3600 * 1000);
    if (!jobs.ok() || jobs->empty()) {
      ADD_FAILURE() << "no job to claim";
      return WorkOutcome::kLost;
    }
    JobProcessor processor(context_.get());
    return processor.Process((*jobs)[0]);
  }

  static const DecisionRecord* Find(const std::vector<DecisionRecord>& decisions,
                                    const std::string& field) {
    for (const DecisionRecord& d : decisions) {
      if (d.field == field) {
        return &d;
      }
    }
    return nullptr;
  }

  DecisionRecord Decision(const std::string& field, const std::string& id = "7") {
    auto decisions = store_->DecisionsForTicket(id);
    EXPECT_TRUE(decisions.ok());
    const DecisionRecord* d = decisions.ok() ? Find(*decisions, field) : nullptr;
    EXPECT_NE(d, nullptr) << field;
    return d != nullptr ? *d : DecisionRecord{};
  }

  std::vector<AuditEntry> Audit(const std::string& kind, const std::string& id = "") {
    auto entries = store_->ReadAudit(0, 100000);
    EXPECT_TRUE(entries.ok());
    std::vector<AuditEntry> out;
    for (const AuditEntry& e : *entries) {
      if (e.kind == kind && (id.empty() || e.ticket_id == id)) {
        out.push_back(e);
      }
    }
    return out;
  }

  static nlohmann::json Detail(const AuditEntry& entry) {
    return nlohmann::json::parse(entry.detail);
  }

  AuditVerifyReport VerifyChain() {
    AuditVerifier verifier;
    auto entries = store_->ReadAudit(0, 100000);
    EXPECT_TRUE(entries.ok());
    for (const AuditEntry& e : *entries) {
      verifier.Add(e);
    }
    return verifier.Finish();
  }

  nlohmann::json Advice(const std::string& id = "7") {
    auto advice = store_->LatestAdvice(id);
    EXPECT_TRUE(advice.ok());
    if (!advice.ok() || !advice->has_value()) {
      ADD_FAILURE() << "no advice stored for ticket " << id;
      return nlohmann::json::object();
    }
    return nlohmann::json::parse((*advice)->advice_json);
  }

  // A priority value other than the ticket's current one.
  std::string PriorityLabel() const { return schema_.at("priority").front(); }

  static std::string SetLabel(const std::string& label, double confidence,
                              const std::string& reason) {
    return nlohmann::json{{"label", label}, {"confidence", confidence}, {"reason", reason}}.dump();
  }

  // No request body carried the requester's name, e-mail address or phone number.
  void ExpectNoPersonalDataSent() {
    EXPECT_FALSE(server_.AnyRequestContains(kEmail));
    EXPECT_FALSE(server_.AnyRequestContains("1234567"));
    EXPECT_FALSE(server_.AnyRequestContains("M\xC3\xBCller"));
    EXPECT_FALSE(server_.AnyRequestContains("M\\u00fcller"));
    EXPECT_FALSE(server_.AnyRequestContains("Anna"));
  }

  ScriptedChatServer server_;
  Config config_;
  std::shared_ptr<Store> store_;
  std::shared_ptr<testing::ScriptedHelpdesk> helpdesk_;
  std::unique_ptr<EngineContext> context_;
  std::shared_ptr<LlmAssist> assist_;
  std::shared_ptr<std::atomic<int64_t>> clock_ms_ =
      std::make_shared<std::atomic<int64_t>>(1700000000000);
  LiveSchema schema_;
  SynthTicket synth_;
};

}  // namespace autotriage
