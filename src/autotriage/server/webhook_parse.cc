// ParseWebhook (declared in webhook_intake.h): the ticket fields of a Freshdesk or Freshservice
// webhook body. (A streaming SAX reader was tried: no faster, since nlohmann's lexer dominates.)
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "autotriage/core/ids.h"
#include "autotriage/server/webhook_intake.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxTicketIdDigits = 19;  // fits in int64
constexpr size_t kMaxEchoedChars = 40;     // of a bad value quoted back in an error

std::string Quoted(const std::string& text) {
  if (text.size() <= kMaxEchoedChars) {
    return "'" + text + "'";
  }
  return "'" + text.substr(0, kMaxEchoedChars) + "...'";
}

// The helpdesk's ticket id as canonical digits (string or number in the payload).
Result<std::string> CanonicalTicketId(const Json& ticket) {
  const auto it = ticket.find("ticket_id");
  if (it == ticket.end() || it->is_null()) {
    return InvalidArgument("the payload has no ticket_id");
  }
  std::string digits;
  if (it->is_number_unsigned()) {
    digits = std::to_string(it->get<uint64_t>());
  } else if (it->is_number_integer()) {
    return InvalidArgument("ticket_id must be a positive number");
  } else if (it->is_string()) {
    digits = it->get<std::string>();
    const bool all_digits =
        !digits.empty() &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!all_digits) {
      return InvalidArgument("ticket_id " + Quoted(digits) +
                             " is not a number (Freshservice: use {{ticket.id_numeric}})");
    }
  } else if (it->is_number()) {
    return InvalidArgument(
        "ticket_id must be a whole number or a string of digits, not a fraction");
  } else {
    return InvalidArgument("ticket_id must be a whole number or a string of digits, not a JSON " +
                           std::string(it->type_name()));
  }
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) {
    return InvalidArgument("ticket_id must be a positive number");
  }
  if (digits.size() > kMaxTicketIdDigits) {
    return InvalidArgument("ticket_id " + Quoted(digits) + " is too long");
  }
  return digits;
}

std::string EventName(const Json& ticket) {
  for (const char* key : {"triggered_event", "event"}) {
    const auto it = ticket.find(key);
    if (it != ticket.end() && !it->is_null()) {
      return it->is_string() ? it->get<std::string>() : it->dump();
    }
  }
  return "";
}

// Hash of every member, the event name included: Freshdesk's triggered_event is often the only
// trace of what changed (a group change is "{group_id:{from:1,to:2}}" and the default body has
// no group), while a re-delivery repeats it exactly. Keys come sorted (nlohmann objects are
// ordered maps, nested ones too), each part is length-prefixed so no two different payloads
// share a text, and the id is hashed in canonical form ("011", "11" and 11 are one version).
std::string TicketVersion(const Json& ticket, const std::string& ticket_id) {
  std::string text;
  for (const auto& [key, value] : ticket.items()) {
    const std::string rendered = key == "ticket_id"  ? ticket_id
                                 : value.is_string() ? value.get<std::string>()
                                                     : value.dump();
    text += std::to_string(key.size()) + ":" + key + " " + std::to_string(rendered.size()) + ":" +
            rendered + "\n";
  }
  return ToHex64(Fnv1a64(text));
}

}  // namespace

Result<ParsedWebhook> ParseWebhook(const std::string& kind, const std::string& body) {
  if (kind != "freshdesk" && kind != "freshservice") {
    return InvalidArgument("unknown webhook kind '" + kind + "'");
  }
  // The no-throw form: an untrusted body must not cost an exception.
  const Json document = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return InvalidArgument("malformed JSON: the body is not a valid JSON document");
  }
  if (!document.is_object()) {
    return InvalidArgument("the body must be a JSON object, not " +
                           std::string(document.type_name()));
  }
  const Json* ticket = &document;
  if (kind == "freshdesk") {
    const auto wrapped = document.find("freshdesk_webhook");
    if (wrapped != document.end()) {
      if (!wrapped->is_object()) {
        return InvalidArgument("freshdesk_webhook must be a JSON object");
      }
      ticket = &*wrapped;
    }
  }
  Result<std::string> ticket_id = CanonicalTicketId(*ticket);
  if (!ticket_id.ok()) {
    return ticket_id.status();
  }
  ParsedWebhook parsed;
  parsed.ticket_id = std::move(ticket_id).value();
  parsed.event = EventName(*ticket);
  parsed.version = TicketVersion(*ticket, parsed.ticket_id);
  return parsed;
}

}  // namespace autotriage
