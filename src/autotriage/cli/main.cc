// The autotriage binary: parses the command line and runs one subcommand.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "autotriage: on-premise AI triage for helpdesks.\n"
      "Trains local classifiers for ticket fields (group, priority, type) and explains every\n"
      "prediction; triages Freshdesk, Freshservice and Request Tracker tickets as a service,\n"
      "writing back only what the per-queue, per-field policy allows.",
      "autotriage"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", autotriage::kVersion);
  app.footer("Run 'autotriage COMMAND --help' for the options of one command.");

  int exit_code = 0;
  autotriage::AddDemoCommand(app, &exit_code);
  autotriage::AddServeCommand(app, &exit_code);
  autotriage::AddRunCommand(app, &exit_code);
  autotriage::AddTrainCommand(app, &exit_code);
  autotriage::AddEvalCommand(app, &exit_code);
  autotriage::AddRetrainCommand(app, &exit_code);
  autotriage::AddModelsCommand(app, &exit_code);
  autotriage::AddClassifyCommand(app, &exit_code);
  autotriage::AddConfigCommand(app, &exit_code);
  autotriage::AddDatasetCommand(app, &exit_code);
  autotriage::AddSandboxCommand(app, &exit_code);
  autotriage::AddBackfillCommand(app, &exit_code);
  autotriage::AddBacktestCommand(app, &exit_code);
  autotriage::AddAuditCommand(app, &exit_code);
  autotriage::AddApprovalsCommand(app, &exit_code);
  autotriage::AddSuggestCommand(app, &exit_code);
  autotriage::AddKbCommand(app, &exit_code);
  autotriage::AddUsersCommand(app, &exit_code);
  autotriage::AddDigestCommand(app, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
