#include "tests/reliability/reliability_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "autotriage/ml/bundle.h"
#include "autotriage/synth/generator.h"

extern char** environ;

namespace autotriage::testing {
namespace fs = std::filesystem;

TempFolder::TempFolder(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  char* made = ::mkdtemp(pattern.data());
  path_ = made == nullptr ? "" : made;
}

TempFolder::~TempFolder() {
  std::error_code ignored;
  if (!path_.empty()) {
    fs::remove_all(path_, ignored);
  }
}

bool TrainSmallBundle(const std::string& path, int count, uint64_t seed) {
  SynthOptions synth;
  synth.seed = seed;
  synth.count = count;
  const std::vector<SynthTicket> tickets = GenerateTickets(synth);
  std::vector<std::string> texts;
  for (const SynthTicket& t : tickets) {
    texts.push_back(t.subject + "\n" + t.body_html);
  }
  ModelBundle bundle;
  for (const std::string field : {"group", "priority", "type"}) {
    std::vector<std::string> labels;
    for (const SynthTicket& t : tickets) {
      labels.push_back(field == "group" ? t.group : field == "priority" ? t.priority : t.type);
    }
    HeadOptions options;
    options.use_fasttext = false;
    options.c_grid = {1.0};
    options.seed = seed;
    Result<std::unique_ptr<Head>> head = TrainHead(field, texts, labels, options);
    if (!head.ok()) {
      ADD_FAILURE() << head.status().ToString();
      return false;
    }
    bundle.AddHead(std::move(*head));
  }
  bundle.metadata().training_data_name = "synthetic";
  bundle.metadata().training_data_examples = count;
  Status saved = bundle.Save(path);
  EXPECT_TRUE(saved.ok()) << saved.ToString();
  return saved.ok();
}

std::string EngineConfigYaml(const std::string& helpdesk_url, const std::string& api_key,
                             const std::string& db_path, const std::string& model_path) {
  return "helpdesk:\n  kind: freshdesk\n  url: " + helpdesk_url + "\n  api_key: " + api_key +
         "\n  request_timeout_ms: 2000\n  connect_timeout_ms: 1000\n  max_retries: 2\n"
         "store:\n  backend: sqlite\n  sqlite_path: " +
         db_path +
         "\n"
         "server:\n  port: 0\n"
         "models:\n  active: " +
         model_path +
         "\n"
         "policy:\n  cells:\n"
         "    - {queue: \"*\", field: group, mode: autofill}\n"
         "    - {queue: \"*\", field: priority, mode: suggest}\n"
         "    - {queue: \"*\", field: type, mode: monitor}\n"
         "engine:\n  workers: 4\n  dispatchers: 2\n  lease_seconds: 5\n"
         "  retry_backoff_ms: 50\n  max_attempts: 30\n"
         "log:\n  level: warn\n";
}

EngineProcess::~EngineProcess() {
  if (pid_ > 0) {
    Kill();
  }
}

bool EngineProcess::Start() {
  int out[2];
  if (::pipe(out) != 0) {
    return false;
  }
  stderr_path_ = config_path_ + ".stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::string binary = AUTOTRIAGE_BINARY;
  std::vector<std::string> args = {binary, "serve", "--config", config_path_, "--json"};
  std::vector<char*> argv;
  for (std::string& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  const int spawned = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    pid_ = -1;
    return false;
  }
  // The first stdout line is {"port":N,...}; it is printed once the engine accepts events.
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') {
    line.push_back(c);
  }
  ::close(out[0]);
  nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("port")) {
    std::ifstream err(stderr_path_);
    std::stringstream text;
    text << err.rdbuf();
    ADD_FAILURE() << "engine did not start: '" << line << "'\n" << text.str();
    Kill();
    return false;
  }
  port_ = parsed["port"].get<int>();
  return true;
}

void EngineProcess::Kill() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int EngineProcess::Terminate() {
  if (pid_ <= 0) {
    return -1;
  }
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::map<std::string, TicketWrites> CountAppliedWrites(const std::vector<RecordedWrite>& writes) {
  std::map<std::string, TicketWrites> counts;
  const std::string prefix = "/api/v2/tickets/";
  for (const RecordedWrite& w : writes) {
    if (!w.applied || w.path.rfind(prefix, 0) != 0) {
      continue;
    }
    std::string rest = w.path.substr(prefix.size());
    const std::string id = rest.substr(0, rest.find_first_of("/?"));
    if (w.method == "PUT") {
      ++counts[id].updates;
      nlohmann::json body = nlohmann::json::parse(w.body, nullptr, false);
      if (body.is_object() && body.contains("status")) {
        ++counts[id].status_changes;
      }
    } else if (w.method == "POST" && rest.find("/notes") != std::string::npos) {
      ++counts[id].notes;
    }
  }
  return counts;
}

bool WaitFor(const std::function<bool()>& done, int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string FreshdeskWebhookBody(int64_t ticket_id, const std::string& subject) {
  const std::string id = std::to_string(ticket_id);
  return nlohmann::json{{"freshdesk_webhook",
                         {{"triggered_event", "{ticket_action:created}"},
                          {"ticket_id", id},
                          {"ticket_url", "http://sandbox/helpdesk/tickets/" + id},
                          {"ticket_subject", subject},
                          {"ticket_status", "Open"},
                          {"ticket_priority", "Low"}}}}
      .dump();
}

}  // namespace autotriage::testing
