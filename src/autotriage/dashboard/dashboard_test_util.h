// Test harness of the dashboard tests: the real SQLite store (in memory, or a file when a test
// must edit the database behind the store's back), the real Authenticator, ApprovalService and
// HttpServer on port 0, users of every role, and a small HTTP client over loopback.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autotriage/auth/auth.h"
#include "autotriage/dashboard/dashboard.h"
#include "autotriage/dashboard/slack_notifier.h"
#include "autotriage/dashboard/testing/seed.h"
#include "autotriage/engine/approvals.h"
#include "autotriage/server/http_server.h"
#include "autotriage/store/store.h"

namespace autotriage {

inline constexpr char kTestPassword[] = "correct horse battery staple";

struct Reply {
  int status = 0;  // 0: no answer (connection failed)
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string Header(const std::string& lower_name) const;
  // Every Set-Cookie value.
  std::vector<std::string> Cookies() const;
};

// "name=value" of a Set-Cookie value (attributes dropped).
std::string CookiePair(const std::string& set_cookie);

struct Session {
  std::string cookie;  // "autotriage_session=..." for the Cookie header
  std::string csrf;
};

struct HarnessOptions {
  bool file_store = false;  // a SQLite file in a temporary folder instead of :memory:
  std::string slack_signing_secret;
  // Makes the Slack notifier the dashboard uses (the harness owns it); empty = none.
  std::function<std::unique_ptr<SlackNotifier>(Store*, ApprovalService*)> make_notifier;
  std::function<std::vector<ModelInfo>()> models;
  int64_t kpi_cache_ms = 0;  // tests see every change at once unless they test the cache
  // DashboardDeps::clusters and ::kb_search (empty: insights off, KB not loaded).
  std::function<std::vector<insights::ClusterSummary>()> clusters;
  std::function<std::vector<KbHit>(const std::string&)> kb_search;
};

class DashboardHarness {
 public:
  explicit DashboardHarness(HarnessOptions options = {});
  ~DashboardHarness();

  Store& store() { return *store_; }
  Authenticator& auth() { return *auth_; }
  ApprovalService& approvals() { return *approvals_; }
  const std::vector<DashboardRoute>& routes() const { return routes_; }
  int port() const { return server_->port(); }
  const std::string& sqlite_path() const { return sqlite_path_; }
  SlackNotifier* notifier() { return notifier_.get(); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  // Adds an enabled user with kTestPassword.
  void AddUser(const std::string& name, Role role, const std::string& slack_id = "");
  Session LogIn(const std::string& name);
  std::string Token(const std::string& name);
  // Seeds ExampleProposal tickets (or the given ones).
  void Seed(const std::vector<SeedTicket>& tickets);

  Reply Get(const std::string& path, const std::map<std::string, std::string>& headers = {});
  Reply Send(const std::string& method, const std::string& path, const std::string& body,
             const std::string& content_type,
             const std::map<std::string, std::string>& headers = {});
  // Form POST on a session (csrf_token added unless `with_csrf` is false).
  Reply PostForm(const std::string& path, const Session& session,
                 std::vector<std::pair<std::string, std::string>> fields, bool with_csrf = true);
  Reply GetPage(const std::string& path, const Session& session);
  Reply Api(const std::string& method, const std::string& path, const std::string& token,
            const std::string& json_body = "");

  static int64_t NowMs();

 private:
  std::string dir_;
  std::string sqlite_path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<PolicyHolder> policy_;
  std::unique_ptr<ApprovalService> approvals_;
  std::unique_ptr<SlackNotifier> notifier_;
  std::unique_ptr<HttpServer> server_;
  std::vector<DashboardRoute> routes_;
};

// application/x-www-form-urlencoded body of the pairs.
std::string FormBody(const std::vector<std::pair<std::string, std::string>>& fields);

// The policy the harness runs with: group, priority and agent writable; "*" cells suggest.
PolicyOptions HarnessPolicy();

}  // namespace autotriage
