// `autotriage backtest` end to end (label `integration`): trains a small model on generated
// tickets, replays them from a file and from the built-in sandbox helpdesk, and checks the report's
// JSON contract, its consistency with `autotriage eval`, the policy's effect and the errors.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include "shell_run.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the autotriage binary with a shell command line (arguments already quoted).
CommandResult Autotriage(const std::string& args) {
  static int counter = 0;
  const fs::path err_file =
      fs::temp_directory_path() /
      ("backtest_test_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  const std::string command =
      std::string(AUTOTRIAGE_BINARY) + " " + args + " 2>" + err_file.string() + " </dev/null";
  const autotriage::testing::ShellRun shell = autotriage::testing::RunShell(command, err_file);
  fs::remove(err_file);
  return {shell.exit_code, shell.out, shell.err};
}

class BacktestCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("backtest_test_" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    CommandResult gen =
        Autotriage("dataset generate --seed 11 --count 1200 --out " + Path("data.csv"));
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    CommandResult train = Autotriage(
        "train --data " + Path("data.csv") +
        " --text-column subject,body --label-column group,priority --out " + Path("model.atm"));
    ASSERT_EQ(train.exit_code, 0) << train.err;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string Path(const std::string& name) { return (*dir_ / name).string(); }
  static void Write(const std::string& name, const std::string& content) {
    std::ofstream(*dir_ / name, std::ios::binary) << content;
  }
  static nlohmann::json BacktestJson(const std::string& extra) {
    CommandResult run = Autotriage("backtest --model " + Path("model.atm") + " --json " + extra);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(run.err.empty()) << run.err;  // quiet when not on a terminal
    return nlohmann::json::parse(run.out, nullptr, false);
  }
  static const nlohmann::json* Cell(const nlohmann::json& report, const std::string& queue,
                                    const std::string& field) {
    for (const auto& cell : report.at("cells")) {
      if (cell.at("queue") == queue && cell.at("field") == field) {
        return &cell;
      }
    }
    return nullptr;
  }

  static fs::path* dir_;
};
fs::path* BacktestCliTest::dir_ = nullptr;

TEST_F(BacktestCliTest, JsonReportHasTheContractKeysAndSaneNumbers) {
  const nlohmann::json report = BacktestJson("--data " + Path("data.csv"));
  ASSERT_TRUE(report.is_object());
  ASSERT_TRUE(report.contains("cells"));
  ASSERT_TRUE(report.contains("overall"));
  EXPECT_EQ(report.size(), 2u);
  int64_t all_queue_examples = 0;
  int64_t per_queue_examples = 0;
  for (const auto& cell : report.at("cells")) {
    for (const char* key :
         {"queue", "field", "examples", "decided", "precision", "coverage", "abstain_rate",
          "accuracy", "mode", "target_precision", "qualifies_for", "reason"}) {
      EXPECT_TRUE(cell.contains(key)) << key << " in " << cell.dump();
    }
    const double precision = cell.at("precision");
    const double coverage = cell.at("coverage");
    EXPECT_GE(precision, 0.0);
    EXPECT_LE(precision, 1.0);
    EXPECT_GE(coverage, 0.0);
    EXPECT_LE(coverage, 1.0);
    EXPECT_NEAR(cell.at("abstain_rate").get<double>(), 1.0 - coverage, 1e-12);
    EXPECT_NEAR(coverage, cell.at("decided").get<double>() / cell.at("examples").get<double>(),
                1e-12);
    const std::string qualifies = cell.at("qualifies_for");
    EXPECT_TRUE(qualifies == "autofill" || qualifies == "suggest" || qualifies == "monitor");
    if (qualifies == "autofill") {
      EXPECT_GE(precision, cell.at("target_precision").get<double>() - 1e-12);
      EXPECT_GE(cell.at("decided").get<int>(), 30);
    }
    EXPECT_EQ(cell.at("mode"), "monitor");  // the default policy
    if (cell.at("field") == "group") {
      (cell.at("queue") == "*" ? all_queue_examples : per_queue_examples) +=
          cell.at("examples").get<int64_t>();
    }
  }
  EXPECT_EQ(all_queue_examples, 1200);
  EXPECT_EQ(per_queue_examples, 1200);  // every ticket has its queue row
  const auto& overall = report.at("overall");
  EXPECT_EQ(overall.at("tickets"), 1200);
  EXPECT_EQ(overall.at("examples"), 2400);  // two fields
  EXPECT_GT(overall.at("precision").get<double>(), 0.8);
  EXPECT_GT(overall.at("coverage").get<double>(), 0.3);
}

TEST_F(BacktestCliTest, WithTheDefaultPolicyItAgreesWithEval) {
  const nlohmann::json report = BacktestJson("--data " + Path("data.csv"));
  CommandResult eval =
      Autotriage("eval --model " + Path("model.atm") + " --data " + Path("data.csv") +
                 " --text-column subject,body --label-column group --json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const nlohmann::json scores = nlohmann::json::parse(eval.out);
  const nlohmann::json* all = Cell(report, "*", "group");
  ASSERT_NE(all, nullptr);
  // No cell: the policy applies the model's own thresholds, exactly as eval's abstentions.
  EXPECT_NEAR(all->at("abstain_rate").get<double>(), scores.at("abstain_rate").get<double>(),
              1e-12);
  EXPECT_NEAR(all->at("precision").get<double>(), scores.at("decided_accuracy").get<double>(),
              1e-12);
  EXPECT_NEAR(all->at("accuracy").get<double>(), scores.at("accuracy").get<double>(), 1e-12);
}

TEST_F(BacktestCliTest, ConfiguredCellsSetModeTargetAndThreshold) {
  Write("policy.yaml",
        "policy:\n  cells:\n    - queue: \"*\"\n      field: group\n      mode: autofill\n"
        "      target_precision: 0.99\n    - queue: Network\n      field: priority\n"
        "      mode: suggest\n      min_margin: 0.5\n");
  const nlohmann::json strict =
      BacktestJson("--data " + Path("data.csv") + " --config " + Path("policy.yaml"));
  const nlohmann::json loose = BacktestJson("--data " + Path("data.csv"));
  const nlohmann::json* group = Cell(strict, "*", "group");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->at("mode"), "autofill");
  EXPECT_DOUBLE_EQ(group->at("target_precision").get<double>(), 0.99);
  // A stricter target can only decide less.
  EXPECT_LE(group->at("coverage").get<double>(),
            Cell(loose, "*", "group")->at("coverage").get<double>());
  const nlohmann::json* network = Cell(strict, "Network", "priority");
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->at("mode"), "suggest");
  EXPECT_LE(network->at("decided").get<int>(),
            Cell(loose, "Network", "priority")->at("decided").get<int>());
}

TEST_F(BacktestCliTest, TableNamesEveryColumnAndWritesNothing) {
  const auto before = fs::last_write_time(Path("data.csv"));
  CommandResult run =
      Autotriage("backtest --model " + Path("model.atm") + " --data " + Path("data.csv"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* text : {"queue", "precision", "coverage", "abstain", "qualifies", "(all)",
                           "Network", "overall:", "Nothing was written"}) {
    EXPECT_NE(run.out.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(fs::last_write_time(Path("data.csv")), before);
}

TEST_F(BacktestCliTest, ReplaysTheSandboxHelpdesk) {
  const nlohmann::json report =
      BacktestJson("--from-helpdesk --sandbox-tickets 300 --fields group");
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report.at("overall").at("tickets"), 300);
  const nlohmann::json* group = Cell(report, "*", "group");
  ASSERT_NE(group, nullptr);
  EXPECT_GT(group->at("examples").get<int>(), 200);  // open tickets may have no group yet
  EXPECT_GT(group->at("precision").get<double>(), 0.8);
  EXPECT_EQ(Cell(report, "*", "priority"), nullptr);
}

TEST_F(BacktestCliTest, ClearErrors) {
  const std::string base = "backtest --model " + Path("model.atm");
  CommandResult column = Autotriage(base + " --data " + Path("data.csv") + " --text-column subj");
  EXPECT_EQ(column.exit_code, 2);
  EXPECT_NE(column.err.find("'subj' not found"), std::string::npos) << column.err;
  EXPECT_NE(column.err.find("subject, body, group"), std::string::npos) << column.err;
  CommandResult queue = Autotriage(base + " --data " + Path("data.csv") + " --queue-column q");
  EXPECT_EQ(queue.exit_code, 2);
  EXPECT_NE(queue.err.find("--queue-column: column 'q' not found"), std::string::npos) << queue.err;
  CommandResult head = Autotriage(base + " --data " + Path("data.csv") + " --fields type");
  EXPECT_EQ(head.exit_code, 2);
  EXPECT_NE(head.err.find("no head for 'type'; heads present: group, priority"), std::string::npos)
      << head.err;
  CommandResult neither = Autotriage(base);
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--data FILE or --from-helpdesk"), std::string::npos);
  Write("bad.yaml", "policy:\n  writable_fields: [status]\n");
  CommandResult config =
      Autotriage(base + " --data " + Path("data.csv") + " --config " + Path("bad.yaml"));
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.err.find("never closes, resolves, deletes or merges"), std::string::npos)
      << config.err;
}

TEST_F(BacktestCliTest, HelpExplainsTheCommand) {
  CommandResult top = Autotriage("--help");
  EXPECT_NE(top.out.find("backtest"), std::string::npos);
  CommandResult help = Autotriage("backtest --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option :
       {"--model", "--config", "--data", "--from-helpdesk", "--label", "--queue-column", "--days",
        "--min-examples", "--suggest-precision", "--json"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  }
}

}  // namespace
