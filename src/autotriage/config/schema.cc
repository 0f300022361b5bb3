// Every configuration key: one binding line each, grouped by section, plus cross-field checks.
// Keep docs/configuration.md and examples/autotriage.yaml in step (config_test checks both).
#include "autotriage/config/internal/schema.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "autotriage/config/internal/fields.h"

namespace autotriage {
namespace {

constexpr Interval kOpenFraction{0, 1, true, true};  // (0, 1)
constexpr Interval kPrecision{0, 1, true, false};    // (0, 1]
constexpr Interval kMargin{0, 1, false, true};       // [0, 1)
constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

std::optional<std::string> HttpUrl(const std::string& value) {
  if (value.empty()) {
    return std::nullopt;  // whether it is required is the section's business
  }
  for (std::string_view scheme : {"http://", "https://"}) {
    if (value.rfind(scheme, 0) == 0 && value.size() > scheme.size()) {
      return std::nullopt;
    }
  }
  return "must be an http:// or https:// URL";
}

std::optional<std::string> NotEmpty(const std::string& value) {
  if (value.empty()) {
    return "must not be empty";
  }
  return std::nullopt;
}

bool IsLoopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address == "[::1]" ||
         address == "localhost";
}

void CheckHelpdesk(ConfigBinder& binder, const std::string& path, const HelpdeskOptions& h) {
  const std::string kind(ToString(h.kind));
  const ConfigPos at = binder.PosOf(path + ".kind");
  if (h.kind != HelpdeskKind::kSandbox && h.url.empty()) {
    binder.Error(at, "'" + path + ".url' is required when helpdesk.kind is " + kind);
  }
  // A missing key is reported where the kind that needs it was chosen.
  auto where = [&](const std::string& key) {
    return binder.WasWritten(path + "." + key) ? binder.PosOf(path + "." + key) : at;
  };
  const bool keyed = h.kind == HelpdeskKind::kFreshdesk || h.kind == HelpdeskKind::kFreshservice;
  if (keyed && h.api_key.empty()) {
    binder.Error(where("api_key"), "'" + path + ".api_key' is required when helpdesk.kind is " +
                                       kind + " (for example api_key: ${FRESHDESK_API_KEY})");
  }
  if (h.kind == HelpdeskKind::kRt && h.token.empty()) {
    binder.Error(where("token"), "'" + path +
                                     ".token' is required when helpdesk.kind is rt"
                                     " (for example token: ${RT_TOKEN})");
  }
}

void CheckStore(ConfigBinder& binder, const std::string& path, const StoreOptions& s) {
  if (s.backend == StoreBackend::kPostgres && s.postgres_url.empty()) {
    binder.Error(binder.PosOf(path + ".postgres_url"),
                 "'" + path + ".postgres_url' is required when store.backend is postgres");
  }
  if (s.backend == StoreBackend::kSqlite && s.sqlite_path.empty()) {
    binder.Error(binder.PosOf(path + ".sqlite_path"),
                 "'" + path + ".sqlite_path' is required when store.backend is sqlite");
  }
}

void CheckServer(ConfigBinder& binder, const std::string& path, const ServerOptions& s) {
  if (!IsLoopback(s.listen_address) && s.webhook_secret.empty()) {
    binder.Warning(binder.PosOf(path + ".listen_address"),
                   "the server listens on " + s.listen_address + " beyond this machine but '" +
                       path + ".webhook_secret' is not set, so webhooks are not authenticated");
  }
}

void CheckHead(ConfigBinder& binder, const std::string& path, const ModelHeadOptions& head) {
  if (head.field.empty()) {
    binder.Error(binder.PosOf(path), "'" + path + ".field' is required");
  }
}

void CheckModels(ConfigBinder& binder, const std::string& path, const ModelsOptions& m) {
  for (size_t i = 0; i < m.heads.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!m.heads[i].field.empty() && m.heads[i].field == m.heads[j].field) {
        const std::string item = path + ".heads[" + std::to_string(i) + "]";
        binder.Error(binder.PosOf(item + ".field"),
                     "duplicate head '" + m.heads[i].field + "' in '" + path +
                         ".heads' (first at " + path + ".heads[" + std::to_string(j) + "])");
        break;
      }
    }
  }
}

void CheckCell(ConfigBinder& binder, const std::string& path, const PolicyCell& cell) {
  if (cell.queue.empty()) {
    binder.Error(binder.PosOf(path), "'" + path + ".queue' is required (\"*\" for every queue)");
  }
  if (cell.field.empty()) {
    binder.Error(binder.PosOf(path), "'" + path + ".field' is required");
  }
}

// A field name in a policy list: a plain name, not empty.
std::optional<std::string> FieldName(const std::string& value) {
  if (value.empty()) {
    return "must not be empty";
  }
  if (value.find_first_of(" \t") != std::string::npos) {
    return "must be a field name without spaces";
  }
  return std::nullopt;
}

// A requester e-mail domain ("example.org"; "@example.org" is accepted too).
std::optional<std::string> Domain(const std::string& value) {
  const std::string domain = !value.empty() && value[0] == '@' ? value.substr(1) : value;
  if (domain.empty() || domain.find_first_of("@ \t/") != std::string::npos ||
      domain.find('.') == std::string::npos) {
    return "must be an e-mail domain such as example.org";
  }
  return std::nullopt;
}

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

void CheckPolicy(ConfigBinder& binder, const std::string& path, const PolicyOptions& p) {
  for (size_t i = 0; i < p.writable_fields.size(); ++i) {
    if (IsNeverWritableField(p.writable_fields[i])) {
      const std::string item = path + ".writable_fields[" + std::to_string(i) + "]";
      binder.Error(binder.PosOf(item), "'" + item + "' is '" + p.writable_fields[i] +
                                           "', which is never writable: the engine never "
                                           "closes, resolves, deletes or merges tickets");
    }
  }
  if (binder.WasWritten(path + ".overwrite_fields")) {
    for (size_t i = 0; i < p.overwrite_fields.size(); ++i) {
      if (!Contains(p.writable_fields, p.overwrite_fields[i])) {
        const std::string item = path + ".overwrite_fields[" + std::to_string(i) + "]";
        binder.Warning(binder.PosOf(item), "'" + item + "' is '" + p.overwrite_fields[i] +
                                               "', which is not in '" + path +
                                               ".writable_fields', so it is never written");
      }
    }
  }
  for (size_t i = 0; i < p.cells.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (p.cells[i].queue == p.cells[j].queue && p.cells[i].field == p.cells[j].field) {
        binder.Error(binder.PosOf(path + ".cells[" + std::to_string(i) + "]"),
                     "duplicate cell for queue '" + p.cells[i].queue + "' and field '" +
                         p.cells[i].field + "' (first at " + path + ".cells[" + std::to_string(j) +
                         "])");
        break;
      }
    }
  }
}

// Checks that span sections; they run only when the sections involved read cleanly.
void CheckAcrossSections(ConfigBinder& binder, const Config& config) {
  std::vector<std::string> heads;
  std::string head_list;
  for (const ModelHeadOptions& head : config.models.heads) {
    heads.push_back(head.field);
    head_list += (head_list.empty() ? "" : ", ") + head.field;
  }
  if (config.routing.enabled) {  // the assignee recommender decides the "agent" field
    heads.push_back("agent");
    head_list += std::string(head_list.empty() ? "" : ", ") + "agent (routing)";
  }
  auto require_head = [&](const std::string& path, const std::string& field) {
    if (Contains(heads, field)) {
      return;
    }
    const std::string nearest = NearestKey(field, heads);
    binder.Error(binder.PosOf(path),
                 "'" + path + "' is '" + field + "', which is not a head in models.heads (" +
                     (nearest.empty() ? "" : "did you mean '" + nearest + "'? ") +
                     "heads: " + (head_list.empty() ? "none" : head_list) + ")");
  };
  if (binder.ErrorsUnder("policy.cells") == 0) {
    for (size_t i = 0; i < config.policy.cells.size(); ++i) {
      require_head("policy.cells[" + std::to_string(i) + "].field", config.policy.cells[i].field);
    }
  }
  // The default lists name the default heads; only lists the operator wrote must match the
  // configured heads (a file with one head keeps working with the default allow-list).
  for (const char* key : {"writable_fields", "overwrite_fields"}) {
    const std::string list_path = std::string("policy.") + key;
    if (!binder.WasWritten(list_path) || binder.ErrorsUnder(list_path) > 0) {
      continue;
    }
    const std::vector<std::string>& fields = std::string(key) == "writable_fields"
                                                 ? config.policy.writable_fields
                                                 : config.policy.overwrite_fields;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!IsNeverWritableField(fields[i])) {  // already reported as never writable
        require_head(list_path + "[" + std::to_string(i) + "]", fields[i]);
      }
    }
  }
}

const SectionSpec<HelpdeskOptions>& HelpdeskSpec() {
  using S = HelpdeskOptions;
  static const SectionSpec<S> spec{
      {
          EnumField("kind", &S::kind),
          StringField("url", &S::url, HttpUrl),
          SecretField("api_key", &S::api_key),
          SecretField("token", &S::token),
          StringField("ca_file", &S::ca_file),
          IntField("connect_timeout_ms", &S::connect_timeout_ms, 1, 600'000),
          IntField("request_timeout_ms", &S::request_timeout_ms, 1, 3'600'000),
          IntField("max_retries", &S::max_retries, 0, 20),
          IntField("requests_per_minute", &S::requests_per_minute, 0, 1'000'000),
      },
      CheckHelpdesk};
  return spec;
}

const SectionSpec<StoreOptions>& StoreSpec() {
  using S = StoreOptions;
  static const SectionSpec<S> spec{{
                                       EnumField("backend", &S::backend),
                                       StringField("sqlite_path", &S::sqlite_path),
                                       SecretField("postgres_url", &S::postgres_url),
                                   },
                                   CheckStore};
  return spec;
}

const SectionSpec<ServerOptions>& ServerSpec() {
  using S = ServerOptions;
  static const SectionSpec<S> spec{{
                                       StringField("listen_address", &S::listen_address, NotEmpty),
                                       IntField("port", &S::port, 0, 65535),
                                       SecretField("webhook_secret", &S::webhook_secret),
                                       StringField("public_url", &S::public_url, HttpUrl),
                                   },
                                   CheckServer};
  return spec;
}

const SectionSpec<ModelHeadOptions>& HeadSpec() {
  using S = ModelHeadOptions;
  static const SectionSpec<S> spec{{
                                       StringField("field", &S::field),
                                       StringField("label_column", &S::label_column),
                                   },
                                   CheckHead};
  return spec;
}

const SectionSpec<ModelsOptions>& ModelsSpec() {
  using S = ModelsOptions;
  static const SectionSpec<S> spec{{
                                       StringField("directory", &S::directory, NotEmpty),
                                       StringField("active", &S::active),
                                       ListField("heads", &S::heads, HeadSpec()),
                                       IntField("reload_seconds", &S::reload_seconds, 0, 86'400),
                                   },
                                   CheckModels};
  return spec;
}

const SectionSpec<TrainingOptions>& TrainingSpec() {
  using S = TrainingOptions;
  static const SectionSpec<S> spec{
      {
          DoubleField("validation_fraction", &S::validation_fraction, kOpenFraction),
          IntField("min_examples_per_class", &S::min_examples_per_class, 1, 1'000'000),
          BoolField("exclude_small_classes", &S::exclude_small_classes),
          DoubleField("target_precision", &S::target_precision, kPrecision),
          IntField("seed", &S::seed, 0, kMaxInt64),
      },
      nullptr};
  return spec;
}

const SectionSpec<PolicyCell>& CellSpec() {
  using S = PolicyCell;
  static const SectionSpec<S> spec{
      {
          StringField("queue", &S::queue),
          StringField("field", &S::field),
          EnumField("mode", &S::mode),
          OptionalDoubleField("target_precision", &S::target_precision, kPrecision),
          OptionalDoubleField("min_margin", &S::min_margin, kMargin),
      },
      CheckCell};
  return spec;
}

const SectionSpec<PolicyOptions>& PolicySpec() {
  using S = PolicyOptions;
  static const SectionSpec<S> spec{
      {
          BoolField("kill_switch", &S::kill_switch),
          EnumField("default_mode", &S::default_mode),
          ListField("cells", &S::cells, CellSpec()),
          StringListField("writable_fields", &S::writable_fields, FieldName),
          StringListField("overwrite_fields", &S::overwrite_fields, FieldName),
          StringListField("skip_requester_domains", &S::skip_requester_domains, Domain),
          StringListField("skip_tags", &S::skip_tags, NotEmpty),
          StringListField("skip_sources", &S::skip_sources, NotEmpty),
          StringListField("triaged_when_set", &S::triaged_when_set, FieldName),
      },
      CheckPolicy};
  return spec;
}

const SectionSpec<EngineOptions>& EngineSpec() {
  using S = EngineOptions;
  static const SectionSpec<S> spec{
      {
          IntField("workers", &S::workers, 0, 256),
          IntField("dispatchers", &S::dispatchers, 0, 64),
          IntField("poll_interval_seconds", &S::poll_interval_seconds, 0, 86'400),
          IntField("poll_lookback_hours", &S::poll_lookback_hours, 0, 87'600),
          IntField("lease_seconds", &S::lease_seconds, 5, 3600),
          IntField("max_attempts", &S::max_attempts, 1, 100),
          IntField("retry_backoff_ms", &S::retry_backoff_ms, 10, 300'000),
          IntField("max_webhook_bytes", &S::max_webhook_bytes, 1024, 64 * 1024 * 1024),
          BoolField("post_notes", &S::post_notes),
      },
      nullptr};
  return spec;
}

const SectionSpec<LogOptions>& LogSpec() {
  using S = LogOptions;
  static const SectionSpec<S> spec{{
                                       EnumField("level", &S::level),
                                       EnumField("format", &S::format),
                                   },
                                   nullptr};
  return spec;
}

}  // namespace

const SectionSpec<Config>& ConfigSpec() {
  using S = Config;
  static const SectionSpec<S> spec{{
                                       SectionField("helpdesk", &S::helpdesk, HelpdeskSpec()),
                                       SectionField("store", &S::store, StoreSpec()),
                                       SectionField("server", &S::server, ServerSpec()),
                                       SectionField("models", &S::models, ModelsSpec()),
                                       SectionField("training", &S::training, TrainingSpec()),
                                       SectionField("policy", &S::policy, PolicySpec()),
                                       SectionField("engine", &S::engine, EngineSpec()),
                                       SectionField("knowledge", &S::knowledge, KnowledgeSpec()),
                                       SectionField("routing", &S::routing, AssignmentSpec()),
                                       SectionField("approvals", &S::approvals, ApprovalSpec()),
                                       SectionField("slack", &S::slack, SlackSpec()),
                                       SectionField("learning", &S::learning, LearningSpec()),
                                       SectionField("llm", &S::llm, LlmSpec()),
                                       SectionField("insights", &S::insights, InsightsSpec()),
                                       SectionField("log", &S::log, LogSpec()),
                                   },
                                   nullptr};
  return spec;
}

namespace {

// A claimed write must be able to finish one helpdesk call before its lease ends, or no write
// would ever be started (the dispatcher refuses to begin one it cannot finish in time).
void CheckLeaseCoversAHelpdeskCall(ConfigBinder& binder, const Config& config) {
  const int64_t call_ms =
      int64_t{config.helpdesk.request_timeout_ms} + config.helpdesk.connect_timeout_ms;
  if (int64_t{config.engine.lease_seconds} * 1000 > call_ms) {
    return;
  }
  const std::string path = binder.WasWritten("engine.lease_seconds")
                               ? "engine.lease_seconds"
                               : "helpdesk.request_timeout_ms";
  binder.Error(binder.PosOf(path),
               "engine.lease_seconds (" + std::to_string(config.engine.lease_seconds) +
                   " s) must be longer than one helpdesk call (helpdesk.request_timeout_ms + "
                   "helpdesk.connect_timeout_ms = " +
                   std::to_string(call_ms) + " ms)");
}

}  // namespace

void BindConfig(ConfigBinder& binder, const ConfigNode& root, Config* config) {
  ReadSection(binder, ConfigSpec(), root, "", config);
  if (binder.ErrorsUnder("engine") == 0 && binder.ErrorsUnder("helpdesk") == 0) {
    CheckLeaseCoversAHelpdeskCall(binder, *config);
  }
  if (binder.ErrorsUnder("models") == 0) {
    CheckAcrossSections(binder, *config);
  }
}

}  // namespace autotriage
