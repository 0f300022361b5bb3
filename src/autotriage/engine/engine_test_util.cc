#include "autotriage/engine/engine_test_util.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "autotriage/ml/head.h"

namespace autotriage::testing {
namespace {

std::shared_ptr<const ModelBundle> Train() {
  SynthOptions synth;
  synth.seed = 7;
  synth.count = 1500;
  const std::vector<SynthTicket> tickets = GenerateTickets(synth);
  std::vector<std::string> texts;
  for (const SynthTicket& t : tickets) {
    texts.push_back(t.subject + "\n" + t.body_html);
  }
  auto bundle = std::make_shared<ModelBundle>();
  for (const std::string field : {"group", "priority", "type"}) {
    std::vector<std::string> labels;
    for (const SynthTicket& t : tickets) {
      labels.push_back(field == "group" ? t.group : field == "priority" ? t.priority : t.type);
    }
    HeadOptions options;
    options.use_fasttext = false;
    options.c_grid = {1.0};
    options.seed = 1;
    options.threads = 2;
    auto head = TrainHead(field, texts, labels, options);
    if (!head.ok()) {
      std::fprintf(stderr, "training the test bundle failed: %s\n",
                   head.status().ToString().c_str());
      std::abort();
    }
    bundle->AddHead(std::move(head).value());
  }
  return bundle;
}

}  // namespace

std::shared_ptr<const ModelBundle> TestBundle() {
  static const std::shared_ptr<const ModelBundle> bundle = Train();
  return bundle;
}

std::vector<SynthTicket> FreshTickets(int count, uint64_t seed) {
  SynthOptions synth;
  synth.seed = seed;
  synth.count = count;
  return GenerateTickets(synth);
}

std::vector<FieldSchema> SynthFieldSchema() {
  return {{"group", "Group", SynthGroups()},
          {"priority", "Priority", SynthPriorities()},
          {"type", "Type", SynthTypes()}};
}

std::unique_ptr<EngineContext> MakeTestContext(std::shared_ptr<Store> store,
                                               std::shared_ptr<Helpdesk> helpdesk,
                                               const Config& config, bool with_triage) {
  auto context = std::make_unique<EngineContext>();
  context->config = config;
  context->store = std::move(store);
  context->helpdesk = std::move(helpdesk);
  context->log =
      std::make_unique<EngineLog>([](const std::string&) {}, LogLevel::kError, LogFormat::kJson);
  context->policy = std::make_shared<PolicyHolder>(config.policy);
  if (with_triage) {
    context->bundle = TestBundle();
    TriageOptions options;
    options.fields = {"group", "priority", "type"};
    // As the engine: no policy of its own, the holder's current one comes with each ticket.
    context->triage.Set(context->bundle,
                        std::make_unique<Triage>(context->bundle.get(), nullptr, options));
  }
  context->schema = std::make_unique<SchemaCache>(context->helpdesk.get(), 60000);
  context->metrics = std::make_unique<EngineMetrics>(&context->registry);
  return context;
}

}  // namespace autotriage::testing
