// ApprovalService end to end on the engine's own parts: a worker proposes (real in-memory SQLite
// store, the test bundle, a scripted helpdesk), a human approves, edits, rejects or lets it
// expire, and the dispatcher applies (or supersedes) what was approved; and the Engine's part
// (announcing proposals, sweeping, mounting the dashboard's routes).
#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <nlohmann/json.hpp>
#include <optional>

#include "autotriage/engine/approvals_test_util.h"
#include "autotriage/engine/engine.h"
#include "autotriage/engine/note.h"
#include "autotriage/engine/scripted_helpdesk.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr int64_t kVersion = 1700000000;
constexpr int64_t kMinute = 60 * 1000;

const DecisionRecord* Find(const std::vector<DecisionRecord>& decisions, const std::string& field) {
  for (const DecisionRecord& d : decisions) {
    if (d.field == field) {
      return &d;
    }
  }
  return nullptr;
}

bool Is(const TriageResult& result, const std::string& field, const std::string& outcome_name) {
  const DecisionRecord* d = Find(result.commit.decisions, field);
  return d != nullptr && d->outcome == outcome_name;
}

class ApprovalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.engine.max_attempts = 3;
    config_.engine.retry_backoff_ms = 10;
    config_.policy.triaged_when_set = {};  // tickets that have a queue are triaged too
    config_.policy.cells = {{"*", "group", AutonomyMode::kSuggest, std::nullopt, std::nullopt},
                            {"*", "priority", AutonomyMode::kSuggest, std::nullopt, std::nullopt},
                            {"*", "type", AutonomyMode::kMonitor, std::nullopt, std::nullopt}};
    config_.approvals.escalate_after_minutes = 30;
    config_.approvals.expire_after_hours = 2;
  }

  void Start() {
    StoreConfig store_config;
    store_config.sqlite_path = ":memory:";
    auto store = OpenStore(store_config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    helpdesk_ = std::make_shared<testing::ScriptedHelpdesk>();
    helpdesk_->schema = testing::SynthFieldSchema();
    harness_ =
        std::make_unique<testing::ApprovalHarness>(std::move(store).value(), helpdesk_, config_);
  }

  // The first fresh synthetic ticket (skipping `skip` matches) that, as ticket `id` with
  // `fields` preset, gets what `wanted` asks from the current policy.
  Ticket FindTicket(const std::string& id, const std::map<std::string, std::string>& fields,
                    const std::function<bool(const TriageResult&)>& wanted, int skip = 0) {
    LiveSchema schema;
    for (const FieldSchema& f : helpdesk_->schema) {
      schema[f.name] = f.choices;
    }
    const std::shared_ptr<const Policy> policy = harness_->context().policy->current();
    for (const SynthTicket& synth : testing::FreshTickets(400, 4242)) {
      Ticket ticket;
      ticket.id = id;
      ticket.subject = synth.subject;
      ticket.description_html = synth.body_html;
      ticket.updated_at = kVersion;
      ticket.fields = fields;
      TriageInput input;
      input.ticket = &ticket;
      input.policy = policy.get();
      input.schema = &schema;
      if (wanted(harness_->context().triage->Run(input)) && skip-- == 0) {
        return ticket;
      }
    }
    ADD_FAILURE() << "no synthetic ticket matches";
    return Ticket{};
  }

  // Puts `ticket` into the helpdesk and lets a worker triage it.
  void Propose(const Ticket& ticket) {
    {
      std::lock_guard<std::mutex> lock(helpdesk_->mutex);
      helpdesk_->ticket = ticket;
    }
    ASSERT_EQ(harness_->Deliver(ticket.id, std::to_string(ticket.updated_at)), WorkOutcome::kDone);
  }

  // A ticket with pending group and priority, proposed.
  Ticket ProposeGroupAndPriority() {
    Ticket ticket = FindTicket("7", {}, [](const TriageResult& r) {
      return Is(r, "group", outcome::kPending) && Is(r, "priority", outcome::kPending);
    });
    Propose(ticket);
    return ticket;
  }

  std::vector<WriteRecord> Writes(const std::string& ticket_id) {
    auto writes = harness_->store().ListWrites(ticket_id);
    EXPECT_TRUE(writes.ok());
    return writes.ok() ? *writes : std::vector<WriteRecord>{};
  }

  std::vector<AuditEntry> Audit(const std::string& kind) {
    auto entries = harness_->store().ReadAudit(0, 100000);
    EXPECT_TRUE(entries.ok());
    std::vector<AuditEntry> out;
    for (const AuditEntry& e : *entries) {
      if (e.kind == kind) {
        out.push_back(e);
      }
    }
    return out;
  }

  ApproveRequest ApproveAs(const Ticket& ticket, const std::string& actor) {
    ApproveRequest request;
    request.ticket_id = ticket.id;
    request.ticket_version = std::to_string(ticket.updated_at);
    request.actor = actor;
    return request;
  }

  Config config_;
  std::shared_ptr<testing::ScriptedHelpdesk> helpdesk_;
  std::unique_ptr<testing::ApprovalHarness> harness_;
};

TEST_F(ApprovalsTest, ApprovePlansOneWriteThatTheDispatcherAppliesOnce) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  const std::string version = std::to_string(kVersion);
  EXPECT_EQ(harness_->Events(), std::vector<std::string>{"proposed"});
  auto pending = harness_->service().Pending("", 10);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 1u);
  const Approval& approval = (*pending)[0];
  EXPECT_EQ(approval.ticket_id, "7");
  EXPECT_EQ(approval.ticket_version, version);
  ASSERT_EQ(approval.decisions.size(), 2u);
  EXPECT_EQ(approval.decisions[0].field, "group");
  EXPECT_EQ(approval.decisions[1].field, "priority");
  EXPECT_FALSE(approval.escalated);
  const std::string group = approval.decisions[0].new_value;
  const std::string priority = approval.decisions[1].new_value;
  ASSERT_TRUE(harness_->service().Get("7", version).ok());

  ASSERT_TRUE(harness_->service().Approve(ApproveAs(ticket, "user:alice")).ok());
  EXPECT_EQ(harness_->Events(), (std::vector<std::string>{"proposed", "approved user:alice"}));
  EXPECT_EQ(harness_->service().Get("7", version).status().code(), StatusCode::kNotFound);

  // Built as triage builds an autofill write.
  const std::vector<WriteRecord> writes = Writes("7");
  ASSERT_EQ(writes.size(), 1u);
  const WriteRecord& write = writes[0];
  const std::vector<NoteChange> changes = {{"group", group, "", 0, {}},
                                           {"priority", priority, "", 0, {}}};
  EXPECT_EQ(write.idempotency_key, WriteIdempotencyKey("7", version, changes));
  EXPECT_EQ(
      Json::parse(write.updates_json),
      Json::parse(R"([{"field":"group","value":")" + group +
                  R"(","old":""},{"field":"priority","value":")" + priority + R"(","old":""}])"));
  EXPECT_EQ(write.ticket_version, version);
  EXPECT_NE(write.note.find(NoteMarker(write.idempotency_key)), std::string::npos);
  EXPECT_NE(write.note.find("updated this ticket"), std::string::npos) << write.note;
  EXPECT_NE(write.note.find("approved by user:alice"), std::string::npos) << write.note;
  EXPECT_NE(write.note.find("confidence"), std::string::npos);

  const std::vector<WorkOutcome> outcomes = harness_->DispatchAll();
  EXPECT_EQ(outcomes, std::vector<WorkOutcome>{WorkOutcome::kApplied});
  EXPECT_EQ(helpdesk_->puts, 1);
  EXPECT_EQ(helpdesk_->notes, 1);
  EXPECT_EQ(helpdesk_->ticket.fields["group"], group);
  EXPECT_EQ(helpdesk_->ticket.fields["priority"], priority);
  EXPECT_EQ(harness_->DecisionOf("7", "group").outcome, outcome::kApplied);
  EXPECT_EQ(harness_->DecisionOf("7", "priority").outcome, outcome::kApplied);

  const std::vector<AuditEntry> approvals = Audit("approval");
  ASSERT_EQ(approvals.size(), 1u);
  const Json detail = Json::parse(approvals[0].detail);
  EXPECT_EQ(detail["action"], "approved");
  EXPECT_EQ(detail["actor"], "user:alice");
  EXPECT_EQ(detail["fields"]["priority"]["value"], priority);
  EXPECT_EQ(detail["write"], write.idempotency_key);
}

TEST_F(ApprovalsTest, EditedValuesAndNoteAreWhatIsWritten) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  const std::string proposed = harness_->DecisionOf("7", "priority").new_value;
  const std::string chosen = proposed == "Urgent" ? "Low" : "Urgent";
  ApproveRequest request = ApproveAs(ticket, "user:bob");
  request.edits["priority"] = chosen;
  request.note = "Called the requester.\r\n\r\nVPN <works> again\nthanks";
  ASSERT_TRUE(harness_->service().Approve(request).ok());
  const std::vector<WriteRecord> writes = Writes("7");
  ASSERT_EQ(writes.size(), 1u);
  const std::string marker = NoteMarker(writes[0].idempotency_key);
  EXPECT_EQ(
      writes[0].note,
      "<p>Called the requester.</p><p>VPN &lt;works&gt; again<br>thanks</p><p>" + marker + "</p>");
  EXPECT_EQ(harness_->DispatchAll(), std::vector<WorkOutcome>{WorkOutcome::kApplied});
  EXPECT_EQ(helpdesk_->ticket.fields["priority"], chosen);
  ASSERT_EQ(helpdesk_->ticket.conversations.size(), 1u);
  EXPECT_EQ(helpdesk_->ticket.conversations[0].body_html, writes[0].note);
  auto actions = harness_->store().ListApprovalActions("7", 10);
  ASSERT_TRUE(actions.ok());
  ASSERT_EQ(actions->size(), 2u);
  for (const ApprovalActionRecord& a : *actions) {
    EXPECT_EQ(a.actor, "user:bob");
    if (a.field == "priority") {
      EXPECT_EQ(a.action, approval_action::kEdited);
      EXPECT_EQ(a.human_value, chosen);
      EXPECT_EQ(a.proposed_value, proposed);
    } else {
      EXPECT_EQ(a.action, approval_action::kApproved);
    }
  }
  EXPECT_EQ(Json::parse(Audit("approval").at(0).detail)["action"], "edited");
  EXPECT_EQ(harness_->Events().back(), "edited user:bob");
}

TEST_F(ApprovalsTest, EditedValueInTheEnginesNoteSaysWhoChoseIt) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  const std::string proposed = harness_->DecisionOf("7", "priority").new_value;
  ApproveRequest request = ApproveAs(ticket, "user:bob");
  request.edits["priority"] = proposed == "High" ? "Low" : "High";
  request.edits["group"] = harness_->DecisionOf("7", "group").new_value;  // same as proposed
  ASSERT_TRUE(harness_->service().Approve(request).ok());
  const std::string note = Writes("7").at(0).note;
  EXPECT_NE(note.find("chosen by user:bob"), std::string::npos) << note;
  EXPECT_NE(note.find("approved by user:bob"), std::string::npos) << note;  // the group
}

TEST_F(ApprovalsTest, RejectRemembersTheValueAndWritesNothing) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  const std::string group = harness_->DecisionOf("7", "group").new_value;
  RejectRequest reject{"7", std::to_string(kVersion), "user:carol", " "};
  EXPECT_EQ(harness_->service().Reject(reject).code(), StatusCode::kInvalidArgument);
  reject.reason = "wrong team";
  ASSERT_TRUE(harness_->service().Reject(reject).ok());
  EXPECT_TRUE(Writes("7").empty());
  EXPECT_TRUE(harness_->DispatchAll().empty());
  EXPECT_EQ(helpdesk_->puts + helpdesk_->notes, 0);
  EXPECT_EQ(harness_->DecisionOf("7", "group").outcome, outcome::kRejected);
  auto overrides = harness_->store().OverridesForTicket("7");
  ASSERT_TRUE(overrides.ok());
  ASSERT_EQ(overrides->size(), 2u);
  EXPECT_EQ(Find(harness_->store().DecisionsForTicket("7").value(), "group")->new_value, group);
  bool group_remembered = false;
  for (const OverrideRecord& o : *overrides) {
    group_remembered = group_remembered || (o.field == "group" && o.rejected_value == group);
  }
  EXPECT_TRUE(group_remembered);
  EXPECT_EQ(harness_->Events().back(), "rejected user:carol");
  const Status late = harness_->service().Approve(ApproveAs(ticket, "user:alice"));
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(late.message().find("rejected by user:carol"), std::string::npos) << late.ToString();
}

TEST_F(ApprovalsTest, SecondApproveIsRefusedNamingTheFirstApprover) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  ASSERT_TRUE(harness_->service().Approve(ApproveAs(ticket, "user:alice")).ok());
  const Status second = harness_->service().Approve(ApproveAs(ticket, "slack:U123"));
  EXPECT_EQ(second.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.message().find("approved by user:alice"), std::string::npos)
      << second.ToString();
  const Status reject =
      harness_->service().Reject({"7", std::to_string(kVersion), "user:bob", "no"});
  EXPECT_EQ(reject.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Writes("7").size(), 1u);
  EXPECT_EQ(harness_->service().Approve(ApproveRequest{"7", "1", "user:x", {}, {}, false}).code(),
            StatusCode::kNotFound);
}

TEST_F(ApprovalsTest, AlwaysForQueuePromotesTheCellAndTheNextTicketIsAutofilled) {
  Start();
  const std::map<std::string, std::string> queue = {{"group", "Network"}};
  auto pending_priority = [](const TriageResult& r) {
    return Is(r, "priority", outcome::kPending);
  };
  const Ticket first = FindTicket("7", queue, pending_priority);
  const Ticket second = FindTicket("8", queue, pending_priority, /*skip=*/1);
  Propose(first);
  ApproveRequest request = ApproveAs(first, "user:admin");
  request.always_for_queue = true;
  ASSERT_TRUE(harness_->service().Approve(request).ok());
  auto cells = harness_->store().ListMatrixCells();
  ASSERT_TRUE(cells.ok());
  ASSERT_EQ(cells->size(), 1u);
  EXPECT_EQ((*cells)[0].queue, "Network");
  EXPECT_EQ((*cells)[0].field, "priority");
  EXPECT_EQ((*cells)[0].mode, "autofill");
  EXPECT_EQ((*cells)[0].actor, "user:admin");
  EXPECT_EQ(harness_->context().policy->current()->ModeFor("Network", "priority"),
            AutonomyMode::kAutofill);
  EXPECT_EQ(harness_->context().policy->current()->ModeFor("Hardware", "priority"),
            AutonomyMode::kSuggest);
  ASSERT_EQ(Audit("policy").size(), 1u);
  EXPECT_EQ(Json::parse(Audit("policy")[0].detail)["previous"], "suggest");

  Propose(second);
  EXPECT_EQ(harness_->DecisionOf("8", "priority").outcome, outcome::kAutofill);
  ASSERT_EQ(Writes("8").size(), 1u);
  EXPECT_NE(Writes("8")[0].updates_json.find("priority"), std::string::npos);
}

TEST_F(ApprovalsTest, AlwaysForQueueNeedsAQueue) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();  // no group yet
  ApproveRequest request = ApproveAs(ticket, "user:admin");
  request.always_for_queue = true;
  const Status refused = harness_->service().Approve(request);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("no queue"), std::string::npos);
  EXPECT_TRUE(Writes("7").empty());
  EXPECT_TRUE(harness_->service().Get("7", std::to_string(kVersion)).ok());  // still pending
}

TEST_F(ApprovalsTest, SweepEscalatesOnceAndThenExpires) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  const std::string version = std::to_string(kVersion);
  harness_->Advance(10 * kMinute);
  EXPECT_EQ(harness_->service().Sweep().value(), 0);
  harness_->Advance(21 * kMinute);  // 31 minutes old
  EXPECT_EQ(harness_->service().Sweep().value(), 1);
  EXPECT_TRUE(harness_->service().Get("7", version).value().escalated);
  EXPECT_EQ(harness_->Events().back(), "escalated system");
  harness_->Advance(10 * kMinute);
  EXPECT_EQ(harness_->service().Sweep().value(), 0);  // escalated once only
  harness_->Advance(80 * kMinute);                    // 2 h 1 min
  EXPECT_EQ(harness_->service().Sweep().value(), 1);
  EXPECT_EQ(harness_->Events().back(), "expired system");
  EXPECT_TRUE(harness_->service().Pending("", 10).value().empty());
  EXPECT_EQ(harness_->DecisionOf("7", "priority").outcome, approval_action::kExpired);
  auto actions = harness_->store().ListApprovalActions("7", 10);
  ASSERT_TRUE(actions.ok());
  ASSERT_FALSE(actions->empty());
  EXPECT_EQ(actions->back().actor, "system");
  EXPECT_EQ(actions->back().reason, "no decision within 2 h");
  const Status late = harness_->service().Approve(ApproveAs(ticket, "user:alice"));
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(late.message().find("expired"), std::string::npos) << late.ToString();
  EXPECT_TRUE(Writes("7").empty());
}

TEST_F(ApprovalsTest, AHumanChangingAProposedFieldSupersedesTheApprovedWrite) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  const std::string proposed = harness_->DecisionOf("7", "priority").new_value;
  {  // a human sets the priority in the helpdesk; the engine has not seen the event yet
    std::lock_guard<std::mutex> lock(helpdesk_->mutex);
    helpdesk_->ticket.fields["priority"] = proposed == "Urgent" ? "Low" : "Urgent";
    helpdesk_->ticket.updated_at += 30;
  }
  ASSERT_TRUE(harness_->service().Approve(ApproveAs(ticket, "user:alice")).ok());
  EXPECT_EQ(harness_->DispatchAll(), std::vector<WorkOutcome>{WorkOutcome::kSuperseded});
  EXPECT_EQ(helpdesk_->puts, 0);
  EXPECT_EQ(helpdesk_->notes, 0);
  EXPECT_EQ(harness_->DecisionOf("7", "priority").outcome, outcome::kSuperseded);
  EXPECT_EQ(Writes("7").at(0).state, WriteState::kSuperseded);
}

TEST_F(ApprovalsTest, TheWorkerSupersedesAProposalWhoseFieldAHumanSet) {
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  const std::string proposed = harness_->DecisionOf("7", "priority").new_value;
  Ticket changed = ticket;
  changed.fields["priority"] = proposed;  // the human agreed, by hand
  changed.updated_at += 30;
  Propose(changed);
  EXPECT_EQ(harness_->DecisionOf("7", "priority").outcome, outcome::kSuperseded);
  EXPECT_EQ(harness_->Events().back(), "superseded system");
  // group is still pending: the approval now holds it alone.
  auto approval = harness_->service().Get("7", std::to_string(kVersion));
  ASSERT_TRUE(approval.ok());
  ASSERT_EQ(approval->decisions.size(), 1u);
  EXPECT_EQ(approval->decisions[0].field, "group");
  ApproveRequest request = ApproveAs(ticket, "user:alice");
  request.edits["priority"] = "High";
  EXPECT_EQ(harness_->service().Approve(request).code(), StatusCode::kInvalidArgument);
}

TEST_F(ApprovalsTest, TheEnginesOwnAutofillOfAnotherFieldDoesNotStaleTheApproval) {
  config_.policy.cells[0].mode = AutonomyMode::kAutofill;  // group autofill, priority suggest
  Start();
  const Ticket ticket = FindTicket("7", {}, [](const TriageResult& r) {
    return Is(r, "group", outcome::kAutofill) && Is(r, "priority", outcome::kPending);
  });
  Propose(ticket);
  EXPECT_EQ(harness_->DispatchAll(), std::vector<WorkOutcome>{WorkOutcome::kApplied});
  EXPECT_GT(helpdesk_->ticket.updated_at, kVersion);  // our own write moved the version
  ASSERT_TRUE(harness_->service().Approve(ApproveAs(ticket, "user:alice")).ok());
  EXPECT_EQ(harness_->DispatchAll(), std::vector<WorkOutcome>{WorkOutcome::kApplied});
  EXPECT_EQ(helpdesk_->puts, 2);
  EXPECT_EQ(helpdesk_->notes, 2);
  EXPECT_EQ(helpdesk_->ticket.fields["priority"], harness_->DecisionOf("7", "priority").new_value);
  EXPECT_EQ(harness_->DecisionOf("7", "priority").outcome, outcome::kApplied);
}

TEST_F(ApprovalsTest, ThePolicyDecidesWhatMayBeEditedAndSet) {
  config_.policy.writable_fields = {"group", "priority"};
  Start();
  const Ticket ticket = ProposeGroupAndPriority();
  ApproveRequest request = ApproveAs(ticket, "user:alice");
  request.edits["status"] = "Closed";
  Status refused = harness_->service().Approve(request);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("never closes"), std::string::npos) << refused.ToString();
  request.edits = {{"type", "Incident"}};
  refused = harness_->service().Approve(request);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("policy.writable_fields"), std::string::npos);
  request.edits = {{"priority", " "}};
  EXPECT_EQ(harness_->service().Approve(request).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Writes("7").empty());

  ApprovalService& service = harness_->service();
  EXPECT_EQ(service.SetCell("*", "status", "autofill", "user:admin").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service.SetCell("*", "ticket_status", "monitor", "user:admin").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service.SetCell("*", "priority", "sometimes", "user:admin").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service.SetCell("", "priority", "off", "user:admin").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service.SetCell("*", "type", "autofill", "user:admin").code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(service.SetCell("*", "type", "off", "user:admin").ok());
  EXPECT_EQ(harness_->context().policy->current()->ModeFor("Any", "type"), AutonomyMode::kOff);
  EXPECT_EQ(harness_->store().ListMatrixCells().value().size(), 1u);
}

TEST_F(ApprovalsTest, TheEngineAnnouncesProposalsSweepsAndMountsExtraRoutes) {
  Start();
  const Ticket ticket = FindTicket(
      "7", {}, [](const TriageResult& r) { return Is(r, "priority", outcome::kPending); });
  {
    std::lock_guard<std::mutex> lock(helpdesk_->mutex);
    helpdesk_->ticket = ticket;
  }
  StoreConfig store_config;
  store_config.sqlite_path = ":memory:";
  std::shared_ptr<Store> store = OpenStore(store_config).value();
  config_.server.port = 0;
  config_.engine.workers = 1;
  config_.engine.dispatchers = 1;
  auto policy = std::make_shared<PolicyHolder>(config_.policy);
  auto clock = std::make_shared<std::atomic<int64_t>>(NowMs());
  std::shared_ptr<ApprovalService> approvals = ApprovalService::Create(
      store.get(), policy.get(), config_.approvals, true, "", [clock] { return clock->load(); });
  std::mutex mutex;
  std::condition_variable heard;
  std::vector<std::string> events;
  approvals->AddListener([&](const ApprovalEvent& e) {
    std::lock_guard<std::mutex> lock(mutex);
    events.push_back(e.action + " " + e.ticket_id);
    heard.notify_all();
  });
  EngineDeps deps;
  deps.config = config_;
  deps.store = store;
  deps.helpdesk = helpdesk_;
  deps.bundle = testing::TestBundle();
  deps.log = [](const std::string&) {};
  deps.approvals = approvals;
  EXPECT_EQ(Engine::Create(deps).status().code(), StatusCode::kInvalidArgument);  // no policy
  deps.policy = policy;
  deps.register_routes = [](HttpServer& server) {
    server.Handle("GET", "/extra", [](const ServerRequest&) {
      ServerResponse response;
      response.body = "mounted";
      return response;
    });
  };
  auto engine = Engine::Create(deps);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();

  // run --once: the triage is announced, and the next run's sweep expires the proposal.
  InboxEvent event{"cli", "7", std::to_string(kVersion), "{}", "t", NowMs()};
  ASSERT_TRUE(store->Enqueue({event}).ok());
  ASSERT_TRUE((*engine)->RunOnce().ok());
  {
    std::lock_guard<std::mutex> lock(mutex);
    EXPECT_EQ(events, std::vector<std::string>{"proposed 7"});
  }
  *clock += 3 * 3600 * 1000;
  ASSERT_TRUE((*engine)->RunOnce().ok());
  {
    std::lock_guard<std::mutex> lock(mutex);
    EXPECT_EQ(events, (std::vector<std::string>{"proposed 7", "expired 7"}));
  }

  // serve: the extra routes are on the engine's server.
  ASSERT_TRUE((*engine)->Start().ok());
  httplib::Client client("127.0.0.1", (*engine)->port());
  auto response = client.Get("/extra");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "mounted");
  (*engine)->Stop();
}

TEST(PolicyHolderTest, RunTimeCellsReplaceTheModeOfConfigCellsOrAreAdded) {
  StoreConfig store_config;
  store_config.sqlite_path = ":memory:";
  auto store = OpenStore(store_config);
  ASSERT_TRUE(store.ok());
  PolicyOptions base;
  base.cells = {{"*", "priority", AutonomyMode::kSuggest, 0.95, 0.2}};
  PolicyHolder holder(base);
  const std::shared_ptr<const Policy> before = holder.current();
  ASSERT_TRUE((*store)->SetMatrixCell({"*", "priority", "autofill", "user:a", 1}, {}).ok());
  ASSERT_TRUE((*store)->SetMatrixCell({"Network", "group", "off", "user:a", 2}, {}).ok());
  ASSERT_TRUE(holder.Reload(**store).ok());
  const PolicyCell* priority = holder.current()->CellFor("Hardware", "priority");
  ASSERT_NE(priority, nullptr);
  EXPECT_EQ(priority->mode, AutonomyMode::kAutofill);
  EXPECT_EQ(priority->target_precision, 0.95);  // the config's thresholds stay
  EXPECT_EQ(priority->min_margin, 0.2);
  EXPECT_EQ(holder.current()->ModeFor("Network", "group"), AutonomyMode::kOff);
  EXPECT_EQ(holder.current()->ModeFor("Hardware", "group"), AutonomyMode::kMonitor);
  // A policy taken before the reload is unchanged (a running triage keeps its own).
  EXPECT_EQ(before->ModeFor("Hardware", "priority"), AutonomyMode::kSuggest);
}

TEST(HumanNoteTest, EscapesParagraphsAndDefusesMarkers) {
  EXPECT_EQ(BuildHumanNote("a & b\n\n\n<i>c</i>\n", true, "k1"),
            "<p>a &amp; b</p><p>&lt;i&gt;c&lt;/i&gt;</p><p>[autotriage:k1]</p>");
  EXPECT_EQ(BuildHumanNote("line one\r\nline two\n\nnext", false, "k2"),
            "line one\nline two\n\nnext\n[autotriage:k2]");
  const std::string defused = BuildHumanNote("see [autotriage:abc]", false, "k3");
  EXPECT_EQ(defused.find("[autotriage:abc]"), std::string::npos);
  EXPECT_NE(defused.find("[autotriage:k3]"), std::string::npos);
  EXPECT_EQ(BuildHumanNote(" \n\t\n", true, "k4"), "");
}

TEST(AdviceJsonTest, ParseReadsBackWhatAdviceJsonWrote) {
  TicketAdvice advice;
  advice.articles = {{"kb:1", "Reset VPN", "https://kb/1", "snippet", 0.7, 0.5, 0.1}};
  advice.similar = {{"17", "VPN drops", "Network", "Reinstalled", 0.6}};
  advice.assignees = {{"5", "Ana", "ana@example.com", 2.0, true, "2 open"}};
  advice.summary = "VPN is down.";
  advice.notes = {"no history"};
  advice.query.group = "Network";
  Json stored = Json::parse(AdviceJson(advice));
  stored["note_draft"] = "<p>draft</p>";
  auto parsed = ParseAdviceJson(stored.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(AdviceJson(*parsed), AdviceJson(advice));
  EXPECT_EQ(ParseAdviceJson("[1]").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseAdviceJson(R"({"summary": 5})").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace autotriage
