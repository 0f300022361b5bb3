// SQLite backend: outcomes of decisions, the corrections log and resolved tickets (store.h,
// outcome_records.h).
#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <string_view>
#include <vector>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// A text column without a copy; valid until the statement steps on.
std::string_view ColumnText(const SQLite::Column& column) {
  const char* text = column.getText();
  return std::string_view(text, static_cast<size_t>(column.getBytes()));
}

}  // namespace

Result<bool> SqliteStore::RecordOutcome(const OutcomeRecord& outcome, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateOutcome(outcome));
  bool inserted = false;
  Status status =
      WriteTx("recording the outcome of decision " + std::to_string(outcome.decision_id),
              [&](SqliteConnection& conn) {
                SQLite::Statement& insert = conn.Prepared(
                    "INSERT INTO outcomes (decision_id, ticket_id, queue, field, mode, kind, "
                    "engine_value, human_value, observed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (decision_id) DO NOTHING");
                insert.bind(1, outcome.decision_id);
                insert.bind(2, outcome.ticket_id);
                insert.bind(3, outcome.queue);
                insert.bind(4, outcome.field);
                insert.bind(5, outcome.mode);
                insert.bind(6, outcome.kind);
                insert.bind(7, outcome.engine_value);
                insert.bind(8, outcome.human_value);
                insert.bind(9, TimeOrNow(outcome.observed_ms));
                inserted = insert.exec() > 0;
                if (inserted) {
                  SqliteAppendAudit(conn, {audit});
                }
                return Status::Ok();
              });
  if (!status.ok()) {
    return status;
  }
  return inserted;
}

Result<std::vector<OutcomeRecord>> SqliteStore::OutcomesForTicket(const std::string& ticket_id) {
  std::vector<OutcomeRecord> outcomes;
  Status status = Read("reading outcomes of ticket " + ticket_id, [&](SqliteConnection& conn) {
    SQLite::Statement& query =
        conn.Prepared(std::string("SELECT ") + kOutcomeColumns +
                      " FROM outcomes WHERE ticket_id = ? ORDER BY decision_id");
    query.bind(1, ticket_id);
    while (query.executeStep()) {
      OutcomeRecord o;
      o.decision_id = query.getColumn(0).getInt64();
      o.ticket_id = query.getColumn(1).getString();
      o.queue = query.getColumn(2).getString();
      o.field = query.getColumn(3).getString();
      o.mode = query.getColumn(4).getString();
      o.kind = query.getColumn(5).getString();
      o.engine_value = query.getColumn(6).getString();
      o.human_value = query.getColumn(7).getString();
      o.observed_ms = query.getColumn(8).getInt64();
      outcomes.push_back(std::move(o));
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return outcomes;
}

Result<std::vector<OutcomeCountRow>> SqliteStore::CountOutcomes(int64_t since_ms) {
  KpiTally tally;
  Status status = Read("counting outcomes", [&](SqliteConnection& conn) {
    // A range of the covering index outcomes_observed, counted by KpiTally.
    SQLite::Statement& query = conn.Prepared(
        "SELECT observed_ms, queue, field, mode, kind FROM outcomes WHERE observed_ms >= ?");
    query.bind(1, since_ms);
    std::string label;
    while (query.executeStep()) {
      label = OutcomeTallyLabel(ColumnText(query.getColumn(3)), ColumnText(query.getColumn(4)));
      tally.Add(query.getColumn(0).getInt64(), ColumnText(query.getColumn(1)),
                ColumnText(query.getColumn(2)), label);
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return OutcomeRowsOf(tally);
}

Status SqliteStore::AppendCorrection(const CorrectionRecord& c) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateCorrection(c));
  return WriteTx("appending a correction of ticket " + c.ticket_id, [&](SqliteConnection& conn) {
    SQLite::Statement& insert = conn.Prepared(
        "INSERT INTO corrections (ticket_id, queue, field, label, source, text, observed_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id, field, label, source) DO NOTHING");
    insert.bind(1, c.ticket_id);
    insert.bind(2, c.queue);
    insert.bind(3, c.field);
    insert.bind(4, c.label);
    insert.bind(5, c.source);
    insert.bind(6, c.text);
    insert.bind(7, TimeOrNow(c.observed_ms));
    insert.exec();
    return Status::Ok();
  });
}

Result<std::vector<CorrectionRecord>> SqliteStore::ListCorrections(int64_t after_id, int limit) {
  std::vector<CorrectionRecord> corrections;
  Status status = Read("listing corrections", [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared(std::string("SELECT ") + kCorrectionColumns +
                                             " FROM corrections WHERE id > ? ORDER BY id LIMIT ?");
    query.bind(1, after_id);
    query.bind(2, ListLimit(limit));
    while (query.executeStep()) {
      CorrectionRecord c;
      c.id = query.getColumn(0).getInt64();
      c.ticket_id = query.getColumn(1).getString();
      c.queue = query.getColumn(2).getString();
      c.field = query.getColumn(3).getString();
      c.label = query.getColumn(4).getString();
      c.source = query.getColumn(5).getString();
      c.text = query.getColumn(6).getString();
      c.observed_ms = query.getColumn(7).getInt64();
      corrections.push_back(std::move(c));
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return corrections;
}

Result<bool> SqliteStore::RecordResolution(const ResolutionRecord& r, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateResolution(r));
  bool inserted = false;
  Status status =
      WriteTx("recording the resolution of ticket " + r.ticket_id, [&](SqliteConnection& conn) {
        SQLite::Statement& insert = conn.Prepared(
            "INSERT INTO resolutions (ticket_id, queue, created_ms, resolved_ms, conversations, "
            "first_contact, observed_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (ticket_id) DO NOTHING");
        insert.bind(1, r.ticket_id);
        insert.bind(2, r.queue);
        insert.bind(3, r.created_ms);
        insert.bind(4, r.resolved_ms);
        insert.bind(5, r.conversations);
        insert.bind(6, r.first_contact ? 1 : 0);
        insert.bind(7, TimeOrNow(r.observed_ms));
        inserted = insert.exec() > 0;
        if (inserted) {
          SqliteAppendAudit(conn, {audit});
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return inserted;
}

Result<std::vector<ResolutionCountRow>> SqliteStore::CountResolutions(int64_t since_ms) {
  KpiTally tally;
  Status status = Read("counting resolutions", [&](SqliteConnection& conn) {
    // A range of the covering index resolutions_resolved.
    SQLite::Statement& query = conn.Prepared(
        "SELECT resolved_ms, queue, first_contact, created_ms FROM resolutions "
        "WHERE resolved_ms >= ?");
    query.bind(1, since_ms);
    while (query.executeStep()) {
      const int64_t resolved_ms = query.getColumn(0).getInt64();
      const int64_t created_ms = query.getColumn(3).getInt64();
      const double seconds =
          created_ms > 0 ? static_cast<double>(resolved_ms - created_ms) / 1000.0 : 0.0;
      tally.Add(resolved_ms, ColumnText(query.getColumn(1)), "",
                query.getColumn(2).getInt() != 0 ? "fcr" : "other", seconds);
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return ResolutionRowsOf(tally);
}

}  // namespace autotriage
