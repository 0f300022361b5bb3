// Shared pieces of the reliability tests: a temporary folder, a small model bundle trained on
// generated tickets, the engine as a child process (`autotriage serve`), and counting what the
// sandbox helpdesk received. Test-only; used from the test thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "autotriage/sandbox/sandbox.h"

namespace autotriage::testing {

class TempFolder {
 public:
  explicit TempFolder(const std::string& prefix);
  ~TempFolder();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Trains group / priority / type heads (linear only, fast) on `count` generated tickets and
// saves the bundle to `path`. Returns false (with a gtest failure) on error.
bool TrainSmallBundle(const std::string& path, int count, uint64_t seed);

// The engine YAML for a Freshdesk-shaped helpdesk at `helpdesk_url`: SQLite store `db_path`,
// port 0, group autofill, priority suggest, type monitor, short leases and back-off.
std::string EngineConfigYaml(const std::string& helpdesk_url, const std::string& api_key,
                             const std::string& db_path, const std::string& model_path);

// `autotriage serve --config FILE --json` as a child process; Start returns once it printed its
// port (it is ready then).
class EngineProcess {
 public:
  explicit EngineProcess(std::string config_path) : config_path_(std::move(config_path)) {}
  ~EngineProcess();
  bool Start();     // false when the process died or printed no port within 60 s
  void Kill();      // SIGKILL, then reaps it
  int Terminate();  // SIGTERM, waits; returns the exit code (-1 when killed by a signal)
  int port() const { return port_; }
  bool running() const { return pid_ > 0; }

 private:
  std::string config_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string stderr_path_;
};

// Per ticket: applied field updates (PUT) and private notes (POST .../notes) the helpdesk got.
struct TicketWrites {
  int updates = 0;
  int notes = 0;
  int status_changes = 0;  // updates whose body touched status (must stay 0)
};
std::map<std::string, TicketWrites> CountAppliedWrites(const std::vector<RecordedWrite>& writes);

// Calls `done` until it returns true or `timeout_ms` passes (checking every 20 ms).
bool WaitFor(const std::function<bool()>& done, int64_t timeout_ms);

// Freshdesk's webhook body for a ticket, as its automation rules send it.
std::string FreshdeskWebhookBody(int64_t ticket_id, const std::string& subject);

}  // namespace autotriage::testing
