// autotriage kb sync|search|eval: the knowledge-base index from the command line.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/knowledge/kb_eval.h"
#include "autotriage/knowledge/kb_index.h"
#include "autotriage/knowledge/kb_sync.h"

namespace autotriage {
namespace {

constexpr const char* kDefaultIndexPath = "autotriage-kb.db";

struct KbArgs {
  std::string config;
  std::string index;
  std::string markdown;
  std::string base_url;
  bool from_helpdesk = false;
  bool vectors = false;
  std::string query;
  int k = 3;
  std::string queries;
  int history_folds = 0;
  bool json = false;
};

// --index, else knowledge.index_path of --config, else the default file.
Result<std::string> IndexPath(const KbArgs& args, const Config* config) {
  if (!args.index.empty()) {
    return args.index;
  }
  if (config != nullptr && !config->knowledge.index_path.empty()) {
    return config->knowledge.index_path;
  }
  return std::string(kDefaultIndexPath);
}

Status RequireExistingIndex(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return NotFound("KB index " + path + " does not exist; build it with `autotriage kb sync`");
  }
  return Status::Ok();
}

nlohmann::json ReportJson(const KbSyncReport& report) {
  return {{"source", report.source},       {"added", report.added},
          {"updated", report.updated},     {"removed", report.removed},
          {"unchanged", report.unchanged}, {"warnings", report.warnings}};
}

int Fail(const Status& status) {
  PrintError(status);
  return ExitCodeFor(status);
}

int RunSync(const KbArgs& args) {
  std::unique_ptr<Config> config;
  if (!args.config.empty() || args.from_helpdesk) {
    Result<Config> loaded = LoadConfigForCommand(args.config);
    if (!loaded.ok()) {
      return Fail(loaded.status());
    }
    config = std::make_unique<Config>(std::move(*loaded));
  }
  std::string markdown = args.markdown;
  std::string base_url = args.base_url;
  bool helpdesk_source = args.from_helpdesk;
  if (config != nullptr && markdown.empty() && !args.from_helpdesk) {
    // --config alone: every source the configuration names.
    markdown = config->knowledge.markdown_dir;
    helpdesk_source = true;
  }
  if (base_url.empty() && config != nullptr) {
    base_url = config->knowledge.markdown_base_url;
  }
  if (markdown.empty() && !helpdesk_source) {
    return Fail(
        InvalidArgument("nothing to sync: pass --markdown DIR, --from-helpdesk or --config FILE"));
  }
  Result<std::string> path = IndexPath(args, config.get());
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(*path, KbIndexOptions{});
  if (!index.ok()) {
    return Fail(index.status());
  }
  nlohmann::json sources = nlohmann::json::array();
  std::vector<KbSyncReport> reports;
  if (helpdesk_source) {
    Result<HelpdeskConnection> connection =
        ConnectConfiguredHelpdesk(*config, MakeStderrLogger(config->log));
    if (!connection.ok()) {
      return Fail(connection.status());
    }
    if (!connection->helpdesk->capabilities().knowledge_base) {
      if (args.from_helpdesk) {
        return Fail(Unimplemented("the " + connection->helpdesk->kind() +
                                  " connector has no knowledge base to sync"));
      }
    } else {
      Result<KbSyncReport> report = SyncKbFromHelpdesk(*connection->helpdesk, index->get());
      if (!report.ok()) {
        return Fail(report.status());
      }
      reports.push_back(std::move(*report));
    }
  }
  if (!markdown.empty()) {
    Result<KbSyncReport> report = SyncKbFromMarkdown(markdown, base_url, index->get());
    if (!report.ok()) {
      return Fail(report.status());
    }
    reports.push_back(std::move(*report));
  }
  double vector_seconds = 0;
  if (args.vectors) {
    const auto start = std::chrono::steady_clock::now();
    Status built = (*index)->BuildVectors({});
    if (!built.ok()) {
      return Fail(built);
    }
    vector_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  Result<int64_t> count = (*index)->Count();
  if (!count.ok()) {
    return Fail(count.status());
  }
  if (args.json) {
    for (const KbSyncReport& report : reports) {
      sources.push_back(ReportJson(report));
    }
    std::printf("%s\n", nlohmann::json{{"index", *path},
                                       {"sources", sources},
                                       {"documents", *count},
                                       {"vectors", args.vectors},
                                       {"vector_seconds", vector_seconds}}
                            .dump()
                            .c_str());
    return 0;
  }
  for (const KbSyncReport& report : reports) {
    std::printf("%-12s added %d, updated %d, removed %d, unchanged %d\n", report.source.c_str(),
                report.added, report.updated, report.removed, report.unchanged);
    for (const std::string& warning : report.warnings) {
      std::printf("  warning: %s\n", warning.c_str());
    }
  }
  std::printf("%s: %lld documents%s\n", path->c_str(), static_cast<long long>(*count),
              args.vectors ? ", vectors rebuilt" : "");
  return 0;
}

int RunSearch(const KbArgs& args) {
  std::unique_ptr<Config> config;
  if (!args.config.empty()) {
    Result<Config> loaded = LoadConfigForCommand(args.config);
    if (!loaded.ok()) {
      return Fail(loaded.status());
    }
    config = std::make_unique<Config>(std::move(*loaded));
  }
  if (args.k < 1) {
    return Fail(InvalidArgument("-k must be at least 1"));
  }
  Result<std::string> path = IndexPath(args, config.get());
  Status exists = RequireExistingIndex(*path);
  if (!exists.ok()) {
    return Fail(exists);
  }
  Result<std::unique_ptr<KbIndex>> index = KbIndex::Open(*path, KbIndexOptions{});
  if (!index.ok()) {
    return Fail(index.status());
  }
  Result<std::vector<KbHit>> hits = (*index)->Search(args.query, args.k);
  if (!hits.ok()) {
    return Fail(hits.status());
  }
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const KbHit& hit : *hits) {
      list.push_back({{"id", hit.id},
                      {"title", hit.title},
                      {"url", hit.url},
                      {"snippet", hit.snippet},
                      {"score", hit.score},
                      {"relevance", hit.relevance},
                      {"bm25_score", hit.bm25_score},
                      {"dense_score", hit.dense_score}});
    }
    std::printf("%s\n", nlohmann::json{{"query", args.query}, {"hits", list}}.dump().c_str());
    return 0;
  }
  if (hits->empty()) {
    std::printf("no matching articles\n");
    return 0;
  }
  for (size_t i = 0; i < hits->size(); ++i) {
    const KbHit& hit = (*hits)[i];
    std::printf("%zu. %s  [%s, score %.3f]\n", i + 1, hit.title.c_str(), hit.id.c_str(), hit.score);
    if (!hit.url.empty()) {
      std::printf("   %s\n", hit.url.c_str());
    }
    if (!hit.snippet.empty()) {
      std::printf("   %s\n", hit.snippet.c_str());
    }
  }
  return 0;
}

int RunEval(const KbArgs& args) {
  if (args.history_folds == 1 || args.history_folds < 0) {
    return Fail(InvalidArgument("--history-folds must be 0 (cold start) or at least 2"));
  }
  Status exists = RequireExistingIndex(args.index);
  if (!exists.ok()) {
    return Fail(exists);
  }
  Result<std::vector<KbEvalQuery>> queries = LoadKbEvalQueries(args.queries);
  if (!queries.ok()) {
    return Fail(queries.status());
  }
  Result<KbEvalResult> result = EvaluateKb(args.index, *queries, args.history_folds);
  if (!result.ok()) {
    return Fail(result.status());
  }
  const KbEvalResult& r = *result;
  if (args.json) {
    std::printf("%s\n", nlohmann::json{{"index", args.index},
                                       {"queries", r.queries},
                                       {"documents", r.documents},
                                       {"mode", r.mode},
                                       {"p_at_1", r.p_at_1},
                                       {"mrr", r.mrr},
                                       {"recall_at_3", r.recall_at_3},
                                       {"latency_p50_ms", r.latency_p50_ms},
                                       {"latency_p99_ms", r.latency_p99_ms},
                                       {"relevant_missing", r.relevant_missing}}
                            .dump()
                            .c_str());
    return 0;
  }
  std::printf("%d queries over %lld documents (%s)\n", r.queries,
              static_cast<long long>(r.documents), r.mode.c_str());
  std::printf("P@1        %.3f\nMRR        %.3f\nrecall@3   %.3f\n", r.p_at_1, r.mrr,
              r.recall_at_3);
  std::printf("latency    p50 %.3f ms, p99 %.3f ms per query\n", r.latency_p50_ms,
              r.latency_p99_ms);
  if (r.relevant_missing > 0) {
    std::printf("warning: %d relevant ids are not in the index\n", r.relevant_missing);
  }
  return 0;
}

}  // namespace

void AddKbCommand(CLI::App& app, int* exit_code) {
  CLI::App* kb = app.add_subcommand("kb", "Build, search and evaluate the knowledge-base index");
  kb->require_subcommand(1);
  kb->footer(
      "The KB index is one SQLite file: bm25 over stemmed title, body and linked ticket text,\n"
      "plus word vectors trained locally. `sync` brings it up to date with the helpdesk's\n"
      "published solutions and/or a folder of Markdown files (incremental: unchanged articles\n"
      "are skipped, unpublished or deleted ones removed).");
  auto args = std::make_shared<KbArgs>();

  CLI::App* sync = kb->add_subcommand("sync", "Update the index from the helpdesk or Markdown");
  sync->add_option("--config", args->config,
                   "YAML configuration (helpdesk connection, knowledge.index_path, "
                   "knowledge.markdown_dir)")
      ->envname("AUTOTRIAGE_CONFIG");
  sync->add_option(
      "--index", args->index,
      "Index file (default: knowledge.index_path or " + std::string(kDefaultIndexPath) + ")");
  sync->add_option("--markdown", args->markdown, "Folder of Markdown articles (*.md, recursive)");
  sync->add_option("--base-url", args->base_url, "Link prefix for Markdown articles");
  sync->add_flag("--from-helpdesk", args->from_helpdesk,
                 "Sync the configured helpdesk's published solution articles");
  sync->add_flag("--vectors", args->vectors,
                 "Also train the fastText word vectors (off by default: the default ranking is "
                 "BM25F alone; the vectors serve a hybrid ranking with dense_weight > 0)");
  sync->add_flag("--json", args->json, "Print the result as one JSON object");
  sync->callback([args, exit_code] { *exit_code = RunSync(*args); });

  CLI::App* search = kb->add_subcommand("search", "Show the best articles for a query");
  search->add_option("query", args->query, "Free text, e.g. a ticket's subject")->required();
  search->add_option("--config", args->config, "YAML configuration (knowledge.index_path)")
      ->envname("AUTOTRIAGE_CONFIG");
  search->add_option("--index", args->index, "Index file");
  search->add_option("-k", args->k, "Number of articles (default 3)");
  search->add_flag("--json", args->json, "Print the hits as one JSON object");
  search->callback([args, exit_code] { *exit_code = RunSearch(*args); });

  CLI::App* eval = kb->add_subcommand("eval", "Measure P@1, MRR, recall@3 and query latency");
  eval->add_option("--index", args->index, "Index file (not modified)")->required();
  eval->add_option("--queries", args->queries,
                   "JSON lines {\"query\": \"...\", \"relevant\": [\"markdown:x.md\", ...]}")
      ->required();
  eval->add_option("--history-folds", args->history_folds,
                   "N >= 2: N-fold cross-validation where the other folds' queries are linked "
                   "text of their relevant articles (a helpdesk with history); 0 = cold start");
  eval->add_flag("--json", args->json, "Print the figures as one JSON object");
  eval->callback([args, exit_code] { *exit_code = RunEval(*args); });
}

}  // namespace autotriage
