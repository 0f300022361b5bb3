// PostgreSQL backend: outcomes of decisions, the corrections log and resolved tickets (store.h,
// outcome_records.h).
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "autotriage/store/pg_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// As for the other KPI counts (pg_approvals.cc): the GROUP BY of 100,000 rows must not spill.
constexpr char kOutcomeKpiWorkMemSql[] = "SET LOCAL work_mem = '32MB'";

}  // namespace

Result<bool> PostgresStore::RecordOutcome(const OutcomeRecord& outcome, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateOutcome(outcome));
  bool inserted = false;
  Status status =
      Tx("recording the outcome of decision " + std::to_string(outcome.decision_id), ModeFor(audit),
         [&](pqxx::transaction_base& tx, PgAudit& chain) {
           const pqxx::result result = tx.exec_params(
               "INSERT INTO outcomes (decision_id, ticket_id, queue, field, mode, kind, "
               "engine_value, human_value, observed_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
               "$9) ON CONFLICT (decision_id) DO NOTHING",
               outcome.decision_id, outcome.ticket_id, outcome.queue, outcome.field, outcome.mode,
               outcome.kind, outcome.engine_value, outcome.human_value,
               TimeOrNow(outcome.observed_ms));
           inserted = result.affected_rows() > 0;
           if (inserted) {
             chain.Append(tx, {audit});
           }
           return Status::Ok();
         });
  if (!status.ok()) {
    return status;
  }
  return inserted;
}

Result<std::vector<OutcomeRecord>> PostgresStore::OutcomesForTicket(const std::string& ticket_id) {
  std::vector<OutcomeRecord> outcomes;
  Status status = Tx("reading outcomes of ticket " + ticket_id, TxMode::kAutocommit,
                     [&](pqxx::transaction_base& tx, PgAudit&) {
                       outcomes.clear();
                       for (const pqxx::row& row : tx.exec_params(
                                std::string("SELECT ") + kOutcomeColumns +
                                    " FROM outcomes WHERE ticket_id = $1 ORDER BY decision_id",
                                ticket_id)) {
                         OutcomeRecord o;
                         o.decision_id = row[0].as<int64_t>();
                         o.ticket_id = row[1].as<std::string>();
                         o.queue = row[2].as<std::string>();
                         o.field = row[3].as<std::string>();
                         o.mode = row[4].as<std::string>();
                         o.kind = row[5].as<std::string>();
                         o.engine_value = row[6].as<std::string>();
                         o.human_value = row[7].as<std::string>();
                         o.observed_ms = row[8].as<int64_t>();
                         outcomes.push_back(std::move(o));
                       }
                       return Status::Ok();
                     });
  if (!status.ok()) {
    return status;
  }
  return outcomes;
}

Result<std::vector<OutcomeCountRow>> PostgresStore::CountOutcomes(int64_t since_ms) {
  std::vector<OutcomeCountRow> rows;
  Status status =
      Tx("counting outcomes", TxMode::kTransaction, [&](pqxx::transaction_base& tx, PgAudit&) {
        rows.clear();
        tx.exec0(kOutcomeKpiWorkMemSql);
        for (const pqxx::row& row : tx.exec_params(
                 "SELECT floor(observed_ms / 86400000::float8)::bigint AS day, queue, field, "
                 "mode, kind, COUNT(*) FROM outcomes WHERE observed_ms >= $1 GROUP BY day, "
                 "queue, field, mode, kind ORDER BY day, queue COLLATE \"C\", field COLLATE "
                 "\"C\", mode COLLATE \"C\", kind COLLATE \"C\"",
                 since_ms)) {
          rows.push_back({UtcDay(row[0].as<int64_t>()), row[1].as<std::string>(),
                          row[2].as<std::string>(), row[3].as<std::string>(),
                          row[4].as<std::string>(), row[5].as<int64_t>()});
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return rows;
}

Status PostgresStore::AppendCorrection(const CorrectionRecord& c) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateCorrection(c));
  return Tx("appending a correction of ticket " + c.ticket_id, TxMode::kAutocommit,
            [&](pqxx::transaction_base& tx, PgAudit&) {
              tx.exec_params0(
                  "INSERT INTO corrections (ticket_id, queue, field, label, source, text, "
                  "observed_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ticket_id, "
                  "field, label, source) DO NOTHING",
                  c.ticket_id, c.queue, c.field, c.label, c.source, c.text,
                  TimeOrNow(c.observed_ms));
              return Status::Ok();
            });
}

Result<std::vector<CorrectionRecord>> PostgresStore::ListCorrections(int64_t after_id, int limit) {
  std::vector<CorrectionRecord> corrections;
  Status status =
      Tx("listing corrections", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        corrections.clear();
        for (const pqxx::row& row :
             tx.exec_params(std::string("SELECT ") + kCorrectionColumns +
                                " FROM corrections WHERE id > $1 ORDER BY id LIMIT $2",
                            after_id, ListLimit(limit))) {
          CorrectionRecord c;
          c.id = row[0].as<int64_t>();
          c.ticket_id = row[1].as<std::string>();
          c.queue = row[2].as<std::string>();
          c.field = row[3].as<std::string>();
          c.label = row[4].as<std::string>();
          c.source = row[5].as<std::string>();
          c.text = row[6].as<std::string>();
          c.observed_ms = row[7].as<int64_t>();
          corrections.push_back(std::move(c));
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return corrections;
}

Result<bool> PostgresStore::RecordResolution(const ResolutionRecord& r, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateResolution(r));
  bool inserted = false;
  Status status = Tx("recording the resolution of ticket " + r.ticket_id, ModeFor(audit),
                     [&](pqxx::transaction_base& tx, PgAudit& chain) {
                       const pqxx::result result = tx.exec_params(
                           "INSERT INTO resolutions (ticket_id, queue, created_ms, resolved_ms, "
                           "conversations, first_contact, observed_ms) VALUES ($1, $2, $3, $4, "
                           "$5, $6, $7) ON CONFLICT (ticket_id) DO NOTHING",
                           r.ticket_id, r.queue, r.created_ms, r.resolved_ms, r.conversations,
                           r.first_contact, TimeOrNow(r.observed_ms));
                       inserted = result.affected_rows() > 0;
                       if (inserted) {
                         chain.Append(tx, {audit});
                       }
                       return Status::Ok();
                     });
  if (!status.ok()) {
    return status;
  }
  return inserted;
}

Result<std::vector<ResolutionCountRow>> PostgresStore::CountResolutions(int64_t since_ms) {
  std::vector<ResolutionCountRow> rows;
  Status status =
      Tx("counting resolutions", TxMode::kTransaction, [&](pqxx::transaction_base& tx, PgAudit&) {
        rows.clear();
        for (const pqxx::row& row : tx.exec_params(
                 "SELECT floor(resolved_ms / 86400000::float8)::bigint AS day, queue, COUNT(*), "
                 "COUNT(*) FILTER (WHERE first_contact), AVG(CASE WHEN created_ms > 0 THEN "
                 "resolved_ms - created_ms ELSE 0 END)::float8 / 1000 FROM resolutions WHERE "
                 "resolved_ms >= $1 GROUP BY day, queue ORDER BY day, queue COLLATE \"C\"",
                 since_ms)) {
          rows.push_back({UtcDay(row[0].as<int64_t>()), row[1].as<std::string>(),
                          row[2].as<int64_t>(), row[3].as<int64_t>(), row[4].as<double>()});
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return rows;
}

}  // namespace autotriage
