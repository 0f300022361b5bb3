// SQLite backend: the tickets the recurring-issue clusterer holds and the Problems proposed for
// spiking clusters (store.h "insights", insight_records.h). Every change runs in one write
// transaction (group commit, sqlite_store.h), so a decision or a finish is checked and applied
// without another writer in between, and a claim cannot be taken twice.
#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// A row selected with kProblemProposalColumns.
Result<ProblemProposalRecord> ProposalRow(SQLite::Statement& row) {
  ProblemProposalRecord p;
  p.id = row.getColumn(0).getInt64();
  p.dedupe_key = row.getColumn(1).getString();
  p.cluster_id = row.getColumn(2).getInt64();
  p.cluster_name = row.getColumn(3).getString();
  p.state = row.getColumn(4).getString();
  p.window_start_ms = row.getColumn(5).getInt64();
  p.window_end_ms = row.getColumn(6).getInt64();
  p.observed = row.getColumn(7).getInt64();
  p.expected = row.getColumn(8).getDouble();
  p.p_value = row.getColumn(9).getDouble();
  p.subject = row.getColumn(10).getString();
  p.priority = row.getColumn(11).getString();
  p.evidence_json = row.getColumn(12).getString();
  Result<std::vector<std::string>> ticket_ids =
      ParseProblemTicketIds(p.id, row.getColumn(13).getString());
  if (!ticket_ids.ok()) {
    return ticket_ids.status();
  }
  p.ticket_ids = std::move(*ticket_ids);
  p.decided_by = row.getColumn(14).getString();
  p.decision_reason = row.getColumn(15).getString();
  p.decided_ms = row.getColumn(16).getInt64();
  p.problem_id = row.getColumn(17).getString();
  p.attempts = row.getColumn(18).getInt();
  p.last_error = row.getColumn(19).getString();
  p.lease_until_ms = row.getColumn(20).getInt64();
  p.created_ms = row.getColumn(21).getInt64();
  p.updated_ms = row.getColumn(22).getInt64();
  return p;
}

// Reads every row of `query` into `out`.
Status ReadProposals(SQLite::Statement& query, std::vector<ProblemProposalRecord>* out) {
  while (query.executeStep()) {
    Result<ProblemProposalRecord> p = ProposalRow(query);
    if (!p.ok()) {
      return p.status();
    }
    out->push_back(std::move(*p));
  }
  return Status::Ok();
}

// State and decider (or attempts) of proposal `id` inside the caller's transaction, after a
// conditional UPDATE changed nothing: kNotFound, or the caller's refusal.
struct ProposalStanding {
  bool found = false;
  std::string state;
  std::string decided_by;
  int attempts = 0;
};

ProposalStanding ReadStanding(SqliteConnection& conn, int64_t id) {
  SQLite::Statement& query =
      conn.Prepared("SELECT state, decided_by, attempts FROM problem_proposals WHERE id = ?");
  query.bind(1, id);
  ProposalStanding standing;
  if (query.executeStep()) {
    standing.found = true;
    standing.state = query.getColumn(0).getString();
    standing.decided_by = query.getColumn(1).getString();
    standing.attempts = query.getColumn(2).getInt();
  }
  return standing;
}

Status ProposalNotFound(int64_t id) {
  return NotFound("problem proposal " + std::to_string(id) + " does not exist");
}

}  // namespace

Status SqliteStore::PutClusterMembers(const std::vector<ClusterMemberRecord>& members) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateClusterMembers(members));
  if (members.empty()) {
    return Status::Ok();
  }
  return WriteTx("storing cluster members", [&](SqliteConnection& conn) {
    SQLite::Statement& upsert = conn.Prepared(
        "INSERT INTO cluster_members (ticket_id, created_at, cluster_id, text) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (ticket_id) DO UPDATE SET created_at = excluded.created_at, "
        "cluster_id = excluded.cluster_id, text = excluded.text");
    for (const ClusterMemberRecord& m : members) {
      upsert.reset();
      upsert.bind(1, m.ticket_id);
      upsert.bind(2, m.created_at);
      upsert.bind(3, m.cluster_id);
      upsert.bind(4, m.text);
      upsert.exec();
    }
    return Status::Ok();
  });
}

Result<std::vector<ClusterMemberRecord>> SqliteStore::ListClusterMembers(int64_t since_s) {
  std::vector<ClusterMemberRecord> members;
  Status status = Read("listing cluster members", [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared(std::string("SELECT ") + kClusterMemberColumns +
                                             " FROM cluster_members WHERE created_at >= ? "
                                             "ORDER BY created_at, ticket_id");
    query.bind(1, since_s);
    while (query.executeStep()) {
      ClusterMemberRecord m;
      m.ticket_id = query.getColumn(0).getString();
      m.created_at = query.getColumn(1).getInt64();
      m.cluster_id = query.getColumn(2).getInt64();
      m.text = query.getColumn(3).getString();
      members.push_back(std::move(m));
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return members;
}

Result<int64_t> SqliteStore::DeleteClusterMembers(int64_t before_s) {
  int64_t deleted = 0;
  Status status = WriteTx("deleting cluster members", [&](SqliteConnection& conn) {
    SQLite::Statement& remove = conn.Prepared("DELETE FROM cluster_members WHERE created_at < ?");
    remove.bind(1, before_s);
    deleted = remove.exec();
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return deleted;
}

Result<int64_t> SqliteStore::ProposeProblem(const ProblemProposalRecord& p,
                                            const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateProblemProposal(p));
  const int64_t created_ms = TimeOrNow(p.created_ms);
  int64_t id = 0;
  Status status = WriteTx("proposing a problem", [&](SqliteConnection& conn) {
    // A new proposal starts pending, undecided and unclaimed, whatever the record says.
    SQLite::Statement& insert = conn.Prepared(
        "INSERT INTO problem_proposals (dedupe_key, cluster_id, cluster_name, state, "
        "window_start_ms, window_end_ms, observed, expected, p_value, subject, priority, "
        "evidence_json, ticket_ids, created_ms, updated_ms) "
        "VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (dedupe_key) DO NOTHING");
    insert.bind(1, p.dedupe_key);
    insert.bind(2, p.cluster_id);
    insert.bind(3, p.cluster_name);
    insert.bind(4, p.window_start_ms);
    insert.bind(5, p.window_end_ms);
    insert.bind(6, p.observed);
    insert.bind(7, p.expected);
    insert.bind(8, p.p_value);
    insert.bind(9, p.subject);
    insert.bind(10, p.priority);
    insert.bind(11, p.evidence_json);
    insert.bind(12, ProblemTicketIdsJson(p.ticket_ids));
    insert.bind(13, created_ms);
    insert.bind(14, created_ms);
    if (insert.exec() == 0) {
      return AlreadyExists("a problem proposal with dedupe key '" + p.dedupe_key +
                           "' exists already");
    }
    id = conn.db().getLastInsertRowid();
    SqliteAppendAudit(conn, {audit});
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return id;
}

Result<std::vector<ProblemProposalRecord>> SqliteStore::ListProblemProposals(
    const ProblemProposalFilter& filter) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateProblemFilter(filter));
  std::vector<ProblemProposalRecord> proposals;
  Status status = Read("listing problem proposals", [&](SqliteConnection& conn) {
    SQLite::Statement& query =
        conn.Prepared(std::string("SELECT ") + kProblemProposalColumns +
                      " FROM problem_proposals WHERE (?1 = '' OR state = ?1) AND "
                      "(?2 = 0 OR cluster_id = ?2) AND created_ms >= ?3 ORDER BY id DESC LIMIT ?4");
    query.bind(1, filter.state);
    query.bind(2, filter.cluster_id);
    query.bind(3, filter.since_ms);
    query.bind(4, ListLimit(filter.limit));
    return ReadProposals(query, &proposals);
  });
  if (!status.ok()) {
    return status;
  }
  return proposals;
}

Result<ProblemProposalRecord> SqliteStore::GetProblemProposal(int64_t id) {
  std::vector<ProblemProposalRecord> found;
  Status status =
      Read("reading problem proposal " + std::to_string(id), [&](SqliteConnection& conn) {
        SQLite::Statement& query = conn.Prepared(std::string("SELECT ") + kProblemProposalColumns +
                                                 " FROM problem_proposals WHERE id = ?");
        query.bind(1, id);
        return ReadProposals(query, &found);
      });
  if (!status.ok()) {
    return status;
  }
  if (found.empty()) {
    return ProposalNotFound(id);
  }
  return std::move(found.front());
}

Status SqliteStore::DecideProblemProposal(int64_t id, bool approve, const std::string& actor,
                                          const std::string& reason, int64_t now_ms,
                                          const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateProblemDecision(id, actor, reason));
  const int64_t decided_ms = TimeOrNow(now_ms);
  return WriteTx("deciding problem proposal " + std::to_string(id), [&](SqliteConnection& conn) {
    SQLite::Statement& decide = conn.Prepared(
        "UPDATE problem_proposals SET state = ?, decided_by = ?, decision_reason = ?, "
        "decided_ms = ?, updated_ms = ? WHERE id = ? AND state = 'pending'");
    decide.bind(1, approve ? problem_state::kApproved : problem_state::kRejected);
    decide.bind(2, actor);
    decide.bind(3, reason);
    decide.bind(4, decided_ms);
    decide.bind(5, decided_ms);
    decide.bind(6, id);
    if (decide.exec() == 0) {
      const ProposalStanding standing = ReadStanding(conn, id);
      return standing.found ? ProblemAlreadyDecided(id, standing.state, standing.decided_by)
                            : ProposalNotFound(id);
    }
    SqliteAppendAudit(conn, {audit});
    return Status::Ok();
  });
}

Result<std::vector<ProblemProposalRecord>> SqliteStore::ClaimProblemCreations(int max,
                                                                              int64_t lease_ms,
                                                                              int64_t now_ms) {
  if (max <= 0 || lease_ms <= 0) {
    return InvalidArgument("ClaimProblemCreations needs max > 0 and lease_ms > 0");
  }
  std::vector<ProblemProposalRecord> claimed;
  Status status = WriteTx("claiming problem creations", [&](SqliteConnection& conn) {
    claimed.clear();
    // Approved and never tried (lease 0), a retry whose time came, or a creator's lease that
    // ran out: one condition, since the lease of an approved proposal is its retry time.
    SQLite::Statement& select =
        conn.Prepared(std::string("SELECT ") + kProblemProposalColumns +
                      " FROM problem_proposals WHERE state IN ('approved', 'creating') AND "
                      "lease_until_ms <= ?1 ORDER BY id LIMIT ?2");
    select.bind(1, now_ms);
    select.bind(2, max);
    AUTOTRIAGE_RETURN_IF_ERROR(ReadProposals(select, &claimed));
    SQLite::Statement& lease = conn.Prepared(
        "UPDATE problem_proposals SET state = 'creating', lease_until_ms = ?, "
        "attempts = attempts + 1, updated_ms = ? WHERE id = ?");
    for (ProblemProposalRecord& p : claimed) {
      lease.reset();
      lease.bind(1, now_ms + lease_ms);
      lease.bind(2, now_ms);
      lease.bind(3, p.id);
      lease.exec();
      p.state = problem_state::kCreating;
      p.lease_until_ms = now_ms + lease_ms;
      p.updated_ms = now_ms;
      ++p.attempts;
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return claimed;
}

Status SqliteStore::FinishProblemCreation(int64_t id, int attempt, const std::string& new_state,
                                          const std::string& problem_id, const std::string& error,
                                          int64_t retry_at_ms, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateProblemFinish(id, new_state, problem_id, error));
  const int64_t now_ms = TimeOrNow(audit.time_ms);
  const int64_t lease_until_ms = new_state == problem_state::kApproved ? retry_at_ms : 0;
  return WriteTx("finishing the creation of problem proposal " + std::to_string(id),
                 [&](SqliteConnection& conn) {
                   SQLite::Statement& finish = conn.Prepared(
                       "UPDATE problem_proposals SET state = ?, problem_id = ?, last_error = ?, "
                       "lease_until_ms = ?, updated_ms = ? WHERE id = ? AND state = 'creating' AND "
                       "attempts = ?");
                   finish.bind(1, new_state);
                   finish.bind(2, problem_id);
                   finish.bind(3, error);
                   finish.bind(4, lease_until_ms);
                   finish.bind(5, now_ms);
                   finish.bind(6, id);
                   finish.bind(7, attempt);
                   if (finish.exec() == 0) {
                     const ProposalStanding standing = ReadStanding(conn, id);
                     return standing.found
                                ? ProblemClaimLost(id, attempt, standing.state, standing.attempts)
                                : ProposalNotFound(id);
                   }
                   SqliteAppendAudit(conn, {audit});
                   return Status::Ok();
                 });
}

}  // namespace autotriage
