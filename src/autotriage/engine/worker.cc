// JobProcessor: one claimed job, from fetching the ticket to committing what was decided.
//
// First event of a ticket: triage it (triage.h) and commit decisions, planned write and audit in
// one transaction with the job's completion. Later events of an already-triaged ticket: outcome
// tracking only (a human replaced a value the engine applied -> override memory; a human set a
// field a pending suggestion was about -> the suggestion is superseded; outcomes, corrections and
// the resolution through outcomes.h); nothing is written.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "autotriage/core/ids.h"
#include "autotriage/engine/engine_internal.h"
#include "autotriage/engine/outcomes.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

std::string FieldValue(const Ticket& ticket, const std::string& field) {
  auto it = ticket.fields.find(field);
  return it == ticket.fields.end() ? std::string() : it->second;
}

AuditEntry JobAudit(const std::string& kind, const Job& job, const Json& detail) {
  AuditEntry entry;
  entry.time_ms = NowMs();
  entry.kind = kind;
  entry.trace_id = job.trace_id;
  entry.ticket_id = job.ticket_id;
  entry.detail = detail.dump(-1, ' ', false, Json::error_handler_t::replace);
  return entry;
}

// CPU time this thread has used, in seconds (0 if the clock is unavailable).
double ThreadCpuSeconds() {
  timespec now{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0) {
    return 0;
  }
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Releases the per-ticket lock on every return path.
class TicketLockGuard {
 public:
  TicketLockGuard(TicketLocks* locks, std::string ticket_id)
      : locks_(locks), ticket_id_(std::move(ticket_id)) {
    locks_->Lock(ticket_id_);
  }
  ~TicketLockGuard() { locks_->Unlock(ticket_id_); }
  TicketLockGuard(const TicketLockGuard&) = delete;
  TicketLockGuard& operator=(const TicketLockGuard&) = delete;

 private:
  TicketLocks* locks_;
  std::string ticket_id_;
};

}  // namespace

WorkOutcome JobProcessor::Process(const Job& job) {
  const auto start = std::chrono::steady_clock::now();
  WorkOutcome result;
  {
    TicketLockGuard guard(&context_->ticket_locks, job.ticket_id);
    result = ProcessLocked(job);
  }
  context_->metrics->job_seconds->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return result;
}

WorkOutcome JobProcessor::ProcessLocked(const Job& job) {
  auto ticket = context_->helpdesk->GetTicket(job.ticket_id);
  if (!ticket.ok()) {
    ++context_->helpdesk_errors;
    context_->metrics->HelpdeskError(ticket.status().code());
    if (ticket.status().code() == StatusCode::kNotFound) {
      // Deleted (or never visible to us): nothing to triage, and retrying will not change that.
      TriageCommit commit;
      commit.job_id = job.id;
      commit.audit.push_back(JobAudit(
          "error", job, {{"error", "ticket not found (deleted?)"}, {"version", job.version}}));
      return Commit(job, commit, "not_found");
    }
    return Fail(job, ticket.status().WithContext("fetching ticket " + job.ticket_id));
  }
  auto decisions = context_->store->DecisionsForTicket(job.ticket_id);
  if (!decisions.ok()) {
    return Fail(job, decisions.status());
  }
  if (!decisions->empty()) {
    return TrackOutcomes(job, *ticket, *decisions);
  }
  return RunTriage(job, *ticket);
}

WorkOutcome JobProcessor::RunTriage(const Job& job, const Ticket& ticket) {
  auto schema = context_->schema->Get();
  if (!schema.ok()) {
    return Fail(job, schema.status());
  }
  auto overrides = context_->store->OverridesForTicket(job.ticket_id);
  if (!overrides.ok()) {
    return Fail(job, overrides.status());
  }
  // One policy for the whole ticket, even if an admin changes the matrix meanwhile.
  const std::shared_ptr<const Policy> policy = context_->policy->current();
  TriageInput input;
  input.ticket = &ticket;
  input.policy = policy.get();
  input.trace_id = job.trace_id.empty() ? NewTraceId() : job.trace_id;
  input.job_id = job.id;
  input.schema = schema->get();
  for (const OverrideRecord& o : *overrides) {
    input.overrides.emplace_back(o.field, o.rejected_value);
  }
  input.now_ms = NowMs();
  const double cpu_start = ThreadCpuSeconds();
  TriageResult result = context_->triage->Run(input);
  context_->metrics->triage_cpu_seconds->Observe(ThreadCpuSeconds() - cpu_start);
  context_->metrics->triage_seconds->Observe(result.engine_ms / 1000.0);
  if (context_->llm != nullptr && !result.skipped) {
    // After the timing above (the LLM's I/O is not triage time), before the commit (its
    // decisions, audit entries and drafts land in the same transaction).
    RunLlm(input, ticket, *schema->get(), *policy, &result.commit);
  }
  const bool planned_write = result.commit.write.has_value();
  const WorkOutcome outcome = Commit(job, result.commit, result.skipped ? "skipped" : "triaged");
  if (outcome != WorkOutcome::kDone) {
    return outcome;
  }
  if (context_->insights != nullptr) {
    context_->insights->Observe(ticket);
  }
  for (const DecisionRecord& d : result.commit.decisions) {
    context_->metrics->Decision(d.mode, d.outcome);
  }
  context_->decisions += static_cast<int64_t>(result.commit.decisions.size());
  if (result.skipped) {
    context_->log->Info("ticket skipped: " + result.skip_reason, input.trace_id, ticket.id);
  } else {
    std::string summary;
    for (const DecisionRecord& d : result.commit.decisions) {
      summary += (summary.empty() ? "" : ", ") + d.field + "=" +
                 (d.new_value.empty() ? "-" : d.new_value) + " (" + d.outcome + ")";
    }
    context_->log->Write(
        LogLevel::kInfo, "ticket triaged", input.trace_id, ticket.id,
        {{"decisions", summary}, {"model_version", context_->triage->model_version()}});
  }
  if (planned_write && context_->on_write_planned) {
    context_->on_write_planned();
  }
  if (context_->approvals != nullptr) {
    for (const DecisionRecord& d : result.commit.decisions) {
      if (d.outcome == outcome::kPending) {
        context_->approvals->NotifyProposed(d.ticket_id, d.ticket_version);
        break;  // one proposal per ticket version
      }
    }
  }
  return outcome;
}

WorkOutcome JobProcessor::TrackOutcomes(const Job& job, const Ticket& ticket,
                                        const std::vector<DecisionRecord>& decisions) {
  // Outcomes, corrections and resolution first, on the decisions as they were before this
  // version supersedes any (outcomes.h).
  if (Status s = RecordTicketOutcomes(context_, job, ticket, decisions); !s.ok()) {
    return Fail(job, s.WithContext("recording outcomes"));
  }
  auto overrides = context_->store->OverridesForTicket(job.ticket_id);
  if (!overrides.ok()) {
    return Fail(job, overrides.status());
  }
  const std::string version = std::to_string(ticket.updated_at);
  std::vector<std::pair<std::string, std::string>> superseded;  // (proposal version, reason)
  for (const DecisionRecord& d : decisions) {
    const std::string current = FieldValue(ticket, d.field);
    if (d.outcome == outcome::kApplied && current != d.new_value) {
      bool known = false;
      for (const OverrideRecord& o : *overrides) {
        known = known || (o.field == d.field && o.rejected_value == d.new_value);
      }
      if (known) {
        continue;
      }
      OverrideRecord record{ticket.id, d.field, d.new_value, current, NowMs()};
      Json detail = {{"field", d.field},
                     {"rejected", d.new_value},
                     {"human_value", current},
                     {"decision_id", d.id},
                     {"version", version}};
      AuditEntry audit = JobAudit("override", job, detail);
      audit.model_version = d.model_version;
      if (Status s = context_->store->RecordOverride(record, audit); !s.ok()) {
        return Fail(job, s);
      }
      overrides->push_back(record);
      context_->metrics->registry
          ->LabeledCounter("autotriage_overrides_total",
                           "Applied values a human replaced afterwards, by field", {"field"},
                           {d.field})
          ->Increment();
      context_->log->Write(LogLevel::kInfo, "a human replaced an applied value", job.trace_id,
                           ticket.id, {{"field", d.field}});
    } else if (d.outcome == outcome::kPending && d.ticket_version != version &&
               current != d.old_value) {
      const std::string reason = current == d.new_value
                                     ? "a human set the suggested value"
                                     : "a human set the field after the prediction";
      Json detail = {{"field", d.field},       {"old", d.old_value},  {"suggested", d.new_value},
                     {"human_value", current}, {"decision_id", d.id}, {"version", version}};
      AuditEntry audit = JobAudit("superseded", job, detail);
      audit.model_version = d.model_version;
      if (Status s =
              context_->store->UpdateDecisionOutcome(d.id, outcome::kSuperseded, reason, audit);
          !s.ok()) {
        return Fail(job, s);
      }
      if (std::find_if(superseded.begin(), superseded.end(), [&](const auto& s) {
            return s.first == d.ticket_version;
          }) == superseded.end()) {
        superseded.emplace_back(d.ticket_version, reason);
      }
    }
  }
  TriageCommit commit;
  commit.job_id = job.id;
  const WorkOutcome result = Commit(job, commit, "tracked");
  if (context_->approvals != nullptr) {
    for (const auto& [proposal_version, reason] : superseded) {
      context_->approvals->NotifySuperseded(ticket.id, proposal_version, reason);
    }
  }
  return result;
}

WorkOutcome JobProcessor::Commit(const Job& job, const TriageCommit& commit,
                                 const std::string& outcome_name) {
  Status committed = context_->store->CommitTriage(commit, NowMs());
  if (committed.code() == StatusCode::kFailedPrecondition) {
    // The lease ran out and another worker took the job over; its result stands.
    context_->log->Warn("job lease lost before commit: " + committed.message(), job.trace_id,
                        job.ticket_id);
    context_->metrics->Job("lease_lost");
    return WorkOutcome::kLost;
  }
  if (!committed.ok()) {
    return Fail(job, committed.WithContext("committing the triage"));
  }
  ++context_->jobs_done;
  context_->metrics->Job(outcome_name);
  return WorkOutcome::kDone;
}

WorkOutcome JobProcessor::Fail(const Job& job, const Status& error) {
  const EngineOptions& options = context_->config.engine;
  const bool give_up = !IsRetryable(error.code()) || job.attempts >= options.max_attempts;
  const int64_t retry_at = NowMs() + BackoffMs(options.retry_backoff_ms, job.attempts);
  AuditEntry audit = JobAudit("error", job,
                              {{"error", error.ToString()},
                               {"attempt", job.attempts},
                               {"gave_up", give_up},
                               {"version", job.version}});
  Status failed = context_->store->FailJob(job.id, error.ToString(), give_up, retry_at, audit);
  context_->log->Write(give_up ? LogLevel::kError : LogLevel::kWarn,
                       give_up ? "job failed, giving up" : "job failed, will retry", job.trace_id,
                       job.ticket_id, {{"error", error.ToString()}});
  if (!failed.ok()) {
    // The lease will expire and the job will be claimed again.
    context_->log->Warn("could not record the job failure: " + failed.ToString(), job.trace_id,
                        job.ticket_id);
  }
  if (give_up) {
    ++context_->jobs_failed;
    context_->metrics->Job("failed");
    return WorkOutcome::kFailed;
  }
  context_->metrics->Job("retry");
  return WorkOutcome::kRetry;
}

}  // namespace autotriage
