// EngineImpl's HTTP routes: /healthz, /readyz, /metrics, the helpdesk's webhook route and the
// routes EngineDeps::register_routes adds.
#include <nlohmann/json.hpp>

#include "autotriage/engine/engine_impl.h"
#include "autotriage/server/webhook_intake.h"

namespace autotriage {
namespace {

// A counter that only ever gets the positive differences of a value sampled from elsewhere.
void AdvanceCounter(Counter* counter, double* last, double now) {
  if (now > *last) {
    counter->Increment(now - *last);
    *last = now;
  }
}

ServerResponse Json(int status, const nlohmann::json& body) {
  ServerResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

}  // namespace

void EngineImpl::RegisterRoutes() {
  server_->Handle("GET", "/healthz", [](const ServerRequest&) {
    return Json(200, {{"status", "ok"}});
  });
  server_->Handle("GET", "/readyz", [this](const ServerRequest&) { return Readiness(); });
  server_->Handle("GET", "/metrics", [this](const ServerRequest&) { return MetricsPage(); });
  if (register_routes_) {
    register_routes_(*server_);  // dashboard, REST API, Slack endpoint (cli/engine_setup)
  }
  const std::string kind = context_.helpdesk->kind();
  if (kind != "freshdesk" && kind != "freshservice") {
    return;  // Request Tracker has no webhooks; the poller is its intake
  }
  WebhookIntakeOptions options;
  options.kinds = {kind};
  options.secret = context_.config.server.webhook_secret;
  options.max_body_bytes = context_.config.engine.max_webhook_bytes;
  EngineLog* log = context_.log.get();
  RegisterWebhookRoutes(*server_, options, *committer_, context_.registry,
                        [log](const std::string& line) { log->Warn(line); });
}

ServerResponse EngineImpl::Readiness() {
  std::vector<std::string> reasons;
  if (context_.bundle == nullptr || context_.bundle->fields().empty()) {
    reasons.push_back("no model bundle loaded");
  }
  auto stats = context_.store->Queues();
  store_ok_ = stats.ok();
  if (!stats.ok()) {
    reasons.push_back("store not answering: " + stats.status().ToString());
  }
  if (!context_.schema->loaded()) {
    reasons.push_back("helpdesk not reached yet (field schema not loaded)");
  }
  context_.metrics->ready->Set(reasons.empty() ? 1 : 0);
  if (!reasons.empty()) {
    return Json(503, {{"status", "not ready"}, {"reasons", reasons}});
  }
  return Json(200, {{"status", "ready"}, {"model_version", context_.triage->model_version()}});
}

ServerResponse EngineImpl::MetricsPage() {
  if (auto stats = context_.store->Queues(); stats.ok()) {
    context_.metrics->inbox_depth->Set(static_cast<double>(stats->jobs_pending));
    context_.metrics->writes_open->Set(static_cast<double>(stats->writes_open));
  }
  context_.metrics->ready->Set(ready() ? 1 : 0);
  if (context_.http != nullptr) {
    const HttpClientStats http = context_.http->stats();
    std::lock_guard<std::mutex> lock(http_stats_mutex_);
    AdvanceCounter(context_.metrics->helpdesk_429, &last_429_,
                   static_cast<double>(http.status_429));
  }
  ServerResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = context_.registry.RenderText();
  return response;
}

}  // namespace autotriage
