// Subcommand registration for the autotriage binary.
//
// Each Add*Command registers one subcommand (with its --help text) on the CLI11 app and binds the
// callback that runs it. Callbacks set the process exit code through `exit_code`: 0 success,
// 1 the work failed (message on stderr), 2 bad usage or input.
// Only main.cc and the cmd_*.cc files include CLI11.
#pragma once

namespace CLI {
class App;
}

namespace autotriage {

void AddTrainCommand(CLI::App& app, int* exit_code);
void AddEvalCommand(CLI::App& app, int* exit_code);
void AddClassifyCommand(CLI::App& app, int* exit_code);
void AddConfigCommand(CLI::App& app, int* exit_code);
void AddDemoCommand(CLI::App& app, int* exit_code);
void AddDatasetCommand(CLI::App& app, int* exit_code);
void AddSandboxCommand(CLI::App& app, int* exit_code);
void AddBackfillCommand(CLI::App& app, int* exit_code);
void AddBacktestCommand(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);
void AddRunCommand(CLI::App& app, int* exit_code);
void AddAuditCommand(CLI::App& app, int* exit_code);
void AddApprovalsCommand(CLI::App& app, int* exit_code);
void AddSuggestCommand(CLI::App& app, int* exit_code);
void AddKbCommand(CLI::App& app, int* exit_code);
void AddUsersCommand(CLI::App& app, int* exit_code);
void AddRetrainCommand(CLI::App& app, int* exit_code);
void AddModelsCommand(CLI::App& app, int* exit_code);
void AddDigestCommand(CLI::App& app, int* exit_code);

}  // namespace autotriage
