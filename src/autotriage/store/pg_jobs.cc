// PostgreSQL backend: the inbox (events collapsed into jobs), job leases and triage commits.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <pqxx/pqxx>
#include <utility>

#include "autotriage/store/pg_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

std::string SqlDouble(double value) {
  if (!std::isfinite(value)) {
    return "'NaN'::float8";
  }
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

// A bytea literal in the escape format: printable ASCII (all of a JSON body) stays as it is,
// which PostgreSQL parses faster than the hex format libpqxx's quote_raw produces.
// REQUIRES: standard_conforming_strings on (the pool sets it).
std::string QuoteBytea(const std::string& bytes) {
  std::string out = "'";
  out.reserve(bytes.size() + 16);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\\') {
      out += "\\\\";
    } else if (byte == '\'') {
      out += "''";
    } else if (byte >= 0x20 && byte < 0x7f) {
      out.push_back(c);
    } else {
      char octal[5];
      std::snprintf(octal, sizeof(octal), "\\%03o", byte);
      out += octal;
    }
  }
  return out + "'::bytea";
}

Status RequireRunning(pqxx::transaction_base& tx, int64_t job_id) {
  const pqxx::result rows =
      tx.exec_params("SELECT state FROM jobs WHERE id = $1 FOR UPDATE", job_id);
  if (rows.empty()) {
    return NotFound("job " + std::to_string(job_id) + " does not exist");
  }
  const std::string state = rows[0][0].as<std::string>();
  if (state != ToString(JobState::kRunning)) {
    return FailedPrecondition("job " + std::to_string(job_id) + " is " + state + ", not running");
  }
  return Status::Ok();
}

// Inserts the decisions in one statement; returns their ids in input order.
std::vector<int64_t> InsertDecisions(pqxx::transaction_base& tx,
                                     const std::vector<DecisionRecord>& decisions, int64_t job_id,
                                     int64_t now_ms) {
  if (decisions.empty()) {
    return {};
  }
  std::string sql =
      "INSERT INTO decisions (job_id, trace_id, ticket_id, ticket_version, queue, field, "
      "old_value, new_value, confidence, margin, mode, outcome, reason, explanation, "
      "model_version, created_ms, updated_ms, escalated_ms) VALUES ";
  for (size_t i = 0; i < decisions.size(); ++i) {
    const DecisionRecord& d = decisions[i];
    sql += (i == 0 ? "(" : ", (") + std::to_string(job_id) + ", " + tx.quote(d.trace_id) + ", " +
           tx.quote(d.ticket_id) + ", " + tx.quote(d.ticket_version) + ", " + tx.quote(d.queue) +
           ", " + tx.quote(d.field) + ", " + tx.quote(d.old_value) + ", " + tx.quote(d.new_value) +
           ", " + SqlDouble(d.confidence) + ", " + SqlDouble(d.margin) + ", " + tx.quote(d.mode) +
           ", " + tx.quote(d.outcome) + ", " + tx.quote(d.reason) + ", " + tx.quote(d.explanation) +
           ", " + tx.quote(d.model_version) + ", " +
           std::to_string(d.created_ms != 0 ? d.created_ms : now_ms) + ", " +
           std::to_string(now_ms) + ", " + std::to_string(d.escalated_ms) + ")";
  }
  sql += " RETURNING id";
  std::vector<int64_t> ids;
  for (const pqxx::row& row : tx.exec(sql)) {
    ids.push_back(row[0].as<int64_t>());
  }
  // One statement draws its BIGSERIAL values in row order, so sorted ids are in input order.
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

Result<Job> PgJobRow(const pqxx::row& row) {
  Job job;
  job.id = row[0].as<int64_t>();
  job.ticket_id = row[1].as<std::string>();
  job.version = row[2].as<std::string>();
  job.source = row[3].as<std::string>();
  job.trace_id = row[4].as<std::string>();
  job.attempts = row[5].as<int>();
  job.events = row[6].as<int64_t>();
  job.last_error = row[7].as<std::string>();
  Result<JobState> state = ParseJobState(row[8].as<std::string>());
  if (!state.ok()) {
    return state.status();
  }
  job.state = *state;
  return job;
}

void PgInsertWrite(pqxx::transaction_base& tx, const WriteRecord& w,
                   const std::vector<int64_t>& ids, int64_t job_id, int64_t now_ms) {
  // The first write of an idempotency key wins; a replanned ticket version adds nothing.
  tx.exec_params0(
      "INSERT INTO writes (idempotency_key, job_id, trace_id, ticket_id, ticket_version, "
      "updates_json, note, decision_ids, state, created_ms, updated_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'planned', $9, $10) "
      "ON CONFLICT (idempotency_key) DO NOTHING",
      w.idempotency_key, job_id, w.trace_id, w.ticket_id, w.ticket_version, w.updates_json, w.note,
      JoinIds(ids), w.created_ms != 0 ? w.created_ms : now_ms, now_ms);
}

Result<std::vector<EnqueueResult>> PostgresStore::Enqueue(const std::vector<InboxEvent>& events) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateEvents(events));
  std::vector<EnqueueResult> results(events.size());
  if (events.empty()) {
    return results;
  }
  const std::vector<size_t> first_of_key = FirstEventOfKey(events);
  std::vector<int64_t> batch_count(events.size(), 0);
  for (size_t i = 0; i < events.size(); ++i) {
    ++batch_count[first_of_key[i]];
  }
  Status status =
      Tx("enqueueing events", TxMode::kAudit, [&](pqxx::transaction_base& tx, PgAudit& chain) {
        // One statement: an upsert for every distinct job of the batch (a new job starts with the
        // batch's count, an existing one grows by it, so "count == batch count" tells the new ones
        // apart), and the events joined to the upserted jobs' ids.
        std::string jobs_values;
        std::string events_values;
        for (size_t i = 0; i < events.size(); ++i) {
          const InboxEvent& e = events[i];
          const std::string ms = std::to_string(e.received_ms) + "::bigint";
          if (first_of_key[i] == i) {
            jobs_values += (jobs_values.empty() ? "(" : ", (") + tx.quote(e.ticket_id) + ", " +
                           tx.quote(e.version) + ", " + tx.quote(e.source) + ", " +
                           tx.quote(e.trace_id) + ", " + std::to_string(batch_count[i]) +
                           "::bigint, " + ms + ")";
          }
          // BYTEA: a payload is kept byte for byte, whatever its encoding.
          events_values += (i == 0 ? "(" : ", (") + tx.quote(e.ticket_id) + ", " +
                           tx.quote(e.version) + ", " + tx.quote(e.source) + ", " +
                           QuoteBytea(e.payload) + ", " + tx.quote(e.trace_id) + ", " + ms + ")";
        }
        const std::string sql =
            "WITH batch (ticket_id, version, source, trace_id, event_count, ms) AS (VALUES " +
            jobs_values +
            "), upserted AS (INSERT INTO jobs (ticket_id, version, source, trace_id, state, "
            "event_count, created_ms, updated_ms) SELECT ticket_id, version, source, trace_id, "
            "'pending', event_count, ms, ms FROM batch ON CONFLICT (ticket_id, version) DO UPDATE "
            "SET event_count = jobs.event_count + EXCLUDED.event_count, updated_ms = "
            "EXCLUDED.updated_ms RETURNING id, ticket_id, version, event_count), "
            "received (ticket_id, version, source, payload, trace_id, received_ms) AS (VALUES " +
            events_values +
            "), stored AS (INSERT INTO events (job_id, source, ticket_id, version, payload, "
            "trace_id, received_ms) SELECT u.id, r.source, r.ticket_id, r.version, r.payload, "
            "r.trace_id, r.received_ms FROM received r JOIN upserted u USING (ticket_id, version)) "
            "SELECT id, ticket_id, version, event_count FROM upserted";
        std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> jobs;
        for (const pqxx::row& row : tx.exec(sql)) {
          jobs[{row[1].as<std::string>(), row[2].as<std::string>()}] = {row[0].as<int64_t>(),
                                                                        row[3].as<int64_t>()};
        }
        std::vector<AuditEntry> audit;
        audit.reserve(events.size());
        for (size_t i = 0; i < events.size(); ++i) {
          const InboxEvent& e = events[i];
          if (first_of_key[i] == i) {
            const auto it = jobs.find({e.ticket_id, e.version});
            if (it == jobs.end()) {
              return Internal("the job upsert returned no row for ticket " + e.ticket_id);
            }
            results[i] = {it->second.second == batch_count[i], it->second.first};
          } else {
            results[i] = {false, results[first_of_key[i]].job_id};
          }
          audit.push_back(EventReceivedAudit(e, results[i].job_id, results[i].new_job));
        }
        chain.Append(tx, std::move(audit));
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return results;
}

Result<std::vector<Job>> PostgresStore::ClaimJobs(const std::string& owner, int max,
                                                  int64_t lease_ms, int64_t now_ms) {
  if (max <= 0 || lease_ms <= 0) {
    return InvalidArgument("ClaimJobs needs max > 0 and lease_ms > 0");
  }
  std::vector<Job> jobs;
  Status status =
      Tx("claiming jobs", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        jobs.clear();
        // The CTE runs once; SKIP LOCKED passes over rows another claimer holds, and a row claimed
        // and committed meanwhile is re-checked against the WHERE clause and dropped.
        const pqxx::result rows = tx.exec_params(
            std::string(
                "WITH picked AS (SELECT id AS picked_id FROM jobs WHERE (state = 'pending' "
                "AND available_at_ms <= $3) OR (state = 'running' AND lease_until_ms <= $3) "
                "ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) "
                "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until_ms = $2, "
                "attempts = attempts + 1, updated_ms = $3 FROM picked WHERE id = picked_id "
                "RETURNING ") +
                kJobColumns,
            owner, now_ms + lease_ms, now_ms, max);
        for (const pqxx::row& row : rows) {
          Result<Job> job = PgJobRow(row);
          if (!job.ok()) {
            return job.status();
          }
          jobs.push_back(std::move(*job));
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  return jobs;
}

Status PostgresStore::CommitTriage(const TriageCommit& commit, int64_t now_ms) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateCommit(commit));
  return Tx("committing a triage", TxMode::kAudit, [&](pqxx::transaction_base& tx, PgAudit& chain) {
    AUTOTRIAGE_RETURN_IF_ERROR(RequireRunning(tx, commit.job_id));
    const std::vector<int64_t> decision_ids =
        InsertDecisions(tx, commit.decisions, commit.job_id, now_ms);
    if (commit.write) {
      PgInsertWrite(tx, *commit.write, WriteDecisionIds(commit, decision_ids), commit.job_id,
                    now_ms);
    }
    if (commit.advice) {
      const AdviceRecord& a = *commit.advice;
      tx.exec_params0(
          "INSERT INTO advice (job_id, ticket_id, ticket_version, trace_id, advice_json, "
          "created_ms) VALUES ($1, $2, $3, $4, $5, $6)",
          commit.job_id, a.ticket_id, a.ticket_version, a.trace_id, a.advice_json,
          a.created_ms != 0 ? a.created_ms : now_ms);
    }
    tx.exec_params0(
        "UPDATE jobs SET state = 'done', lease_owner = '', lease_until_ms = 0, last_error = '', "
        "updated_ms = $1 WHERE id = $2",
        now_ms, commit.job_id);
    chain.Append(tx, commit.audit);
    return Status::Ok();
  });
}

Status PostgresStore::FailJob(int64_t job_id, const std::string& error, bool give_up,
                              int64_t retry_at_ms, const AuditEntry& audit) {
  return Tx("failing job " + std::to_string(job_id), ModeFor(audit),
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              AUTOTRIAGE_RETURN_IF_ERROR(RequireRunning(tx, job_id));
              tx.exec_params0(
                  "UPDATE jobs SET state = $1, lease_owner = '', lease_until_ms = 0, "
                  "available_at_ms = $2, last_error = $3, updated_ms = $4 WHERE id = $5",
                  std::string(ToString(give_up ? JobState::kFailed : JobState::kPending)),
                  retry_at_ms, error, TimeOrNow(audit.time_ms), job_id);
              chain.Append(tx, {audit});
              return Status::Ok();
            });
}

Result<Job> PostgresStore::GetJob(int64_t job_id) {
  std::optional<Job> job;
  Status status =
      Tx("reading job " + std::to_string(job_id), TxMode::kAutocommit,
         [&](pqxx::transaction_base& tx, PgAudit&) {
           const pqxx::result rows = tx.exec_params(
               std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = $1", job_id);
           if (rows.empty()) {
             return NotFound("job " + std::to_string(job_id) + " does not exist");
           }
           Result<Job> row = PgJobRow(rows[0]);
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
