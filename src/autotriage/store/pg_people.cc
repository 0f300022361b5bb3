// PostgreSQL backend: users, sessions, API tokens, the set-up token and Slack messages.
// Hashes of secrets travel as parameters and are never put into a message. Unique violations
// are avoided with ON CONFLICT DO NOTHING, so that no server message (which quotes the
// conflicting key) reaches an error.
#include <pqxx/pqxx>
#include <utility>

#include "autotriage/store/pg_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

UserRecord UserRow(const pqxx::row& row) {
  UserRecord user;
  user.id = row[0].as<int64_t>();
  user.name = row[1].as<std::string>();
  user.role = row[2].as<std::string>();
  user.password_hash = row[3].as<std::string>();
  user.slack_user_id = row[4].as<std::string>();
  user.disabled = row[5].as<bool>();
  user.created_ms = row[6].as<int64_t>();
  user.updated_ms = row[7].as<int64_t>();
  return user;
}

// kAlreadyExists when a user other than `except_id` has the name (when `name` is set) or the
// Slack user id; OK otherwise.
Status UserConflict(pqxx::transaction_base& tx, const std::string& name,
                    const std::string& slack_user_id, int64_t except_id) {
  if (!name.empty() &&
      !tx.exec_params("SELECT 1 FROM users WHERE name = $1 AND id <> $2", name, except_id)
           .empty()) {
    return AlreadyExists("a user named '" + name + "' already exists");
  }
  if (!slack_user_id.empty()) {
    const pqxx::result rows = tx.exec_params(
        "SELECT name FROM users WHERE slack_user_id = $1 AND id <> $2", slack_user_id, except_id);
    if (!rows.empty()) {
      return AlreadyExists("Slack user id " + slack_user_id + " is already mapped to user '" +
                           rows[0][0].as<std::string>() + "'");
    }
  }
  return Status::Ok();
}

// kNotFound for an unknown user, kFailedPrecondition for a disabled one. The share lock makes
// a concurrent UpdateUser that disables the user wait for this transaction (and then delete
// what it made), or this one see the user disabled.
Status LockEnabledUser(pqxx::transaction_base& tx, int64_t user_id) {
  const pqxx::result rows =
      tx.exec_params("SELECT disabled FROM users WHERE id = $1 FOR SHARE", user_id);
  if (rows.empty()) {
    return NotFound("user " + std::to_string(user_id) + " does not exist");
  }
  if (rows[0][0].as<bool>()) {
    return FailedPrecondition("user " + std::to_string(user_id) + " is disabled");
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> PostgresStore::AddUser(const UserRecord& user, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateUser(user));
  int64_t id = 0;
  const int64_t created_ms = TimeOrNow(user.created_ms);
  Status status = Tx(
      "adding user " + user.name, ModeFor(audit), [&](pqxx::transaction_base& tx, PgAudit& chain) {
        const pqxx::result rows = tx.exec_params(
            "INSERT INTO users (name, role, password_hash, slack_user_id, "
            "disabled, created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, "
            "$7) ON CONFLICT DO NOTHING RETURNING id",
            user.name, user.role, user.password_hash, user.slack_user_id, user.disabled, created_ms,
            user.updated_ms != 0 ? user.updated_ms : created_ms);
        if (rows.empty()) {
          Status conflict = UserConflict(tx, user.name, user.slack_user_id, 0);
          return conflict.ok() ? AlreadyExists("user " + user.name + " conflicts with another user")
                               : conflict;
        }
        id = rows[0][0].as<int64_t>();
        chain.Append(tx, {audit});
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return id;
}

Status PostgresStore::UpdateUser(const UserRecord& user, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateUser(user));
  return Tx("updating user " + user.name, ModeFor(audit),
            [&](pqxx::transaction_base& tx, PgAudit& chain) {
              if (tx.exec_params("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", user.id).empty()) {
                return NotFound("user " + std::to_string(user.id) + " does not exist");
              }
              AUTOTRIAGE_RETURN_IF_ERROR(UserConflict(tx, "", user.slack_user_id, user.id));
              tx.exec_params0(
                  "UPDATE users SET role = $1, password_hash = $2, slack_user_id = $3, "
                  "disabled = $4, updated_ms = $5 WHERE id = $6",
                  user.role, user.password_hash, user.slack_user_id, user.disabled,
                  TimeOrNow(user.updated_ms), user.id);
              if (user.disabled) {
                // A disabled user is logged out everywhere and their tokens stop working.
                tx.exec_params0("DELETE FROM sessions WHERE user_id = $1", user.id);
                tx.exec_params0("UPDATE api_tokens SET revoked = true WHERE user_id = $1", user.id);
              }
              chain.Append(tx, {audit});
              return Status::Ok();
            });
}

Result<std::optional<UserRecord>> PostgresStore::FindUserByName(const std::string& name) {
  std::optional<UserRecord> user;
  Status status =
      Tx("finding user " + name, TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        const pqxx::result rows = tx.exec_params(
            std::string("SELECT ") + kUserColumns + " FROM users WHERE name = $1", name);
        user.reset();
        if (!rows.empty()) {
          user = UserRow(rows[0]);
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return user;
}

Result<std::optional<UserRecord>> PostgresStore::FindUserById(int64_t id) {
  std::optional<UserRecord> user;
  Status status = Tx("finding user " + std::to_string(id), TxMode::kAutocommit,
                     [&](pqxx::transaction_base& tx, PgAudit&) {
                       const pqxx::result rows = tx.exec_params(
                           std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", id);
                       user.reset();
                       if (!rows.empty()) {
                         user = UserRow(rows[0]);
                       }
                       return Status::Ok();
                     });
  if (!status.ok()) {
    return status;
  }
  return user;
}

Result<std::optional<UserRecord>> PostgresStore::FindUserBySlackId(
    const std::string& slack_user_id) {
  if (slack_user_id.empty()) {
    return InvalidArgument("FindUserBySlackId needs a Slack user id");
  }
  std::optional<UserRecord> user;
  Status status =
      Tx("finding the user of Slack id " + slack_user_id, TxMode::kAutocommit,
         [&](pqxx::transaction_base& tx, PgAudit&) {
           const pqxx::result rows = tx.exec_params(
               std::string("SELECT ") + kUserColumns + " FROM users WHERE slack_user_id = $1",
               slack_user_id);
           user.reset();
           if (!rows.empty()) {
             user = UserRow(rows[0]);
           }
           return Status::Ok();
         });
  if (!status.ok()) {
    return status;
  }
  return user;
}

Result<std::vector<UserRecord>> PostgresStore::ListUsers() {
  std::vector<UserRecord> users;
  Status status =
      Tx("listing users", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        users.clear();
        for (const pqxx::row& row : tx.exec(std::string("SELECT ") + kUserColumns +
                                            " FROM users ORDER BY name COLLATE \"C\"")) {
          users.push_back(UserRow(row));
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return users;
}

Status PostgresStore::PutSession(const SessionRecord& session) {
  if (session.token_hash.empty()) {
    return InvalidArgument("a session needs a token hash");
  }
  return Tx("storing a session of user " + std::to_string(session.user_id), TxMode::kTransaction,
            [&](pqxx::transaction_base& tx, PgAudit&) {
              AUTOTRIAGE_RETURN_IF_ERROR(LockEnabledUser(tx, session.user_id));
              const pqxx::result inserted = tx.exec_params(
                  "INSERT INTO sessions (token_hash, user_id, csrf_token, created_ms, "
                  "expires_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                  session.token_hash, session.user_id, session.csrf_token,
                  TimeOrNow(session.created_ms), session.expires_ms);
              if (inserted.affected_rows() == 0) {
                return AlreadyExists("a session with that token hash already exists");
              }
              return Status::Ok();
            });
}

Result<std::optional<SessionRecord>> PostgresStore::GetSession(const std::string& token_hash,
                                                               int64_t now_ms) {
  std::optional<SessionRecord> session;
  Status status =
      Tx("reading a session", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        session.reset();
        const pqxx::result rows = tx.exec_params(
            std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE token_hash = $1",
            token_hash);
        if (rows.empty()) {
          return Status::Ok();
        }
        const pqxx::row row = rows[0];
        if (row[4].as<int64_t>() <= now_ms) {
          tx.exec_params0("DELETE FROM sessions WHERE token_hash = $1 AND expires_ms <= $2",
                          token_hash, now_ms);
          return Status::Ok();
        }
        session =
            SessionRecord{row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<std::string>(),
                          row[3].as<int64_t>(), row[4].as<int64_t>()};
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return session;
}

Status PostgresStore::DeleteSession(const std::string& token_hash) {
  return Tx("deleting a session", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
    tx.exec_params0("DELETE FROM sessions WHERE token_hash = $1", token_hash);
    return Status::Ok();
  });
}

Result<int64_t> PostgresStore::AddApiToken(const ApiTokenRecord& token, const AuditEntry& audit) {
  if (token.token_hash.empty()) {
    return InvalidArgument("an API token needs a token hash");
  }
  int64_t id = 0;
  Status status = Tx("adding an API token of user " + std::to_string(token.user_id), ModeFor(audit),
                     [&](pqxx::transaction_base& tx, PgAudit& chain) {
                       AUTOTRIAGE_RETURN_IF_ERROR(LockEnabledUser(tx, token.user_id));
                       const pqxx::result rows = tx.exec_params(
                           "INSERT INTO api_tokens (token_hash, user_id, label, revoked, "
                           "created_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING "
                           "RETURNING id",
                           token.token_hash, token.user_id, token.label, token.revoked,
                           TimeOrNow(token.created_ms));
                       if (rows.empty()) {
                         return AlreadyExists("an API token with that hash already exists");
                       }
                       id = rows[0][0].as<int64_t>();
                       chain.Append(tx, {audit});
                       return Status::Ok();
                     });
  if (!status.ok()) {
    return status;
  }
  return id;
}

Result<std::optional<ApiTokenRecord>> PostgresStore::GetApiToken(const std::string& token_hash) {
  std::optional<ApiTokenRecord> token;
  Status status =
      Tx("reading an API token", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        token.reset();
        const pqxx::result rows =
            tx.exec_params(std::string("SELECT ") + kApiTokenColumns +
                               " FROM api_tokens WHERE token_hash = $1 AND NOT revoked",
                           token_hash);
        if (!rows.empty()) {
          token = ApiTokenRecord{rows[0][0].as<int64_t>(), rows[0][1].as<std::string>(),
                                 rows[0][2].as<int64_t>(), rows[0][3].as<std::string>(),
                                 rows[0][4].as<bool>(),    rows[0][5].as<int64_t>()};
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return token;
}

Status PostgresStore::PutSetupToken(const std::string& token_hash, int64_t expires_ms) {
  if (token_hash.empty()) {
    return InvalidArgument("a set-up token needs a token hash");
  }
  return Tx("storing the set-up token", TxMode::kAutocommit,
            [&](pqxx::transaction_base& tx, PgAudit&) {
              tx.exec_params0(
                  "INSERT INTO setup_token (id, token_hash, expires_ms) VALUES (1, $1, $2) "
                  "ON CONFLICT (id) DO UPDATE SET token_hash = EXCLUDED.token_hash, "
                  "expires_ms = EXCLUDED.expires_ms",
                  token_hash, expires_ms);
              return Status::Ok();
            });
}

Result<bool> PostgresStore::ConsumeSetupToken(const std::string& token_hash, int64_t now_ms) {
  bool matched = false;
  Status status = Tx(
      "consuming the set-up token", TxMode::kAutocommit, [&](pqxx::transaction_base& tx, PgAudit&) {
        // One statement: of two requests with the token, the second waits for
        // the first's delete and then finds no row. An expired token goes too; a
        // wrong guess leaves a live one in place.
        matched = false;
        for (const pqxx::row& row :
             tx.exec_params("DELETE FROM setup_token WHERE token_hash = $1 OR expires_ms <= "
                            "$2 RETURNING token_hash = $1 AND expires_ms > $2",
                            token_hash, now_ms)) {
          matched = matched || row[0].as<bool>();
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return matched;
}

Status PostgresStore::PutSlackMessage(const SlackMessageRecord& message) {
  if (message.ticket_id.empty() || message.ticket_version.empty()) {
    return InvalidArgument("a Slack message needs a ticket id and version");
  }
  return Tx("storing the Slack message of ticket " + message.ticket_id, TxMode::kAutocommit,
            [&](pqxx::transaction_base& tx, PgAudit&) {
              tx.exec_params0(
                  "INSERT INTO slack_messages (ticket_id, ticket_version, channel, ts, "
                  "created_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id, "
                  "ticket_version) DO UPDATE SET channel = EXCLUDED.channel, ts = EXCLUDED.ts, "
                  "created_ms = EXCLUDED.created_ms",
                  message.ticket_id, message.ticket_version, message.channel, message.ts,
                  TimeOrNow(message.created_ms));
              return Status::Ok();
            });
}

Result<std::optional<SlackMessageRecord>> PostgresStore::GetSlackMessage(
    const std::string& ticket_id, const std::string& ticket_version) {
  std::optional<SlackMessageRecord> message;
  Status status = Tx("reading the Slack message of ticket " + ticket_id, TxMode::kAutocommit,
                     [&](pqxx::transaction_base& tx, PgAudit&) {
                       message.reset();
                       const pqxx::result rows =
                           tx.exec_params(std::string("SELECT ") + kSlackMessageColumns +
                                              " FROM slack_messages WHERE ticket_id = $1 AND "
                                              "ticket_version = $2",
                                          ticket_id, ticket_version);
                       if (!rows.empty()) {
                         message = SlackMessageRecord{
                             rows[0][0].as<std::string>(), rows[0][1].as<std::string>(),
                             rows[0][2].as<std::string>(), rows[0][3].as<std::string>(),
                             rows[0][4].as<int64_t>()};
                       }
                       return Status::Ok();
                     });
  if (!status.ok()) {
    return status;
  }
  return message;
}

}  // namespace autotriage
