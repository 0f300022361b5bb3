// Freshservice: the factory, the knowledge-base walk (reference B.6) and problems (B.8).
#include "autotriage/connectors/freshworks/freshservice_helpdesk.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

#include "autotriage/connectors/freshworks/freshworks_helpdesk.h"

namespace autotriage {
namespace {

constexpr int64_t kDaySeconds = 86400;
// Problems are few (one per recurring issue); this only stops a runaway Link chain.
constexpr int kMaxProblemPages = 50;

std::string EscapeHtml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Helpdesk>> NewFreshserviceHelpdesk(std::shared_ptr<HttpClient> http,
                                                          FreshworksOptions options) {
  if (http == nullptr) {
    return InvalidArgument("Freshservice connector: no HTTP client");
  }
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateFreshworksOptions("Freshservice", &options));
  return std::unique_ptr<Helpdesk>(
      new FreshworksHelpdesk(FreshworksKind::kFreshservice, std::move(http), std::move(options)));
}

Result<std::vector<KbArticle>> FreshworksHelpdesk::ListFreshserviceKb(bool include_unpublished) {
  Result<std::vector<FreshworksKbNode>> categories =
      GetKbNodes("/api/v2/solutions/categories?per_page=100");
  if (!categories.ok()) {
    return categories.status();
  }
  std::vector<KbArticle> articles;
  for (const FreshworksKbNode& category : *categories) {
    Result<std::vector<FreshworksKbNode>> folders =
        GetKbNodes("/api/v2/solutions/folders?category_id=" + category.id + "&per_page=100");
    if (!folders.ok()) {
      return folders.status();
    }
    for (const FreshworksKbNode& folder : *folders) {
      Result<std::vector<std::string>> pages =
          GetAllPages("/api/v2/solutions/articles?folder_id=" + folder.id + "&per_page=100",
                      options().max_kb_pages);
      if (!pages.ok()) {
        return pages.status();
      }
      for (const std::string& body : *pages) {
        Result<std::vector<KbArticle>> page = ParseKbArticles(body);
        if (!page.ok()) {
          return page.status().WithContext(name_ + " GET /api/v2/solutions/articles");
        }
        for (KbArticle& article : *page) {
          if (!article.published && !include_unpublished) {
            continue;
          }
          article.category = category.name;
          article.folder = folder.name;
          if (article.url.empty()) {
            article.url = options().portal_url + "/support/solutions/articles/" + article.id;
          }
          articles.push_back(std::move(article));
        }
      }
    }
  }
  return articles;
}

Result<std::string> FreshworksHelpdesk::CreateFreshserviceProblem(const ProblemRecord& problem) {
  if (problem.subject.empty()) {
    return InvalidArgument("Freshservice: a problem needs a subject");
  }
  int priority = 2;  // Medium unless the caller says otherwise
  if (!problem.priority.empty()) {
    priority = FreshworksPriorityId(problem.priority);
    if (priority == 0) {
      return InvalidArgument("Freshservice: '" + problem.priority +
                             "' is not a priority (Low, Medium, High, Urgent)");
    }
  }
  for (const std::string& id : problem.ticket_ids) {
    AUTOTRIAGE_RETURN_IF_ERROR(CheckTicketId(id));
  }
  std::vector<WireField> fields;
  if (!options().problem_requester_email.empty()) {
    fields.push_back(WireString("email", options().problem_requester_email));
  } else if (!problem.ticket_ids.empty()) {
    const std::string& first = problem.ticket_ids.front();
    Result<HttpResponse> response = Call("GET", "/api/v2/tickets/" + first);
    if (!response.ok()) {
      return TicketError(response.status(), first);
    }
    FreshworksTicketKeys keys;
    Result<Ticket> ticket = ParseSingleTicket(kind_, response->body, FreshworksNames(), &keys);
    if (!ticket.ok()) {
      return ticket.status().WithContext(name_ + " GET /api/v2/tickets/" + first);
    }
    fields.push_back(WireInt("requester_id", keys.requester_id));
  } else {
    Result<std::vector<Agent>> agents = FetchAgents();
    if (!agents.ok()) {
      return agents.status();
    }
    if (agents->empty()) {
      return FailedPrecondition(
          "Freshservice: no requester for the problem; set problem_requester_email");
    }
    fields.push_back(WireInt("requester_id", std::stoll(agents->front().id)));
  }
  std::string description = problem.description_html;
  if (!problem.ticket_ids.empty()) {
    // The v2 API has no documented call linking tickets to a problem: list them instead.
    description += "<p>Related tickets:</p><ul>";
    for (const std::string& id : problem.ticket_ids) {
      description += "<li><a href=\"" + EscapeHtml(options().portal_url) + "/a/tickets/" + id +
                     "\">#" + id + "</a></li>";
    }
    description += "</ul>";
  }
  if (description.empty()) {
    description = "<p>" + EscapeHtml(problem.subject) + "</p>";
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  fields.push_back(WireString("subject", problem.subject));
  fields.push_back(WireString("description", description));
  fields.push_back(WireInt("status", 1));  // Open
  fields.push_back(WireInt("priority", priority));
  fields.push_back(WireInt("impact", std::min(priority, 3)));
  fields.push_back(WireString(
      "due_by", FormatFreshworksTime(now + std::max(1, options().problem_due_days) * kDaySeconds)));
  Result<HttpResponse> response =
      Call("POST", "/api/v2/problems", BuildJsonObject(fields), /*idempotent=*/false);
  if (!response.ok()) {
    return response.status();
  }
  Result<std::string> id = ParseCreatedId(response->body, "problem");
  if (!id.ok()) {
    return id.status().WithContext(name_ + " POST /api/v2/problems");
  }
  return id;
}

Result<std::optional<std::string>> FreshworksHelpdesk::FindFreshserviceProblem(
    const std::string& marker) {
  if (marker.empty()) {
    return InvalidArgument("Freshservice: an empty marker matches every problem");
  }
  Result<std::vector<std::string>> pages =
      GetAllPages("/api/v2/problems?per_page=100", kMaxProblemPages);
  if (!pages.ok()) {
    return pages.status();
  }
  std::optional<int64_t> newest;
  for (const std::string& body : *pages) {
    const nlohmann::json page = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!page.is_object() || !page.contains("problems") || !page["problems"].is_array()) {
      return Corruption(name_ + " GET /api/v2/problems: the answer has no \"problems\" list");
    }
    for (const nlohmann::json& problem : page["problems"]) {
      if (!problem.is_object() || !problem.contains("id") || !problem["id"].is_number_integer()) {
        continue;
      }
      const auto description = problem.find("description");
      if (description == problem.end() || !description->is_string() ||
          description->get_ref<const std::string&>().find(marker) == std::string::npos) {
        continue;
      }
      newest = std::max(newest.value_or(0), problem["id"].get<int64_t>());
    }
  }
  if (!newest.has_value()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(std::to_string(*newest));
}

}  // namespace autotriage
