// Config: every setting of an autotriage deployment as plain structs with in-class defaults.
//
// A default-constructed Config is a valid configuration (sandbox helpdesk, SQLite store,
// dashboard on 127.0.0.1:8080), so an empty YAML file runs the demo. The YAML loader
// (loader.h) only fills and validates these structs; nothing else in the program reads YAML.
// Adding a setting means adding a field here (with its default and a comment) and one binding
// line in schema.cc; docs/configuration.md and examples/autotriage.yaml document every key and a
// unit test checks that they stay in step.
//
// Plain values: copyable, safe to share read-only between threads.
// Fields marked "Secret" must never be printed, logged or put into an error message; use
// DescribeConfig() (loader.h), which redacts them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

// Which helpdesk the engine talks to.
enum class HelpdeskKind {
  kFreshdesk,     // "freshdesk": Freshdesk REST API v2, API-key auth
  kFreshservice,  // "freshservice": Freshservice REST API v2, API-key auth
  kRt,            // "rt": Request Tracker 5 REST2, token auth
  kSandbox,       // "sandbox": the built-in emulated helpdesk (demo and tests)
};

enum class StoreBackend {
  kSqlite,    // "sqlite": one embedded database file (one node)
  kPostgres,  // "postgres": a shared PostgreSQL database (several nodes)
};

// What the engine may do with a prediction for one (queue, field) cell.
enum class AutonomyMode {
  kOff,       // "off": do not predict this field for this queue
  kMonitor,   // "monitor": record the prediction only (shadow mode)
  kSuggest,   // "suggest": propose the change; a human approves it
  kAutofill,  // "autofill": write the change to the helpdesk directly
};

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };

enum class LogFormat {
  kJson,  // "json": one JSON object per line
  kText,  // "text": human-readable lines
};

// The YAML spelling of each enumerator, e.g. "freshservice".
std::string_view ToString(HelpdeskKind kind);
std::string_view ToString(StoreBackend backend);
std::string_view ToString(AutonomyMode mode);
std::string_view ToString(LogLevel level);
std::string_view ToString(LogFormat format);

// True for fields the engine never writes, whatever the configuration says: status and state
// fields and deletion, spam, trash, close, resolve and merge flags, because the engine never
// closes, resolves, deletes or merges a ticket. Case-insensitive, and a word inside a longer name
// counts too ("Status", "ticket_status", "isDeleted", "merged_into"). The policy's
// IsForbiddenField and the loader's check of policy.writable_fields both use it.
bool IsNeverWritableField(std::string_view field);

struct HelpdeskOptions {
  // Which helpdesk to connect to. Every kind except sandbox needs `url` and a credential.
  HelpdeskKind kind = HelpdeskKind::kSandbox;
  // Base URL, e.g. "https://acme.freshdesk.com" or "https://rt.example.org". Empty for sandbox.
  std::string url;
  // Secret. API key for freshdesk and freshservice.
  std::string api_key;
  // Secret. Authentication token for rt.
  std::string token;
  // PEM file with extra CA certificates to trust (a private CA). Empty: the system store.
  std::string ca_file;
  // Time allowed to establish a connection.
  int connect_timeout_ms = 5000;
  // Time allowed for a whole request, including the response body.
  int request_timeout_ms = 30000;
  // Retries of a failed idempotent request (network error, 429, 5xx) before giving up.
  int max_retries = 3;
  // Client-side rate budget. 0: follow the helpdesk's rate-limit response headers.
  int requests_per_minute = 0;
};

struct StoreOptions {
  StoreBackend backend = StoreBackend::kSqlite;
  // Database file for the sqlite backend, created when missing.
  std::string sqlite_path = "autotriage.db";
  // Secret (it usually holds a password). libpq connection URL for the postgres backend,
  // e.g. "postgresql://autotriage:pw@db.example.org/autotriage".
  std::string postgres_url;
};

struct ServerOptions {
  // Address the HTTP server binds to. Loopback by default so nothing is exposed by accident.
  std::string listen_address = "127.0.0.1";
  // TCP port of the HTTP server (webhooks, API, dashboard, metrics). 0: any free port.
  int port = 8080;
  // Secret. Shared secret that authenticates helpdesk webhook requests.
  std::string webhook_secret;
  // URL under which users reach the dashboard (used in links sent to Slack and notes).
  // Empty: derived from listen_address and port.
  std::string public_url;
};

// One classification head: a model predicting one helpdesk field.
struct ModelHeadOptions {
  // Helpdesk field the head predicts, e.g. "group", "priority", "type".
  std::string field;
  // Column of the training data holding the label. Empty: same as `field`.
  std::string label_column;
};

struct ModelsOptions {
  // Directory holding trained model bundles.
  std::string directory = "models";
  // Path of the bundle to serve. Empty: no bundle is pinned here.
  std::string active;
  // Heads to train and serve, one per predicted field.
  std::vector<ModelHeadOptions> heads = {{"group", ""}, {"priority", ""}, {"type", ""}};
  // How often a running engine checks the model registry (directory/registry.json) for a newly
  // promoted live version and switches to it without a restart. 0: never.
  int reload_seconds = 30;
};

struct TrainingOptions {
  // Share of the labelled tickets held out to calibrate and to choose thresholds, in (0, 1).
  double validation_fraction = 0.15;
  // A label needs at least this many training examples to be learned.
  int min_examples_per_class = 5;
  // true: labels below min_examples_per_class are left out of the model (the head abstains on
  // them); false: training fails and names them.
  bool exclude_small_classes = true;
  // Precision each label's threshold is chosen for on the validation split, in (0, 1].
  double target_precision = 0.90;
  // Seed of every random choice in training (split, shuffling), so runs are reproducible.
  std::uint64_t seed = 1;
};

// One cell of the autonomy matrix.
struct PolicyCell {
  // Helpdesk queue (group) the cell applies to; "*" for every queue.
  std::string queue;
  // Predicted field the cell applies to; must name a head in models.heads.
  std::string field;
  AutonomyMode mode = AutonomyMode::kMonitor;
  // Precision the prediction must reach to act, in (0, 1]. Unset: the bundle's threshold.
  std::optional<double> target_precision;
  // Minimum probability gap between the top label and the runner-up, in [0, 1). Unset: none.
  std::optional<double> min_margin;
};

struct PolicyOptions {
  // true: nothing is written to the helpdesk, whatever the cells say (predictions are still
  // recorded). The emergency stop.
  bool kill_switch = false;
  // Mode of every (queue, field) pair that no cell names.
  AutonomyMode default_mode = AutonomyMode::kMonitor;
  // Per-queue, per-field overrides. A cell for a specific queue wins over a "*" cell.
  std::vector<PolicyCell> cells;
  // Fields the engine may write (the allow-list). status is never writable: the engine never
  // closes, resolves, deletes or merges a ticket, whatever this says.
  std::vector<std::string> writable_fields = {"group", "priority", "type"};
  // Fields whose existing value the engine may replace. Every other field is only filled when
  // it is empty, so a value a human set is never overwritten. priority is here because helpdesks
  // give every new ticket a default priority.
  std::vector<std::string> overwrite_fields = {"priority"};
  // Tickets from these requester e-mail domains are skipped (e.g. "example.org").
  std::vector<std::string> skip_requester_domains;
  // Tickets carrying any of these tags are skipped.
  std::vector<std::string> skip_tags;
  // Tickets from these sources are skipped (e.g. "phone", "chat").
  std::vector<std::string> skip_sources;
  // A ticket is already triaged, and skipped, when all of these fields are set on arrival.
  // Empty: never skip for this reason.
  std::vector<std::string> triaged_when_set = {"group"};
};

// The long-running engine (`autotriage serve`, `autotriage run --once`).
struct EngineOptions {
  // Triage worker threads (fetch, classify, decide).
  int workers = 4;
  // Threads applying planned writes to the helpdesk.
  int dispatchers = 2;
  // Seconds between polls of the helpdesk for updated tickets. 0: no polling (webhooks only);
  // Request Tracker has no webhooks, so 0 means 60 there.
  int poll_interval_seconds = 0;
  // How far back the first poll looks when there is no cursor yet, in hours.
  int poll_lookback_hours = 24;
  // A claimed job or write whose worker has not finished within this time is taken over by
  // another worker (after a crash). Longer than the slowest helpdesk call.
  int lease_seconds = 60;
  // Attempts per job and per write before it is marked failed (kept, with the error).
  int max_attempts = 8;
  // First retry delay; doubles per attempt up to 5 minutes.
  int retry_backoff_ms = 1000;
  // Largest webhook body accepted (bytes); larger ones get 413.
  int max_webhook_bytes = 1048576;
  // Post a private note on each ticket the engine writes to, explaining the change.
  bool post_notes = true;
};

// Knowledge: the KB index, similar tickets and summaries (issue 5).
struct KnowledgeOptions {
  // Look up KB articles, similar tickets and an assignee for every triaged ticket.
  bool enabled = true;
  // The KB index file (SQLite). Relative paths are relative to the working directory.
  std::string index_path = "autotriage-kb.db";
  // A folder of Markdown articles synced besides (or instead of) the helpdesk's solutions.
  std::string markdown_dir;
  // Prefix of the links to Markdown articles (base_url + "/" + relative path); "" = no link.
  std::string markdown_base_url;
  // Minutes between KB syncs by `serve` (helpdesk solutions and markdown_dir). 0: only by
  // `autotriage kb sync`.
  int sync_interval_minutes = 60;
  // Articles and similar tickets shown per ticket.
  int kb_results = 3;
  int similar_results = 3;
  // Resolved tickets of this many days are the history of similar tickets and routing.
  int history_days = 90;
  // At most this many resolved tickets are loaded (newest first).
  int history_max_tickets = 20000;
};

// One agent's routing facts from config (the helpdesk knows the rest).
struct AssignmentAgentOptions {
  // E-mail, name or id as the helpdesk knows the agent.
  std::string agent;
  // Categories, groups or languages the agent is known for ("vpn", "Network", "de").
  std::vector<std::string> skills;
  // Weekly windows such as "Mon-Fri 08:00-16:00" or "Sat 10:00-14:00"; empty = always.
  std::vector<std::string> shifts;
  // Offset from UTC of the shift times, in minutes (CET = 60).
  int utc_offset_minutes = 0;
  // Absences as "2026-12-20..2027-01-02" (inclusive dates, UTC) or a single date.
  std::vector<std::string> away;
};

// The `routing:` section: the assignee recommender (issue 5).
struct AssignmentOptions {
  bool enabled = true;
  // Weight of configured skills, learned history and the open-ticket penalty in the score.
  double skill_weight = 1.0;
  double history_weight = 1.0;
  double workload_weight = 0.3;
  std::vector<AssignmentAgentOptions> agents;
};

// A weekly window parsed from "Mon-Fri 08:00-16:00" (days: Sun=0 .. Sat=6; minutes after
// midnight; end < start crosses midnight).
struct WeeklyWindow {
  std::vector<int> weekdays;
  int start_minute = 0;
  int end_minute = 0;
};
// kInvalidArgument naming what is wrong ("'Mon-Fry 08:00-16:00': unknown day 'Fry'").
Result<WeeklyWindow> ParseWeeklyWindow(const std::string& text);
// "2026-12-20..2027-01-02" or "2026-12-20" → [first second, last second + 1) in Unix seconds UTC.
Result<std::pair<int64_t, int64_t>> ParseDateRange(const std::string& text);

struct LogOptions {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kJson;
};

// Human approvals of suggestions (dashboard, REST API, Slack).
struct ApprovalOptions {
  // A pending proposal not decided within this many hours expires (nothing is written).
  // 0: proposals never expire.
  int expire_after_hours = 72;
  // A pending proposal older than this many minutes is escalated once: flagged on the
  // dashboard and, with Slack, re-announced in slack.escalation_channel. 0: no escalation.
  int escalate_after_minutes = 240;
};

// Learning from outcomes (issue 7): automatic demotion of autonomy-matrix cells whose
// acceptance (accepted / (accepted + replaced + reverted)) over a window falls below a floor.
// Demotion goes one step (autofill -> suggest -> monitor) and never promotes.
struct LearningOptions {
  bool auto_demotion = true;
  int demotion_window_days = 14;
  // A cell with fewer judged outcomes (accepted + replaced + reverted) in the window is left.
  int min_outcomes = 20;
  double autofill_floor = 0.9;
  double suggest_floor = 0.6;
};

// Recurring issues, spikes, proposed Problems and the daily digest (docs/insights.md).
struct InsightsOptions {
  bool enabled = true;
  // How often new tickets are clustered and the clusters tested for spikes.
  int interval_seconds = 60;
  // The clustering window; at the first start the tickets created in these days are read from
  // the helpdesk (later starts restore the clusters from the store).
  int window_days = 30;
  // A spike proposes a Problem record (through approval; created only on Freshservice).
  bool propose_problems = true;
  // The daily digest goes to Slack at this UTC hour; -1 = never (the page and
  // `autotriage digest` work either way).
  int digest_hour_utc = 8;
  // Clusters with fewer tickets are not listed (dashboard, digest).
  int min_cluster_size = 3;
};

// Approval cards in Slack.
struct SlackOptions {
  bool enabled = false;
  // Secret. Bot token (xoxb-...) for chat.postMessage / chat.update. Either this or webhook_url.
  std::string bot_token;
  // Secret. Incoming-webhook URL; cards are posted but updated only through the response_url
  // Slack sends with each button press.
  std::string webhook_url;
  // Channel id (C...) the cards go to (Web API only; a webhook has its own channel).
  std::string channel;
  // Channel for escalations; empty = `channel`.
  std::string escalation_channel;
  // Secret. Verifies Slack's interactive callbacks (v0 HMAC-SHA256).
  std::string signing_secret;
  // Web API base URL (tests point it at the sandbox).
  std::string api_base_url = "https://slack.com/api";
  // Who may press the buttons: a Slack user id is mapped to an autotriage user
  // (`autotriage users add NAME --slack-id U...`), whose role decides.
};

// One configured redaction pattern of the `llm:` section.
struct LlmRedactPatternOptions {
  // Placeholder type, e.g. "CUSTOMER_ID" gives <CUSTOMER_ID_1>: [A-Z][A-Z0-9_]*, not a built-in
  // type (EMAIL, PHONE, IP, IBAN, CARD, NAME).
  std::string type;
  // ECMAScript regular expression; must not match the empty string.
  std::string regex;
};

// The optional LLM backend (issue 8): any OpenAI-compatible chat-completions server. Text is
// PII-redacted before it is sent; see docs/llm.md.
struct LlmOptions {
  bool enabled = false;
  // e.g. "http://127.0.0.1:11434/v1" (Ollama) or "https://api.openai.com/v1". https, or http
  // only to a loopback address.
  std::string base_url = "http://127.0.0.1:11434/v1";
  // Secret. Sent as "Authorization: Bearer ..."; empty for local servers without a key.
  std::string api_key;
  // Model name as the server knows it, e.g. "llama3.1:8b". Required when enabled.
  std::string model;
  // Time allowed for one request (the answer can take a while on a CPU).
  int timeout_ms = 60000;
  // Retries after 429, 5xx and network errors, with backoff and Retry-After.
  int max_retries = 2;
  // Requests per agent run; a model that keeps calling tools is stopped there.
  int max_turns = 6;
  // Longest answer asked for, in tokens.
  int max_tokens = 1024;
  // Token budgets; a request that would exceed one is not sent. 0: unlimited.
  std::int64_t tokens_per_ticket = 20000;
  std::int64_t tokens_per_day = 2000000;
  double temperature = 0.2;
  // The server supports response_format json_schema; else the model is instructed and checked.
  bool structured_outputs = false;
  // Ask the LLM only for fields on which the local classifier abstained.
  bool cascade_only_on_abstain = true;
  // Draft replies and resolution summaries with the LLM (else the extractive summary).
  bool drafts = false;
  // Extra redaction patterns besides the built-in detectors.
  std::vector<LlmRedactPatternOptions> redact_patterns;
};

struct Config {
  HelpdeskOptions helpdesk;
  StoreOptions store;
  ServerOptions server;
  ModelsOptions models;
  TrainingOptions training;
  PolicyOptions policy;
  EngineOptions engine;
  KnowledgeOptions knowledge;
  AssignmentOptions routing;
  ApprovalOptions approvals;
  SlackOptions slack;
  LearningOptions learning;
  InsightsOptions insights;
  LlmOptions llm;
  LogOptions log;
};

}  // namespace autotriage
