// Records of the people side of the store: dashboard users, their login sessions, API tokens,
// the one-time admin set-up token and the Slack messages that carry approval cards.
// The store keeps only hashes of secrets (sessions, API tokens, set-up tokens: a keyed-free
// BLAKE2b hex digest made by auth/; passwords: an Argon2id string made by auth/), never the
// secrets themselves, so a copied database does not log anyone in.
#pragma once

#include <cstdint>
#include <string>

namespace autotriage {

// Role names as stored: "viewer" (read), "approver" (read + decide approvals), "admin" (all,
// including the autonomy matrix and users).
struct UserRecord {
  int64_t id = 0;             // assigned by the store
  std::string name;           // unique, case-sensitive login name
  std::string role;           // "viewer", "approver" or "admin"
  std::string password_hash;  // Argon2id string ("$argon2id$..."); "" = cannot log in by password
  std::string slack_user_id;  // "" = not mapped; unique when set
  bool disabled = false;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct SessionRecord {
  std::string token_hash;  // hash of the cookie value
  int64_t user_id = 0;
  std::string csrf_token;  // random, shown in forms; not a secret to the session's owner
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // valid while now < expires_ms
};

struct ApiTokenRecord {
  int64_t id = 0;  // assigned by the store
  std::string token_hash;
  int64_t user_id = 0;
  std::string label;
  bool revoked = false;
  int64_t created_ms = 0;
};

// Where an approval card was posted in Slack, so it can be updated after a decision.
struct SlackMessageRecord {
  std::string ticket_id;
  std::string ticket_version;
  std::string channel;
  std::string ts;  // Slack's message timestamp id
  int64_t created_ms = 0;
};

}  // namespace autotriage
