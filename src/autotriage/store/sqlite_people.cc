// SQLite backend: users, sessions, API tokens, the set-up token and Slack messages.
// Hashes of secrets are bound as parameters and never put into a message.
#include <SQLiteCpp/SQLiteCpp.h>

#include <utility>

#include "autotriage/store/sqlite_store.h"
#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

UserRecord UserRow(SQLite::Statement& row) {
  UserRecord user;
  user.id = row.getColumn(0).getInt64();
  user.name = row.getColumn(1).getString();
  user.role = row.getColumn(2).getString();
  user.password_hash = row.getColumn(3).getString();
  user.slack_user_id = row.getColumn(4).getString();
  user.disabled = row.getColumn(5).getInt() != 0;
  user.created_ms = row.getColumn(6).getInt64();
  user.updated_ms = row.getColumn(7).getInt64();
  return user;
}

// kAlreadyExists when another user than `except_id` has the name (when `name` is set) or the
// Slack user id. Runs inside the caller's write transaction.
Status CheckUserUnique(SqliteConnection& conn, const std::string& name,
                       const std::string& slack_user_id, int64_t except_id) {
  if (!name.empty()) {
    SQLite::Statement& by_name = conn.Prepared("SELECT id FROM users WHERE name = ?");
    by_name.bind(1, name);
    if (by_name.executeStep() && by_name.getColumn(0).getInt64() != except_id) {
      return AlreadyExists("a user named '" + name + "' already exists");
    }
  }
  if (!slack_user_id.empty()) {
    SQLite::Statement& by_slack =
        conn.Prepared("SELECT name, id FROM users WHERE slack_user_id = ?");
    by_slack.bind(1, slack_user_id);
    if (by_slack.executeStep() && by_slack.getColumn(1).getInt64() != except_id) {
      return AlreadyExists("Slack user id " + slack_user_id + " is already mapped to user '" +
                           by_slack.getColumn(0).getString() + "'");
    }
  }
  return Status::Ok();
}

// kNotFound for an unknown user, kFailedPrecondition for a disabled one: sessions and tokens
// are only made for enabled users (checked in the transaction that makes them, so a user
// disabled meanwhile gets none).
Status RequireEnabledUser(SqliteConnection& conn, int64_t user_id) {
  SQLite::Statement& query = conn.Prepared("SELECT disabled FROM users WHERE id = ?");
  query.bind(1, user_id);
  if (!query.executeStep()) {
    return NotFound("user " + std::to_string(user_id) + " does not exist");
  }
  if (query.getColumn(0).getInt() != 0) {
    return FailedPrecondition("user " + std::to_string(user_id) + " is disabled");
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> SqliteStore::AddUser(const UserRecord& user, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateUser(user));
  int64_t id = 0;
  Status status = WriteTx("adding user " + user.name, [&](SqliteConnection& conn) {
    AUTOTRIAGE_RETURN_IF_ERROR(CheckUserUnique(conn, user.name, user.slack_user_id, 0));
    SQLite::Statement& insert = conn.Prepared(
        "INSERT INTO users (name, role, password_hash, slack_user_id, disabled, created_ms, "
        "updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const int64_t created_ms = TimeOrNow(user.created_ms);
    insert.bind(1, user.name);
    insert.bind(2, user.role);
    insert.bind(3, user.password_hash);
    insert.bind(4, user.slack_user_id);
    insert.bind(5, user.disabled ? 1 : 0);
    insert.bind(6, created_ms);
    insert.bind(7, user.updated_ms != 0 ? user.updated_ms : created_ms);
    insert.exec();
    id = conn.db().getLastInsertRowid();
    SqliteAppendAudit(conn, {audit});
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return id;
}

Status SqliteStore::UpdateUser(const UserRecord& user, const AuditEntry& audit) {
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateUser(user));
  return WriteTx("updating user " + user.name, [&](SqliteConnection& conn) {
    SQLite::Statement& exists = conn.Prepared("SELECT 1 FROM users WHERE id = ?");
    exists.bind(1, user.id);
    if (!exists.executeStep()) {
      return NotFound("user " + std::to_string(user.id) + " does not exist");
    }
    AUTOTRIAGE_RETURN_IF_ERROR(CheckUserUnique(conn, "", user.slack_user_id, user.id));
    SQLite::Statement& update = conn.Prepared(
        "UPDATE users SET role = ?, password_hash = ?, slack_user_id = ?, disabled = ?, "
        "updated_ms = ? WHERE id = ?");
    update.bind(1, user.role);
    update.bind(2, user.password_hash);
    update.bind(3, user.slack_user_id);
    update.bind(4, user.disabled ? 1 : 0);
    update.bind(5, TimeOrNow(user.updated_ms));
    update.bind(6, user.id);
    update.exec();
    if (user.disabled) {
      // A disabled user is logged out everywhere and their tokens stop working, at once.
      SQLite::Statement& sessions = conn.Prepared("DELETE FROM sessions WHERE user_id = ?");
      sessions.bind(1, user.id);
      sessions.exec();
      SQLite::Statement& tokens =
          conn.Prepared("UPDATE api_tokens SET revoked = 1 WHERE user_id = ?");
      tokens.bind(1, user.id);
      tokens.exec();
    }
    SqliteAppendAudit(conn, {audit});
    return Status::Ok();
  });
}

Result<std::optional<UserRecord>> SqliteStore::FindUserByName(const std::string& name) {
  std::optional<UserRecord> user;
  Status status = Read("finding user " + name, [&](SqliteConnection& conn) {
    SQLite::Statement& query =
        conn.Prepared(std::string("SELECT ") + kUserColumns + " FROM users WHERE name = ?");
    query.bind(1, name);
    if (query.executeStep()) {
      user = UserRow(query);
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return user;
}

Result<std::optional<UserRecord>> SqliteStore::FindUserById(int64_t id) {
  std::optional<UserRecord> user;
  Status status = Read("finding user " + std::to_string(id), [&](SqliteConnection& conn) {
    SQLite::Statement& query =
        conn.Prepared(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
    query.bind(1, id);
    if (query.executeStep()) {
      user = UserRow(query);
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return user;
}

Result<std::optional<UserRecord>> SqliteStore::FindUserBySlackId(const std::string& slack_user_id) {
  if (slack_user_id.empty()) {
    return InvalidArgument("FindUserBySlackId needs a Slack user id");
  }
  std::optional<UserRecord> user;
  Status status =
      Read("finding the user of Slack id " + slack_user_id, [&](SqliteConnection& conn) {
        SQLite::Statement& query = conn.Prepared(std::string("SELECT ") + kUserColumns +
                                                 " FROM users WHERE slack_user_id = ?");
        query.bind(1, slack_user_id);
        if (query.executeStep()) {
          user = UserRow(query);
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return user;
}

Result<std::vector<UserRecord>> SqliteStore::ListUsers() {
  std::vector<UserRecord> users;
  Status status = Read("listing users", [&](SqliteConnection& conn) {
    SQLite::Statement& query =
        conn.Prepared(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name");
    while (query.executeStep()) {
      users.push_back(UserRow(query));
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return users;
}

Status SqliteStore::PutSession(const SessionRecord& session) {
  if (session.token_hash.empty()) {
    return InvalidArgument("a session needs a token hash");
  }
  return WriteTx("storing a session of user " + std::to_string(session.user_id),
                 [&](SqliteConnection& conn) {
                   AUTOTRIAGE_RETURN_IF_ERROR(RequireEnabledUser(conn, session.user_id));
                   SQLite::Statement& insert = conn.Prepared(
                       "INSERT INTO sessions (token_hash, user_id, csrf_token, created_ms, "
                       "expires_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
                   insert.bind(1, session.token_hash);
                   insert.bind(2, session.user_id);
                   insert.bind(3, session.csrf_token);
                   insert.bind(4, TimeOrNow(session.created_ms));
                   insert.bind(5, session.expires_ms);
                   if (insert.exec() == 0) {
                     return AlreadyExists("a session with that token hash already exists");
                   }
                   return Status::Ok();
                 });
}

Result<std::optional<SessionRecord>> SqliteStore::GetSession(const std::string& token_hash,
                                                             int64_t now_ms) {
  std::optional<SessionRecord> session;
  Status status = Read("reading a session", [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared(std::string("SELECT ") + kSessionColumns +
                                             " FROM sessions WHERE token_hash = ?");
    query.bind(1, token_hash);
    if (query.executeStep()) {
      session = SessionRecord{query.getColumn(0).getString(), query.getColumn(1).getInt64(),
                              query.getColumn(2).getString(), query.getColumn(3).getInt64(),
                              query.getColumn(4).getInt64()};
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  if (session && session->expires_ms <= now_ms) {
    status = WriteTx("deleting an expired session", [&](SqliteConnection& conn) {
      SQLite::Statement& remove =
          conn.Prepared("DELETE FROM sessions WHERE token_hash = ? AND expires_ms <= ?");
      remove.bind(1, token_hash);
      remove.bind(2, now_ms);
      remove.exec();
      return Status::Ok();
    });
    if (!status.ok()) {
      return status;
    }
    session.reset();
  }
  return session;
}

Status SqliteStore::DeleteSession(const std::string& token_hash) {
  return WriteTx("deleting a session", [&](SqliteConnection& conn) {
    SQLite::Statement& remove = conn.Prepared("DELETE FROM sessions WHERE token_hash = ?");
    remove.bind(1, token_hash);
    remove.exec();
    return Status::Ok();
  });
}

Result<int64_t> SqliteStore::AddApiToken(const ApiTokenRecord& token, const AuditEntry& audit) {
  if (token.token_hash.empty()) {
    return InvalidArgument("an API token needs a token hash");
  }
  int64_t id = 0;
  Status status = WriteTx(
      "adding an API token of user " + std::to_string(token.user_id), [&](SqliteConnection& conn) {
        AUTOTRIAGE_RETURN_IF_ERROR(RequireEnabledUser(conn, token.user_id));
        SQLite::Statement& insert = conn.Prepared(
            "INSERT INTO api_tokens (token_hash, user_id, label, revoked, created_ms) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        insert.bind(1, token.token_hash);
        insert.bind(2, token.user_id);
        insert.bind(3, token.label);
        insert.bind(4, token.revoked ? 1 : 0);
        insert.bind(5, TimeOrNow(token.created_ms));
        if (insert.exec() == 0) {
          return AlreadyExists("an API token with that hash already exists");
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

Result<std::optional<ApiTokenRecord>> SqliteStore::GetApiToken(const std::string& token_hash) {
  std::optional<ApiTokenRecord> token;
  Status status = Read("reading an API token", [&](SqliteConnection& conn) {
    SQLite::Statement& query = conn.Prepared(std::string("SELECT ") + kApiTokenColumns +
                                             " FROM api_tokens WHERE token_hash = ? AND "
                                             "revoked = 0");
    query.bind(1, token_hash);
    if (query.executeStep()) {
      token = ApiTokenRecord{query.getColumn(0).getInt64(),    query.getColumn(1).getString(),
                             query.getColumn(2).getInt64(),    query.getColumn(3).getString(),
                             query.getColumn(4).getInt() != 0, query.getColumn(5).getInt64()};
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return token;
}

Status SqliteStore::PutSetupToken(const std::string& token_hash, int64_t expires_ms) {
  if (token_hash.empty()) {
    return InvalidArgument("a set-up token needs a token hash");
  }
  return WriteTx("storing the set-up token", [&](SqliteConnection& conn) {
    SQLite::Statement& upsert = conn.Prepared(
        "INSERT INTO setup_token (id, token_hash, expires_ms) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, "
        "expires_ms = excluded.expires_ms");
    upsert.bind(1, token_hash);
    upsert.bind(2, expires_ms);
    upsert.exec();
    return Status::Ok();
  });
}

Result<bool> SqliteStore::ConsumeSetupToken(const std::string& token_hash, int64_t now_ms) {
  bool matched = false;
  Status status = WriteTx("consuming the set-up token", [&](SqliteConnection& conn) {
    // One write transaction at a time: of two requests with the token, the second finds none.
    SQLite::Statement& match =
        conn.Prepared("DELETE FROM setup_token WHERE token_hash = ? AND expires_ms > ?");
    match.bind(1, token_hash);
    match.bind(2, now_ms);
    matched = match.exec() > 0;
    // An expired token is of no use to anyone; a wrong guess leaves a live one in place.
    SQLite::Statement& expired = conn.Prepared("DELETE FROM setup_token WHERE expires_ms <= ?");
    expired.bind(1, now_ms);
    expired.exec();
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return matched;
}

Status SqliteStore::PutSlackMessage(const SlackMessageRecord& message) {
  if (message.ticket_id.empty() || message.ticket_version.empty()) {
    return InvalidArgument("a Slack message needs a ticket id and version");
  }
  return WriteTx("storing the Slack message of ticket " + message.ticket_id,
                 [&](SqliteConnection& conn) {
                   SQLite::Statement& upsert = conn.Prepared(
                       "INSERT INTO slack_messages (ticket_id, ticket_version, channel, ts, "
                       "created_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (ticket_id, "
                       "ticket_version) DO UPDATE SET channel = excluded.channel, ts = "
                       "excluded.ts, created_ms = excluded.created_ms");
                   upsert.bind(1, message.ticket_id);
                   upsert.bind(2, message.ticket_version);
                   upsert.bind(3, message.channel);
                   upsert.bind(4, message.ts);
                   upsert.bind(5, TimeOrNow(message.created_ms));
                   upsert.exec();
                   return Status::Ok();
                 });
}

Result<std::optional<SlackMessageRecord>> SqliteStore::GetSlackMessage(
    const std::string& ticket_id, const std::string& ticket_version) {
  std::optional<SlackMessageRecord> message;
  Status status =
      Read("reading the Slack message of ticket " + ticket_id, [&](SqliteConnection& conn) {
        SQLite::Statement& query =
            conn.Prepared(std::string("SELECT ") + kSlackMessageColumns +
                          " FROM slack_messages WHERE ticket_id = ? AND ticket_version = ?");
        query.bind(1, ticket_id);
        query.bind(2, ticket_version);
        if (query.executeStep()) {
          message =
              SlackMessageRecord{query.getColumn(0).getString(), query.getColumn(1).getString(),
                                 query.getColumn(2).getString(), query.getColumn(3).getString(),
                                 query.getColumn(4).getInt64()};
        }
        return Status::Ok();
      });
  if (!status.ok()) {
    return status;
  }
  return message;
}

}  // namespace autotriage
