// autotriage users add|list|disable|token: the people who may use the dashboard, the REST API
// and the Slack buttons. Passwords are read from standard input only (never from argv, where
// `ps` and shell history would show them); tokens are printed once.
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "autotriage/auth/auth.h"
#include "autotriage/auth/users.h"
#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"

namespace autotriage {
namespace {

constexpr char kCliActor[] = "cli";

struct UsersArgs {
  std::string config;
  std::string name;
  std::string role;
  std::string slack_id;
  std::string label;
  bool json = false;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoDate(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// A name already taken is bad input too (exit 2), unlike a store that cannot be reached.
int Fail(const Status& status) {
  PrintError(status);
  return status.code() == StatusCode::kAlreadyExists ? 2 : ExitCodeFor(status);
}

Result<std::unique_ptr<Store>> OpenFromArgs(const UsersArgs& args) {
  Result<Config> config = LoadConfigForCommand(args.config);
  if (!config.ok()) {
    return config.status();
  }
  return OpenConfiguredStore(*config);
}

// One line from standard input, without its line end; nullopt at end of input.
std::optional<std::string> ReadLine() {
  std::string line;
  if (!std::getline(std::cin, line)) {
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

// Prompts on stderr and reads one line with echo off.
std::optional<std::string> PromptHidden(const std::string& prompt) {
  std::fprintf(stderr, "%s", prompt.c_str());
  std::fflush(stderr);
  termios saved{};
  const bool can_hide = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (can_hide) {
    termios hidden = saved;
    hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
  }
  std::optional<std::string> line = ReadLine();
  if (can_hide) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  }
  std::fprintf(stderr, "\n");
  return line;
}

// From a terminal: asked twice without echo. Otherwise: the first line of standard input, so
// `printf '%s\n' "$PASSWORD" | autotriage users add ...` works in scripts.
Result<std::string> ReadPassword(const std::string& name) {
  if (::isatty(STDIN_FILENO) != 1) {
    std::optional<std::string> line = ReadLine();
    if (!line.has_value() || line->empty()) {
      return InvalidArgument(
          "no password on standard input: type it at the prompt, or pipe it as one line "
          "(printf '%s\\n' \"$PASSWORD\" | autotriage users add ...)");
    }
    return std::move(*line);
  }
  std::optional<std::string> first = PromptHidden("Password for " + name + ": ");
  if (!first.has_value() || first->empty()) {
    return InvalidArgument("no password given");
  }
  std::optional<std::string> second = PromptHidden("Repeat the password: ");
  if (!second.has_value() || *second != *first) {
    return InvalidArgument("the two passwords differ; nothing was changed");
  }
  return std::move(*first);
}

int RunAdd(const UsersArgs& args) {
  NewUser user;
  user.name = args.name;
  user.slack_user_id = args.slack_id;
  std::optional<Role> role = ParseRole(args.role);
  if (!role.has_value()) {
    return Fail(InvalidArgument("unknown role '" + args.role +
                                "'; use viewer (read), approver (read and decide approvals) or "
                                "admin (everything)"));
  }
  user.role = *role;
  // Everything that can be checked is checked before the password is asked for.
  Status valid = ValidateUserName(user.name);
  if (valid.ok() && !user.slack_user_id.empty()) {
    valid = ValidateSlackUserId(user.slack_user_id);
  }
  if (!valid.ok()) {
    return Fail(valid);
  }
  Result<std::unique_ptr<Store>> store = OpenFromArgs(args);
  if (!store.ok()) {
    return Fail(store.status());
  }
  Result<std::optional<UserRecord>> existing = (*store)->FindUserByName(user.name);
  if (!existing.ok()) {
    return Fail(existing.status());
  }
  if (existing->has_value()) {
    return Fail(AlreadyExists("a user named '" + user.name + "' already exists"));
  }
  Result<std::string> password = ReadPassword(user.name);
  if (!password.ok()) {
    return Fail(password.status());
  }
  user.password = std::move(*password);
  Result<int64_t> id = CreateUser(**store, user, kCliActor, NowMs());
  if (!id.ok()) {
    return Fail(id.status());
  }
  std::string summary = "added user " + user.name + " (role " + args.role;
  if (!user.slack_user_id.empty()) {
    summary += ", Slack user " + user.slack_user_id;
  }
  std::printf("%s)\n", summary.c_str());
  return 0;
}

int RunList(const UsersArgs& args) {
  Result<std::unique_ptr<Store>> store = OpenFromArgs(args);
  if (!store.ok()) {
    return Fail(store.status());
  }
  Result<std::vector<UserRecord>> users = (*store)->ListUsers();
  if (!users.ok()) {
    return Fail(users.status());
  }
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const UserRecord& user : *users) {
      list.push_back({{"id", user.id},
                      {"name", user.name},
                      {"role", user.role},
                      {"slack_user_id", user.slack_user_id},
                      {"disabled", user.disabled},
                      {"has_password", !user.password_hash.empty()},
                      {"created_ms", user.created_ms}});
    }
    std::printf("%s\n", nlohmann::json{{"users", list}}.dump().c_str());
    return 0;
  }
  if (users->empty()) {
    std::printf("no users yet; add an admin with `autotriage users add NAME --role admin`\n");
    return 0;
  }
  std::printf("%-24s %-9s %-9s %-12s %s\n", "name", "role", "status", "slack", "created");
  for (const UserRecord& user : *users) {
    std::printf("%-24s %-9s %-9s %-12s %s\n", user.name.c_str(), user.role.c_str(),
                user.disabled ? "disabled" : "enabled",
                user.slack_user_id.empty() ? "-" : user.slack_user_id.c_str(),
                IsoDate(user.created_ms).c_str());
  }
  return 0;
}

int RunDisable(const UsersArgs& args) {
  Result<std::unique_ptr<Store>> store = OpenFromArgs(args);
  if (!store.ok()) {
    return Fail(store.status());
  }
  Result<bool> changed = DisableUser(**store, args.name, kCliActor, NowMs());
  if (!changed.ok()) {
    return Fail(changed.status());
  }
  if (*changed) {
    std::printf("disabled user %s: their sessions ended and their API tokens were revoked\n",
                args.name.c_str());
  } else {
    std::printf("user %s was already disabled\n", args.name.c_str());
  }
  return 0;
}

int RunToken(const UsersArgs& args) {
  Result<std::unique_ptr<Store>> store = OpenFromArgs(args);
  if (!store.ok()) {
    return Fail(store.status());
  }
  std::unique_ptr<Authenticator> auth = Authenticator::Create(store->get(), AuthOptions{});
  Result<std::string> token = auth->CreateApiToken(args.name, args.label);
  if (!token.ok()) {
    return Fail(token.status());
  }
  std::fprintf(stderr,
               "API token for %s: it is shown only this once; send it as "
               "\"Authorization: Bearer TOKEN\". Disabling the user revokes it.\n",
               args.name.c_str());
  std::printf("%s\n", token->c_str());
  return 0;
}

void AddConfigOption(CLI::App* cmd, UsersArgs* args) {
  cmd->add_option("--config", args->config, "YAML configuration naming the store")
      ->envname("AUTOTRIAGE_CONFIG");
}

}  // namespace

void AddUsersCommand(CLI::App& app, int* exit_code) {
  CLI::App* users =
      app.add_subcommand("users", "Manage who may use the dashboard, the REST API and Slack");
  users->require_subcommand(1);
  users->footer(
      "Roles: viewer (read), approver (read and decide approvals), admin (everything, including\n"
      "the autonomy matrix and users). Passwords are read from standard input, never from the\n"
      "command line: typed at a hidden prompt, or piped as one line.");
  auto args = std::make_shared<UsersArgs>();

  CLI::App* add = users->add_subcommand("add", "Add a user (the password is read from stdin)");
  add->add_option("name", args->name, "Login name")->required();
  add->add_option("--role", args->role, "viewer, approver or admin")->required();
  add->add_option("--slack-id", args->slack_id,
                  "Slack member id (U...) whose approval buttons act as this user");
  AddConfigOption(add, args.get());
  add->callback([args, exit_code] { *exit_code = RunAdd(*args); });

  CLI::App* list = users->add_subcommand("list", "List users (never their secrets)");
  list->add_flag("--json", args->json, "Print {\"users\": [...]} as JSON");
  AddConfigOption(list, args.get());
  list->callback([args, exit_code] { *exit_code = RunList(*args); });

  CLI::App* disable =
      users->add_subcommand("disable", "Disable a user: ends their sessions, revokes their tokens");
  disable->add_option("name", args->name, "Login name")->required();
  AddConfigOption(disable, args.get());
  disable->callback([args, exit_code] { *exit_code = RunDisable(*args); });

  CLI::App* token = users->add_subcommand("token", "Create an API token for a user (printed once)");
  token->add_option("name", args->name, "Login name")->required();
  token->add_option("--label", args->label, "What the token is for, e.g. the client's name");
  AddConfigOption(token, args.get());
  token->callback([args, exit_code] { *exit_code = RunToken(*args); });
}

}  // namespace autotriage
