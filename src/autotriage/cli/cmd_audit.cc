// autotriage audit verify|export and autotriage approvals list: read-only views of the store.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/cli/progress.h"
#include "autotriage/store/audit.h"

namespace autotriage {
namespace {

constexpr int kAuditChunk = 5000;

struct StoreArgs {
  std::string config;
  std::string out;
  int64_t after = 0;
  int limit = 50;
  bool json = false;
};

Result<std::unique_ptr<Store>> OpenFromArgs(const StoreArgs& args) {
  Result<Config> config = LoadConfigForCommand(args.config);
  if (!config.ok()) {
    return config.status();
  }
  return OpenConfiguredStore(*config);
}

int RunVerify(const StoreArgs& args) {
  Result<std::unique_ptr<Store>> store = OpenFromArgs(args);
  if (!store.ok()) {
    PrintError(store.status());
    return ExitCodeFor(store.status());
  }
  ProgressBar progress(!args.json && ProgressBar::StderrIsTerminal());
  AuditVerifier verifier;
  int64_t after = 0;
  while (true) {
    Result<std::vector<AuditEntry>> chunk = (*store)->ReadAudit(after, kAuditChunk);
    if (!chunk.ok()) {
      progress.Finish();
      PrintError(chunk.status());
      return ExitCodeFor(chunk.status());
    }
    for (const AuditEntry& entry : *chunk) {
      verifier.Add(entry);
      after = entry.seq;
    }
    progress.Update("audit verify: " + std::to_string(after) + " records", 0.0);
    if (static_cast<int>(chunk->size()) < kAuditChunk) {
      break;
    }
  }
  progress.Finish();
  const AuditVerifyReport report = verifier.Finish();
  if (args.json) {
    std::printf("%s\n", nlohmann::json{{"ok", report.ok},
                                       {"entries", report.entries},
                                       {"first_bad_seq", report.first_bad_seq},
                                       {"problem", report.problem}}
                            .dump()
                            .c_str());
  } else if (report.ok) {
    std::printf("audit chain intact: %lld records verified\n",
                static_cast<long long>(report.entries));
  } else {
    std::printf("audit chain BROKEN at record %lld: %s\n",
                static_cast<long long>(report.first_bad_seq), report.problem.c_str());
  }
  return report.ok ? 0 : 1;
}

int RunExport(const StoreArgs& args) {
  Result<std::unique_ptr<Store>> store = OpenFromArgs(args);
  if (!store.ok()) {
    PrintError(store.status());
    return ExitCodeFor(store.status());
  }
  std::ofstream file;
  if (!args.out.empty() && args.out != "-") {
    file.open(args.out, std::ios::binary | std::ios::trunc);
    if (!file) {
      PrintError(IoError("cannot write " + args.out));
      return 1;
    }
  }
  int64_t after = args.after;
  int64_t written = 0;
  while (true) {
    Result<std::vector<AuditEntry>> chunk = (*store)->ReadAudit(after, kAuditChunk);
    if (!chunk.ok()) {
      PrintError(chunk.status());
      return ExitCodeFor(chunk.status());
    }
    for (const AuditEntry& entry : *chunk) {
      const std::string line = AuditEntryToJson(entry) + "\n";
      if (file.is_open()) {
        file << line;
      } else {
        std::fwrite(line.data(), 1, line.size(), stdout);
      }
      after = entry.seq;
      ++written;
    }
    if (static_cast<int>(chunk->size()) < kAuditChunk) {
      break;
    }
  }
  if (file.is_open()) {
    file.close();
    if (!file) {
      PrintError(IoError("writing " + args.out + " failed"));
      return 1;
    }
    std::fprintf(stderr, "exported %lld audit records to %s\n", static_cast<long long>(written),
                 args.out.c_str());
  }
  return 0;
}

int RunApprovalsList(const StoreArgs& args) {
  Result<std::unique_ptr<Store>> store = OpenFromArgs(args);
  if (!store.ok()) {
    PrintError(store.status());
    return ExitCodeFor(store.status());
  }
  DecisionFilter filter;
  filter.outcome = "pending";
  filter.limit = args.limit;
  Result<std::vector<DecisionRecord>> pending = (*store)->ListDecisions(filter);
  if (!pending.ok()) {
    PrintError(pending.status());
    return ExitCodeFor(pending.status());
  }
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const DecisionRecord& d : *pending) {
      list.push_back({{"id", d.id},
                      {"ticket_id", d.ticket_id},
                      {"queue", d.queue},
                      {"field", d.field},
                      {"old_value", d.old_value},
                      {"new_value", d.new_value},
                      {"confidence", d.confidence},
                      {"reason", d.reason},
                      {"trace_id", d.trace_id},
                      {"created_ms", d.created_ms}});
    }
    std::printf("%s\n", nlohmann::json{{"pending", list}}.dump().c_str());
    return 0;
  }
  if (pending->empty()) {
    std::printf("no suggestions are waiting for approval\n");
    return 0;
  }
  std::printf("%-8s %-8s %-10s %-22s %-22s %s\n", "id", "ticket", "field", "current", "suggested",
              "confidence");
  for (const DecisionRecord& d : *pending) {
    std::printf("%-8lld %-8s %-10s %-22s %-22s %.2f\n", static_cast<long long>(d.id),
                d.ticket_id.c_str(), d.field.c_str(),
                d.old_value.empty() ? "(empty)" : d.old_value.c_str(), d.new_value.c_str(),
                d.confidence);
  }
  std::printf("%zu suggestion(s) waiting; approving them arrives with the dashboard.\n",
              pending->size());
  return 0;
}

void AddConfigOption(CLI::App* cmd, StoreArgs* args) {
  cmd->add_option("--config", args->config, "YAML configuration naming the store")
      ->envname("AUTOTRIAGE_CONFIG");
}

}  // namespace

void AddAuditCommand(CLI::App& app, int* exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "Check or export the tamper-evident audit trail");
  audit->require_subcommand(1);
  audit->footer(
      "Every engine step (event received, prediction, decision, write, error) is a record that\n"
      "carries the SHA-256 hash of the one before it. `verify` recomputes the chain and names the\n"
      "first edited, removed or reordered record; `export` writes the records as JSON lines.");
  auto args = std::make_shared<StoreArgs>();
  CLI::App* verify = audit->add_subcommand("verify", "Recompute the hash chain (exit 1 if broken)");
  AddConfigOption(verify, args.get());
  verify->add_flag("--json", args->json, "Print the result as one JSON object");
  verify->callback([args, exit_code] { *exit_code = RunVerify(*args); });
  CLI::App* exporter = audit->add_subcommand("export", "Write the audit records as JSON lines");
  AddConfigOption(exporter, args.get());
  exporter->add_option("--out", args->out, "Output file (default: standard output)");
  exporter->add_option("--after", args->after, "Only records after this sequence number");
  exporter->callback([args, exit_code] { *exit_code = RunExport(*args); });
}

void AddApprovalsCommand(CLI::App& app, int* exit_code) {
  CLI::App* approvals = app.add_subcommand("approvals", "Suggestions waiting for a human decision");
  approvals->require_subcommand(1);
  auto args = std::make_shared<StoreArgs>();
  CLI::App* list = approvals->add_subcommand("list", "List pending suggestions, newest first");
  AddConfigOption(list, args.get());
  list->add_option("--limit", args->limit, "At most this many")->check(CLI::Range(1, 100000));
  list->add_flag("--json", args->json, "Print {\"pending\": [...]} as JSON");
  list->callback([args, exit_code] { *exit_code = RunApprovalsList(*args); });
}

}  // namespace autotriage
