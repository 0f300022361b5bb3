#include "autotriage/engine/advice.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "autotriage/knowledge/summary.h"
#include "autotriage/text/normalize.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

// The text searched for articles and similar tickets: subject and first message as plain text,
// without quoted replies and signatures (they talk about earlier tickets).
std::string SearchText(const Ticket& ticket) {
  std::string body = StripQuotedAndSignature(HtmlToText(ticket.description_html));
  return ticket.subject + "\n" + body;
}

}  // namespace

Advisor::Advisor(AdvisorSources sources)
    : sources_(std::make_shared<const AdvisorSources>(std::move(sources))) {}

void Advisor::Replace(AdvisorSources sources) {
  auto next = std::make_shared<const AdvisorSources>(std::move(sources));
  std::lock_guard<std::mutex> lock(mutex_);
  sources_ = std::move(next);
}

std::shared_ptr<const AdvisorSources> Advisor::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sources_;
}

TicketAdvice Advisor::Advise(const Ticket& ticket, const AdviceQuery& query) const {
  const std::shared_ptr<const AdvisorSources> sources = Snapshot();
  TicketAdvice advice;
  advice.query = query;
  advice.notes = sources->load_notes;
  const std::string text = SearchText(ticket);
  if (sources->kb != nullptr && sources->kb_results > 0) {
    Result<std::vector<KbHit>> hits = sources->kb->Search(text, sources->kb_results);
    if (hits.ok()) {
      advice.articles = std::move(*hits);
    } else {
      advice.notes.push_back("KB search failed: " + hits.status().message());
    }
  }
  if (sources->similar != nullptr && sources->similar_results > 0) {
    advice.similar =
        sources->similar->Find(text, sources->similar_results, query.group, query.group_confidence);
  }
  if (sources->routing != nullptr) {
    Workload workload;
    if (sources->workload) {
      workload = sources->workload();
    } else {
      workload.error = "not loaded";
    }
    AssigneeQuery routing_query;
    routing_query.group = query.group;
    routing_query.category = query.category;
    routing_query.language = ticket.language;
    routing_query.now = query.now;
    advice.assignees = sources->routing->Suggest(routing_query, workload, 2);
  }
  advice.summary = SummarizeTicket(ticket);
  return advice;
}

bool Advisor::ArticleExists(const std::string& id) const {
  const std::shared_ptr<const AdvisorSources> sources = Snapshot();
  if (sources->kb == nullptr) {
    return false;
  }
  Result<bool> found = sources->kb->Contains(id);
  return found.ok() && *found;
}

std::vector<KbHit> Advisor::SearchKb(const std::string& text, int k) const {
  const std::shared_ptr<const AdvisorSources> sources = Snapshot();
  if (sources->kb == nullptr || k <= 0) {
    return {};
  }
  Result<std::vector<KbHit>> hits = sources->kb->Search(text, k);
  return hits.ok() ? std::move(*hits) : std::vector<KbHit>{};
}

std::string AdviceJson(const TicketAdvice& advice) {
  Json articles = Json::array();
  for (const KbHit& hit : advice.articles) {
    articles.push_back({{"id", hit.id},
                        {"title", hit.title},
                        {"url", hit.url},
                        {"snippet", hit.snippet},
                        {"score", hit.score}});
  }
  Json similar = Json::array();
  for (const SimilarHit& hit : advice.similar) {
    similar.push_back({{"id", hit.id},
                       {"subject", hit.subject},
                       {"label", hit.label},
                       {"resolution", hit.resolution},
                       {"score", hit.score}});
  }
  Json assignees = Json::array();
  for (const AssigneeSuggestion& s : advice.assignees) {
    assignees.push_back({{"agent_id", s.agent_id},
                         {"name", s.name},
                         {"email", s.email},
                         {"score", s.score},
                         {"reason", s.reason}});
  }
  Json json = {{"articles", articles},
               {"similar", similar},
               {"assignees", assignees},
               {"summary", advice.summary},
               {"notes", advice.notes},
               {"query",
                {{"group", advice.query.group},
                 {"group_confidence", advice.query.group_confidence},
                 {"category", advice.query.category}}}};
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<TicketAdvice> ParseAdviceJson(const std::string& json) {
  const Json parsed = Json::parse(json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Corruption("stored advice is not a JSON object");
  }
  // nlohmann's typed getters throw on a type mismatch; the throw stays inside this function.
  try {
    auto text = [](const Json& object, const char* key) {
      return object.contains(key) && !object[key].is_null() ? object[key].get<std::string>()
                                                            : std::string();
    };
    auto number = [](const Json& object, const char* key) {
      return object.contains(key) && !object[key].is_null() ? object[key].get<double>() : 0.0;
    };
    auto items = [&](const char* key) {
      return parsed.contains(key) && parsed[key].is_array() ? parsed[key] : Json::array();
    };
    TicketAdvice advice;
    for (const Json& a : items("articles")) {
      KbHit hit;
      hit.id = text(a, "id");
      hit.title = text(a, "title");
      hit.url = text(a, "url");
      hit.snippet = text(a, "snippet");
      hit.score = number(a, "score");
      advice.articles.push_back(std::move(hit));
    }
    for (const Json& a : items("similar")) {
      SimilarHit hit;
      hit.id = text(a, "id");
      hit.subject = text(a, "subject");
      hit.label = text(a, "label");
      hit.resolution = text(a, "resolution");
      hit.score = number(a, "score");
      advice.similar.push_back(std::move(hit));
    }
    for (const Json& a : items("assignees")) {
      AssigneeSuggestion s;
      s.agent_id = text(a, "agent_id");
      s.name = text(a, "name");
      s.email = text(a, "email");
      s.score = number(a, "score");
      s.reason = text(a, "reason");
      advice.assignees.push_back(std::move(s));
    }
    advice.summary = text(parsed, "summary");
    for (const Json& note : items("notes")) {
      advice.notes.push_back(note.get<std::string>());
    }
    if (parsed.contains("query") && parsed["query"].is_object()) {
      const Json& query = parsed["query"];
      advice.query.group = text(query, "group");
      advice.query.group_confidence = number(query, "group_confidence");
      advice.query.category = text(query, "category");
    }
    return advice;
  } catch (const Json::exception& e) {
    return Corruption(std::string("stored advice has an unexpected shape: ") + e.what());
  }
}

}  // namespace autotriage
