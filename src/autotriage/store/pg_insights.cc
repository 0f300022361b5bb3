// PostgreSQL backend: the tickets the recurring-issue clusterer holds and the Problems proposed
// for spiking clusters (store.h "insights", insight_records.h). A decision and a finish are
// conditional UPDATEs (state, and attempts, in the WHERE clause): of concurrent callers on any
// node, the second waits for the first's row lock, re-checks the condition and changes nothing.
// Claims pass over rows another claimer holds (FOR UPDATE SKIP LOCKED).
#include <algorithm>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "autotriage/store/pg_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

// Rows per INSERT of PutClusterMembers: a 30-day restore is thousands of tickets of a few KB.
constexpr size_t kMembersPerStatement = 500;

// A row selected (or returned) with kProblemProposalColumns.
Result<ProblemProposalRecord> ProposalRow(const pqxx::row& row) {
  ProblemProposalRecord p;
  p.id = row[0].as<int64_t>();
  p.dedupe_key = row[1].as<std::string>();
  p.cluster_id = row[2].as<int64_t>();
  p.cluster_name = row[3].as<std::string>();
  p.state = row[4].as<std::string>();
  p.window_start_ms = row[5].as<int64_t>();
  p.window_end_ms = row[6].as<int64_t>();
  p.observed = row[7].as<int64_t>();
  p.expected = row[8].as<double>();
  p.p_value = row[9].as<double>();
  p.subject = row[10].as<std::string>();
  p.priority = row[11].as<std::string>();
  p.evidence_json = row[12].as<std::string>();
  Result<std::vector<std::string>> ticket_ids =
      ParseProblemTicketIds(p.id, row[13].as<std::string>());
  if (!ticket_ids.ok()) {
    return ticket_ids.status();
  }
  p.ticket_ids = std::move(*ticket_ids);
  p.decided_by = row[14].as<std::string>();
  p.decision_reason = row[15].as<std::string>();
  p.decided_ms = row[16].as<int64_t>();
  p.problem_id = row[17].as<std::string>();
  p.attempts = row[18].as<int>();
  p.last_error = row[19].as<std::string>();
  p.lease_until_ms = row[20].as<int64_t>();
  p.created_ms = row[21].as<int64_t>();
  p.updated_ms = row[22].as<int64_t>();
  return p;
}

Status ReadProposals(const pqxx::result& rows, std::vector<ProblemProposalRecord>* out) {
  out->clear();
  for (const pqxx::row& row : rows) {
    Result<ProblemProposalRecord> p = ProposalRow(row);
    if (!p.ok()) {
      return p.status();
    }
    out->push_back(std::move(*p));
  }
  return Status::Ok();
}

Status ProposalNotFound(int64_t id) {
  return NotFound("problem proposal " + std::to_string(id) + " does not exist");
}

}  // namespace

Status PostgresStore::PutClusterMembers(const std::vector<ClusterMemberRecord>& members) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateClusterMembers(members));
  if (members.empty()) {
    return Status::Ok();
  }
  // One upsert may not touch a row twice: a ticket named twice keeps its last version.
  const std::vector<ClusterMemberRecord> unique = LastMemberOfEachTicket(members);
  return Tx("storing cluster members", TxMode::kTransaction,
            [&](pqxx::transaction_base& tx, PgAudit&) {
              for (size_t first = 0; first < unique.size(); first += kMembersPerStatement) {
                const size_t end = std::min(unique.size(), first + kMembersPerStatement);
                std::string values;
                for (size_t i = first; i < end; ++i) {
                  const ClusterMemberRecord& m = unique[i];
                  values += (i == first ? "(" : ", (") + tx.quote(m.ticket_id) + ", " +
                            std::to_string(m.created_at) + ", " + std::to_string(m.cluster_id) +
                            ", " + tx.quote(m.text) + ")";
                }
                tx.exec0(
                    "INSERT INTO cluster_members (ticket_id, created_at, cluster_id, text) "
                    "VALUES " +
                    values +
                    " ON CONFLICT (ticket_id) DO UPDATE SET created_at = EXCLUDED.created_at, "
                    "cluster_id = EXCLUDED.cluster_id, text = EXCLUDED.text");
              }
              return Status::Ok();
            });
}

Result<std::vector<ClusterMemberRecord>> PostgresStore::ListClusterMembers(int64_t since_s) {
  std::vector<ClusterMemberRecord> members;
  Status status =
      Tx("listing cluster members", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        members.clear();
        // Byte order of ticket ids, whatever the database's collation (as SQLite sorts).
        for (const pqxx::row& row :
             tx.exec_params(std::string("SELECT ") + kClusterMemberColumns +
                                " FROM cluster_members WHERE created_at >= $1 "
                                "ORDER BY created_at, ticket_id COLLATE \"C\"",
                            since_s)) {
          ClusterMemberRecord m;
          m.ticket_id = row[0].as<std::string>();
          m.created_at = row[1].as<int64_t>();
          m.cluster_id = row[2].as<int64_t>();
          m.text = row[3].as<std::string>();
          members.push_back(std::move(m));
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return members;
}

Result<int64_t> PostgresStore::DeleteClusterMembers(int64_t before_s) {
  int64_t deleted = 0;
  Status status = Tx(
      "deleting cluster members", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        deleted = tx.exec_params("DELETE FROM cluster_members WHERE created_at < $1", before_s)
                      .affected_rows();
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return deleted;
}

Result<int64_t> PostgresStore::ProposeProblem(const ProblemProposalRecord& p,
                                              const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateProblemProposal(p));
  const int64_t created_ms = TimeOrNow(p.created_ms);
  int64_t id = 0;
  Status status =
      Tx("proposing a problem", ModeFor(audit), [&](pqxx::transaction_base& tx, PgAudit& chain) {
        // A new proposal starts pending, undecided and unclaimed, whatever the record says.
        const pqxx::result inserted = tx.exec_params(
            "INSERT INTO problem_proposals (dedupe_key, cluster_id, cluster_name, state, "
            "window_start_ms, window_end_ms, observed, expected, p_value, subject, priority, "
            "evidence_json, ticket_ids, created_ms, updated_ms) VALUES ($1, $2, $3, 'pending', "
            "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) ON CONFLICT (dedupe_key) DO "
            "NOTHING RETURNING id",
            p.dedupe_key, p.cluster_id, p.cluster_name, p.window_start_ms, p.window_end_ms,
            p.observed, p.expected, p.p_value, p.subject, p.priority, p.evidence_json,
            ProblemTicketIdsJson(p.ticket_ids), created_ms);
        if (inserted.empty()) {
          return AlreadyExists("a problem proposal with dedupe key '" + p.dedupe_key +
                               "' exists already");
        }
        id = inserted[0][0].as<int64_t>();
        chain.Append(tx, {audit});
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return id;
}

Result<std::vector<ProblemProposalRecord>> PostgresStore::ListProblemProposals(
    const ProblemProposalFilter& filter) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateProblemFilter(filter));
  std::vector<ProblemProposalRecord> proposals;
  Status status = Tx(
      "listing problem proposals", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        return ReadProposals(tx.exec_params(std::string("SELECT ") + kProblemProposalColumns +
                                                " FROM problem_proposals WHERE ($1 = '' OR state = "
                                                "$1) AND ($2::bigint = 0 OR cluster_id = $2) AND "
                                                "created_ms >= $3 ORDER BY id DESC LIMIT $4",
                                            filter.state, filter.cluster_id, filter.since_ms,
                                            ListLimit(filter.limit)),
                             &proposals);
      });
  if (!status.ok()) {
    return status;
  }
  return proposals;
}

Result<ProblemProposalRecord> PostgresStore::GetProblemProposal(int64_t id) {
  std::vector<ProblemProposalRecord> found;
  Status status =
      Tx("reading problem proposal " + std::to_string(id), TxMode::kAutocommit,
         [&](pqxx::transaction_base& tx, PgAudit&) {
           return ReadProposals(tx.exec_params(std::string("SELECT ") + kProblemProposalColumns +
                                                   " FROM problem_proposals WHERE id = $1",
                                               id),
                                &found);
         });
  if (!status.ok()) {
    return status;
  }
  if (found.empty()) {
    return ProposalNotFound(id);
  }
  return std::move(found.front());
}

Status PostgresStore::DecideProblemProposal(int64_t id, bool approve, const std::string& actor,
                                            const std::string& reason, int64_t now_ms,
                                            const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateProblemDecision(id, actor, reason));
  const int64_t decided_ms = TimeOrNow(now_ms);
  return Tx("deciding problem proposal " + std::to_string(id), ModeFor(audit),
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              const pqxx::result decided = tx.exec_params(
                  "UPDATE problem_proposals SET state = $1, decided_by = $2, decision_reason = "
                  "$3, decided_ms = $4, updated_ms = $4 WHERE id = $5 AND state = 'pending'",
                  std::string(approve ? problem_state::kApproved : problem_state::kRejected), actor,
                  reason, decided_ms, id);
              if (decided.affected_rows() == 0) {
                // Read committed: this sees the decision that won (its UPDATE committed first).
                const pqxx::result standing = tx.exec_params(
                    "SELECT state, decided_by FROM problem_proposals WHERE id = $1", id);
                if (standing.empty()) {
                  return ProposalNotFound(id);
                }
                return ProblemAlreadyDecided(id, standing[0][0].as<std::string>(),
                                             standing[0][1].as<std::string>());
              }
              chain.Append(tx, {audit});
              return Status::Ok();
            });
}

Result<std::vector<ProblemProposalRecord>> PostgresStore::ClaimProblemCreations(int max,
                                                                                int64_t lease_ms,
                                                                                int64_t now_ms) {
  if (max <= 0 || lease_ms <= 0) {
    return InvalidArgument("ClaimProblemCreations needs max > 0 and lease_ms > 0");
  }
  std::vector<ProblemProposalRecord> claimed;
  Status status = Tx(
      "claiming problem creations", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        // Approved and never tried (lease 0), a retry whose time came, or a creator's lease
        // that ran out. SKIP LOCKED passes over rows another claimer holds; a row claimed and
        // committed meanwhile is re-checked against the WHERE clause and dropped.
        return ReadProposals(
            tx.exec_params(
                std::string("WITH picked AS (SELECT id AS picked_id FROM problem_proposals "
                            "WHERE state IN ('approved', 'creating') AND lease_until_ms <= $2 "
                            "ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) "
                            "UPDATE problem_proposals SET state = 'creating', lease_until_ms = $1, "
                            "attempts = attempts + 1, updated_ms = $2 FROM picked "
                            "WHERE id = picked_id RETURNING ") +
                    kProblemProposalColumns,
                now_ms + lease_ms, now_ms, max),
            &claimed);
      });
  if (!status.ok()) {
    return status;
  }
  std::sort(
      claimed.begin(), claimed.end(),
      [](const ProblemProposalRecord& a, const ProblemProposalRecord& b) { return a.id < b.id; });
  return claimed;
}

Status PostgresStore::FinishProblemCreation(int64_t id, int attempt, const std::string& new_state,
                                            const std::string& problem_id, const std::string& error,
                                            int64_t retry_at_ms, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateProblemFinish(id, new_state, problem_id, error));
  const int64_t now_ms = TimeOrNow(audit.time_ms);
  const int64_t lease_until_ms = new_state == problem_state::kApproved ? retry_at_ms : 0;
  return Tx("finishing the creation of problem proposal " + std::to_string(id), ModeFor(audit),
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              const pqxx::result finished = tx.exec_params(
                  "UPDATE problem_proposals SET state = $1, problem_id = $2, last_error = $3, "
                  "lease_until_ms = $4, updated_ms = $5 WHERE id = $6 AND state = 'creating' "
                  "AND attempts = $7",
                  new_state, problem_id, error, lease_until_ms, now_ms, id, attempt);
              if (finished.affected_rows() == 0) {
                const pqxx::result standing = tx.exec_params(
                    "SELECT state, attempts FROM problem_proposals WHERE id = $1", id);
                if (standing.empty()) {
                  return ProposalNotFound(id);
                }
                return ProblemClaimLost(id, attempt, standing[0][0].as<std::string>(),
                                        standing[0][1].as<int>());
              }
              chain.Append(tx, {audit});
              return Status::Ok();
            });
}

}  // namespace autotriage
