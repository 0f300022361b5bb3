// The scripted chat-completions server used by the llm tests.
#include "autotriage/llm/scripted_server.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace autotriage {
namespace {

using nlohmann::json;

std::string AnswerBody(const ScriptStep& step, int index) {
  json message = {{"role", "assistant"}};
  message["content"] =
      step.tool_calls.empty() || !step.content.empty() ? json(step.content) : json(nullptr);
  if (!step.tool_calls.empty()) {
    json calls = json::array();
    for (const ToolCall& call : step.tool_calls) {
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
    }
    message["tool_calls"] = std::move(calls);
  }
  json body = {{"id", "chatcmpl-" + std::to_string(index)},
               {"object", "chat.completion"},
               {"created", 1700000000},
               {"model", "scripted"},
               {"choices",
                {{{"index", 0},
                  {"message", message},
                  {"finish_reason", step.tool_calls.empty() ? "stop" : "tool_calls"}}}}};
  if (step.report_usage) {
    body["usage"] = {{"prompt_tokens", step.usage.prompt_tokens},
                     {"completion_tokens", step.usage.completion_tokens},
                     {"total_tokens", step.usage.total_tokens}};
  }
  return body.dump();
}

std::string ErrorBody(const std::string& message) {
  return json{{"error", {{"message", message}, {"type", "scripted"}}}}.dump();
}

}  // namespace

ScriptStep ScriptStep::Text(std::string content) {
  ScriptStep step;
  step.content = std::move(content);
  return step;
}

ScriptStep ScriptStep::Call(std::string name, std::string arguments, std::string id) {
  ScriptStep step;
  step.tool_calls.push_back({std::move(id), std::move(name), std::move(arguments)});
  return step;
}

ScriptStep ScriptStep::Raw(int status, std::string body) {
  ScriptStep step;
  step.kind = Kind::kRawBody;
  step.status = status;
  step.body = std::move(body);
  return step;
}

ScriptStep ScriptStep::Error(int status, std::string retry_after) {
  ScriptStep step;
  step.kind = Kind::kHttpError;
  step.status = status;
  step.body = ErrorBody("scripted error " + std::to_string(status));
  step.retry_after = std::move(retry_after);
  return step;
}

ScriptStep ScriptStep::Hang() {
  ScriptStep step;
  step.kind = Kind::kHang;
  return step;
}

ScriptedChatServer::ScriptedChatServer() = default;

ScriptedChatServer::~ScriptedChatServer() {
  ReleaseHung();
  server_.Stop();
}

bool ScriptedChatServer::Start() {
  auto http = std::make_unique<httplib::Server>();
  http->Post("/v1/chat/completions", [this](const httplib::Request& request,
                                            httplib::Response& response) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back({request.path, request.body, request.get_header_value("Authorization")});
    }
    const json parsed = json::parse(request.body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("model") ||
        !parsed.contains("messages") || !parsed["messages"].is_array()) {
      response.status = 400;
      response.set_content(ErrorBody("request is not a chat completion"), "application/json");
      return;
    }
    const ScriptStep step = NextStep();
    switch (step.kind) {
      case ScriptStep::Kind::kAnswer: {
        int index = 0;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          index = ++answers_;
        }
        response.status = 200;
        response.set_content(AnswerBody(step, index), "application/json");
        return;
      }
      case ScriptStep::Kind::kRawBody:
        response.status = step.status;
        response.set_content(step.body, "application/json");
        return;
      case ScriptStep::Kind::kHttpError:
        response.status = step.status;
        if (!step.retry_after.empty()) {
          response.set_header("Retry-After", step.retry_after);
        }
        response.set_content(step.body, "application/json");
        return;
      case ScriptStep::Kind::kHang: {
        std::unique_lock<std::mutex> lock(mutex_);
        ++hung_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return released_; });
        --hung_;
        response.status = 503;
        response.set_content(ErrorBody("released"), "application/json");
        return;
      }
    }
  });
  return server_.Start(std::move(http));
}

std::string ScriptedChatServer::BaseUrl() const {
  return server_.Url("/v1");
}

void ScriptedChatServer::Push(ScriptStep step) {
  std::lock_guard<std::mutex> lock(mutex_);
  script_.push_back(std::move(step));
}

void ScriptedChatServer::Then(ScriptStep step) {
  std::lock_guard<std::mutex> lock(mutex_);
  then_ = std::move(step);
}

ScriptStep ScriptedChatServer::NextStep() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!script_.empty()) {
    ScriptStep step = std::move(script_.front());
    script_.pop_front();
    return step;
  }
  if (then_.has_value()) {
    return *then_;
  }
  return ScriptStep::Raw(500, ErrorBody("script exhausted"));
}

bool ScriptedChatServer::WaitUntilHung(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [this] { return hung_ > 0; });
}

void ScriptedChatServer::ReleaseHung() {
  std::lock_guard<std::mutex> lock(mutex_);
  released_ = true;
  changed_.notify_all();
}

std::vector<RecordedChatRequest> ScriptedChatServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

bool ScriptedChatServer::AnyRequestContains(const std::string& needle) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const RecordedChatRequest& request : requests_) {
    if (request.body.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace autotriage
