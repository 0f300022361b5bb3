#include "autotriage/server/webhook_intake.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "autotriage/core/ids.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxEchoedChars = 40;  // of a bad Content-Type quoted back in an error

std::string Quoted(const std::string& text) {
  if (text.size() <= kMaxEchoedChars) {
    return "'" + text + "'";
  }
  return "'" + text.substr(0, kMaxEchoedChars) + "...'";
}

std::string MediaType(const std::string& content_type) {
  std::string media = content_type.substr(0, content_type.find(';'));
  const auto not_space = [](char c) { return !std::isspace(static_cast<unsigned char>(c)); };
  media.erase(media.begin(), std::find_if(media.begin(), media.end(), not_space));
  media.erase(std::find_if(media.rbegin(), media.rend(), not_space).base(), media.end());
  std::transform(media.begin(), media.end(), media.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return media;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::string* Find(const std::map<std::string, std::string>& map, const std::string& key) {
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// One route's state: the options and metric series, fixed once registered.
class WebhookRoute {
 public:
  WebhookRoute(std::string kind, const WebhookIntakeOptions& options, GroupCommitter& committer,
               MetricsRegistry& metrics, std::function<void(const std::string&)> log)
      : kind_(std::move(kind)),
        options_(options),
        committer_(committer),
        metrics_(metrics),
        log_(std::move(log)) {
    latency_ = metrics.AddHistogram("autotriage_intake_latency_seconds",
                                    "Time from a webhook request's arrival to its answer");
    events_ = metrics.AddCounter("autotriage_inbox_events_total",
                                 "Webhook events committed to the inbox");
    for (int status : {202, 400, 401, 413, 415, 503}) {
      requests_[status] = RequestCounter(status);
    }
  }

  ServerResponse Handle(const ServerRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    ServerResponse response = Process(request);
    latency_->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    const auto it = requests_.find(response.status);
    (it != requests_.end() ? it->second : RequestCounter(response.status))->Increment();
    return response;
  }

 private:
  Counter* RequestCounter(int status) {
    return metrics_.LabeledCounter("autotriage_webhook_requests_total",
                                   "Webhook requests by helpdesk kind and HTTP status",
                                   {"kind", "status"}, {kind_, std::to_string(status)});
  }

  ServerResponse Refuse(const ServerRequest& request, int status, const std::string& reason) {
    if (log_) {
      log_(Json{{"level", "warn"},
                {"msg", "webhook refused"},
                {"kind", kind_},
                {"status", status},
                {"reason", reason},
                {"remote_address", request.remote_address}}
               .dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    return JsonError(status, reason);
  }

  ServerResponse Process(const ServerRequest& request) {
    if (static_cast<int64_t>(request.body.size()) > options_.max_body_bytes) {
      return Refuse(request, 413,
                    "request body of " + std::to_string(request.body.size()) +
                        " bytes exceeds the limit of " + std::to_string(options_.max_body_bytes) +
                        " bytes");
    }
    if (!options_.secret.empty()) {
      const std::string* given = Find(request.headers, "x-autotriage-secret");
      if (given == nullptr) {
        given = Find(request.query, "secret");
      }
      if (given == nullptr) {
        return Refuse(request, 401,
                      "missing secret: send it in the X-Autotriage-Secret header or the "
                      "secret query parameter");
      }
      if (!SecretMatches(options_.secret, *given)) {
        return Refuse(request, 401, "wrong secret");
      }
    }
    const std::string* content_type = Find(request.headers, "content-type");
    const std::string media = content_type == nullptr ? "" : MediaType(*content_type);
    if (media != "application/json") {
      return Refuse(request, 415,
                    "Content-Type must be application/json, not " +
                        (content_type == nullptr ? std::string("absent") : Quoted(media)));
    }
    Result<ParsedWebhook> parsed = ParseWebhook(kind_, request.body);
    if (!parsed.ok()) {
      return Refuse(request, 400, parsed.status().message());
    }
    InboxEvent event;
    event.source = "webhook:" + kind_;
    event.ticket_id = parsed->ticket_id;
    event.version = parsed->version;
    event.payload = request.body;
    event.trace_id = NewTraceId();
    event.received_ms = NowMs();
    const std::string trace_id = event.trace_id;
    Result<EnqueueResult> stored = committer_.Submit(std::move(event));
    if (!stored.ok()) {
      if (log_) {
        log_(Json{{"level", "error"},
                  {"msg", "webhook not stored"},
                  {"kind", kind_},
                  {"ticket_id", parsed->ticket_id},
                  {"error", stored.status().ToString()}}
                 .dump(-1, ' ', false, Json::error_handler_t::replace));
      }
      ServerResponse unavailable = JsonError(503, "the event could not be stored; retry later");
      unavailable.headers.emplace_back("Retry-After", "5");
      return unavailable;
    }
    events_->Increment();
    ServerResponse accepted;
    accepted.status = 202;
    accepted.body =
        Json{{"job_id", stored->job_id}, {"duplicate", !stored->new_job}, {"trace_id", trace_id}}
            .dump();
    return accepted;
  }

  const std::string kind_;
  const WebhookIntakeOptions options_;
  GroupCommitter& committer_;
  MetricsRegistry& metrics_;
  const std::function<void(const std::string&)> log_;
  Histogram* latency_ = nullptr;
  Counter* events_ = nullptr;
  std::map<int, Counter*> requests_;  // read-only after construction
};

}  // namespace

bool SecretMatches(const std::string& expected, const std::string& given) {
  if (expected.empty()) {
    return true;
  }
  // Comparing digests keeps the time independent of both the content and the length.
  unsigned char want[SHA256_DIGEST_LENGTH];
  unsigned char got[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), want);
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), got);
  return CRYPTO_memcmp(want, got, sizeof(want)) == 0;
}

void RegisterWebhookRoutes(HttpServer& server, const WebhookIntakeOptions& options,
                           GroupCommitter& committer, MetricsRegistry& metrics,
                           std::function<void(const std::string&)> log) {
  for (const std::string& kind : options.kinds) {
    if (kind != "freshdesk" && kind != "freshservice") {
      AbortWithMessage(("webhook kind must be freshdesk or freshservice, not " + kind).c_str());
    }
    auto route = std::make_shared<WebhookRoute>(kind, options, committer, metrics, log);
    server.Handle("POST", "/hooks/" + kind,
                  [route](const ServerRequest& request) { return route->Handle(request); });
  }
}

}  // namespace autotriage
