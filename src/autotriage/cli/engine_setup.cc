#include "autotriage/cli/engine_setup.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

#include "autotriage/config/loader.h"
#include "autotriage/connectors/factory.h"
#include "autotriage/core/ids.h"
#include "autotriage/digest/digest.h"
#include "autotriage/ml/registry.h"

namespace autotriage {
namespace {

int LevelRank(std::string_view level) {
  if (level == "trace")
    return 0;
  if (level == "debug")
    return 1;
  if (level == "warn")
    return 3;
  if (level == "error")
    return 4;
  return 2;  // info, and lines without a level
}

int LevelRank(LogLevel level) {
  return LevelRank(ToString(level));
}

// Text rendering of one JSON log line: "ts level msg key=value ...".
std::string AsText(const nlohmann::json& line) {
  std::string out =
      line.value("ts", "") + " " + line.value("level", "info") + " " + line.value("msg", "");
  for (auto it = line.begin(); it != line.end(); ++it) {
    if (it.key() == "ts" || it.key() == "level" || it.key() == "msg") {
      continue;
    }
    out += " " + it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
  }
  return out;
}

}  // namespace

std::function<void(const std::string&)> MakeStderrLogger(const LogOptions& options) {
  auto mutex = std::make_shared<std::mutex>();
  const int min_rank = LevelRank(options.level);
  const bool text = options.format == LogFormat::kText;
  return [mutex, min_rank, text](const std::string& line) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    std::string rendered = line;
    if (parsed.is_object()) {
      if (LevelRank(parsed.value("level", "info")) < min_rank) {
        return;
      }
      if (text) {
        rendered = AsText(parsed);
      }
    }
    std::lock_guard<std::mutex> lock(*mutex);
    std::fprintf(stderr, "%s\n", rendered.c_str());
    std::fflush(stderr);
  };
}

Result<Config> LoadConfigForCommand(const std::string& path) {
  if (path.empty()) {
    return Config{};
  }
  ConfigCheck check = CheckConfigFile(path);
  if (!check.ok()) {
    std::string message =
        "the configuration has " + std::to_string(check.error_count()) + " error(s):";
    for (const ConfigProblem& problem : check.problems) {
      if (problem.severity == ConfigProblem::Severity::kError) {
        message += "\n  " + problem.ToString();
      }
    }
    return InvalidArgument(message);
  }
  for (const ConfigProblem& problem : check.problems) {
    std::fprintf(stderr, "autotriage: %s\n", problem.ToString().c_str());
  }
  return check.config;
}

Result<std::unique_ptr<Store>> OpenConfiguredStore(const Config& config) {
  StoreConfig store;
  store.backend = std::string(ToString(config.store.backend));
  store.sqlite_path = config.store.sqlite_path;
  store.postgres_url = config.store.postgres_url;
  return OpenStore(store);
}

Result<HelpdeskConnection> ConnectConfiguredHelpdesk(
    const Config& config, const std::function<void(const std::string&)>& log, int sandbox_tickets,
    uint64_t sandbox_seed) {
  HelpdeskConnection connection;
  HelpdeskSettings settings;
  const HelpdeskOptions& h = config.helpdesk;
  if (h.kind == HelpdeskKind::kSandbox) {
    SandboxOptions options;
    options.kind = "freshdesk";
    options.tickets = sandbox_tickets;
    options.seed = sandbox_seed;
    options.history_end = static_cast<int64_t>(std::time(nullptr));
    options.log = [log](const std::string& line) {
      if (log) {
        log(nlohmann::json{{"level", "info"}, {"msg", "sandbox: " + line}}.dump());
      }
    };
    Result<std::unique_ptr<SandboxServer>> sandbox = SandboxServer::Start(options);
    if (!sandbox.ok()) {
      return sandbox.status().WithContext("starting the built-in sandbox helpdesk");
    }
    connection.sandbox = std::move(*sandbox);
    settings.kind = "freshdesk";
    settings.url = connection.sandbox->base_url();
    settings.api_key = options.api_key;
  } else {
    settings.kind = std::string(ToString(h.kind));
    settings.url = h.url;
    settings.api_key = h.api_key;
    settings.token = h.token;
    settings.ca_file = h.ca_file;
  }
  settings.connect_timeout_ms = h.connect_timeout_ms;
  settings.request_timeout_ms = h.request_timeout_ms;
  settings.max_retries = h.max_retries;
  settings.requests_per_minute = h.requests_per_minute;
  if (log) {
    settings.log = [log](const std::string& line) {
      log(nlohmann::json{{"level", "warn"}, {"msg", "helpdesk: " + line}}.dump());
    };
  }
  connection.http = std::shared_ptr<HttpClient>(NewCurlHttpClient(HttpOptionsFor(settings)));
  settings.http = connection.http;
  Result<std::unique_ptr<Helpdesk>> helpdesk = NewHelpdesk(settings);
  if (!helpdesk.ok()) {
    return helpdesk.status();
  }
  connection.helpdesk = std::move(*helpdesk);
  return connection;
}

Result<std::shared_ptr<const ModelBundle>> LoadConfiguredBundle(const Config& config,
                                                                const std::string& override_path) {
  std::string path = override_path;
  if (path.empty()) {
    // The registry's live version wins over models.active (docs/models.md); a damaged registry
    // is an error rather than a silent fallback to another model.
    Result<std::optional<LiveModel>> live = ModelRegistry::ReadLiveModel(config.models.directory);
    if (!live.ok()) {
      return live.status();
    }
    path = live->has_value() ? (*live)->path : config.models.active;
  }
  if (path.empty()) {
    return FailedPrecondition(
        "no model to serve: set models.active in the configuration (or pass --model) to a bundle "
        "made by `autotriage train`, or promote one with `autotriage models promote`");
  }
  Result<ModelBundle> bundle = ModelBundle::Load(path);
  if (!bundle.ok()) {
    return bundle.status().WithContext("model " + path);
  }
  return std::shared_ptr<const ModelBundle>(std::make_shared<ModelBundle>(std::move(*bundle)));
}

KnowledgeParts MakeKnowledgeParts(const Config& config, std::shared_ptr<Helpdesk> helpdesk) {
  KnowledgeParts parts;
  if (!config.knowledge.enabled) {
    return parts;
  }
  AdvisorSources empty;
  empty.load_notes = {"knowledge is still loading"};
  parts.advisor = std::make_shared<Advisor>(std::move(empty));
  parts.loader = std::make_shared<KnowledgeLoader>(config, std::move(helpdesk));
  return parts;
}

ApprovalParts MakeApprovalParts(const Config& config, std::shared_ptr<Store> store,
                                const Helpdesk& helpdesk) {
  ApprovalParts parts;
  parts.policy = std::make_shared<PolicyHolder>(config.policy);
  std::unique_ptr<ApprovalService> service = ApprovalService::Create(
      store.get(), parts.policy.get(), config.approvals, helpdesk.capabilities().html_notes,
      config.server.public_url, nullptr, config.engine.post_notes);
  // The deleter holds the store and the holder, so they outlive the service.
  parts.approvals = std::shared_ptr<ApprovalService>(
      service.release(), [store, policy = parts.policy](ApprovalService* s) { delete s; });
  return parts;
}

namespace {

// The models page: the bundle the engine serves, identified as its decisions are.
std::vector<ModelInfo> DescribeBundle(const ModelBundle& bundle) {
  ModelInfo model;
  model.version = ModelVersionId(bundle);
  model.created_at = bundle.metadata().created_at;
  model.training_data = bundle.metadata().training_data_name + " (" +
                        std::to_string(bundle.metadata().training_data_examples) + " examples)";
  model.active = true;
  for (const std::string& field : bundle.fields()) {
    const Head* head = bundle.head(field);
    if (head == nullptr) {
      continue;
    }
    const HeadInfo& info = head->info();
    ModelFieldInfo entry;
    entry.field = field;
    entry.labels = static_cast<int64_t>(info.labels.size());
    entry.training_examples = info.training_examples;
    entry.metrics = {{"accuracy", info.validation_accuracy},
                     {"macro_f1", info.validation_macro_f1},
                     {"coverage", info.validation_coverage},
                     {"ece", info.validation_ece}};
    model.fields.push_back(std::move(entry));
  }
  return {model};
}

// The models page with a model registry: every registered version with its state and held-back
// figures (the live one is what the engine serves, up to models.reload_seconds after a
// promotion); without one, the bundle the engine started with.
std::vector<ModelInfo> DescribeModels(const std::string& directory, const ModelBundle& started) {
  Result<ModelRegistry> registry = ModelRegistry::Open(directory);
  if (!registry.ok() || registry->entries().empty()) {
    return DescribeBundle(started);
  }
  std::vector<ModelInfo> out;
  for (const ModelEntry& entry : registry->entries()) {
    ModelInfo model;
    model.version = entry.version;
    model.created_at = entry.created_at;
    model.training_data = entry.training_data + " · " + std::string(ToString(entry.state));
    model.active = entry.state == ModelState::kLive;
    if (entry.evaluation) {
      for (const auto& [field, figures] : entry.evaluation->candidate) {
        ModelFieldInfo info;
        info.field = field;
        info.metrics = {{"held_back_accuracy", figures.accuracy},
                        {"held_back_macro_f1", figures.macro_f1}};
        model.fields.push_back(std::move(info));
      }
    }
    out.push_back(std::move(model));
  }
  return out;
}

// The digest's KB search through the advisor (the best article above the relevance floor);
// empty without an advisor (knowledge disabled).
KbSearchFunction KbSearchOf(std::shared_ptr<Advisor> advisor) {
  if (advisor == nullptr) {
    return {};
  }
  return [advisor](const std::string& text) { return advisor->SearchKb(text, 1); };
}

std::string DashboardBaseUrl(const Config& config) {
  if (!config.server.public_url.empty()) {
    return config.server.public_url;
  }
  return "http://" + config.server.listen_address + ":" + std::to_string(config.server.port);
}

}  // namespace

Result<std::shared_ptr<DashboardParts>> AttachDashboard(const Config& config,
                                                        std::shared_ptr<const ModelBundle> bundle,
                                                        EngineDeps* deps) {
  auto parts = std::make_shared<DashboardParts>();
  AuthOptions auth_options;
  auth_options.secure_cookie = config.server.public_url.rfind("https://", 0) == 0;
  parts->auth = Authenticator::Create(deps->store.get(), auth_options);
  const SlackOptions& slack = config.slack;
  if (slack.enabled) {
    if (slack.bot_token.empty() && slack.webhook_url.empty()) {
      return InvalidArgument("slack.enabled needs slack.bot_token or slack.webhook_url");
    }
    if (slack.signing_secret.empty()) {
      return InvalidArgument(
          "slack.enabled needs slack.signing_secret (Slack's button callbacks are verified "
          "with it)");
    }
    parts->slack_http = NewCurlHttpClient(HttpClientOptions{});
    parts->slack = SlackClient::Create(slack, parts->slack_http.get());
    SlackNotifierOptions notifier;
    notifier.public_url = DashboardBaseUrl(config);
    if (deps->log) {
      auto log = deps->log;
      notifier.log = [log](const std::string& line) {
        log(nlohmann::json{{"level", "warn"}, {"msg", "slack: " + line}}.dump());
      };
    }
    parts->notifier = SlackNotifier::Create(deps->store.get(), deps->approvals.get(),
                                            parts->slack.get(), notifier);
    parts->notices = std::make_unique<SlackPoster>(parts->slack.get(), notifier.log);
    if (!deps->announce) {
      deps->announce = [parts](const std::string& text) { parts->notices->Post(text); };
    }
  }
  AttachInsights(config, deps);
  if (slack.enabled && deps->insights != nullptr && !deps->send_daily_digest) {
    deps->send_daily_digest = [parts, store = deps->store, insights = deps->insights,
                               search = KbSearchOf(deps->advisor),
                               min_size = config.insights.min_cluster_size,
                               url = DashboardBaseUrl(config)](int64_t now_ms) -> Status {
      DigestOptions options;
      options.min_cluster_size = min_size;
      Result<DigestData> digest =
          CollectDigest(*store, insights->Clusters(now_ms / 1000), search, now_ms, options);
      if (!digest.ok()) {
        return digest.status();
      }
      return parts->slack->PostMessage(RenderDigestSlack(*digest, url));
    };
  }
  DashboardDeps dashboard;
  dashboard.store = deps->store.get();
  dashboard.auth = parts->auth.get();
  dashboard.approvals = deps->approvals.get();
  dashboard.policy = config.policy;
  for (const ModelHeadOptions& head : config.models.heads) {
    dashboard.fields.push_back(head.field);
  }
  for (const std::string& field : config.policy.writable_fields) {
    if (std::find(dashboard.fields.begin(), dashboard.fields.end(), field) ==
        dashboard.fields.end()) {
      dashboard.fields.push_back(field);
    }
  }
  if (bundle != nullptr) {
    dashboard.models = [bundle, directory = config.models.directory] {
      return DescribeModels(directory, *bundle);
    };
  }
  dashboard.public_url = DashboardBaseUrl(config);
  dashboard.min_cluster_size = config.insights.min_cluster_size;
  if (deps->insights != nullptr) {
    dashboard.clusters = [insights = deps->insights] {
      return insights->Clusters(static_cast<int64_t>(std::time(nullptr)));
    };
  }
  dashboard.kb_search = KbSearchOf(deps->advisor);
  if (slack.enabled) {
    dashboard.slack_signing_secret = slack.signing_secret;
    dashboard.slack_notifier = parts->notifier.get();
  }
  if (deps->log) {
    auto log = deps->log;
    dashboard.log = [log](const std::string& line) {
      log(nlohmann::json{{"level", "warn"}, {"msg", "dashboard: " + line}}.dump());
    };
  }
  // The routes hold raw pointers into `parts`; the lambda keeps them alive with the engine.
  deps->register_routes = [parts, dashboard](HttpServer& server) {
    RegisterDashboard(server, dashboard);
  };
  return parts;
}

void AttachInsights(const Config& config, EngineDeps* deps) {
  if (!config.insights.enabled || deps->insights != nullptr) {
    return;
  }
  deps->insights =
      std::make_shared<InsightsService>(config.insights, deps->store, deps->helpdesk, deps->advisor,
                                        deps->announce, config.server.public_url);
}

Result<std::string> DashboardSetupLink(DashboardParts& parts, const std::string& base_url) {
  Result<std::optional<std::string>> link = parts.auth->EnsureSetupLink(base_url);
  if (!link.ok()) {
    return link.status();
  }
  return link->value_or("");
}

Status AttachLlm(const Config& config, EngineDeps* deps) {
  if (!config.llm.enabled || deps->llm != nullptr) {
    return Status::Ok();
  }
  Result<std::shared_ptr<LlmAssist>> llm = NewLlmAssist(config.llm);
  if (!llm.ok()) {
    return llm.status();
  }
  deps->llm = std::move(*llm);
  return Status::Ok();
}

}  // namespace autotriage
