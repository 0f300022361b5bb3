// Test-only: an engine context (real store, scripted or connector helpdesk, the test bundle) with
// an ApprovalService on the same store and policy holder, and the steps the engine takes around
// an approval: deliver a ticket version to a worker, dispatch the planned writes.
// Thread-safety: Approve/Reject through service() from any thread; the rest from the test thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "autotriage/engine/approvals.h"
#include "autotriage/engine/engine_internal.h"
#include "autotriage/engine/engine_test_util.h"

namespace autotriage::testing {

class ApprovalHarness {
 public:
  ApprovalHarness(std::shared_ptr<Store> store, std::shared_ptr<Helpdesk> helpdesk,
                  const Config& config, bool html_notes = true)
      : store_(std::move(store)),
        context_(MakeTestContext(store_, std::move(helpdesk), config)),
        clock_ms_(std::make_shared<std::atomic<int64_t>>(NowMs())) {
    auto clock = clock_ms_;
    service_ =
        ApprovalService::Create(store_.get(), context_->policy.get(), config.approvals, html_notes,
                                "https://triage.example.org", [clock] { return clock->load(); });
    context_->approvals = std::shared_ptr<ApprovalService>(service_.get(), [](auto*) {});
    service_->AddListener([this](const ApprovalEvent& event) {
      std::lock_guard<std::mutex> lock(events_mutex_);
      events_.push_back(event);
    });
  }

  ApprovalService& service() { return *service_; }
  EngineContext& context() { return *context_; }
  Store& store() { return *store_; }
  // The service's clock; starts at the real time (decisions are stamped with it).
  void Advance(int64_t ms) { *clock_ms_ += ms; }

  // What the listeners heard, as "action actor" strings.
  std::vector<std::string> Events() {
    std::lock_guard<std::mutex> lock(events_mutex_);
    std::vector<std::string> out;
    for (const ApprovalEvent& e : events_) {
      out.push_back(e.action + (e.actor.empty() ? "" : " " + e.actor));
    }
    return out;
  }

  // An event for the ticket's current version, claimed and processed as a worker does.
  WorkOutcome Deliver(const std::string& ticket_id, const std::string& version) {
    InboxEvent event;
    event.source = "cli";
    event.ticket_id = ticket_id;
    event.version = version;
    event.trace_id = "trace-" + ticket_id + "-" + version;
    if (!store_->Enqueue({event}).ok()) {
      return WorkOutcome::kLost;
    }
    auto jobs = store_->ClaimJobs("test", 1, 60000, NowMs());
    if (!jobs.ok() || jobs->size() != 1) {
      return WorkOutcome::kLost;
    }
    JobProcessor processor(context_.get());
    return processor.Process((*jobs)[0]);
  }

  // Claims and processes every claimable write; returns their outcomes.
  std::vector<WorkOutcome> DispatchAll() {
    std::vector<WorkOutcome> outcomes;
    WriteDispatcher dispatcher(context_.get());
    while (true) {
      auto writes = store_->ClaimWrites("test", 1, 60000, NowMs());
      if (!writes.ok() || writes->empty()) {
        return outcomes;
      }
      outcomes.push_back(dispatcher.Process((*writes)[0]));
    }
  }

  // The decisions of one field of a ticket (the newest).
  DecisionRecord DecisionOf(const std::string& ticket_id, const std::string& field) {
    DecisionRecord found;
    auto decisions = store_->DecisionsForTicket(ticket_id);
    if (decisions.ok()) {
      for (const DecisionRecord& d : *decisions) {
        if (d.field == field) {
          found = d;
        }
      }
    }
    return found;
  }

 private:
  std::shared_ptr<Store> store_;
  std::unique_ptr<EngineContext> context_;
  std::shared_ptr<std::atomic<int64_t>> clock_ms_;
  std::unique_ptr<ApprovalService> service_;
  std::mutex events_mutex_;
  std::vector<ApprovalEvent> events_;
};

}  // namespace autotriage::testing
