// The chat-completions client: request encoding, response decoding, HTTP status mapping.
#include "autotriage/llm/chat_client.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <utility>

namespace autotriage {
namespace {

using nlohmann::json;

constexpr size_t kErrorExcerptChars = 200;

json EncodeMessage(const ChatMessage& message) {
  json out = {{"role", ChatRoleName(message.role)}};
  // OpenAI wants content null (not "") on an assistant message that only calls tools.
  if (message.role == ChatRole::kAssistant && message.content.empty() &&
      !message.tool_calls.empty()) {
    out["content"] = nullptr;
  } else {
    out["content"] = message.content;
  }
  if (!message.tool_calls.empty()) {
    json calls = json::array();
    for (const ToolCall& call : message.tool_calls) {
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
    }
    out["tool_calls"] = std::move(calls);
  }
  if (message.role == ChatRole::kTool) {
    out["tool_call_id"] = message.tool_call_id;
  }
  return out;
}

// A schema string that is not valid JSON is a caller bug; it is sent as an empty object schema
// rather than crashing, and the server's answer will show it.
json ParseSchemaOrEmpty(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return json{{"type", "object"}};
  }
  return parsed;
}

std::string Excerpt(const std::string& body) {
  std::string text = body.substr(0, kErrorExcerptChars);
  for (char& c : text) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return body.size() > kErrorExcerptChars ? text + "..." : text;
}

// The server's own error message when it sent the usual {"error": {"message": ...}}.
std::string ServerErrorText(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("error")) {
    const json& error = parsed["error"];
    if (error.is_object() && error.contains("message") && error["message"].is_string()) {
      return Excerpt(error["message"].get<std::string>());
    }
    if (error.is_string()) {
      return Excerpt(error.get<std::string>());
    }
  }
  return Excerpt(body);
}

// A server may echo the key it was sent in its error text; it never reaches our messages.
std::string WithoutSecret(std::string text, const std::string& secret) {
  if (secret.empty()) {
    return text;
  }
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "REDACTED");
  }
  return text;
}

Status StatusForHttp(int status, const std::string& body, const std::string& api_key) {
  const std::string what = "chat server answered HTTP " + std::to_string(status) + ": " +
                           WithoutSecret(ServerErrorText(WithoutSecret(body, api_key)), api_key);
  if (status == 401) {
    return Unauthenticated(what + " (check llm.api_key)");
  }
  if (status == 403) {
    return PermissionDenied(what);
  }
  if (status == 404) {
    return NotFound(what + " (check llm.base_url and llm.model)");
  }
  if (status == 429) {
    return ResourceExhausted(what);
  }
  if (status >= 500) {
    return Unavailable(what);
  }
  return FailedPrecondition(what);
}

Status Malformed(const std::string& what) {
  return InvalidArgument("malformed chat response: " + what);
}

int64_t IntOrZero(const json& object, const char* key) {
  if (object.contains(key) && object[key].is_number_integer()) {
    return object[key].get<int64_t>();
  }
  return 0;
}

class HttpChatClient final : public ChatClient {
 public:
  HttpChatClient(ChatClientOptions options, std::unique_ptr<HttpClient> http)
      : options_(std::move(options)), http_(std::move(http)) {}

  Result<ChatResponse> Complete(const ChatRequest& request) override {
    HttpRequest http_request;
    http_request.method = "POST";
    std::string base = options_.base_url;
    while (!base.empty() && base.back() == '/') {
      base.pop_back();
    }
    http_request.url = base + "/chat/completions";
    http_request.idempotent = true;  // a completion changes nothing on the server
    http_request.headers.emplace_back("Content-Type", "application/json");
    http_request.headers.emplace_back("Accept", "application/json");
    if (!options_.api_key.empty()) {
      http_request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    }
    http_request.body = ChatRequestBody(request, options_.model, options_.structured_outputs);
    Result<HttpResponse> response = http_->Send(http_request);
    if (!response.ok()) {
      return response.status().WithContext("chat request to " + RedactUrl(http_request.url));
    }
    if (response->status < 200 || response->status > 299) {
      return StatusForHttp(response->status, response->body, options_.api_key);
    }
    return ParseChatResponse(response->body);
  }

 private:
  ChatClientOptions options_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace

std::string_view ChatRoleName(ChatRole role) {
  switch (role) {
    case ChatRole::kSystem:
      return "system";
    case ChatRole::kUser:
      return "user";
    case ChatRole::kAssistant:
      return "assistant";
    case ChatRole::kTool:
      return "tool";
  }
  return "user";
}

std::string ChatRequestBody(const ChatRequest& request, const std::string& model,
                            bool structured_outputs) {
  json body = {{"model", model}, {"stream", false}};
  json messages = json::array();
  for (const ChatMessage& message : request.messages) {
    messages.push_back(EncodeMessage(message));
  }
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    json tools = json::array();
    for (const ToolSpec& tool : request.tools) {
      tools.push_back({{"type", "function"},
                       {"function",
                        {{"name", tool.name},
                         {"description", tool.description},
                         {"parameters", ParseSchemaOrEmpty(tool.parameters_schema)}}}});
    }
    body["tools"] = std::move(tools);
    if (request.tool_choice == "auto" || request.tool_choice == "none" ||
        request.tool_choice == "required") {
      body["tool_choice"] = request.tool_choice;
    } else if (!request.tool_choice.empty()) {
      body["tool_choice"] = {{"type", "function"}, {"function", {{"name", request.tool_choice}}}};
    }
  }
  if (request.temperature.has_value()) {
    body["temperature"] = *request.temperature;
  }
  if (request.max_tokens > 0) {
    body["max_tokens"] = request.max_tokens;
  }
  if (structured_outputs && request.response_format.has_value()) {
    const ResponseSchema& format = *request.response_format;
    body["response_format"] = {{"type", "json_schema"},
                               {"json_schema",
                                {{"name", format.name},
                                 {"schema", ParseSchemaOrEmpty(format.schema)},
                                 {"strict", format.strict}}}};
  }
  // Invalid UTF-8 in ticket text must not make dump() throw: replace it.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<ChatResponse> ParseChatResponse(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Malformed("the body is not JSON (starts with '" + Excerpt(body.substr(0, 40)) + "')");
  }
  if (!parsed.is_object()) {
    return Malformed("the body is not a JSON object");
  }
  if (!parsed.contains("choices") || !parsed["choices"].is_array() || parsed["choices"].empty()) {
    return Malformed("no choices");
  }
  const json& choice = parsed["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) {
    return Malformed("choices[0] has no message");
  }
  const json& message = choice["message"];
  ChatResponse out;
  if (message.contains("content") && message["content"].is_string()) {
    out.content = message["content"].get<std::string>();
  } else if (message.contains("content") && !message["content"].is_null()) {
    return Malformed("choices[0].message.content is neither text nor null");
  }
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
    out.finish_reason = choice["finish_reason"].get<std::string>();
  }
  if (message.contains("tool_calls") && !message["tool_calls"].is_null()) {
    if (!message["tool_calls"].is_array()) {
      return Malformed("tool_calls is not a list");
    }
    int index = 0;
    for (const json& call : message["tool_calls"]) {
      const std::string where = "tool_calls[" + std::to_string(index) + "]";
      if (!call.is_object() || !call.contains("function") || !call["function"].is_object()) {
        return Malformed(where + " has no function");
      }
      const json& function = call["function"];
      ToolCall tool_call;
      if (!function.contains("name") || !function["name"].is_string() ||
          function["name"].get<std::string>().empty()) {
        return Malformed(where + " has no function name");
      }
      tool_call.name = function["name"].get<std::string>();
      if (call.contains("id") && call["id"].is_string()) {
        tool_call.id = call["id"].get<std::string>();
      }
      if (tool_call.id.empty()) {  // some servers omit ids; the tool result still needs one
        tool_call.id = "call_" + std::to_string(index);
      }
      // Servers send arguments as a JSON string; a few send the object itself.
      if (function.contains("arguments") && function["arguments"].is_string()) {
        tool_call.arguments = function["arguments"].get<std::string>();
        if (tool_call.arguments.empty()) {
          tool_call.arguments = "{}";
        }
        if (json::parse(tool_call.arguments, nullptr, false).is_discarded()) {
          return Malformed(where + " (" + tool_call.name + ") arguments are not JSON");
        }
      } else if (function.contains("arguments") && function["arguments"].is_object()) {
        tool_call.arguments = function["arguments"].dump();
      } else {
        tool_call.arguments = "{}";
      }
      out.tool_calls.push_back(std::move(tool_call));
      ++index;
    }
  }
  if (parsed.contains("usage") && parsed["usage"].is_object()) {
    const json& usage = parsed["usage"];
    out.usage.prompt_tokens = IntOrZero(usage, "prompt_tokens");
    out.usage.completion_tokens = IntOrZero(usage, "completion_tokens");
    out.usage.total_tokens = IntOrZero(usage, "total_tokens");
    if (out.usage.total_tokens == 0) {
      out.usage.total_tokens = out.usage.prompt_tokens + out.usage.completion_tokens;
    }
    out.usage_reported = true;
  }
  return out;
}

HttpClientOptions ChatHttpOptions(const ChatClientOptions& options) {
  HttpClientOptions http;
  http.connect_timeout = std::chrono::milliseconds(options.connect_timeout_ms);
  http.total_timeout = std::chrono::milliseconds(options.timeout_ms);
  http.max_retries = options.max_retries;
  http.max_retry_after = std::chrono::seconds(options.max_retry_after_seconds);
  http.user_agent = "autotriage-llm";
  return http;
}

std::unique_ptr<ChatClient> NewChatClient(const ChatClientOptions& options,
                                          std::unique_ptr<HttpClient> http) {
  return std::make_unique<HttpChatClient>(options, std::move(http));
}

std::unique_ptr<ChatClient> NewChatClient(const ChatClientOptions& options) {
  return NewChatClient(options, NewCurlHttpClient(ChatHttpOptions(options)));
}

}  // namespace autotriage
