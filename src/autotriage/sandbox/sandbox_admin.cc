// Test helpers of the sandbox (CreateTicket, SimulateAgentUpdate, TicketTruth, recorded writes)
// and their HTTP twins under /_sandbox/ for out-of-process tests and benchmarks.
#include <nlohmann/json.hpp>
#include <utility>

#include "autotriage/sandbox/sandbox_impl.h"
#include "autotriage/sandbox/schema.h"
#include "autotriage/sandbox/ticket_json.h"
#include "autotriage/sandbox/ticket_ops.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

std::vector<std::string> SplitTags(const std::string& text) {
  std::vector<std::string> tags;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string tag = text.substr(start, end - start);
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    if (!tag.empty()) {
      tags.push_back(tag);
    }
    start = end + 1;
  }
  return tags;
}

// Builds the patch for SimulateAgentUpdate from neutral names and labels.
Status NeutralPatch(SandboxStore* store, const std::map<std::string, std::string>& fields,
                    TicketPatch* patch) {
  const SandboxState& state = store->state();
  for (const auto& [key, value] : fields) {
    if (key == "group") {
      patch->group_id = 0;
      for (const SandboxGroup& group : state.groups) {
        if (group.name == value) {
          patch->group_id = group.id;
        }
      }
      if (!value.empty() && *patch->group_id == 0) {
        return InvalidArgument("no group named '" + value + "'");
      }
    } else if (key == "agent") {
      patch->responder_id = 0;
      for (const SandboxAgent& agent : state.agents) {
        if (agent.name == value || agent.email == value) {
          patch->responder_id = agent.id;
        }
      }
      if (!value.empty() && *patch->responder_id == 0) {
        return InvalidArgument("no agent named '" + value + "'");
      }
    } else if (key == "priority" || key == "status") {
      const auto& choices = key == "priority" ? PriorityChoices() : StatusChoices(state.kind);
      int id = ChoiceId(choices, value);
      if (id == 0) {
        return InvalidArgument("no " + key + " '" + value + "'");
      }
      (key == "priority" ? patch->priority : patch->status) = id;
    } else if (key == "type" || key == "category" || key == "office") {
      const auto& choices = key == "type"       ? TicketTypeChoices(state.kind)
                            : key == "category" ? CategoryChoices()
                                                : OfficeChoices();
      std::string canonical = CanonicalChoice(choices, value);
      if (!value.empty() && canonical.empty()) {
        return InvalidArgument("no " + key + " '" + value + "'");
      }
      if (key == "type") {
        patch->type = canonical;
      } else if (key == "category") {
        patch->category = canonical;
      } else {
        patch->custom["office"] = canonical;
      }
    } else if (key == "tags") {
      patch->tags = SplitTags(value);
    } else {
      return InvalidArgument("unknown field '" + key +
                             "' (use group, agent, priority, status, "
                             "type, category, office, tags)");
    }
  }
  return Status::Ok();
}

ApiResponse StatusResponse(const Status& status) {
  int code = status.code() == StatusCode::kNotFound ? 404 : 400;
  return CodeError(code, std::string(StatusCodeName(status.code())), status.message());
}

}  // namespace

Result<std::unique_ptr<SandboxServer>> SandboxServer::Start(const SandboxOptions& options) {
  auto server = std::make_unique<SandboxServerImpl>(options);
  Status status = server->Init();
  if (!status.ok()) {
    return status;
  }
  return std::unique_ptr<SandboxServer>(std::move(server));
}

std::vector<RecordedWrite> SandboxServerImpl::writes() const {
  auto lock = store_->Lock();
  return store_->state().writes;
}

SandboxWebhookStats SandboxServerImpl::webhook_stats() const {
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  return webhooks_ == nullptr ? SandboxWebhookStats() : webhooks_->stats();
}

void SandboxServerImpl::SetWebhookUrl(const std::string& url) {
  std::unique_ptr<WebhookSender> previous;
  {
    std::lock_guard<std::mutex> lock(webhook_mutex_);
    previous = std::move(webhooks_);
    if (!url.empty()) {
      webhooks_ =
          std::make_unique<WebhookSender>(url, [this](const std::string& line) { Log(line); });
    }
  }
  // Joined outside the lock: stopping waits for a delivery in progress.
  previous.reset();
}

bool SandboxServerImpl::WebhooksEnabled() const {
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  return webhooks_ != nullptr;
}

void SandboxServerImpl::EnqueueWebhook(std::string payload) {
  std::lock_guard<std::mutex> lock(webhook_mutex_);
  if (webhooks_ != nullptr) {
    webhooks_->Enqueue(std::move(payload));
  }
}

int64_t SandboxServerImpl::ticket_count() const {
  auto lock = store_->Lock();
  return static_cast<int64_t>(store_->state().tickets.size());
}

Result<int64_t> SandboxServerImpl::CreateTicket(const SandboxNewTicket& ticket) {
  if (ticket.requester_email.find('@') == std::string::npos) {
    return InvalidArgument("a new ticket needs a requester e-mail address");
  }
  TicketPatch patch;
  patch.subject = ticket.subject;
  patch.description_html = ticket.description_html;
  patch.requester_email = ticket.requester_email;
  patch.requester_name = ticket.requester_name;
  patch.tags = ticket.tags;
  patch.source = 2;  // portal
  std::string payload;
  int64_t id = 0;
  {
    auto lock = store_->Lock();
    SandboxTicket& created = CreateTicketFromPatch(store_.get(), patch, NowMs() / 1000);
    id = created.id;
    if (WebhooksEnabled()) {
      payload = WebhookPayload(store_.get(), created, WebhookEvent::kCreated, {}, false, base_url_);
    }
  }
  if (!payload.empty()) {
    EnqueueWebhook(std::move(payload));
  }
  return id;
}

Status SandboxServerImpl::SimulateAgentUpdate(int64_t ticket_id,
                                              const std::map<std::string, std::string>& fields) {
  std::string payload;
  {
    auto lock = store_->Lock();
    SandboxTicket* ticket = store_->FindTicket(ticket_id);
    if (ticket == nullptr) {
      return NotFound("sandbox ticket " + std::to_string(ticket_id) + " does not exist");
    }
    TicketPatch patch;
    AUTOTRIAGE_RETURN_IF_ERROR(NeutralPatch(store_.get(), fields, &patch));
    std::vector<FieldChange> changes =
        ApplyTicketPatch(store_.get(), ticket_id, patch, NowMs() / 1000);
    if (WebhooksEnabled() && !changes.empty()) {
      payload =
          WebhookPayload(store_.get(), *ticket, WebhookEvent::kUpdated, changes, false, base_url_);
    }
  }
  if (!payload.empty()) {
    EnqueueWebhook(std::move(payload));
  }
  return Status::Ok();
}

Result<std::map<std::string, std::string>> SandboxServerImpl::TicketTruth(int64_t ticket_id) const {
  auto lock = store_->Lock();
  const auto& tickets = store_->state().tickets;
  if (ticket_id < 1 || ticket_id > static_cast<int64_t>(tickets.size())) {
    return NotFound("sandbox ticket " + std::to_string(ticket_id) + " does not exist");
  }
  const SandboxTruth& truth = tickets[static_cast<size_t>(ticket_id - 1)].truth;
  return std::map<std::string, std::string>{{"group", truth.group},
                                            {"priority", truth.priority},
                                            {"type", truth.type},
                                            {"category", truth.category},
                                            {"language", truth.language}};
}

std::string SandboxServerImpl::WritesJson() const {
  Json list = Json::array();
  for (const RecordedWrite& w : writes()) {
    list.push_back({{"seq", w.seq},
                    {"method", w.method},
                    {"path", w.path},
                    {"body", w.body},
                    {"time_ms", w.time_ms},
                    {"status", w.status},
                    {"applied", w.applied},
                    {"dropped", w.dropped}});
  }
  return list.dump();
}

void SandboxServerImpl::AddAdminRoutes() {
  admin_router_.Add("GET", "/_sandbox/healthz", [this](const ApiRequest&) {
    SandboxWebhookStats hooks = webhook_stats();
    Json body = {
        {"status", "ok"},
        {"kind", options_.kind},
        {"tickets", ticket_count()},
        {"writes", writes().size()},
        {"webhooks",
         {{"queued", hooks.queued}, {"delivered", hooks.delivered}, {"failed", hooks.failed}}}};
    return JsonResponse(body.dump());
  });
  admin_router_.Add("GET", "/_sandbox/writes",
                    [this](const ApiRequest&) { return JsonResponse(WritesJson()); });
  admin_router_.Add("POST", "/_sandbox/tickets", [this](const ApiRequest& request) {
    Json body = Json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return InvalidJson("the body must be a JSON object");
    }
    SandboxNewTicket ticket;
    auto text = [&body](const char* key) {
      return body.contains(key) && body[key].is_string() ? body[key].get<std::string>()
                                                         : std::string();
    };
    ticket.subject = text("subject");
    ticket.description_html = text("description");
    ticket.requester_email = text("email");
    ticket.requester_name = text("name");
    ticket.tags = SplitTags(text("tags"));
    Result<int64_t> id = CreateTicket(ticket);
    if (!id.ok()) {
      return StatusResponse(id.status());
    }
    return JsonResponse(Json{{"id", *id}}.dump(), 201);
  });
  admin_router_.Add("POST", "/_sandbox/tickets/{id}/agent_update", [this](const ApiRequest& r) {
    Json body = Json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return InvalidJson("the body must be a JSON object of field names to values");
    }
    std::map<std::string, std::string> fields;
    for (const auto& [key, value] : body.items()) {
      fields[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
    Status status = SimulateAgentUpdate(r.ids[0], fields);
    return status.ok() ? JsonResponse(R"({"ok":true})") : StatusResponse(status);
  });
  admin_router_.Add("GET", "/_sandbox/tickets/{id}/truth", [this](const ApiRequest& r) {
    Result<std::map<std::string, std::string>> truth = TicketTruth(r.ids[0]);
    if (!truth.ok()) {
      return StatusResponse(truth.status());
    }
    return JsonResponse(Json(*truth).dump());
  });
}

}  // namespace autotriage
