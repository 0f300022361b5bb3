// autotriage backtest: replays historical tickets (a labelled file, or the helpdesk's recent
// tickets) through a model and the policy's confidence gate without writing anything, and prints
// a readiness report per queue and field. The numbers come from policy/readiness.h; this file
// only parses, loads and prints.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "autotriage/cli/backtest_sources.h"
#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/progress.h"
#include "autotriage/config/loader.h"
#include "autotriage/ml/bundle.h"
#include "autotriage/policy/readiness.h"

namespace autotriage {
namespace {

struct BacktestArgs {
  std::string model;
  std::string config;
  std::string data;
  std::string text_columns = "subject,body";
  std::string labels;
  std::string queue_column = "group";
  std::string fields;
  bool from_helpdesk = false;
  int days = 90;
  int64_t limit = 0;
  int sandbox_tickets = 2000;
  int min_examples = 30;
  double suggest_precision = 0.80;
  bool strict = false;
  bool json = false;
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

Result<Config> LoadConfig(const std::string& path) {
  if (path.empty()) {
    return Config{};
  }
  ConfigCheck check = CheckConfigFile(path);
  std::string errors;
  for (const ConfigProblem& problem : check.problems) {
    if (problem.severity == ConfigProblem::Severity::kWarning) {
      std::fprintf(stderr, "autotriage: %s\n", problem.ToString().c_str());
    } else {
      errors += "\n  " + problem.ToString();
    }
  }
  if (!check.ok()) {
    return InvalidArgument("the configuration has " + std::to_string(check.error_count()) +
                           " error(s):" + errors);
  }
  return std::move(check.config);
}

// The fields to replay and, for a file, the column holding each one's truth.
// --label field=column[,...] names both; --fields restricts; otherwise the configured heads the
// model has (every head of the model when none of them is configured).
Result<std::map<std::string, std::string>> ChooseFields(const BacktestArgs& args,
                                                        const Config& config,
                                                        const ModelBundle& bundle) {
  std::map<std::string, std::string> columns;  // field -> column
  std::vector<std::string> order;
  for (const std::string& item : SplitCommaList(args.labels)) {
    const size_t eq = item.find('=');
    const std::string field = item.substr(0, eq);
    const std::string column = eq == std::string::npos ? field : item.substr(eq + 1);
    if (field.empty() || column.empty()) {
      return InvalidArgument(
          "--label takes field=column pairs, e.g. group=group,priority=prio; "
          "got '" +
          item + "'");
    }
    columns[field] = column;
  }
  std::vector<std::string> wanted = SplitCommaList(args.fields);
  if (wanted.empty()) {
    for (const auto& [field, column] : columns) {
      wanted.push_back(field);
    }
  }
  if (wanted.empty()) {
    for (const ModelHeadOptions& head : config.models.heads) {
      if (bundle.head(head.field) != nullptr) {
        wanted.push_back(head.field);
      }
    }
  }
  if (wanted.empty()) {
    wanted = bundle.fields();
  }
  std::map<std::string, std::string> chosen;
  for (const std::string& field : wanted) {
    if (bundle.head(field) == nullptr) {
      return NotFound("the model has no head for '" + field +
                      "'; heads present: " + Join(bundle.fields()));
    }
    std::string column = field;
    for (const ModelHeadOptions& head : config.models.heads) {
      if (head.field == field && !head.label_column.empty()) {
        column = head.label_column;
      }
    }
    if (auto it = columns.find(field); it != columns.end()) {
      column = it->second;
    }
    chosen[field] = column;
  }
  return chosen;
}

nlohmann::json RowJson(const ReadinessRow& row) {
  nlohmann::json j = {{"queue", row.queue},
                      {"field", row.field},
                      {"examples", row.examples},
                      {"decided", row.decided},
                      {"precision", row.precision},
                      {"coverage", row.coverage},
                      {"abstain_rate", row.abstain_rate},
                      {"accuracy", row.accuracy}};
  return j;
}

void PrintJson(const ReadinessReport& report, size_t tickets, int64_t unlabelled) {
  nlohmann::json out;
  out["cells"] = nlohmann::json::array();
  for (const ReadinessRow& row : report.rows) {
    nlohmann::json cell = RowJson(row);
    cell["mode"] = std::string(ToString(row.mode));
    cell["target_precision"] = row.target_precision;
    cell["qualifies_for"] = std::string(ToString(row.qualifies));
    cell["reason"] = row.reason;
    out["cells"].push_back(std::move(cell));
  }
  out["overall"] = RowJson(report.overall);
  out["overall"].erase("queue");
  out["overall"].erase("field");
  out["overall"]["tickets"] = tickets;
  out["overall"]["unlabelled"] = unlabelled;
  std::printf("%s\n", out.dump().c_str());
}

void PrintTable(const ReadinessReport& report, const BacktestArgs& args, size_t tickets) {
  size_t width = 10;
  for (const ReadinessRow& row : report.rows) {
    width = std::max(width, row.queue.size() + 2);
  }
  std::printf("%-*s %-10s %8s %9s %8s %8s %8s  %-8s %6s  %-9s %s\n", static_cast<int>(width),
              "queue", "field", "examples", "precision", "coverage", "abstain", "accuracy", "mode",
              "target", "qualifies", "why");
  for (const ReadinessRow& row : report.rows) {
    const std::string queue = row.queue == kAllQueues ? "(all)"
                              : row.queue.empty()     ? "  (none)"
                                                      : "  " + row.queue;
    std::printf("%-*s %-10s %8lld %9.3f %7.1f%% %7.1f%% %8.3f  %-8s %6.2f  %-9s %s\n",
                static_cast<int>(width), queue.c_str(), row.field.c_str(),
                static_cast<long long>(row.examples), row.precision, row.coverage * 100,
                row.abstain_rate * 100, row.accuracy, std::string(ToString(row.mode)).c_str(),
                row.target_precision, std::string(ToString(row.qualifies)).c_str(),
                row.reason.c_str());
  }
  const ReadinessRow& all = report.overall;
  std::printf(
      "\noverall: %zu tickets, %lld predictions; precision %.3f on the %.1f%% decided, abstains "
      "on %.1f%%, accuracy %.3f if all were decided\n",
      tickets, static_cast<long long>(all.examples), all.precision, all.coverage * 100,
      all.abstain_rate * 100, all.accuracy);
  std::printf(
      "qualifies for: autofill when precision reaches the cell's target (its target_precision, "
      "else the model's) on at least %d decided tickets; suggest when it reaches %.2f; else "
      "monitor. Nothing was written anywhere.\n",
      args.min_examples, args.suggest_precision);
}

int RunBacktest(const BacktestArgs& args) {
  if (args.from_helpdesk == !args.data.empty()) {
    PrintError(InvalidArgument("give either --data FILE or --from-helpdesk"));
    return 2;
  }
  Result<Config> config = LoadConfig(args.config);
  if (!config.ok()) {
    PrintError(config.status());
    return 2;
  }
  Result<ModelBundle> bundle = ModelBundle::Load(args.model);
  if (!bundle.ok()) {
    PrintError(bundle.status());
    return ExitCodeFor(bundle.status());
  }
  Result<std::map<std::string, std::string>> fields = ChooseFields(args, *config, *bundle);
  if (!fields.ok()) {
    PrintError(fields.status());
    return ExitCodeFor(fields.status());
  }
  ProgressBar progress(!args.json && ProgressBar::StderrIsTerminal());
  Result<std::vector<ReplayTicket>> tickets = std::vector<ReplayTicket>{};
  if (args.from_helpdesk) {
    HelpdeskSource source;
    source.days = args.days;
    source.limit = args.limit;
    source.sandbox_tickets = args.sandbox_tickets;
    source.progress = [&progress](double fraction, int64_t count) {
      progress.Update("reading tickets (" + std::to_string(count) + ")", fraction);
    };
    std::vector<std::string> names;
    for (const auto& [field, column] : *fields) {
      names.push_back(field);
    }
    tickets = ReadReplayHelpdesk(config->helpdesk, names, source);
  } else {
    FileSource source;
    source.path = args.data;
    source.text_columns = SplitCommaList(args.text_columns);
    source.label_columns = *fields;
    source.queue_column = args.queue_column;
    source.strict = args.strict;
    source.quiet = args.json;
    progress.Update("reading " + args.data, 0);
    tickets = ReadReplayFile(source);
  }
  if (!tickets.ok()) {
    progress.Finish();
    PrintError(tickets.status());
    return ExitCodeFor(tickets.status());
  }
  if (tickets->empty()) {
    progress.Finish();
    PrintError(InvalidArgument(args.from_helpdesk ? "the helpdesk has no tickets updated in the "
                                                    "last " +
                                                        std::to_string(args.days) + " days"
                                                  : args.data + " has no usable rows"));
    return 2;
  }
  // Predict on two threads (the machine's usual size); the tally itself is single-threaded.
  std::vector<const Head*> heads;
  for (const auto& [field, column] : *fields) {
    heads.push_back(bundle->head(field));
  }
  const size_t n = tickets->size();
  std::vector<std::vector<Prediction>> predictions(n, std::vector<Prediction>(heads.size()));
  {
    std::vector<std::thread> workers;
    for (size_t t = 0; t < 2; ++t) {
      workers.emplace_back([&, t] {
        for (size_t i = t; i < n; i += 2) {
          for (size_t h = 0; h < heads.size(); ++h) {
            predictions[i][h] = heads[h]->Predict((*tickets)[i].text, 2, 0);
          }
          if (t == 0 && i % 256 == 0) {
            progress.Update("replaying", static_cast<double>(i) / static_cast<double>(n));
          }
        }
      });
    }
    for (std::thread& worker : workers) {
      worker.join();
    }
  }
  progress.Finish();
  Policy policy(config->policy);
  ReadinessTally tally(&policy, ReadinessOptions{args.min_examples, args.suggest_precision});
  for (size_t i = 0; i < n; ++i) {
    const ReplayTicket& ticket = (*tickets)[i];
    for (size_t h = 0; h < heads.size(); ++h) {
      const HeadInfo& info = heads[h]->info();
      auto truth = ticket.truth.find(info.field);
      tally.Add(info, ticket.queue, truth == ticket.truth.end() ? "" : truth->second,
                predictions[i][h]);
    }
  }
  const ReadinessReport report = tally.Report();
  if (report.rows.empty()) {
    PrintError(InvalidArgument("none of the " + std::to_string(n) +
                               " tickets has a true value for the fields replayed"));
    return 2;
  }
  if (args.json) {
    PrintJson(report, n, tally.unlabelled());
  } else {
    PrintTable(report, args, n);
  }
  return 0;
}

}  // namespace

void AddBacktestCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BacktestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "backtest",
      "Replay historical tickets through a model and the policy without writing anything, and\n"
      "report per queue and field: precision, coverage, abstain rate, and whether the cell\n"
      "qualifies for suggest or autofill. Reads a labelled file (--data) or the helpdesk's\n"
      "recent tickets (--from-helpdesk), whose current field values are the truth.");
  cmd->add_option("--model", args->model, "Model file written by 'autotriage train'")->required();
  cmd->add_option("--config", args->config,
                  "Configuration file: its policy (cells, targets, margins) and, with "
                  "--from-helpdesk, its helpdesk (default: the built-in defaults)");
  cmd->add_option("--data", args->data, "Historical tickets with labels: CSV, CSV.gz or JSONL");
  cmd->add_flag("--from-helpdesk", args->from_helpdesk,
                "Replay the configured helpdesk's tickets updated in the last --days days");
  cmd->add_option("--text-column", args->text_columns,
                  "With --data: text column(s), comma-separated")
      ->capture_default_str();
  cmd->add_option("--label", args->labels,
                  "With --data: field=column pairs holding the true values, e.g. "
                  "group=group,priority=prio (default: each head's models.heads label_column, "
                  "else the field name)");
  cmd->add_option("--queue-column", args->queue_column,
                  "With --data: column holding each ticket's queue (group); \"\" for none")
      ->capture_default_str();
  cmd->add_option("--fields", args->fields,
                  "Fields to replay, comma-separated (default: the configured heads the model "
                  "has)");
  cmd->add_option("--days", args->days, "With --from-helpdesk: how many days back to read")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  cmd->add_option("--limit", args->limit,
                  "With --from-helpdesk: read at most this many tickets (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--sandbox-tickets", args->sandbox_tickets,
                  "With --from-helpdesk and helpdesk.kind sandbox: history size of the built-in "
                  "sandbox")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--min-examples", args->min_examples,
                  "Decided tickets a cell needs before it can qualify for autofill")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  cmd->add_option("--suggest-precision", args->suggest_precision,
                  "Precision a cell needs to qualify for suggest")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--strict", args->strict,
                "With --data: fail on the first malformed row instead of skipping it");
  cmd->add_flag(
      "--json", args->json,
      "Print one JSON object {\"cells\": [...], \"overall\": {...}} instead of the table");
  cmd->callback([args, exit_code] { *exit_code = RunBacktest(*args); });
}

}  // namespace autotriage
