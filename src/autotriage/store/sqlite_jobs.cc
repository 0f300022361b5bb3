// SQLite backend: the inbox (events collapsed into jobs), job leases and triage commits.
#include <SQLiteCpp/SQLiteCpp.h>

#include <utility>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// The job's state, or kNotFound. Runs inside the caller's transaction.
Result<JobState> JobStateOf(SqliteConnection& conn, int64_t job_id) {
  SQLite::Statement& query = conn.Prepared("SELECT state FROM jobs WHERE id = ?");
  query.bind(1, job_id);
  if (!query.executeStep()) {
    return NotFound("job " + std::to_string(job_id) + " does not exist");
  }
  return ParseJobState(query.getColumn(0).getString());
}

Status RequireRunning(SqliteConnection& conn, int64_t job_id) {
  Result<JobState> state = JobStateOf(conn, job_id);
  if (!state.ok()) {
    return state.status();
  }
  if (*state != JobState::kRunning) {
    return FailedPrecondition("job " + std::to_string(job_id) + " is " +
                              std::string(ToString(*state)) + ", not running");
  }
  return Status::Ok();
}

int64_t InsertDecision(SqliteConnection& conn, const DecisionRecord& d, int64_t job_id,
                       int64_t now_ms) {
  SQLite::Statement& insert = conn.Prepared(
      "INSERT INTO decisions (job_id, trace_id, ticket_id, ticket_version, queue, field, "
      "old_value, new_value, confidence, margin, mode, outcome, reason, explanation, "
      "model_version, created_ms, updated_ms, escalated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, job_id);
  insert.bind(2, d.trace_id);
  insert.bind(3, d.ticket_id);
  insert.bind(4, d.ticket_version);
  insert.bind(5, d.queue);
  insert.bind(6, d.field);
  insert.bind(7, d.old_value);
  insert.bind(8, d.new_value);
  insert.bind(9, d.confidence);
  insert.bind(10, d.margin);
  insert.bind(11, d.mode);
  insert.bind(12, d.outcome);
  insert.bind(13, d.reason);
  insert.bind(14, d.explanation);
  insert.bind(15, d.model_version);
  insert.bind(16, d.created_ms != 0 ? d.created_ms : now_ms);
  insert.bind(17, now_ms);
  insert.bind(18, d.escalated_ms);
  insert.exec();
  return conn.db().getLastInsertRowid();
}

void InsertAdvice(SqliteConnection& conn, const AdviceRecord& a, int64_t job_id, int64_t now_ms) {
  SQLite::Statement& insert = conn.Prepared(
      "INSERT INTO advice (job_id, ticket_id, ticket_version, trace_id, advice_json, created_ms) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, job_id);
  insert.bind(2, a.ticket_id);
  insert.bind(3, a.ticket_version);
  insert.bind(4, a.trace_id);
  // No copy of a document that may be a megabyte: the statement is reset before the call ends.
  insert.bindNoCopy(5, a.advice_json);
  insert.bind(6, a.created_ms != 0 ? a.created_ms : now_ms);
  insert.exec();
}

}  // namespace

void SqliteInsertWrite(SqliteConnection& conn, const WriteRecord& w,
                       const std::vector<int64_t>& ids, int64_t job_id, int64_t now_ms) {
  // The first write of an idempotency key wins; a replanned ticket version adds nothing.
  SQLite::Statement& insert = conn.Prepared(
      "INSERT INTO writes (idempotency_key, job_id, trace_id, ticket_id, ticket_version, "
      "updates_json, note, decision_ids, state, created_ms, updated_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING");
  insert.bind(1, w.idempotency_key);
  insert.bind(2, job_id);
  insert.bind(3, w.trace_id);
  insert.bind(4, w.ticket_id);
  insert.bind(5, w.ticket_version);
  insert.bind(6, w.updates_json);
  insert.bind(7, w.note);
  insert.bind(8, JoinIds(ids));
  insert.bind(9, w.created_ms != 0 ? w.created_ms : now_ms);
  insert.bind(10, now_ms);
  insert.exec();
}

Result<std::vector<EnqueueResult>> SqliteStore::Enqueue(const std::vector<InboxEvent>& events) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateEvents(events));
  std::vector<EnqueueResult> results(events.size());
  if (events.empty()) {
    return results;
  }
  const std::vector<size_t> first_of_key = FirstEventOfKey(events);
  Status status = WriteTx("enqueueing events", [&](SqliteConnection& conn) {
    SQLite::Statement& find =
        conn.Prepared("SELECT id FROM jobs WHERE ticket_id = ? AND version = ?");
    SQLite::Statement& grow =
        conn.Prepared("UPDATE jobs SET event_count = event_count + ?, updated_ms = ? WHERE id = ?");
    SQLite::Statement& create = conn.Prepared(
        "INSERT INTO jobs (ticket_id, version, source, trace_id, state, "
        "event_count, created_ms, updated_ms) "
        "VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)");
    SQLite::Statement& store_event = conn.Prepared(
        "INSERT INTO events (job_id, source, ticket_id, version, "
        "payload, trace_id, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?)");
    std::vector<int64_t> batch_count(events.size(), 0);
    for (size_t i = 0; i < events.size(); ++i) {
      ++batch_count[first_of_key[i]];
    }
    std::vector<AuditEntry> audit;
    audit.reserve(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      const InboxEvent& event = events[i];
      if (first_of_key[i] != i) {
        results[i] = {false, results[first_of_key[i]].job_id};
      } else {
        find.reset();
        find.bind(1, event.ticket_id);
        find.bind(2, event.version);
        if (find.executeStep()) {
          results[i] = {false, find.getColumn(0).getInt64()};
          grow.reset();
          grow.bind(1, batch_count[i]);
          grow.bind(2, event.received_ms);
          grow.bind(3, results[i].job_id);
          grow.exec();
        } else {
          create.reset();
          create.bind(1, event.ticket_id);
          create.bind(2, event.version);
          create.bind(3, event.source);
          create.bind(4, event.trace_id);
          create.bind(5, batch_count[i]);
          create.bind(6, event.received_ms);
          create.bind(7, event.received_ms);
          create.exec();
          results[i] = {true, conn.db().getLastInsertRowid()};
        }
      }
      store_event.reset();
      store_event.bind(1, results[i].job_id);
      store_event.bindNoCopy(2, event.source);
      store_event.bindNoCopy(3, event.ticket_id);
      store_event.bindNoCopy(4, event.version);
      store_event.bindNoCopy(5, event.payload);
      store_event.bindNoCopy(6, event.trace_id);
      store_event.bind(7, event.received_ms);
      store_event.exec();
      audit.push_back(EventReceivedAudit(event, results[i].job_id, results[i].new_job));
    }
    SqliteAppendAudit(conn, std::move(audit));
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return results;
}

Result<std::vector<Job>> SqliteStore::ClaimJobs(const std::string& owner, int max, int64_t lease_ms,
                                                int64_t now_ms) {
  if (max <= 0 || lease_ms <= 0) {
    return InvalidArgument("ClaimJobs needs max > 0 and lease_ms > 0");
  }
  std::vector<Job> jobs;
  Status status = WriteTx("claiming jobs", [&](SqliteConnection& conn) {
    // Select, then update by id: UPDATE ... WHERE id IN (subquery) RETURNING would open four
    // temporary tables per call, each a fresh page cache (measurable CPU at 1,000 claims/s).
    SQLite::Statement& select =
        conn.Prepared(std::string("SELECT ") + kJobColumns +
                      " FROM jobs WHERE (state = 'pending' AND available_at_ms <= ?1) OR "
                      "(state = 'running' AND lease_until_ms <= ?1) ORDER BY id LIMIT ?2");
    select.bind(1, now_ms);
    select.bind(2, max);
    while (select.executeStep()) {
      Result<Job> job = SqliteJobRow(select);
      if (!job.ok()) {
        return job.status();
      }
      jobs.push_back(std::move(*job));
    }
    SQLite::Statement& lease = conn.Prepared(
        "UPDATE jobs SET state = 'running', lease_owner = ?, lease_until_ms = ?, "
        "attempts = attempts + 1, updated_ms = ? WHERE id = ?");
    for (Job& job : jobs) {
      lease.reset();
      lease.bind(1, owner);
      lease.bind(2, now_ms + lease_ms);
      lease.bind(3, now_ms);
      lease.bind(4, job.id);
      lease.exec();
      job.state = JobState::kRunning;
      ++job.attempts;
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return jobs;
}

Status SqliteStore::CommitTriage(const TriageCommit& commit, int64_t now_ms) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateCommit(commit));
  return WriteTx("committing a triage", [&](SqliteConnection& conn) {
    AUTOTRIAGE_RETURN_IF_ERROR(RequireRunning(conn, commit.job_id));
    std::vector<int64_t> decision_ids;
    decision_ids.reserve(commit.decisions.size());
    for (const DecisionRecord& decision : commit.decisions) {
      decision_ids.push_back(InsertDecision(conn, decision, commit.job_id, now_ms));
    }
    if (commit.write) {
      SqliteInsertWrite(conn, *commit.write, WriteDecisionIds(commit, decision_ids), commit.job_id,
                        now_ms);
    }
    if (commit.advice) {
      InsertAdvice(conn, *commit.advice, commit.job_id, now_ms);
    }
    SQLite::Statement& done = conn.Prepared(
        "UPDATE jobs SET state = 'done', lease_owner = '', lease_until_ms = 0, "
        "last_error = '', updated_ms = ? WHERE id = ?");
    done.bind(1, now_ms);
    done.bind(2, commit.job_id);
    done.exec();
    SqliteAppendAudit(conn, commit.audit);
    return Status::Ok();
  });
}

Status SqliteStore::FailJob(int64_t job_id, const std::string& error, bool give_up,
                            int64_t retry_at_ms, const AuditEntry& audit) {
  return WriteTx("failing job " + std::to_string(job_id), [&](SqliteConnection& conn) {
    AUTOTRIAGE_RETURN_IF_ERROR(RequireRunning(conn, job_id));
    SQLite::Statement& update = conn.Prepared(
        "UPDATE jobs SET state = ?, lease_owner = '', lease_until_ms = 0, "
        "available_at_ms = ?, last_error = ?, updated_ms = ? WHERE id = ?");
    update.bind(1, std::string(ToString(give_up ? JobState::kFailed : JobState::kPending)));
    update.bind(2, retry_at_ms);
    update.bind(3, error);
    update.bind(4, TimeOrNow(audit.time_ms));
    update.bind(5, job_id);
    update.exec();
    SqliteAppendAudit(conn, {audit});
    return Status::Ok();
  });
}

Result<Job> SqliteStore::GetJob(int64_t job_id) {
  std::optional<Job> job;
  Status status = Read("reading job " + std::to_string(job_id), [&](SqliteConnection& conn) {
    SQLite::Statement& query =
        conn.Prepared(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?");
    query.bind(1, job_id);
    if (!query.executeStep()) {
      return NotFound("job " + std::to_string(job_id) + " does not exist");
    }
    Result<Job> row = SqliteJobRow(query);
    if (!row.ok()) {
      return row.status();
    }
    job = std::move(*row);
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return std::move(*job);
}

}  // namespace autotriage
