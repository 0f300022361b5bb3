// dashboard_browser_fixture: the server the browser tests drive (tests/browser/*.spec.mjs).
//
// Opens a SQLite store in a fresh temporary folder, seeds pending approvals and the users
// admin, approver and viewer (fixture_seed.h, on dashboard/testing/seed.h), builds Authenticator +
// ApprovalService + RegisterDashboard on an HttpServer bound to 127.0.0.1 port 0, prints
// "http://127.0.0.1:PORT" as one line on stdout and serves until stdin closes (the test script ends
// it that way, and a killed script ends it too). Then it stops the server and removes the folder.
//
// The users' passwords come from AUTOTRIAGE_TEST_ADMIN_PASSWORD, AUTOTRIAGE_TEST_APPROVER_PASSWORD
// and AUTOTRIAGE_TEST_VIEWER_PASSWORD, which the test runner makes up per run: test-only, there
// is never a default. Exit codes: 0 after a clean stop, 1 when setting up fails, 2 for a
// missing password variable (the message names the variable, never a value).
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "autotriage/auth/auth.h"
#include "autotriage/dashboard/dashboard.h"
#include "autotriage/engine/approvals.h"
#include "autotriage/server/http_server.h"
#include "autotriage/store/store.h"
#include "fixture_seed.h"

namespace autotriage::browser_fixture {
namespace {

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Removes the temporary folder however the fixture ends (after the store is closed).
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "autotriage-browser-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

int Fail(const std::string& what, const Status& status) {
  std::cerr << "browser fixture: " << what << ": " << status.ToString() << "\n";
  return 1;
}

bool ReadPasswords(std::vector<BrowserUser>* users) {
  const std::vector<std::pair<std::string, std::string>> wanted = {
      {"admin", "AUTOTRIAGE_TEST_ADMIN_PASSWORD"},
      {"approver", "AUTOTRIAGE_TEST_APPROVER_PASSWORD"},
      {"viewer", "AUTOTRIAGE_TEST_VIEWER_PASSWORD"}};
  bool ok = true;
  for (const auto& [role, variable] : wanted) {
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') {
      std::cerr << "browser fixture: " << variable << " is not set (the test runner sets it)\n";
      ok = false;
      continue;
    }
    users->push_back({role, role, value});
  }
  return ok;
}

int Run() {
  std::vector<BrowserUser> users;
  if (!ReadPasswords(&users)) {
    return 2;
  }
  TempDir dir;
  if (dir.path().empty()) {
    std::cerr << "browser fixture: cannot create a temporary folder\n";
    return 1;
  }
  StoreConfig store_config;
  store_config.sqlite_path = dir.path() + "/store.db";
  Result<std::unique_ptr<Store>> store = OpenStore(store_config);
  if (!store.ok()) {
    return Fail("opening the store", store.status());
  }
  const int64_t now_ms = WallClockMs();
  if (Status seeded = SeedTickets(**store, BrowserTickets(now_ms)); !seeded.ok()) {
    return Fail("seeding approvals", seeded);
  }
  if (Status seeded = SeedUsers(**store, users, now_ms); !seeded.ok()) {
    return Fail("seeding users", seeded);
  }

  const PolicyOptions policy = BrowserPolicy();
  PolicyHolder policy_holder(policy);
  if (Status loaded = policy_holder.Reload(**store); !loaded.ok()) {
    return Fail("loading the policy", loaded);
  }
  std::unique_ptr<Authenticator> auth = Authenticator::Create(store->get(), AuthOptions{});
  std::unique_ptr<ApprovalService> approvals = ApprovalService::Create(
      store->get(), &policy_holder, ApprovalOptions{}, /*html_notes=*/false, "");

  HttpServerOptions server_options;
  server_options.listen_address = "127.0.0.1";
  server_options.port = 0;
  server_options.worker_threads = 8;
  std::unique_ptr<HttpServer> server = HttpServer::Create(server_options);
  DashboardDeps deps;
  deps.store = store->get();
  deps.auth = auth.get();
  deps.approvals = approvals.get();
  deps.policy = policy;
  deps.log = [](const std::string& line) { std::cerr << "dashboard: " << line << "\n"; };
  RegisterDashboard(*server, deps);
  if (Status started = server->Start(); !started.ok()) {
    return Fail("starting the server", started);
  }

  std::cout << "http://127.0.0.1:" << server->port() << std::endl;
  while (std::fgetc(stdin) != EOF) {
  }
  server->Stop();
  return 0;
}

}  // namespace
}  // namespace autotriage::browser_fixture

int main() {
  return autotriage::browser_fixture::Run();
}
