// The CLI contract (label `integration`): runs the real binary on generated data and checks the
// command names, flags, JSON keys and the error messages operators see for bad input.
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
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the autotriage binary with a shell command line (arguments already quoted).
CommandResult Autotriage(const std::string& args, const std::string& stdin_file = "") {
  static int counter = 0;
  const fs::path err_file =
      fs::temp_directory_path() /
      ("cli_test_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::string command = std::string(AUTOTRIAGE_BINARY) + " " + args + " 2>" + err_file.string();
  if (!stdin_file.empty()) {
    command += " <" + stdin_file;
  } else {
    command += " </dev/null";
  }
  const autotriage::testing::ShellRun shell = autotriage::testing::RunShell(command, err_file);
  fs::remove(err_file);
  return {shell.exit_code, shell.out, shell.err};
}

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("cli_test_" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    CommandResult gen =
        Autotriage("dataset generate --seed 7 --count 1200 --out " + Path("data.csv"));
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    CommandResult train =
        Autotriage("train --data " + Path("data.csv") +
                   " --text-column subject,body --label-column group,priority --out " +
                   Path("model.atm") + " --json");
    ASSERT_EQ(train.exit_code, 0) << train.err;
    train_json_ = new nlohmann::json(nlohmann::json::parse(train.out));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete train_json_;
  }
  static std::string Path(const std::string& name) { return (*dir_ / name).string(); }
  static void Write(const std::string& name, const std::string& content) {
    std::ofstream(*dir_ / name, std::ios::binary) << content;
  }

  static fs::path* dir_;
  static nlohmann::json* train_json_;
};
fs::path* CliTest::dir_ = nullptr;
nlohmann::json* CliTest::train_json_ = nullptr;

TEST_F(CliTest, TrainJsonHasTheContractKeys) {
  const auto& j = *train_json_;
  EXPECT_EQ(j.at("examples").get<int>(), 1200);
  EXPECT_GE(j.at("labels").size(), 5u);
  EXPECT_GT(j.at("train_seconds").get<double>(), 0.0);
  EXPECT_TRUE(j.at("heads").contains("group"));
  EXPECT_TRUE(j.at("heads").contains("priority"));
}

TEST_F(CliTest, EvalJsonHasTheContractKeys) {
  CommandResult run =
      Autotriage("eval --model " + Path("model.atm") + " --data " + Path("data.csv") +
                 " --text-column subject,body --label-column group --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto j = nlohmann::json::parse(run.out);
  for (const char* key : {"accuracy", "macro_f1", "ece", "predict_us_p50", "predict_us_p99",
                          "coverage_at_90", "coverage_at_95", "per_class", "confusion"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_GT(j.at("accuracy").get<double>(), 0.7);
  EXPECT_GT(j.at("predict_us_p50").get<double>(), 0.0);
}

TEST_F(CliTest, EvalHumanReportShowsTheConfusionMatrix) {
  CommandResult run =
      Autotriage("eval --model " + Path("model.atm") + " --data " + Path("data.csv") +
                 " --text-column subject,body --label-column priority");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("macro-F1"), std::string::npos);
  EXPECT_NE(run.out.find("confusion matrix"), std::string::npos);
  EXPECT_NE(run.out.find("coverage"), std::string::npos);
}

TEST_F(CliTest, ClassifyExplainsWithCalibratedProbabilities) {
  CommandResult run =
      Autotriage("classify --model " + Path("model.atm") +
                 " --json --text 'VPN keeps disconnecting, the whole team is offline'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto j = nlohmann::json::parse(run.out);
  const auto& group = j.at("fields").at("group");
  ASSERT_FALSE(group.at("top").empty());
  double sum = 0;
  for (const auto& t : group.at("top")) {
    sum += t.at("probability").get<double>();
  }
  EXPECT_LE(sum, 1.0 + 1e-9);
  EXPECT_FALSE(group.at("explanation").empty());
}

TEST_F(CliTest, ClassifyReadsJsonLinesAndReportsBadLines) {
  Write("input.jsonl",
        "{\"id\": \"1\", \"subject\": \"printer jam\", \"description\": \"paper stuck\"}\n"
        "not json\n"
        "{\"id\": \"3\", \"text\": \"\"}\n");
  CommandResult run =
      Autotriage("classify --model " + Path("model.atm") + " --json", Path("input.jsonl"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("stdin line 2"), std::string::npos) << run.err;
  std::istringstream lines(run.out);
  std::string line;
  std::vector<nlohmann::json> outputs;
  while (std::getline(lines, line)) {
    outputs.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(outputs.size(), 2u);  // the good lines are not lost
  EXPECT_EQ(outputs[1].at("id"), "3");
  EXPECT_TRUE(outputs[1].at("fields").at("group").at("abstain").get<bool>());
  EXPECT_EQ(outputs[1].at("fields").at("group").at("abstain_reason"), "empty text");
}

TEST_F(CliTest, MissingColumnNamesItAndListsColumns) {
  CommandResult run =
      Autotriage("train --data " + Path("data.csv") +
                 " --text-column subjekt --label-column group --out " + Path("x.atm"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("'subjekt'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("subject"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("priority"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(Path("x.atm")));
}

TEST_F(CliTest, MalformedRowsAreCountedOrFatalWithStrict) {
  std::string csv = "text,label\n";
  for (int i = 0; i < 30; ++i) {
    csv += "vpn tunnel down number " + std::to_string(i) + ",Network\n";
    csv += "printer paper jam number " + std::to_string(i) + ",Hardware\n";
  }
  csv += "broken,row,with,extra,fields\n";
  Write("bad.csv", csv);
  CommandResult lenient =
      Autotriage("train --data " + Path("bad.csv") +
                 " --text-column text --label-column label --out " + Path("b.atm"));
  EXPECT_EQ(lenient.exit_code, 0) << lenient.err;
  EXPECT_NE(lenient.err.find("1 malformed"), std::string::npos) << lenient.err;
  EXPECT_NE(lenient.err.find("62"), std::string::npos) << lenient.err;  // its line number
  CommandResult strict =
      Autotriage("train --strict --data " + Path("bad.csv") +
                 " --text-column text --label-column label --out " + Path("c.atm"));
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find(":62"), std::string::npos) << strict.err;
}

TEST_F(CliTest, CorruptModelGivesAClearError) {
  Write("corrupt.atm", "ATMODEL\n\x01\x00\x00\x00garbage");
  CommandResult run = Autotriage("classify --model " + Path("corrupt.atm") + " --text hello");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("truncated"), std::string::npos) << run.err;
  Write("notamodel.atm", "hello world");
  run = Autotriage("classify --model " + Path("notamodel.atm") + " --text hello");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("not an autotriage model file"), std::string::npos) << run.err;
}

TEST_F(CliTest, HelpDescribesEveryCommand) {
  CommandResult run = Autotriage("--help");
  EXPECT_EQ(run.exit_code, 0);
  for (const char* command : {"demo", "train", "eval", "classify", "config", "dataset"}) {
    EXPECT_NE(run.out.find(command), std::string::npos) << command;
  }
  CommandResult train_help = Autotriage("train --help");
  EXPECT_NE(train_help.out.find("--label-column"), std::string::npos);
}

}  // namespace
