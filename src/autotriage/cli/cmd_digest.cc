// autotriage digest: the daily digest (docs/digest.md) from the store, without a running engine.
// The clusters are restored from the store as `serve` left them (InsightsService::Bootstrap
// with no helpdesk), the KB gaps are checked against the local KB index (knowledge.index_path,
// only read) when it exists, and the digest is written as one self-contained HTML file, printed
// as JSON, or posted to Slack.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/connectors/http_client.h"
#include "autotriage/digest/digest.h"
#include "autotriage/engine/insights_service.h"
#include "autotriage/knowledge/kb_index.h"
#include "autotriage/slack/slack.h"

namespace autotriage {
namespace {

struct DigestArgs {
  std::string config;
  std::string out;
  bool json = false;
  bool slack = false;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The KB search over the local index, or empty (with the reason in *why) when there is none.
KbSearchFunction LocalKbSearch(const Config& config, std::string* why) {
  if (!config.knowledge.enabled) {
    *why = "knowledge.enabled is false";
    return {};
  }
  std::error_code error;
  if (!std::filesystem::exists(config.knowledge.index_path, error)) {
    *why = "no KB index at " + config.knowledge.index_path + " (run `autotriage kb sync`)";
    return {};
  }
  Result<std::unique_ptr<KbIndex>> index =
      KbIndex::OpenInMemoryCopy(config.knowledge.index_path, KbIndexOptions{});
  if (!index.ok()) {
    *why = "the KB index cannot be read: " + index.status().message();
    return {};
  }
  std::shared_ptr<const KbIndex> shared = std::move(*index);
  return [shared](const std::string& text) {
    Result<std::vector<KbHit>> hits = shared->Search(text, 1);
    return hits.ok() ? std::move(*hits) : std::vector<KbHit>{};
  };
}

std::string DashboardUrl(const Config& config) {
  if (!config.server.public_url.empty()) {
    return config.server.public_url;
  }
  return "http://" + config.server.listen_address + ":" + std::to_string(config.server.port);
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    return IoError("cannot write " + path);
  }
  file << text;
  file.close();
  if (!file) {
    return IoError("writing " + path + " failed");
  }
  return Status::Ok();
}

std::string Summary(const DigestData& d, const std::string& kb_note) {
  std::string text = "Digest " + d.day + ": " + std::to_string(d.last_24h) +
                     " tickets in the last 24 h (" + std::to_string(d.previous_24h) +
                     " the 24 h before), " + std::to_string(d.clusters) + " recurring issues, " +
                     std::to_string(d.problems.size()) + " proposed Problems, ";
  text += d.kb_loaded ? std::to_string(d.kb_gaps.size()) + " KB gaps" : "KB not loaded";
  if (!kb_note.empty()) {
    text += " (" + kb_note + ")";
  }
  text += ".\n";
  for (const DigestCluster& c : d.top_by_size) {
    text += "  " + c.name + ": " + std::to_string(c.size) + " tickets, " +
            std::to_string(c.last_24h) + " in 24 h\n";
  }
  return text;
}

int RunDigest(const DigestArgs& args) {
  Result<Config> config = LoadConfigForCommand(args.config);
  if (!config.ok()) {
    PrintError(config.status());
    return 2;
  }
  if (args.slack && !config->slack.enabled) {
    PrintError(InvalidArgument("--slack needs slack.enabled with a bot_token or webhook_url"));
    return 2;
  }
  Result<std::unique_ptr<Store>> opened = OpenConfiguredStore(*config);
  if (!opened.ok()) {
    PrintError(opened.status().WithContext("opening the store"));
    return ExitCodeFor(opened.status());
  }
  std::shared_ptr<Store> store = std::move(*opened);
  const int64_t now_ms = NowMs();
  // No helpdesk: Bootstrap only restores the clusters the engine stored.
  InsightsService insights(config->insights, store, nullptr, nullptr);
  Result<InsightsBootstrapReport> restored = insights.Bootstrap(now_ms / 1000);
  if (!restored.ok()) {
    PrintError(restored.status().WithContext("restoring the clusters"));
    return 1;
  }
  std::string kb_note;
  const KbSearchFunction search = LocalKbSearch(*config, &kb_note);
  DigestOptions options;
  options.min_cluster_size = config->insights.min_cluster_size;
  Result<DigestData> digest =
      CollectDigest(*store, insights.Clusters(now_ms / 1000), search, now_ms, options);
  if (!digest.ok()) {
    PrintError(digest.status());
    return 1;
  }
  const std::string url = DashboardUrl(*config);
  std::string out = args.out;
  if (out.empty() && !args.json && !args.slack) {
    out = "autotriage-digest-" + digest->day + ".html";
  }
  if (!out.empty()) {
    if (Status written = WriteFile(out, RenderDigestHtml(*digest, true, url)); !written.ok()) {
      PrintError(written);
      return 1;
    }
  }
  if (args.slack) {
    std::unique_ptr<HttpClient> http = NewCurlHttpClient(HttpClientOptions{});
    std::unique_ptr<SlackClient> slack = SlackClient::Create(config->slack, http.get());
    if (Status posted = slack->PostMessage(RenderDigestSlack(*digest, url)); !posted.ok()) {
      PrintError(posted.WithContext("posting the digest to Slack"));
      return 1;
    }
  }
  if (args.json) {
    std::printf("%s\n", DigestToJson(*digest).c_str());
    return 0;
  }
  std::printf("%s", Summary(*digest, search ? "" : kb_note).c_str());
  if (!out.empty()) {
    std::printf("Written to %s\n", out.c_str());
  }
  if (args.slack) {
    std::printf("Posted to Slack.\n");
  }
  return 0;
}

}  // namespace

void AddDigestCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "digest", "Write the daily digest: volumes, recurring issues, spikes, KB gaps, KPI changes");
  cmd->footer(
      "Reads the store the engine writes (clusters, proposed Problems, outcomes, decisions) and\n"
      "the local KB index; needs no helpdesk. Without --out, --json or --slack the digest is\n"
      "written to autotriage-digest-YYYY-MM-DD.html in the current folder. The HTML file is\n"
      "self-contained (inline CSS and SVG charts, nothing fetched). `serve` posts the same digest\n"
      "to Slack every day at insights.digest_hour_utc when slack.enabled is true.\n"
      "Examples:\n"
      "  autotriage digest --config autotriage.yaml --out digest.html\n"
      "  autotriage digest --config autotriage.yaml --json\n"
      "  autotriage digest --config autotriage.yaml --slack");
  auto args = std::make_shared<DigestArgs>();
  cmd->add_option("--config", args->config, "Configuration file (YAML)");
  cmd->add_option("--out", args->out, "Write the self-contained HTML digest to this file");
  cmd->add_flag("--json", args->json, "Print the digest as one JSON object");
  cmd->add_flag("--slack", args->slack, "Post the digest to Slack (slack.enabled)");
  cmd->callback([args, exit_code] { *exit_code = RunDigest(*args); });
}

}  // namespace autotriage
