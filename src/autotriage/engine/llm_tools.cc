#include "autotriage/engine/llm_tools.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "autotriage/text/normalize.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr int kKbResults = 3;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string StringAt(const Json& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The advice triage computed, or the advisor's now (asked with the ticket's own group), or none.
TicketAdvice AdviceFor(const LlmToolContext& context) {
  if (context.advice != nullptr) {
    return *context.advice;
  }
  if (context.advisor == nullptr) {
    return {};
  }
  AdviceQuery query;
  auto group = context.ticket->fields.find("group");
  if (group != context.ticket->fields.end()) {
    query.group = group->second;
    query.group_confidence = 1.0;
  }
  return context.advisor->Advise(*context.ticket, query);
}

Result<std::string> GetTicket(const Ticket& ticket) {
  Json fields = Json::object();
  for (const auto& [name, value] : ticket.fields) {
    fields[name] = value;
  }
  return Dump({{"id", ticket.id},
               {"subject", ticket.subject},
               {"text", HtmlToText(ticket.description_html)},
               {"language", ticket.language},
               {"tags", ticket.tags},
               {"fields", fields}});
}

Result<std::string> Recorded(const std::string& what) {
  return Dump({{"recorded", true},
               {"note", what + " recorded; a human approves it before anything changes"}});
}

}  // namespace

Status RegisterEngineTools(const LlmToolContext& context, ToolRegistry* registry) {
  const Ticket* ticket = context.ticket;
  const Advisor* advisor = context.advisor;
  std::vector<Tool> tools;
  tools.push_back({"get_ticket", "Read the ticket being triaged (subject, text, fields).",
                   R"({"type":"object","properties":{}})",
                   [ticket](const std::string&) { return GetTicket(*ticket); }});
  tools.push_back(
      {"search_kb", "Search the knowledge base; returns up to 3 articles.",
       R"({"type":"object","properties":{"query":{"type":"string"}},"required":["query"]})",
       [advisor](const std::string& arguments) -> Result<std::string> {
         Json hits = Json::array();
         if (advisor != nullptr) {
           const std::string query = StringAt(Json::parse(arguments, nullptr, false), "query");
           for (const KbHit& hit : advisor->SearchKb(query, kKbResults)) {
             hits.push_back({{"id", hit.id}, {"title", hit.title}, {"snippet", hit.snippet}});
           }
         }
         return Dump({{"articles", hits}});
       }});
  // Similar tickets and assignees come from one Advise, computed at the first call.
  auto advice = std::make_shared<std::optional<TicketAdvice>>();
  auto advice_of = [advice, context]() -> const TicketAdvice& {
    if (!advice->has_value()) {
      *advice = AdviceFor(context);
    }
    return **advice;
  };
  tools.push_back({"similar_tickets", "Resolved tickets like this one and how they were solved.",
                   R"({"type":"object","properties":{}})",
                   [advice_of](const std::string&) -> Result<std::string> {
                     Json similar = Json::array();
                     for (const SimilarHit& hit : advice_of().similar) {
                       similar.push_back({{"id", hit.id},
                                          {"subject", hit.subject},
                                          {"label", hit.label},
                                          {"resolution", hit.resolution}});
                     }
                     return Dump({{"similar", similar}});
                   }});
  tools.push_back({"suggest_assignee", "The best agents for this ticket, with reasons.",
                   R"({"type":"object","properties":{}})",
                   [advice_of](const std::string&) -> Result<std::string> {
                     Json assignees = Json::array();
                     for (const AssigneeSuggestion& s : advice_of().assignees) {
                       assignees.push_back({{"name", s.name}, {"reason", s.reason}});
                     }
                     return Dump({{"assignees", assignees}});
                   }});
  std::string choices;
  for (const std::string& line : context.field_choices) {
    choices += "\n" + line;
  }
  tools.push_back(
      {"propose_fields",
       "Propose a value for one ticket field; a human approves it. Allowed values:" + choices,
       R"({"type":"object","properties":{"field":{"type":"string"},"value":{"type":"string"},)"
       R"("confidence":{"type":"number"},"reason":{"type":"string"}},)"
       R"("required":["field","value","confidence"]})",
       [](const std::string&) { return Recorded("proposal"); }});
  tools.push_back({"draft_note", "Draft a short resolution summary for the human agent.",
                   R"({"type":"object","properties":{"summary":{"type":"string"}},)"
                   R"("required":["summary"]})",
                   [](const std::string&) { return Recorded("summary"); }});
  tools.push_back({"draft_reply", "Draft a reply to the requester; a human sends it.",
                   R"({"type":"object","properties":{"body":{"type":"string"}},)"
                   R"("required":["body"]})",
                   [](const std::string&) { return Recorded("reply draft"); }});
  for (Tool& tool : tools) {
    if (Status s = registry->Register(std::move(tool)); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

LlmDrafts CollectDrafts(const std::vector<AgentProposal>& proposals) {
  LlmDrafts drafts;
  for (const AgentProposal& proposal : proposals) {
    const Json args = Json::parse(proposal.arguments, nullptr, false);
    if (!args.is_object()) {
      continue;
    }
    if (proposal.tool == "draft_reply") {
      drafts.reply = StringAt(args, "body");
    } else if (proposal.tool == "draft_note") {
      drafts.summary = StringAt(args, "summary");
    } else if (proposal.tool == "propose_fields") {
      LlmFieldProposal field;
      field.field = StringAt(args, "field");
      field.value = StringAt(args, "value");
      field.reason = StringAt(args, "reason");
      auto confidence = args.find("confidence");
      if (confidence != args.end() && confidence->is_number()) {
        field.confidence = confidence->get<double>();
      }
      drafts.fields.push_back(std::move(field));
    }
  }
  return drafts;
}

}  // namespace autotriage
