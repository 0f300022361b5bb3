// The RT connector's transport, factory and ticket reads (search, one ticket with its
// conversations, the TicketSQL time-zone measurement). Writes are in rt_writes.cc; groups,
// agents and the field schema in rt_directory.cc.
#include "autotriage/connectors/rt/rt_helpdesk.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>

#include "autotriage/connectors/rt/rt_internal.h"

namespace autotriage {
namespace {

constexpr int kMaxPageSize = 100;
constexpr int kMaxAttachmentPages = 50;
// TicketSQL offsets are measured in quarter hours between UTC-14h and UTC+14h.
constexpr int64_t kZoneStep = 15 * 60;
constexpr int64_t kZoneSteps = 56;
constexpr int64_t kZoneCacheSeconds = 600;

int64_t SteadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string PathOnly(const std::string& path) {
  return path.substr(0, path.find('?'));
}

}  // namespace

bool IsRtTicketId(const std::string& id) {
  return !id.empty() && id.size() <= 18 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); });
}

// ---- RtTransport ----

RtTransport::RtTransport(std::shared_ptr<HttpClient> http, std::string api_root,
                         std::string base_url, std::string token)
    : http_(std::move(http)),
      api_root_(std::move(api_root)),
      base_url_(std::move(base_url)),
      token_(std::move(token)) {}

Result<HttpResponse> RtTransport::Send(HttpRequest request, const std::string& what) const {
  request.headers.emplace_back("Authorization", "token " + token_);
  request.headers.emplace_back("Accept", "application/json");
  if (!request.body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  }
  Result<HttpResponse> response = http_->Send(request);
  if (!response.ok()) {
    return response.status().WithContext("RT " + what);
  }
  if (response->status < 200 || response->status >= 300) {
    return RtHttpError(response.value(), what, base_url_);
  }
  return response;
}

Result<std::string> RtTransport::Get(const std::string& path) const {
  HttpRequest request;
  request.method = "GET";
  request.url = api_root_ + path;
  Result<HttpResponse> response = Send(std::move(request), "GET " + PathOnly(path));
  if (!response.ok()) {
    return response.status();
  }
  return std::move(response->body);
}

Result<std::string> RtTransport::Search(const std::string& path, const std::string& json) const {
  HttpRequest request;
  request.method = "POST";
  request.url = api_root_ + path;
  request.body = json;
  request.idempotent = true;  // a search changes nothing
  Result<HttpResponse> response = Send(std::move(request), "POST " + PathOnly(path));
  if (!response.ok()) {
    return response.status();
  }
  return std::move(response->body);
}

Result<HttpResponse> RtTransport::Write(const std::string& method, const std::string& path,
                                        const std::string& json) const {
  HttpRequest request;
  request.method = method;
  request.url = api_root_ + path;
  request.body = json;
  request.idempotent = false;
  return Send(std::move(request), method + " " + PathOnly(path));
}

// ---- Factory ----

Result<std::unique_ptr<Helpdesk>> NewRtHelpdesk(std::shared_ptr<HttpClient> http,
                                                RtOptions options) {
  if (http == nullptr) {
    return InvalidArgument("RT connector: no HTTP client");
  }
  std::string base = options.base_url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  constexpr std::string_view kRestSuffix = "/REST/2.0";
  if (base.size() >= kRestSuffix.size() &&
      base.compare(base.size() - kRestSuffix.size(), kRestSuffix.size(), kRestSuffix) == 0) {
    base.erase(base.size() - kRestSuffix.size());
  }
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) {
    return InvalidArgument("RT connector: base_url '" + options.base_url +
                           "' is not an http:// or https:// URL");
  }
  if (options.token.empty()) {
    return InvalidArgument("RT connector: no auth token configured");
  }
  if (std::any_of(options.token.begin(), options.token.end(),
                  [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); })) {
    return InvalidArgument("RT connector: the auth token contains spaces or control characters");
  }
  if (options.priority_labels.empty()) {
    return InvalidArgument("RT connector: priority_labels is empty");
  }
  options.base_url = base;
  std::unique_ptr<Helpdesk> helpdesk =
      std::make_unique<RtHelpdesk>(std::move(http), std::move(options), base + "/REST/2.0");
  return helpdesk;
}

RtHelpdesk::RtHelpdesk(std::shared_ptr<HttpClient> http, RtOptions options, std::string api_root)
    : options_(std::move(options)),
      transport_(std::move(http), std::move(api_root), options_.base_url, options_.token) {}

HelpdeskCapabilities RtHelpdesk::capabilities() const {
  HelpdeskCapabilities caps;
  caps.problems = false;
  caps.knowledge_base = false;
  caps.webhooks = false;
  caps.html_notes = false;
  caps.max_page_size = kMaxPageSize;
  return caps;
}

// ---- Time zone of TicketSQL dates ----

Result<bool> RtHelpdesk::SearchMatches(const std::string& sql) {
  Result<std::string> body =
      transport_.Get("/tickets?query=" + RtUrlEncode(sql) + "&per_page=1&fields=id");
  if (!body.ok()) {
    return body.status();
  }
  Result<std::pair<std::vector<std::string>, RtPageInfo>> ids = ParseRtItemIds(body.value());
  if (!ids.ok()) {
    return ids.status();
  }
  return !ids->first.empty();
}

Result<int64_t> RtHelpdesk::MeasureZoneOffset() {
  // RT reads a TicketSQL date in the zone of the token's user: 'S' means UTC S - offset. With a
  // ticket whose LastUpdated is L, "LastUpdated >= 'L + k'" matches exactly when k <= offset,
  // so a binary search over k finds the offset. A ticket updated meanwhile spoils the search,
  // so the probe is the newest ticket left alone for a day or more (recent enough to share
  // today's daylight-saving offset), else the newest one, and L is checked again afterwards.
  const std::string day_old =
      "id > 0 AND LastUpdated < " +
      QuoteTicketSql(FormatRtSqlTime(static_cast<int64_t>(std::time(nullptr)) - 36 * 3600));
  const std::string newest_of = "&orderby=LastUpdated&order=DESC&per_page=1&fields=LastUpdated";
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<std::string> body = transport_.Get("/tickets?query=" + RtUrlEncode(day_old) + newest_of);
    if (!body.ok()) {
      return body.status();
    }
    Result<RtTicketList> list = ParseRtTicketList(body.value(), options_.priority_labels);
    if (!list.ok()) {
      return list.status();
    }
    if (list->tickets.empty()) {
      body = transport_.Get("/tickets?query=" + RtUrlEncode("id > 0") + newest_of);
      if (!body.ok()) {
        return body.status();
      }
      list = ParseRtTicketList(body.value(), options_.priority_labels);
      if (!list.ok()) {
        return list.status();
      }
    }
    if (list->tickets.empty()) {
      return int64_t{0};  // no tickets: no date bound can miss one
    }
    const Ticket& probe = list->tickets.front();
    const std::string id_condition = "id = " + probe.id + " AND LastUpdated >= ";
    int64_t low = -kZoneSteps;      // always matches
    int64_t high = kZoneSteps + 1;  // never matches
    while (high - low > 1) {
      const int64_t mid = low + (high - low) / 2;
      Result<bool> match = SearchMatches(
          id_condition + QuoteTicketSql(FormatRtSqlTime(probe.updated_at + mid * kZoneStep)));
      if (!match.ok()) {
        return match.status();
      }
      (match.value() ? low : high) = mid;
    }
    Result<std::string> again = transport_.Get("/tickets?query=" + RtUrlEncode("id = " + probe.id) +
                                               "&per_page=1&fields=LastUpdated");
    if (!again.ok()) {
      return again.status();
    }
    Result<RtTicketList> recheck = ParseRtTicketList(again.value(), options_.priority_labels);
    if (!recheck.ok()) {
      return recheck.status();
    }
    if (!recheck->tickets.empty() && recheck->tickets.front().updated_at == probe.updated_at) {
      return low * kZoneStep;
    }
  }
  return Unavailable(
      "RT: could not measure the time zone of TicketSQL dates (the newest "
      "ticket kept changing); try again");
}

Result<int64_t> RtHelpdesk::ZoneOffset() {
  std::lock_guard<std::mutex> lock(zone_mu_);
  const int64_t now = SteadySeconds();
  if (zone_offset_.has_value() && now - zone_measured_at_ < kZoneCacheSeconds) {
    return *zone_offset_;
  }
  Result<int64_t> measured = MeasureZoneOffset();
  if (!measured.ok()) {
    return measured.status();
  }
  zone_offset_ = measured.value();
  zone_measured_at_ = now;
  return measured.value();
}

// ---- Reads ----

Result<TicketPage> RtHelpdesk::FindTickets(const TicketQuery& query) {
  // Keyset paging: the cursor is "<LastUpdated literal>;<id>" of the last ticket returned, and
  // the next page asks for what sorts after it. Offset paging would skip a ticket whenever one
  // on an earlier page is updated meanwhile (it moves to the end and everything shifts left);
  // with a key, a ticket updated during the walk is simply seen again in its newer state.
  std::string since_literal;
  std::string after_id;
  if (!query.cursor.empty()) {
    const size_t split = query.cursor.find(';');
    since_literal = query.cursor.substr(0, split);
    after_id = split == std::string::npos ? "" : query.cursor.substr(split + 1);
    const bool literal_ok =
        !since_literal.empty() &&
        std::all_of(since_literal.begin(), since_literal.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == ' ';
        });
    if (!literal_ok || !IsRtTicketId(after_id)) {
      return InvalidArgument("RT: malformed ticket cursor '" + query.cursor + "'");
    }
  } else if (query.updated_since > 0) {
    Result<int64_t> offset = ZoneOffset();
    if (!offset.ok()) {
      return offset.status();
    }
    since_literal = FormatRtSqlTime(query.updated_since + offset.value());
  }
  const int per_page = std::clamp(query.page_size, 1, kMaxPageSize);
  const std::string path =
      "/tickets?query=" + RtUrlEncode(BuildTicketSql(query, since_literal, after_id)) +
      "&orderby=LastUpdated&order=ASC&orderby=id&order=ASC&page=1&per_page=" +
      std::to_string(per_page) + RtTicketFields();
  Result<std::string> body = transport_.Get(path);
  if (!body.ok()) {
    return body.status();
  }
  Result<RtTicketList> list = ParseRtTicketList(body.value(), options_.priority_labels);
  if (!list.ok()) {
    return list.status();
  }
  TicketPage out;
  if (list->info.has_next && !list->tickets.empty()) {
    Result<int64_t> offset = ZoneOffset();
    if (!offset.ok()) {
      return offset.status();
    }
    const Ticket& last = list->tickets.back();
    out.next_cursor = FormatRtSqlTime(last.updated_at + offset.value()) + ";" + last.id;
  }
  for (Ticket& ticket : list->tickets) {
    // Belt and braces for the zone measurement: never return a ticket older than asked for.
    if (ticket.updated_at >= query.updated_since) {
      out.tickets.push_back(std::move(ticket));
    }
  }
  return out;
}

Result<Ticket> RtHelpdesk::FetchTicketFields(const std::string& id,
                                             std::vector<std::string>* requestors) {
  if (!IsRtTicketId(id)) {
    return NotFound("RT ticket '" + id + "' not found: RT ticket ids are numbers");
  }
  Result<std::string> body = transport_.Get("/tickets?query=" + RtUrlEncode("id = " + id) +
                                            "&per_page=1" + RtTicketFields());
  if (!body.ok()) {
    return body.status();
  }
  Result<RtTicketList> list = ParseRtTicketList(body.value(), options_.priority_labels);
  if (!list.ok()) {
    return list.status();
  }
  if (list->tickets.empty()) {
    return NotFound("RT ticket " + id + " not found (or not visible to the token's user)");
  }
  *requestors = std::move(list->requestor_names.front());
  return std::move(list->tickets.front());
}

Status RtHelpdesk::AddConversations(const std::vector<std::string>& requestors, Ticket* ticket) {
  std::vector<RtTransaction> messages;
  for (int page = 1; page <= options_.max_history_pages; ++page) {
    Result<std::string> body = transport_.Get(
        "/ticket/" + ticket->id +
        "/history?fields=Type,Creator,Created&per_page=100&page=" + std::to_string(page));
    if (!body.ok()) {
      return body.status();
    }
    auto parsed = ParseRtTransactions(body.value());
    if (!parsed.ok()) {
      return parsed.status();
    }
    for (RtTransaction& txn : parsed->first) {
      if (txn.type == "Create" || txn.type == "Correspond" || txn.type == "Comment") {
        messages.push_back(std::move(txn));
      }
    }
    if (!parsed->second.has_next) {
      break;
    }
  }
  if (messages.empty()) {
    return Status::Ok();
  }

  std::vector<std::string> ids;
  for (const RtTransaction& txn : messages) {
    ids.push_back(txn.id);
  }
  // Per transaction: its first text/plain part, else its first text/html part; files skipped.
  std::map<std::string, std::string> plain;
  std::map<std::string, std::string> html;
  const std::string search = RtAttachmentSearch(ids);
  for (int page = 1; page <= kMaxAttachmentPages; ++page) {
    Result<std::string> body = transport_.Search(
        "/attachments?fields=TransactionId,ContentType,Content,Filename&per_page=100&page=" +
            std::to_string(page),
        search);
    if (!body.ok()) {
      return body.status();
    }
    auto parsed = ParseRtAttachments(body.value());
    if (!parsed.ok()) {
      return parsed.status();
    }
    for (RtAttachment& part : parsed->first) {
      if (!part.filename.empty() || part.content.empty()) {
        continue;
      }
      auto& target = part.content_type == "text/html" ? html : plain;
      target.emplace(part.transaction_id, std::move(part.content));  // keeps the first
    }
    if (!parsed->second.has_next) {
      break;
    }
  }

  for (const RtTransaction& txn : messages) {
    std::string body;
    if (auto text = plain.find(txn.id); text != plain.end()) {
      body = text->second;
    } else if (auto markup = html.find(txn.id); markup != html.end()) {
      body = markup->second;
    }
    if (txn.type == "Create") {
      if (ticket->description_html.empty()) {
        ticket->description_html = body;
      }
      continue;
    }
    Conversation conversation;
    conversation.id = txn.id;
    conversation.author = txn.creator;
    conversation.body_html = body;
    conversation.is_private = txn.type == "Comment";
    conversation.from_requester =
        std::find(requestors.begin(), requestors.end(), txn.creator) != requestors.end();
    conversation.created_at = txn.created;
    ticket->conversations.push_back(std::move(conversation));
  }
  return Status::Ok();
}

Result<Ticket> RtHelpdesk::GetTicket(const std::string& id) {
  std::vector<std::string> requestors;
  Result<Ticket> ticket = FetchTicketFields(id, &requestors);
  if (!ticket.ok()) {
    return ticket.status();
  }
  AUTOTRIAGE_RETURN_IF_ERROR(AddConversations(requestors, &ticket.value()));
  return ticket;
}

Result<std::vector<KbArticle>> RtHelpdesk::ListKbArticles(bool /*include_unpublished*/) {
  return std::vector<KbArticle>{};
}

Result<std::string> RtHelpdesk::CreateProblem(const ProblemRecord& /*problem*/) {
  return Unimplemented("Request Tracker has no Problem records (capabilities().problems is false)");
}

}  // namespace autotriage
