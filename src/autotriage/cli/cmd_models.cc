// autotriage models list|promote|rollback: the model registry in models.directory
// (docs/models.md). A running `serve` picks up the new live version within
// models.reload_seconds.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/ml/registry.h"

namespace autotriage {
namespace {

struct ModelsArgs {
  std::string config;
  std::string version;
  bool force = false;
  bool json = false;
};

Result<std::string> ModelDirectory(const ModelsArgs& args) {
  Result<Config> config = LoadConfigForCommand(args.config);
  if (!config.ok()) {
    return config.status();
  }
  return config->models.directory;
}

// A promotion or rollback changes what the engine decides with, so it belongs in the audit
// trail next to the decisions it affects. The registry change already stands when this runs: a
// store that cannot be reached is reported (exit 1) and the registry's own history keeps it.
Status AuditModelChange(const ModelsArgs& args, const std::string& kind, nlohmann::json detail) {
  Result<Config> config = LoadConfigForCommand(args.config);
  if (!config.ok()) {
    return config.status();
  }
  Result<std::unique_ptr<Store>> store = OpenConfiguredStore(*config);
  if (!store.ok()) {
    return store.status().WithContext("recording the change in the audit trail");
  }
  AuditEntry entry;
  entry.kind = kind;
  entry.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  entry.model_version = detail.value("version", "");
  detail["actor"] = "cli";
  entry.detail = detail.dump();
  return (*store)->AppendAudit({entry}).WithContext("recording the change in the audit trail");
}

std::string Brief(const ModelEntry& e) {
  if (!e.evaluation) {
    return "-";
  }
  std::string out;
  for (const auto& [field, f] : e.evaluation->candidate) {
    char buffer[96];
    std::snprintf(buffer, sizeof(buffer), "%s%s acc %.3f F1 %.3f", out.empty() ? "" : "; ",
                  field.c_str(), f.accuracy, f.macro_f1);
    out += buffer;
  }
  return out + (e.evaluation->worse ? " (worse)" : "");
}

int RunList(const ModelsArgs& args) {
  Result<std::string> directory = ModelDirectory(args);
  if (!directory.ok()) {
    PrintError(directory.status());
    return 2;
  }
  Result<ModelRegistry> registry = ModelRegistry::Open(*directory);
  if (!registry.ok()) {
    PrintError(registry.status());
    return 1;
  }
  if (args.json) {
    // The registry file's own form, so scripts see exactly what is stored.
    std::ifstream in(registry->registry_path());
    nlohmann::json j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json::object();
    if (!j.is_object()) {
      j = nlohmann::json::object();
    }
    j["directory"] = *directory;
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  if (registry->entries().empty()) {
    std::printf("no model versions registered in %s (`autotriage retrain` registers them)\n",
                directory->c_str());
    return 0;
  }
  std::printf("%-16s %-9s %-20s %s\n", "VERSION", "STATE", "CREATED", "HELD-BACK FIGURES");
  for (const ModelEntry& e : registry->entries()) {
    std::printf("%-16s %-9s %-20s %s\n", e.version.c_str(), std::string(ToString(e.state)).c_str(),
                e.created_at.c_str(), Brief(e).c_str());
    std::printf("%-16s training data: %s\n", "", e.training_data.c_str());
  }
  if (!registry->previous_live().empty()) {
    std::printf("rollback would return to %s\n", registry->previous_live().back().c_str());
  }
  return 0;
}

int RunPromote(const ModelsArgs& args) {
  Result<std::string> directory = ModelDirectory(args);
  if (!directory.ok()) {
    PrintError(directory.status());
    return 2;
  }
  bool forced = false;
  Status s = ModelRegistry::Update(*directory, [&](ModelRegistry& r) {
    const ModelEntry* entry = r.Find(args.version);
    forced = args.force && entry != nullptr && entry->evaluation && entry->evaluation->worse;
    return r.Promote(args.version, args.force, "autotriage models promote");
  });
  if (!s.ok()) {
    PrintError(s);
    return s.code() == StatusCode::kNotFound ? 2 : 1;
  }
  if (forced) {
    // Operators look for this line; the registry's history and the audit trail keep it too.
    std::fprintf(stderr,
                 "{\"level\":\"warn\",\"msg\":\"model promoted with --force despite a worse "
                 "evaluation\",\"version\":\"%s\"}\n",
                 args.version.c_str());
  }
  std::printf("%s is live; a running engine switches to it within models.reload_seconds\n",
              args.version.c_str());
  if (Status audited =
          AuditModelChange(args, "model_promoted", {{"version", args.version}, {"forced", forced}});
      !audited.ok()) {
    PrintError(audited);
    return 1;
  }
  return 0;
}

int RunRollback(const ModelsArgs& args) {
  Result<std::string> directory = ModelDirectory(args);
  if (!directory.ok()) {
    PrintError(directory.status());
    return 2;
  }
  std::string now_live;
  Status s = ModelRegistry::Update(*directory, [&](ModelRegistry& r) -> Status {
    auto back = r.Rollback("autotriage models rollback");
    if (!back.ok()) {
      return back.status();
    }
    now_live = *back;
    return Status::Ok();
  });
  if (!s.ok()) {
    PrintError(s);
    return 1;
  }
  std::printf("%s is live again; a running engine switches to it within models.reload_seconds\n",
              now_live.c_str());
  if (Status audited = AuditModelChange(args, "model_rolled_back", {{"version", now_live}});
      !audited.ok()) {
    PrintError(audited);
    return 1;
  }
  return 0;
}

}  // namespace

void AddModelsCommand(CLI::App& app, int* exit_code) {
  CLI::App* models = app.add_subcommand(
      "models",
      "List the registered model versions, promote one, or roll back to the previous live one.\n"
      "The registry is models.directory/registry.json; `autotriage retrain` adds versions.");
  models->require_subcommand(1);
  auto args = std::make_shared<ModelsArgs>();
  CLI::App* list = models->add_subcommand(
      "list", "Versions with state, creation time, training data and held-back figures");
  list->add_option("--config", args->config, "Configuration file (models.directory)");
  list->add_flag("--json", args->json, "Print the registry as one JSON object");
  list->callback([args, exit_code] { *exit_code = RunList(*args); });
  CLI::App* promote = models->add_subcommand(
      "promote",
      "Make VERSION live. A version whose evaluation was worse than the live model is refused\n"
      "unless --force (recorded in the registry's history, the audit trail and logged).");
  promote->add_option("VERSION", args->version, "Version id, e.g. m-0123456789ab")->required();
  promote->add_option("--config", args->config, "Configuration file (models.directory)");
  promote->add_flag("--force", args->force, "Promote even a version that evaluated worse");
  promote->callback([args, exit_code] { *exit_code = RunPromote(*args); });
  CLI::App* rollback = models->add_subcommand(
      "rollback", "Make the previously live version live again (exit 1 when there is none)");
  rollback->add_option("--config", args->config, "Configuration file (models.directory)");
  rollback->callback([args, exit_code] { *exit_code = RunRollback(*args); });
}

}  // namespace autotriage
