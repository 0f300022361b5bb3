// PostgreSQL backend: decisions, advice, planned writes (dispatcher leases) and override memory.
#include <algorithm>
#include <pqxx/pqxx>
#include <utility>

#include "autotriage/store/pg_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

constexpr int kMaxListLimit = 10000;

Status ReadWrites(const pqxx::result& rows, std::vector<WriteRecord>* out) {
  out->clear();
  for (const pqxx::row& row : rows) {
    Result<WriteRecord> record = PgWriteRow(row);
    if (!record.ok()) {
      return record.status();
    }
    out->push_back(std::move(*record));
  }
  return Status::Ok();
}

}  // namespace

DecisionRecord PgDecisionRow(const pqxx::row& row) {
  DecisionRecord record;
  record.id = row[0].as<int64_t>();
  record.trace_id = row[1].as<std::string>();
  record.ticket_id = row[2].as<std::string>();
  record.ticket_version = row[3].as<std::string>();
  record.queue = row[4].as<std::string>();
  record.field = row[5].as<std::string>();
  record.old_value = row[6].as<std::string>();
  record.new_value = row[7].as<std::string>();
  record.confidence = row[8].as<double>();
  record.margin = row[9].as<double>();
  record.mode = row[10].as<std::string>();
  record.outcome = row[11].as<std::string>();
  record.reason = row[12].as<std::string>();
  record.explanation = row[13].as<std::string>();
  record.model_version = row[14].as<std::string>();
  record.created_ms = row[15].as<int64_t>();
  record.updated_ms = row[16].as<int64_t>();
  record.escalated_ms = row[17].as<int64_t>();
  return record;
}

Result<WriteRecord> PgWriteRow(const pqxx::row& row) {
  WriteRecord record;
  record.id = row[0].as<int64_t>();
  record.idempotency_key = row[1].as<std::string>();
  record.trace_id = row[2].as<std::string>();
  record.ticket_id = row[3].as<std::string>();
  record.ticket_version = row[4].as<std::string>();
  record.updates_json = row[5].as<std::string>();
  record.note = row[6].as<std::string>();
  record.decision_ids = SplitIds(row[7].as<std::string>());
  Result<WriteState> state = ParseWriteState(row[8].as<std::string>());
  if (!state.ok()) {
    return state.status();
  }
  record.state = *state;
  record.attempts = row[9].as<int>();
  record.last_error = row[10].as<std::string>();
  record.created_ms = row[11].as<int64_t>();
  record.updated_ms = row[12].as<int64_t>();
  return record;
}

Result<std::vector<DecisionRecord>> PostgresStore::ListDecisions(const DecisionFilter& filter) {
  std::vector<DecisionRecord> decisions;
  Status status =
      Tx("listing decisions", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        decisions.clear();
        // Empty filters match everything; $3 = 0 means "from the newest".
        const pqxx::result rows = tx.exec_params(
            std::string("SELECT ") + kDecisionColumns +
                " FROM decisions WHERE ($1 = '' OR outcome = $1) AND ($2 = '' OR ticket_id = $2) "
                "AND ($3::bigint = 0 OR id < $3::bigint) ORDER BY id DESC LIMIT $4",
            filter.outcome, filter.ticket_id, std::max<int64_t>(filter.before_id, 0),
            filter.limit > 0 ? std::min(filter.limit, kMaxListLimit) : 100);
        for (const pqxx::row& row : rows) {
          decisions.push_back(PgDecisionRow(row));
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return decisions;
}

Result<std::vector<DecisionRecord>> PostgresStore::DecisionsForTicket(
    const std::string& ticket_id) {
  std::vector<DecisionRecord> decisions;
  Status status = Tx("reading decisions of ticket " + ticket_id, TxMode::kAutocommit,
                     [&](pqxx::transaction_base& tx, PgAudit&) {
                       decisions.clear();
                       const pqxx::result rows =
                           tx.exec_params(std::string("SELECT ") + kDecisionColumns +
                                              " FROM decisions WHERE ticket_id = $1 ORDER BY id",
                                          ticket_id);
                       for (const pqxx::row& row : rows) {
                         decisions.push_back(PgDecisionRow(row));
                       }
                       return Status::Ok();
                     });
  if (!status.ok()) {
    return status;
  }
  return decisions;
}

Status PostgresStore::UpdateDecisionOutcome(int64_t decision_id, const std::string& outcome,
                                            const std::string& reason, const AuditEntry& audit) {
  if (outcome.empty()) {
    return InvalidArgument("decision outcome is empty");
  }
  return Tx("updating decision " + std::to_string(decision_id), ModeFor(audit),
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              const pqxx::result updated = tx.exec_params(
                  "UPDATE decisions SET outcome = $1, reason = $2, updated_ms = $3 WHERE id = $4",
                  outcome, reason, TimeOrNow(audit.time_ms), decision_id);
              if (updated.affected_rows() == 0) {
                return NotFound("decision " + std::to_string(decision_id) + " does not exist");
              }
              chain.Append(tx, {audit});
              return Status::Ok();
            });
}

Result<std::optional<AdviceRecord>> PostgresStore::LatestAdvice(const std::string& ticket_id) {
  if (ticket_id.empty()) {
    return InvalidArgument("LatestAdvice needs a ticket id");
  }
  std::optional<AdviceRecord> advice;
  Status status = Tx("reading advice of ticket " + ticket_id, TxMode::kAutocommit,
                     [&](pqxx::transaction_base& tx, PgAudit&) {
                       advice.reset();
                       const pqxx::result rows = tx.exec_params(
                           std::string("SELECT ") + kAdviceColumns +
                               " FROM advice WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1",
                           ticket_id);
                       if (!rows.empty()) {
                         AdviceRecord record;
                         record.id = rows[0][0].as<int64_t>();
                         record.ticket_id = rows[0][1].as<std::string>();
                         record.ticket_version = rows[0][2].as<std::string>();
                         record.trace_id = rows[0][3].as<std::string>();
                         record.advice_json = rows[0][4].as<std::string>();
                         record.created_ms = rows[0][5].as<int64_t>();
                         advice = std::move(record);
                       }
                       return Status::Ok();
                     });
  if (!status.ok()) {
    return status;
  }
  return advice;
}

Result<std::vector<WriteRecord>> PostgresStore::ClaimWrites(const std::string& owner, int max,
                                                            int64_t lease_ms, int64_t now_ms) {
  if (max <= 0 || lease_ms <= 0) {
    return InvalidArgument("ClaimWrites needs max > 0 and lease_ms > 0");
  }
  std::vector<WriteRecord> writes;
  Status status =
      Tx("claiming writes", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        const pqxx::result rows = tx.exec_params(
            std::string("WITH picked AS (SELECT id AS picked_id FROM writes WHERE (state = "
                        "'planned' AND available_at_ms <= $3) OR (state = 'in_flight' AND "
                        "lease_until_ms <= $3) ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) "
                        "UPDATE writes SET state = 'in_flight', lease_owner = $1, "
                        "lease_until_ms = $2, attempts = attempts + 1, updated_ms = $3 "
                        "FROM picked WHERE id = picked_id RETURNING ") +
                kWriteColumns,
            owner, now_ms + lease_ms, now_ms, max);
        return ReadWrites(rows, &writes);
      });
  if (!status.ok()) {
    return status;
  }
  std::sort(writes.begin(), writes.end(),
            [](const WriteRecord& a, const WriteRecord& b) { return a.id < b.id; });
  return writes;
}

Status PostgresStore::FinishWrite(int64_t write_id, WriteState state, const std::string& error,
                                  int64_t retry_at_ms, const AuditEntry& audit) {
  if (state == WriteState::kInFlight) {
    return InvalidArgument("FinishWrite needs a final state or kPlanned, not in_flight");
  }
  const int64_t now_ms = TimeOrNow(audit.time_ms);
  return Tx("finishing write " + std::to_string(write_id), ModeFor(audit),
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              const pqxx::result current = tx.exec_params(
                  "SELECT state, decision_ids FROM writes WHERE id = $1 FOR UPDATE", write_id);
              if (current.empty()) {
                return NotFound("write " + std::to_string(write_id) + " does not exist");
              }
              const std::string current_state = current[0][0].as<std::string>();
              const std::vector<int64_t> decision_ids = SplitIds(current[0][1].as<std::string>());
              if (current_state != ToString(WriteState::kInFlight)) {
                return FailedPrecondition("write " + std::to_string(write_id) + " is " +
                                          current_state + ", not in flight");
              }
              tx.exec_params0(
                  "UPDATE writes SET state = $1, lease_owner = '', lease_until_ms = 0, "
                  "available_at_ms = $2, last_error = $3, updated_ms = $4 WHERE id = $5",
                  std::string(ToString(state)),
                  state == WriteState::kPlanned ? retry_at_ms : int64_t{0}, error, now_ms,
                  write_id);
              const std::string_view outcome = DecisionOutcomeOfWrite(state);
              if (!outcome.empty() && !decision_ids.empty()) {
                // The ids come from our own column, written by JoinIds: integers only.
                tx.exec_params0("UPDATE decisions SET outcome = $1, updated_ms = $2 WHERE id IN (" +
                                    JoinIds(decision_ids) + ")",
                                std::string(outcome), now_ms);
              }
              chain.Append(tx, {audit});
              return Status::Ok();
            });
}

Result<std::vector<WriteRecord>> PostgresStore::ListWrites(const std::string& ticket_id) {
  std::vector<WriteRecord> writes;
  Status status =
      Tx("listing writes", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        const pqxx::result rows =
            tx.exec_params(std::string("SELECT ") + kWriteColumns +
                               " FROM writes WHERE $1 = '' OR ticket_id = $1 ORDER BY id",
                           ticket_id);
        return ReadWrites(rows, &writes);
      });
  if (!status.ok()) {
    return status;
  }
  return writes;
}

Status PostgresStore::RecordOverride(const OverrideRecord& record, const AuditEntry& audit) {
  if (record.ticket_id.empty() || record.field.empty()) {
    return InvalidArgument("override without a ticket id or field");
  }
  return Tx("recording an override", ModeFor(audit),
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              tx.exec_params0(
                  "INSERT INTO overrides (ticket_id, field, rejected_value, human_value, "
                  "created_ms) VALUES ($1, $2, $3, $4, $5)",
                  record.ticket_id, record.field, record.rejected_value, record.human_value,
                  TimeOrNow(record.created_ms));
              chain.Append(tx, {audit});
              return Status::Ok();
            });
}

Result<std::vector<OverrideRecord>> PostgresStore::OverridesForTicket(
    const std::string& ticket_id) {
  std::vector<OverrideRecord> overrides;
  Status status = Tx("reading overrides of ticket " + ticket_id, TxMode::kAutocommit,
                     [&](pqxx::transaction_base& tx, PgAudit&) {
                       overrides.clear();
                       const pqxx::result rows = tx.exec_params(
                           "SELECT ticket_id, field, rejected_value, human_value, created_ms "
                           "FROM overrides WHERE ticket_id = $1 ORDER BY id",
                           ticket_id);
                       for (const pqxx::row& row : rows) {
                         overrides.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                                              row[2].as<std::string>(), row[3].as<std::string>(),
                                              row[4].as<int64_t>()});
                       }
                       return Status::Ok();
                     });
  if (!status.ok()) {
    return status;
  }
  return overrides;
}

}  // namespace autotriage
