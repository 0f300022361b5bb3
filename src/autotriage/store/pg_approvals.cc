// PostgreSQL backend: the approval queue, human decisions on it, escalation, run-time matrix
// cells and the KPI counts.
#include <algorithm>
#include <limits>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <tuple>
#include <utility>

#include "autotriage/store/pg_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

bool AnyAudited(const std::vector<AuditEntry>& entries) {
  return std::any_of(entries.begin(), entries.end(),
                     [](const AuditEntry& entry) { return !entry.kind.empty(); });
}

std::string SortedIds(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return JoinIds(ids);
}

std::string ApprovalActionValues(pqxx::transaction_base& tx,
                                 const std::vector<ApprovalActionRecord>& actions) {
  std::string values;
  for (const ApprovalActionRecord& a : actions) {
    values += (values.empty() ? "(" : ", (") + std::to_string(a.decision_id) + ", " +
              tx.quote(a.ticket_id) + ", " + tx.quote(a.ticket_version) + ", " + tx.quote(a.queue) +
              ", " + tx.quote(a.field) + ", " + tx.quote(a.proposed_value) + ", " +
              tx.quote(a.action) + ", " + tx.quote(a.actor) + ", " + tx.quote(a.reason) + ", " +
              tx.quote(a.human_value) + ", " + std::to_string(a.proposed_ms) + ", " +
              std::to_string(a.decided_ms) + ")";
  }
  return values;
}

}  // namespace

Result<std::vector<DecisionRecord>> PostgresStore::PendingDecisions(const std::string& queue,
                                                                    int limit) {
  const size_t versions = static_cast<size_t>(ListLimit(limit));
  std::vector<DecisionRecord> decisions;
  Status status = Tx(
      "listing pending approvals", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        decisions.clear();
        // The newest ticket versions: pending decisions newest first, an index range read in
        // chunks until `versions` distinct ones are seen, so a page costs what it shows.
        std::vector<std::pair<std::string, std::string>> keys;
        std::set<std::pair<std::string, std::string>> seen;
        const int64_t chunk = std::max<int64_t>(4 * static_cast<int64_t>(versions), 64);
        int64_t before = std::numeric_limits<int64_t>::max();
        while (keys.size() < versions) {
          const pqxx::result rows = tx.exec_params(
              "SELECT id, ticket_id, ticket_version FROM decisions WHERE outcome = 'pending' "
              "AND ($1 = '' OR queue = $1) AND id < $2 ORDER BY id DESC LIMIT $3",
              queue, before, chunk);
          for (const pqxx::row& row : rows) {
            std::pair<std::string, std::string> key{row[1].as<std::string>(),
                                                    row[2].as<std::string>()};
            if (keys.size() < versions && seen.insert(key).second) {
              keys.push_back(std::move(key));
            }
          }
          if (static_cast<int64_t>(rows.size()) < chunk) {
            break;
          }
          before = rows[rows.size() - 1][0].as<int64_t>();
        }
        if (keys.empty()) {
          return Status::Ok();
        }
        std::string tickets;
        for (const auto& key : keys) {
          tickets += (tickets.empty() ? "" : ", ") + tx.quote(key.first);
        }
        const pqxx::result rows = tx.exec_params(
            std::string("SELECT ") + kDecisionColumns +
                " FROM decisions WHERE outcome = 'pending' AND ($1 = '' OR queue = $1) AND "
                "ticket_id IN (" +
                tickets + ")",
            queue);
        std::map<std::pair<std::string, std::string>, std::vector<DecisionRecord>> by_version;
        for (const pqxx::row& row : rows) {
          DecisionRecord record = PgDecisionRow(row);
          by_version[{record.ticket_id, record.ticket_version}].push_back(std::move(record));
        }
        for (const auto& key : keys) {
          std::vector<DecisionRecord>& group = by_version[key];
          // Byte order, whatever the database's collation (as SQLite sorts).
          std::sort(group.begin(), group.end(),
                    [](const DecisionRecord& a, const DecisionRecord& b) {
                      return std::tie(a.field, a.id) < std::tie(b.field, b.id);
                    });
          for (DecisionRecord& record : group) {
            decisions.push_back(std::move(record));
          }
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return decisions;
}

Status PostgresStore::DecideApproval(const ApprovalDecision& decision) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateApproval(decision));
  const int64_t now_ms = TimeOrNow(decision.now_ms);
  return Tx(
      "deciding the approval of ticket " + decision.ticket_id,
      AnyAudited(decision.audit) ? TxMode::kAudit : TxMode::kTransaction,
      [&](pqxx::transaction_base& tx, PgAudit& chain) {
        // Row locks in id order: of two approvers (on any node) the second waits for the first
        // to commit, then reads the outcome it left. The ids are integers (JoinIds).
        const std::string ids = SortedIds(decision.decision_ids);
        std::vector<ApprovalTarget> targets;
        bool decided_before = false;
        for (const pqxx::row& row :
             tx.exec("SELECT id, job_id, ticket_id, ticket_version, queue, field, outcome, "
                     "new_value, created_ms FROM decisions WHERE id IN (" +
                     ids + ") ORDER BY id FOR UPDATE")) {
          ApprovalTarget target;
          target.id = row[0].as<int64_t>();
          target.job_id = row[1].as<int64_t>();
          target.ticket_id = row[2].as<std::string>();
          target.ticket_version = row[3].as<std::string>();
          target.queue = row[4].as<std::string>();
          target.field = row[5].as<std::string>();
          target.outcome = row[6].as<std::string>();
          target.new_value = row[7].as<std::string>();
          target.created_ms = row[8].as<int64_t>();
          decided_before = decided_before || target.outcome != "pending";
          targets.push_back(std::move(target));
        }
        if (decided_before) {
          // Who decided them, for the error message.
          std::map<int64_t, std::pair<std::string, std::string>> last;
          for (const pqxx::row& row :
               tx.exec("SELECT DISTINCT ON (decision_id) decision_id, action, actor FROM "
                       "approval_actions WHERE decision_id IN (" +
                       ids + ") ORDER BY decision_id, id DESC")) {
            last[row[0].as<int64_t>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
          }
          for (ApprovalTarget& target : targets) {
            const auto it = last.find(target.id);
            if (it != last.end()) {
              target.last_action = it->second.first;
              target.last_actor = it->second.second;
            }
          }
        }
        AUTOTRIAGE_RETURN_IF_ERROR(CheckApprovalTargets(decision, targets));
        std::map<std::string, std::vector<int64_t>> by_outcome;
        for (int64_t id : decision.decision_ids) {
          by_outcome[std::string(ApprovalOutcomeOf(decision, id))].push_back(id);
        }
        for (const auto& [outcome, outcome_ids] : by_outcome) {
          tx.exec_params0("UPDATE decisions SET outcome = $1, updated_ms = $2 WHERE id IN (" +
                              JoinIds(outcome_ids) + ")",
                          outcome, now_ms);
        }
        tx.exec0(
            "INSERT INTO approval_actions (decision_id, ticket_id, ticket_version, queue, field, "
            "proposed_value, action, actor, reason, human_value, proposed_ms, decided_ms) "
            "VALUES " +
            ApprovalActionValues(tx, ApprovalActionsOf(decision, targets)));
        if (decision.write) {
          const WriteRecord write = ApprovalWrite(decision);
          PgInsertWrite(tx, write, write.decision_ids, targets.front().job_id, now_ms);
        }
        chain.Append(tx, decision.audit);
        return Status::Ok();
      });
}

Result<std::vector<ApprovalActionRecord>> PostgresStore::ListApprovalActions(
    const std::string& ticket_id, int limit) {
  std::vector<ApprovalActionRecord> actions;
  Status status = Tx(
      "listing approval actions", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        actions.clear();
        // The newest `limit`, returned oldest first.
        const pqxx::result rows = tx.exec_params(
            std::string("SELECT ") + kApprovalActionColumns + " FROM (SELECT " +
                kApprovalActionColumns +
                " FROM approval_actions WHERE $1 = '' OR ticket_id = $1 ORDER BY id DESC "
                "LIMIT $2) newest ORDER BY id",
            ticket_id, ListLimit(limit));
        for (const pqxx::row& row : rows) {
          ApprovalActionRecord a;
          a.id = row[0].as<int64_t>();
          a.decision_id = row[1].as<int64_t>();
          a.ticket_id = row[2].as<std::string>();
          a.ticket_version = row[3].as<std::string>();
          a.queue = row[4].as<std::string>();
          a.field = row[5].as<std::string>();
          a.proposed_value = row[6].as<std::string>();
          a.action = row[7].as<std::string>();
          a.actor = row[8].as<std::string>();
          a.reason = row[9].as<std::string>();
          a.human_value = row[10].as<std::string>();
          a.proposed_ms = row[11].as<int64_t>();
          a.decided_ms = row[12].as<int64_t>();
          actions.push_back(std::move(a));
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return actions;
}

Result<int> PostgresStore::MarkEscalated(const std::vector<int64_t>& decision_ids, int64_t now_ms,
                                         const AuditEntry& audit) {
  if (decision_ids.empty()) {
    return 0;
  }
  const int64_t escalated_ms = TimeOrNow(now_ms);
  int changed = 0;
  Status status =
      Tx("escalating decisions", ModeFor(audit), [&](pqxx::transaction_base& tx, PgAudit& chain) {
        // A row another node escalates meanwhile is re-checked after its commit
        // and skipped, so each decision is escalated once.
        const pqxx::result updated = tx.exec_params(
            "UPDATE decisions SET escalated_ms = $1 WHERE id IN (" + SortedIds(decision_ids) +
                ") AND outcome = 'pending' AND escalated_ms = 0",
            escalated_ms);
        changed = static_cast<int>(updated.affected_rows());
        if (changed > 0) {
          chain.Append(tx, {audit});
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return changed;
}

Status PostgresStore::SetMatrixCell(const MatrixCellRecord& cell, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateMatrixCell(cell));
  return Tx("setting matrix cell " + cell.queue + "/" + cell.field, ModeFor(audit),
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              tx.exec_params0(
                  "INSERT INTO matrix_cells (queue, field, mode, actor, updated_ms) VALUES ($1, "
                  "$2, $3, $4, $5) ON CONFLICT (queue, field) DO UPDATE SET mode = "
                  "EXCLUDED.mode, actor = EXCLUDED.actor, updated_ms = EXCLUDED.updated_ms",
                  cell.queue, cell.field, cell.mode, cell.actor, TimeOrNow(cell.updated_ms));
              chain.Append(tx, {audit});
              return Status::Ok();
            });
}

Result<std::vector<MatrixCellRecord>> PostgresStore::ListMatrixCells() {
  std::vector<MatrixCellRecord> cells;
  Status status =
      Tx("listing matrix cells", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        cells.clear();
        for (const pqxx::row& row :
             tx.exec(std::string("SELECT ") + kMatrixCellColumns +
                     " FROM matrix_cells ORDER BY queue COLLATE \"C\", field COLLATE \"C\"")) {
          cells.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                           row[2].as<std::string>(), row[3].as<std::string>(),
                           row[4].as<int64_t>()});
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return cells;
}

// The KPI counts group every row since `since_ms`: with PostgreSQL's default work_mem the sort
// of 100,000 decisions spills to disk (twice as slow), so the transaction gets more.
constexpr char kKpiWorkMemSql[] = "SET LOCAL work_mem = '32MB'";

Result<std::vector<DecisionCountRow>> PostgresStore::CountDecisions(int64_t since_ms) {
  std::vector<DecisionCountRow> rows;
  Status status =
      Tx("counting decisions", TxMode::kTransaction, [&](pqxx::transaction_base& tx, PgAudit&) {
        rows.clear();
        tx.exec0(kKpiWorkMemSql);
        for (const pqxx::row& row : tx.exec_params(
                 "SELECT floor(created_ms / 86400000::float8)::bigint AS day, queue, field, "
                 "outcome, COUNT(*) FROM decisions WHERE created_ms >= $1 GROUP BY day, queue, "
                 "field, outcome ORDER BY day, queue COLLATE \"C\", field COLLATE \"C\", "
                 "outcome COLLATE \"C\"",
                 since_ms)) {
          rows.push_back({UtcDay(row[0].as<int64_t>()), row[1].as<std::string>(),
                          row[2].as<std::string>(), row[3].as<std::string>(),
                          row[4].as<int64_t>()});
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return rows;
}

Result<std::vector<ApprovalCountRow>> PostgresStore::CountApprovalActions(int64_t since_ms) {
  std::vector<ApprovalCountRow> rows;
  Status status = Tx(
      "counting approval actions", TxMode::kTransaction, [&](pqxx::transaction_base& tx, PgAudit&) {
        rows.clear();
        tx.exec0(kKpiWorkMemSql);
        for (const pqxx::row& row : tx.exec_params(
                 "SELECT floor(decided_ms / 86400000::float8)::bigint AS day, queue, field, "
                 "action, COUNT(*), AVG(decided_ms - proposed_ms)::float8 / 1000 FROM "
                 "approval_actions WHERE decided_ms >= $1 GROUP BY day, queue, field, action "
                 "ORDER BY day, queue COLLATE \"C\", field COLLATE \"C\", action COLLATE \"C\"",
                 since_ms)) {
          rows.push_back({UtcDay(row[0].as<int64_t>()), row[1].as<std::string>(),
                          row[2].as<std::string>(), row[3].as<std::string>(), row[4].as<int64_t>(),
                          row[5].as<double>()});
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return rows;
}

}  // namespace autotriage
