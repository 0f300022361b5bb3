#include "autotriage/config/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "autotriage/config/internal/binding.h"
#include "autotriage/config/internal/schema.h"
#include "autotriage/config/internal/tree.h"

namespace autotriage {
namespace {

bool ReadWholeFile(const std::string& path, std::string* text, std::string* error) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) {
    *error = std::string("cannot read the file: ") + std::strerror(errno);
    return false;
  }
  char buffer[8192];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    text->append(buffer, n);
  }
  if (std::ferror(file.get())) {
    // fopen succeeds on a directory on Linux; the read is what fails (EISDIR).
    *error = std::string("cannot read the file: ") + std::strerror(errno);
    return false;
  }
  return true;
}

ConfigCheck CheckParsed(std::string_view yaml, std::string_view name, const EnvLookup& env) {
  ConfigCheck check;
  ConfigNode root;
  ConfigPos error_pos;
  std::string error;
  if (!ParseConfigTree(yaml, &root, &error_pos, &error)) {
    check.problems.push_back({std::string(name), error_pos.line, error_pos.column,
                              ConfigProblem::Severity::kError, error});
    return check;
  }
  ConfigBinder binder(std::string(name), &env, &check.problems);
  BindConfig(binder, root, &check.config);
  std::stable_sort(check.problems.begin(), check.problems.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) {
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
  return check;
}

Result<Config> ToResult(ConfigCheck check, StatusCode code) {
  if (check.ok()) {
    return std::move(check.config);
  }
  std::string message;
  for (const ConfigProblem& problem : check.problems) {
    if (problem.severity == ConfigProblem::Severity::kError) {
      message += (message.empty() ? "" : "\n") + problem.ToString();
    }
  }
  return Status(code, std::move(message));
}

// "api_key ***" or "no api_key": whether a secret is set, never its value.
std::string Secret(const std::string& name, const std::string& value) {
  return value.empty() ? "no " + name : name + " ***";
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::string ConfigProblem::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) {
      out += ":" + std::to_string(column);
    }
  }
  out += ": ";
  if (severity == Severity::kWarning) {
    out += "warning: ";
  }
  out += message;
  return out;
}

bool ConfigCheck::ok() const {
  return error_count() == 0;
}

int ConfigCheck::error_count() const {
  return static_cast<int>(std::count_if(problems.begin(), problems.end(), [](const auto& p) {
    return p.severity == ConfigProblem::Severity::kError;
  }));
}

ConfigCheck CheckConfigString(std::string_view yaml, std::string_view name_for_errors,
                              const EnvLookup& env) {
  return CheckParsed(yaml, name_for_errors, env);
}

ConfigCheck CheckConfigFile(const std::string& path, const EnvLookup& env) {
  std::string text;
  std::string error;
  if (!ReadWholeFile(path, &text, &error)) {
    ConfigCheck check;
    check.problems.push_back({path, 0, 0, ConfigProblem::Severity::kError, error});
    return check;
  }
  return CheckParsed(text, path, env);
}

Result<Config> LoadConfigString(std::string_view yaml, std::string_view name_for_errors,
                                const EnvLookup& env) {
  return ToResult(CheckParsed(yaml, name_for_errors, env), StatusCode::kInvalidArgument);
}

Result<Config> LoadConfigFile(const std::string& path, const EnvLookup& env) {
  std::string text;
  std::string error;
  if (!ReadWholeFile(path, &text, &error)) {
    return IoError(path + ": " + error);
  }
  return ToResult(CheckParsed(text, path, env), StatusCode::kInvalidArgument);
}

std::string DescribeConfig(const Config& config) {
  std::vector<std::string> lines;
  DescribeSection(ConfigSpec(), config, "", &lines);
  std::string out;
  for (const std::string& line : lines) {
    out += line + "\n";
  }
  return out;
}

std::string SummarizeConfig(const Config& config) {
  const HelpdeskOptions& h = config.helpdesk;
  std::string out = "helpdesk: " + std::string(ToString(h.kind));
  if (!h.url.empty()) {
    out += " at " + h.url;
  }
  if (h.kind == HelpdeskKind::kRt) {
    out += " (" + Secret("token", h.token) + ")";
  } else if (h.kind != HelpdeskKind::kSandbox) {
    out += " (" + Secret("api_key", h.api_key) + ")";
  }
  out += "\nstore: " + std::string(ToString(config.store.backend));
  if (config.store.backend == StoreBackend::kSqlite) {
    out += " at " + config.store.sqlite_path;
  } else {
    out += " (" + Secret("postgres_url", config.store.postgres_url) + ")";
  }
  out += "\nserver: " + config.server.listen_address + ":" + std::to_string(config.server.port) +
         " (" + Secret("webhook_secret", config.server.webhook_secret) + ")";
  out += "\nmodels: heads ";
  for (size_t i = 0; i < config.models.heads.size(); ++i) {
    out += (i == 0 ? "" : ", ") + config.models.heads[i].field;
  }
  if (config.models.heads.empty()) {
    out += "(none)";
  }
  out += "; directory " + config.models.directory;
  if (!config.models.active.empty()) {
    out += "; active " + config.models.active;
  }
  out += "\npolicy: default " + std::string(ToString(config.policy.default_mode)) + ", " +
         std::to_string(config.policy.cells.size()) + " cell(s), kill switch " +
         (config.policy.kill_switch ? "ON" : "off") + ", writes ";
  for (size_t i = 0; i < config.policy.writable_fields.size(); ++i) {
    out += (i == 0 ? "" : ", ") + config.policy.writable_fields[i];
  }
  if (config.policy.writable_fields.empty()) {
    out += "nothing";
  }
  const EngineOptions& e = config.engine;
  out +=
      "\nengine: " + std::to_string(e.workers) + " worker(s), " + std::to_string(e.dispatchers) +
      " dispatcher(s), " +
      (e.poll_interval_seconds > 0 ? "polls every " + std::to_string(e.poll_interval_seconds) + " s"
       : h.kind == HelpdeskKind::kRt
           ? std::string("polls every 60 s (Request Tracker has no webhooks)")
           : std::string("webhooks only"));
  if (e.workers == 0) {
    out += "; this node only receives events";
  }
  out += "\nlog: " + std::string(ToString(config.log.level)) + ", " +
         std::string(ToString(config.log.format)) + "\n";
  return out;
}

std::vector<std::string> ConfigKeyPaths() {
  std::vector<std::string> keys;
  ListSectionKeys(ConfigSpec(), "", &keys);
  return keys;
}

}  // namespace autotriage
