// SandboxServerImpl: the SandboxServer behind sandbox.h.
//
// Internal to the sandbox module. sandbox_server.cc owns start-up, the HTTP pipeline (faults,
// rate limit, auth, routing, recorded writes) and shutdown; sandbox_admin.cc owns the test helpers
// (CreateTicket, SimulateAgentUpdate, TicketTruth) and the /_sandbox/ endpoints.
// Thread-safety as in sandbox.h: the store has its own mutex; everything else set up in Start()
// is read-only while the server runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "autotriage/sandbox/api.h"
#include "autotriage/sandbox/faults.h"
#include "autotriage/sandbox/sandbox.h"
#include "autotriage/sandbox/store.h"
#include "autotriage/sandbox/webhooks.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace autotriage {

class SandboxServerImpl : public SandboxServer {
 public:
  explicit SandboxServerImpl(const SandboxOptions& options);
  ~SandboxServerImpl() override;

  // Loads the data, builds the routes, binds and starts serving; returns once ready.
  Status Init();

  int port() const override { return port_; }
  std::string base_url() const override { return base_url_; }
  const std::string& kind() const override { return options_.kind; }
  void Stop() override;

  std::vector<RecordedWrite> writes() const override;
  SandboxWebhookStats webhook_stats() const override;
  void SetWebhookUrl(const std::string& url) override;
  int64_t ticket_count() const override;

  Result<int64_t> CreateTicket(const SandboxNewTicket& ticket) override;
  Status SimulateAgentUpdate(int64_t ticket_id,
                             const std::map<std::string, std::string>& fields) override;
  Result<std::map<std::string, std::string>> TicketTruth(int64_t ticket_id) const override;

 private:
  int64_t NowMs() const { return clock_ms_(); }
  void Log(const std::string& line) const;
  void Handle(const httplib::Request& request, httplib::Response& response);
  ApiResponse HandleApi(const httplib::Request& request, ApiRequest* api, bool* drop);
  ApiRequest ToApiRequest(const httplib::Request& request) const;
  void AddAdminRoutes();  // sandbox_admin.cc
  bool WebhooksEnabled() const;
  void EnqueueWebhook(std::string payload);
  std::string WritesJson() const;

  SandboxOptions options_;
  SandboxKind kind_ = SandboxKind::kFreshdesk;
  std::function<int64_t()> clock_ms_;
  std::unique_ptr<SandboxStore> store_;
  mutable std::mutex webhook_mutex_;  // guards webhooks_ (SetWebhookUrl replaces it)
  std::unique_ptr<WebhookSender> webhooks_;
  std::unique_ptr<FaultInjector> faults_;
  std::unique_ptr<RateLimiter> limiter_;
  SandboxContext context_;
  Router api_router_;
  Router admin_router_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<int> listen_fd_{-1};
  int port_ = 0;
  std::string base_url_;
  std::atomic<bool> stopped_{false};
};

}  // namespace autotriage
