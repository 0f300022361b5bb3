// `autotriage suggest TICKET_ID`: what the engine would propose for one ticket, without writing
// anything: every head's prediction with its explanation, the KB articles, similar resolved
// tickets, assignee suggestions with reasons, the summary and the draft note.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "autotriage/cli/commands.h"
#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/engine/note.h"
#include "autotriage/engine/triage.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

struct SuggestArgs {
  std::string ticket_id;
  std::string config;
  std::string model;
  bool json = false;
};

int RunSuggest(const SuggestArgs& args) {
  Result<Config> config = LoadConfigForCommand(args.config);
  if (!config.ok()) {
    return 2;
  }
  auto log = MakeStderrLogger(config->log);
  Result<std::shared_ptr<const ModelBundle>> bundle = LoadConfiguredBundle(*config, args.model);
  if (!bundle.ok()) {
    PrintError(bundle.status());
    return ExitCodeFor(bundle.status());
  }
  Result<HelpdeskConnection> connection = ConnectConfiguredHelpdesk(*config, log);
  if (!connection.ok()) {
    PrintError(connection.status());
    return ExitCodeFor(connection.status());
  }
  Result<Ticket> ticket = connection->helpdesk->GetTicket(args.ticket_id);
  if (!ticket.ok()) {
    PrintError(ticket.status().WithContext("fetching ticket " + args.ticket_id));
    return ExitCodeFor(ticket.status());
  }

  const std::string text = TicketModelText(*ticket);
  Json fields = Json::object();
  std::vector<NoteChange> changes;
  AdviceQuery query;
  query.now = std::time(nullptr);
  for (const std::string& field : (*bundle)->fields()) {
    const Prediction prediction = (*bundle)->head(field)->Predict(text, 2, 5);
    Json top = Json::array();
    for (const LabelProbability& p : prediction.top) {
      top.push_back({{"label", p.label}, {"p", p.probability}});
    }
    Json words = Json::array();
    std::vector<std::string> supporting;
    for (const Contribution& c : prediction.explanation) {
      words.push_back({{"feature", c.feature}, {"weight", c.weight}});
      if (c.weight > 0 && supporting.size() < 3) {
        supporting.push_back(c.feature);
      }
    }
    auto current = ticket->fields.find(field);
    const std::string old_value = current == ticket->fields.end() ? "" : current->second;
    fields[field] = {{"current", old_value},
                     {"top", top},
                     {"abstain", prediction.abstain},
                     {"explanation", words}};
    if (!prediction.top.empty() && !prediction.abstain) {
      changes.push_back({field, prediction.top.front().label, old_value,
                         prediction.top.front().probability, supporting});
      if (field == "group") {
        query.group = prediction.top.front().label;
        query.group_confidence = prediction.top.front().probability;
      } else if (field == "category") {
        query.category = prediction.top.front().label;
      }
    }
  }

  KnowledgeParts knowledge = MakeKnowledgeParts(*config, connection->helpdesk);
  TicketAdvice advice;
  if (knowledge.loader != nullptr) {
    KnowledgeLoadReport report;
    knowledge.advisor->Replace(knowledge.loader->Load(query.now, /*sync_kb=*/false, &report));
    if (query.group.empty()) {
      auto group = ticket->fields.find("group");
      query.group = group == ticket->fields.end() ? "" : group->second;
      query.group_confidence = query.group.empty() ? 0 : 1;
    }
    advice = knowledge.advisor->Advise(*ticket, query);
  } else {
    advice.notes.push_back("knowledge.enabled is false");
  }
  NoteInput note;
  note.changes = changes;
  note.applied = false;
  note.advice = &advice;
  note.ticket_id = ticket->id;
  note.html = false;

  if (args.json) {
    Json out = Json::parse(AdviceJson(advice));
    out["ticket_id"] = ticket->id;
    out["subject"] = ticket->subject;
    out["fields"] = fields;
    out["note_draft"] = BuildNote(note);
    std::printf("%s\n", out.dump(2, ' ', false, Json::error_handler_t::replace).c_str());
    return 0;
  }
  std::printf("Ticket #%s: %s\n\n", ticket->id.c_str(), ticket->subject.c_str());
  std::printf("%s\n", BuildNote(note).c_str());
  for (const std::string& problem : advice.notes) {
    std::printf("note: %s\n", problem.c_str());
  }
  return 0;
}

}  // namespace

void AddSuggestCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SuggestArgs>();
  CLI::App* suggest = app.add_subcommand(
      "suggest",
      "Show what autotriage would propose for one ticket (fields with confidence and words, KB "
      "articles, similar resolved tickets, assignees with reasons, summary, draft note); "
      "writes nothing");
  suggest->add_option("TICKET_ID", args->ticket_id, "The helpdesk's ticket id")->required();
  suggest->add_option("--config", args->config,
                      "Configuration file (helpdesk, models.active, knowledge, routing)");
  suggest->add_option("--model", args->model, "Model bundle instead of models.active");
  suggest->add_flag("--json", args->json, "Print one JSON object");
  suggest->callback([args, exit_code] { *exit_code = RunSuggest(*args); });
}

}  // namespace autotriage
