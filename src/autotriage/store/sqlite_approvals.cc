// SQLite backend: the approval queue, human decisions on it, escalation, run-time matrix cells
// and the KPI counts.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// How a decision named by an approval stands, with who decided it when it is no longer pending.
// Runs inside the caller's write transaction; false when the decision does not exist.
bool ReadTarget(SqliteConnection& conn, int64_t decision_id, ApprovalTarget* target) {
  SQLite::Statement& query = conn.Prepared(
      "SELECT id, job_id, ticket_id, ticket_version, queue, field, outcome, new_value, "
      "created_ms FROM decisions WHERE id = ?");
  query.bind(1, decision_id);
  if (!query.executeStep()) {
    return false;
  }
  target->id = query.getColumn(0).getInt64();
  target->job_id = query.getColumn(1).getInt64();
  target->ticket_id = query.getColumn(2).getString();
  target->ticket_version = query.getColumn(3).getString();
  target->queue = query.getColumn(4).getString();
  target->field = query.getColumn(5).getString();
  target->outcome = query.getColumn(6).getString();
  target->new_value = query.getColumn(7).getString();
  target->created_ms = query.getColumn(8).getInt64();
  if (target->outcome != "pending") {
    SQLite::Statement& last = conn.Prepared(
        "SELECT action, actor FROM approval_actions WHERE decision_id = ? "
        "ORDER BY id DESC LIMIT 1");
    last.bind(1, decision_id);
    if (last.executeStep()) {
      target->last_action = last.getColumn(0).getString();
      target->last_actor = last.getColumn(1).getString();
    }
  }
  return true;
}

// A text column without a copy; valid until the statement steps on.
std::string_view TextOf(const SQLite::Column& column) {
  const char* text = column.getText();
  return std::string_view(text, static_cast<size_t>(column.getBytes()));
}

void InsertApprovalAction(SqliteConnection& conn, const ApprovalActionRecord& a) {
  SQLite::Statement& insert = conn.Prepared(
      "INSERT INTO approval_actions (decision_id, ticket_id, ticket_version, queue, field, "
      "proposed_value, action, actor, reason, human_value, proposed_ms, decided_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, a.decision_id);
  insert.bind(2, a.ticket_id);
  insert.bind(3, a.ticket_version);
  insert.bind(4, a.queue);
  insert.bind(5, a.field);
  insert.bind(6, a.proposed_value);
  insert.bind(7, a.action);
  insert.bind(8, a.actor);
  insert.bind(9, a.reason);
  insert.bind(10, a.human_value);
  insert.bind(11, a.proposed_ms);
  insert.bind(12, a.decided_ms);
  insert.exec();
}

}  // namespace

Result<std::vector<DecisionRecord>> SqliteStore::PendingDecisions(const std::string& queue,
                                                                  int limit) {
  const int versions = ListLimit(limit);
  std::vector<DecisionRecord> decisions;
  Status status = Read("listing pending approvals", [&](SqliteConnection& conn) {
    // The newest ticket versions: walk the pending decisions newest first (an index range,
    // decisions_outcome or decisions_pending_queue) and stop at `versions` distinct ones, so a
    // page costs what it shows, not what is pending in all.
    SQLite::Statement& walk =
        conn.Prepared(queue.empty() ? "SELECT ticket_id, ticket_version FROM decisions "
                                      "WHERE outcome = 'pending' ORDER BY id DESC"
                                    : "SELECT ticket_id, ticket_version FROM decisions "
                                      "WHERE outcome = 'pending' AND queue = ? ORDER BY id DESC");
    if (!queue.empty()) {
      walk.bind(1, queue);
    }
    std::vector<std::pair<std::string, std::string>> keys;
    std::set<std::pair<std::string, std::string>> seen;
    while (static_cast<int>(keys.size()) < versions && walk.executeStep()) {
      std::pair<std::string, std::string> key{walk.getColumn(0).getString(),
                                              walk.getColumn(1).getString()};
      if (seen.insert(key).second) {
        keys.push_back(std::move(key));
      }
    }
    walk.reset();
    SQLite::Statement& of_version =
        conn.Prepared(std::string("SELECT ") + kDecisionColumns +
                      " FROM decisions WHERE ticket_id = ?1 AND ticket_version = ?2 AND "
                      "outcome = 'pending' AND (?3 = '' OR queue = ?3) ORDER BY field, id");
    for (const auto& [ticket_id, ticket_version] : keys) {
      of_version.reset();
      of_version.bind(1, ticket_id);
      of_version.bind(2, ticket_version);
      of_version.bind(3, queue);
      while (of_version.executeStep()) {
        decisions.push_back(SqliteDecisionRow(of_version));
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return decisions;
}

Status SqliteStore::DecideApproval(const ApprovalDecision& decision) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateApproval(decision));
  const int64_t now_ms = TimeOrNow(decision.now_ms);
  return WriteTx(
      "deciding the approval of ticket " + decision.ticket_id, [&](SqliteConnection& conn) {
        // BEGIN IMMEDIATE holds SQLite's write lock from the first read: of two approvers (in
        // this process or another) the second sees the first one's outcome.
        std::vector<ApprovalTarget> targets;
        for (int64_t id : decision.decision_ids) {
          ApprovalTarget target;
          if (ReadTarget(conn, id, &target)) {
            targets.push_back(std::move(target));
          }
        }
        AUTOTRIAGE_RETURN_IF_ERROR(CheckApprovalTargets(decision, targets));
        SQLite::Statement& update =
            conn.Prepared("UPDATE decisions SET outcome = ?, updated_ms = ? WHERE id = ?");
        for (int64_t id : decision.decision_ids) {
          update.reset();
          update.bind(1, std::string(ApprovalOutcomeOf(decision, id)));
          update.bind(2, now_ms);
          update.bind(3, id);
          update.exec();
        }
        for (const ApprovalActionRecord& action : ApprovalActionsOf(decision, targets)) {
          InsertApprovalAction(conn, action);
        }
        if (decision.write) {
          const WriteRecord write = ApprovalWrite(decision);
          SqliteInsertWrite(conn, write, write.decision_ids, targets.front().job_id, now_ms);
        }
        SqliteAppendAudit(conn, decision.audit);
        return Status::Ok();
      });
}

Result<std::vector<ApprovalActionRecord>> SqliteStore::ListApprovalActions(
    const std::string& ticket_id, int limit) {
  std::vector<ApprovalActionRecord> actions;
  Status status = Read("listing approval actions", [&](SqliteConnection& conn) {
    // The newest `limit`, returned oldest first.
    SQLite::Statement& query = conn.Prepared(
        std::string("SELECT ") + kApprovalActionColumns + " FROM (SELECT " +
        kApprovalActionColumns +
        " FROM approval_actions WHERE ?1 = '' OR ticket_id = ?1 ORDER BY id DESC LIMIT ?2) "
        "ORDER BY id");
    query.bind(1, ticket_id);
    query.bind(2, ListLimit(limit));
    while (query.executeStep()) {
      ApprovalActionRecord a;
      a.id = query.getColumn(0).getInt64();
      a.decision_id = query.getColumn(1).getInt64();
      a.ticket_id = query.getColumn(2).getString();
      a.ticket_version = query.getColumn(3).getString();
      a.queue = query.getColumn(4).getString();
      a.field = query.getColumn(5).getString();
      a.proposed_value = query.getColumn(6).getString();
      a.action = query.getColumn(7).getString();
      a.actor = query.getColumn(8).getString();
      a.reason = query.getColumn(9).getString();
      a.human_value = query.getColumn(10).getString();
      a.proposed_ms = query.getColumn(11).getInt64();
      a.decided_ms = query.getColumn(12).getInt64();
      actions.push_back(std::move(a));
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return actions;
}

Result<int> SqliteStore::MarkEscalated(const std::vector<int64_t>& decision_ids, int64_t now_ms,
                                       const AuditEntry& audit) {
  if (decision_ids.empty()) {
    return 0;
  }
  const int64_t escalated_ms = TimeOrNow(now_ms);
  int changed = 0;
  Status status = WriteTx("escalating decisions", [&](SqliteConnection& conn) {
    changed = 0;
    SQLite::Statement& update = conn.Prepared(
        "UPDATE decisions SET escalated_ms = ? WHERE id = ? AND outcome = 'pending' AND "
        "escalated_ms = 0");
    for (int64_t id : decision_ids) {
      update.reset();
      update.bind(1, escalated_ms);
      update.bind(2, id);
      changed += update.exec();
    }
    if (changed > 0) {
      SqliteAppendAudit(conn, {audit});
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return changed;
}

Status SqliteStore::SetMatrixCell(const MatrixCellRecord& cell, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateMatrixCell(cell));
  return WriteTx("setting matrix cell " + cell.queue + "/" + cell.field,
                 [&](SqliteConnection& conn) {
                   SQLite::Statement& upsert = conn.Prepared(
                       "INSERT INTO matrix_cells (queue, field, mode, actor, updated_ms) "
                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT (queue, field) DO UPDATE SET "
                       "mode = excluded.mode, actor = excluded.actor, "
                       "updated_ms = excluded.updated_ms");
                   upsert.bind(1, cell.queue);
                   upsert.bind(2, cell.field);
                   upsert.bind(3, cell.mode);
                   upsert.bind(4, cell.actor);
                   upsert.bind(5, TimeOrNow(cell.updated_ms));
                   upsert.exec();
                   SqliteAppendAudit(conn, {audit});
                   return Status::Ok();
                 });
}

Result<std::vector<MatrixCellRecord>> SqliteStore::ListMatrixCells() {
  std::vector<MatrixCellRecord> cells;
  Status status = Read("listing matrix cells", [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared(std::string("SELECT ") + kMatrixCellColumns +
                                             " FROM matrix_cells ORDER BY queue, field");
    while (query.executeStep()) {
      cells.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                       query.getColumn(2).getString(), query.getColumn(3).getString(),
                       query.getColumn(4).getInt64()});
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return cells;
}

Result<std::vector<DecisionCountRow>> SqliteStore::CountDecisions(int64_t since_ms) {
  KpiTally tally;
  Status status = Read("counting decisions", [&](SqliteConnection& conn) {
    // A range of the covering index decisions_created, counted by KpiTally.
    SQLite::Statement& query = conn.Prepared(
        "SELECT created_ms, queue, field, outcome FROM decisions WHERE created_ms >= ?");
    query.bind(1, since_ms);
    while (query.executeStep()) {
      tally.Add(query.getColumn(0).getInt64(), TextOf(query.getColumn(1)),
                TextOf(query.getColumn(2)), TextOf(query.getColumn(3)));
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return tally.DecisionRows();
}

Result<std::vector<ApprovalCountRow>> SqliteStore::CountApprovalActions(int64_t since_ms) {
  KpiTally tally;
  Status status = Read("counting approval actions", [&](SqliteConnection& conn) {
    // A range of the covering index approval_actions_decided, counted by KpiTally.
    SQLite::Statement& query = conn.Prepared(
        "SELECT decided_ms, queue, field, action, proposed_ms FROM approval_actions "
        "WHERE decided_ms >= ?");
    query.bind(1, since_ms);
    while (query.executeStep()) {
      const int64_t decided_ms = query.getColumn(0).getInt64();
      tally.Add(decided_ms, TextOf(query.getColumn(1)), TextOf(query.getColumn(2)),
                TextOf(query.getColumn(3)),
                static_cast<double>(decided_ms - query.getColumn(4).getInt64()) / 1000.0);
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return tally.ApprovalRows();
}

}  // namespace autotriage
