// SQLite backend: decisions, advice, planned writes (dispatcher leases) and override memory.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <utility>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

constexpr int kMaxListLimit = 10000;

Status ReadDecisions(SQLite::Statement& query, std::vector<DecisionRecord>* out) {
  while (query.executeStep()) {
    out->push_back(SqliteDecisionRow(query));
  }
  return Status::Ok();
}

Status ReadWrites(SQLite::Statement& query, std::vector<WriteRecord>* out) {
  while (query.executeStep()) {
    Result<WriteRecord> row = SqliteWriteRow(query);
    if (!row.ok()) {
      return row.status();
    }
    out->push_back(std::move(*row));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<DecisionRecord>> SqliteStore::ListDecisions(const DecisionFilter& filter) {
  std::vector<DecisionRecord> decisions;
  Status status = Read("listing decisions", [&](SqliteConnection& conn) {
    std::string sql = std::string("SELECT ") + kDecisionColumns + " FROM decisions WHERE 1";
    if (!filter.outcome.empty()) {
      sql += " AND outcome = :outcome";
    }
    if (!filter.ticket_id.empty()) {
      sql += " AND ticket_id = :ticket";
    }
    if (filter.before_id > 0) {
      sql += " AND id < :before";
    }
    sql += " ORDER BY id DESC LIMIT :limit";
    // One of eight texts (which filters are set), so it may be kept compiled.
    SQLite::Statement& query = conn.Prepared(sql);
    if (!filter.outcome.empty()) {
      query.bind(":outcome", filter.outcome);
    }
    if (!filter.ticket_id.empty()) {
      query.bind(":ticket", filter.ticket_id);
    }
    if (filter.before_id > 0) {
      query.bind(":before", filter.before_id);
    }
    query.bind(":limit", filter.limit > 0 ? std::min(filter.limit, kMaxListLimit) : 100);
    return ReadDecisions(query, &decisions);
  });
  if (!status.ok()) {
    return status;
  }
  return decisions;
}

Result<std::vector<DecisionRecord>> SqliteStore::DecisionsForTicket(const std::string& ticket_id) {
  std::vector<DecisionRecord> decisions;
  Status status = Read("reading decisions of ticket " + ticket_id, [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared(std::string("SELECT ") + kDecisionColumns +
                                             " FROM decisions WHERE ticket_id = ? ORDER BY id");
    query.bind(1, ticket_id);
    return ReadDecisions(query, &decisions);
  });
  if (!status.ok()) {
    return status;
  }
  return decisions;
}

Status SqliteStore::UpdateDecisionOutcome(int64_t decision_id, const std::string& outcome,
                                          const std::string& reason, const AuditEntry& audit) {
  if (outcome.empty()) {
    return InvalidArgument("decision outcome is empty");
  }
  return WriteTx("updating decision " + std::to_string(decision_id), [&](SqliteConnection& conn) {
    SQLite::Statement& update =
        conn.Prepared("UPDATE decisions SET outcome = ?, reason = ?, updated_ms = ? WHERE id = ?");
    update.bind(1, outcome);
    update.bind(2, reason);
    update.bind(3, TimeOrNow(audit.time_ms));
    update.bind(4, decision_id);
    if (update.exec() == 0) {
      return NotFound("decision " + std::to_string(decision_id) + " does not exist");
    }
    SqliteAppendAudit(conn, {audit});
    return Status::Ok();
  });
}

Result<std::optional<AdviceRecord>> SqliteStore::LatestAdvice(const std::string& ticket_id) {
  if (ticket_id.empty()) {
    return InvalidArgument("LatestAdvice needs a ticket id");
  }
  std::optional<AdviceRecord> advice;
  Status status = Read("reading advice of ticket " + ticket_id, [&](SqliteConnection& conn) {
    SQLite::Statement& query =
        conn.Prepared(std::string("SELECT ") + kAdviceColumns +
                      " FROM advice WHERE ticket_id = ? ORDER BY id DESC LIMIT 1");
    query.bind(1, ticket_id);
    if (query.executeStep()) {
      AdviceRecord record;
      record.id = query.getColumn(0).getInt64();
      record.ticket_id = query.getColumn(1).getString();
      record.ticket_version = query.getColumn(2).getString();
      record.trace_id = query.getColumn(3).getString();
      record.advice_json = query.getColumn(4).getString();
      record.created_ms = query.getColumn(5).getInt64();
      advice = std::move(record);
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return advice;
}

Result<std::vector<WriteRecord>> SqliteStore::ClaimWrites(const std::string& owner, int max,
                                                          int64_t lease_ms, int64_t now_ms) {
  if (max <= 0 || lease_ms <= 0) {
    return InvalidArgument("ClaimWrites needs max > 0 and lease_ms > 0");
  }
  std::vector<WriteRecord> writes;
  Status status = WriteTx("claiming writes", [&](SqliteConnection& conn) {
    // Select, then update by id (see ClaimJobs: no temporary tables).
    SQLite::Statement& select =
        conn.Prepared(std::string("SELECT ") + kWriteColumns +
                      " FROM writes WHERE (state = 'planned' AND available_at_ms <= ?1) OR "
                      "(state = 'in_flight' AND lease_until_ms <= ?1) ORDER BY id LIMIT ?2");
    select.bind(1, now_ms);
    select.bind(2, max);
    AUTOTRIAGE_RETURN_IF_ERROR(ReadWrites(select, &writes));
    SQLite::Statement& lease = conn.Prepared(
        "UPDATE writes SET state = 'in_flight', lease_owner = ?, "
        "lease_until_ms = ?, attempts = attempts + 1, updated_ms = ? WHERE id = ?");
    for (WriteRecord& write : writes) {
      lease.reset();
      lease.bind(1, owner);
      lease.bind(2, now_ms + lease_ms);
      lease.bind(3, now_ms);
      lease.bind(4, write.id);
      lease.exec();
      write.state = WriteState::kInFlight;
      ++write.attempts;
      write.updated_ms = now_ms;
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return writes;
}

Status SqliteStore::FinishWrite(int64_t write_id, WriteState state, const std::string& error,
                                int64_t retry_at_ms, const AuditEntry& audit) {
  if (state == WriteState::kInFlight) {
    return InvalidArgument("FinishWrite needs a final state or kPlanned, not in_flight");
  }
  const int64_t now_ms = TimeOrNow(audit.time_ms);
  return WriteTx("finishing write " + std::to_string(write_id), [&](SqliteConnection& conn) {
    SQLite::Statement& current =
        conn.Prepared("SELECT state, decision_ids FROM writes WHERE id = ?");
    current.bind(1, write_id);
    if (!current.executeStep()) {
      return NotFound("write " + std::to_string(write_id) + " does not exist");
    }
    const std::string current_state = current.getColumn(0).getString();
    const std::vector<int64_t> decision_ids = SplitIds(current.getColumn(1).getString());
    if (current_state != ToString(WriteState::kInFlight)) {
      return FailedPrecondition("write " + std::to_string(write_id) + " is " + current_state +
                                ", not in flight");
    }
    SQLite::Statement& update = conn.Prepared(
        "UPDATE writes SET state = ?, lease_owner = '', lease_until_ms = 0, "
        "available_at_ms = ?, last_error = ?, updated_ms = ? WHERE id = ?");
    update.bind(1, std::string(ToString(state)));
    update.bind(2, state == WriteState::kPlanned ? retry_at_ms : int64_t{0});
    update.bind(3, error);
    update.bind(4, now_ms);
    update.bind(5, write_id);
    update.exec();
    const std::string_view outcome = DecisionOutcomeOfWrite(state);
    if (!outcome.empty()) {
      // One compiled statement per id: an IN list would be a new text (and a temporary table)
      // for every write.
      SQLite::Statement& decision =
          conn.Prepared("UPDATE decisions SET outcome = ?, updated_ms = ? WHERE id = ?");
      for (int64_t decision_id : decision_ids) {
        decision.reset();
        decision.bind(1, std::string(outcome));
        decision.bind(2, now_ms);
        decision.bind(3, decision_id);
        decision.exec();
      }
    }
    SqliteAppendAudit(conn, {audit});
    return Status::Ok();
  });
}

Result<std::vector<WriteRecord>> SqliteStore::ListWrites(const std::string& ticket_id) {
  std::vector<WriteRecord> writes;
  Status status = Read("listing writes", [&](SqliteConnection& conn) {
    SQLite::Statement& query =
        conn.Prepared(std::string("SELECT ") + kWriteColumns +
                      " FROM writes WHERE ? = '' OR ticket_id = ? ORDER BY id");
    query.bind(1, ticket_id);
    query.bind(2, ticket_id);
    return ReadWrites(query, &writes);
  });
  if (!status.ok()) {
    return status;
  }
  return writes;
}

Status SqliteStore::RecordOverride(const OverrideRecord& record, const AuditEntry& audit) {
  if (record.ticket_id.empty() || record.field.empty()) {
    return InvalidArgument("override without a ticket id or field");
  }
  return WriteTx("recording an override", [&](SqliteConnection& conn) {
    SQLite::Statement& insert = conn.Prepared(
        "INSERT INTO overrides (ticket_id, field, rejected_value, "
        "human_value, created_ms) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, record.ticket_id);
    insert.bind(2, record.field);
    insert.bind(3, record.rejected_value);
    insert.bind(4, record.human_value);
    insert.bind(5, TimeOrNow(record.created_ms));
    insert.exec();
    SqliteAppendAudit(conn, {audit});
    return Status::Ok();
  });
}

Result<std::vector<OverrideRecord>> SqliteStore::OverridesForTicket(const std::string& ticket_id) {
  std::vector<OverrideRecord> overrides;
  Status status = Read("reading overrides of ticket " + ticket_id, [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared(
        "SELECT ticket_id, field, rejected_value, human_value, created_ms "
        "FROM overrides WHERE ticket_id = ? ORDER BY id");
    query.bind(1, ticket_id);
    while (query.executeStep()) {
      OverrideRecord record;
      record.ticket_id = query.getColumn(0).getString();
      record.field = query.getColumn(1).getString();
      record.rejected_value = query.getColumn(2).getString();
      record.human_value = query.getColumn(3).getString();
      record.created_ms = query.getColumn(4).getInt64();
      overrides.push_back(std::move(record));
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return overrides;
}

}  // namespace autotriage
