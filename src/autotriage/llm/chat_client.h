// ChatClient: a client for the OpenAI-compatible `POST {base_url}/chat/completions` API, as
// served by OpenAI, Azure OpenAI, vLLM, Ollama (`/v1`), llama.cpp's llama-server and LM Studio.
//
// One Complete() call sends one request: messages (system, user, assistant with tool calls, tool
// results), optional tools (function calling) with a tool_choice, temperature, max_tokens and,
// when the server is configured as supporting it, `response_format: {type: json_schema}`. The
// answer is reduced to the first choice: its text, its tool calls, finish_reason and token usage.
//
// Transport goes through the project's HttpClient, so the connect/total timeouts, bounded retries
// with backoff, Retry-After on 429/503 and redacted logging are the same as for helpdesk calls.
// A chat completion changes nothing on the server, so the request is sent as idempotent: 5xx,
// 429 and network errors are retried up to `max_retries` times.
//
// Errors (never a crash; messages never contain the API key, and quote at most a short excerpt of
// a server's error body):
//   kInvalidArgument     the server answered 2xx but the body is malformed: not JSON, no
//                        choices, a tool call without a name, tool-call arguments that are not
//                        JSON. The message starts with "malformed chat response".
//   kDeadlineExceeded    the total timeout ran out (after retries).
//   kUnavailable         no connection, or 5xx after the retries.
//   kResourceExhausted   429 after the retries, or a Retry-After longer than allowed.
//   kUnauthenticated     401; kPermissionDenied 403; kNotFound 404 (wrong base_url or model).
//   kFailedPrecondition  any other 4xx: the server refused the request (e.g. it does not know
//                        response_format or tools).
// Thread-safety: Complete may be called from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autotriage/connectors/http_client.h"
#include "autotriage/core/status.h"

namespace autotriage {

enum class ChatRole { kSystem, kUser, kAssistant, kTool };

// "system", "user", "assistant", "tool".
std::string_view ChatRoleName(ChatRole role);

// A function call the model asked for.
struct ToolCall {
  std::string id;         // the server's id; echoed in the tool result's tool_call_id
  std::string name;       // function name
  std::string arguments;  // JSON text exactly as the model wrote it
};

struct ChatMessage {
  ChatRole role = ChatRole::kUser;
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant messages only
  std::string tool_call_id;          // tool messages only: which call this answers
};

// A function the model may call. `parameters_schema` is a JSON Schema object as JSON text.
struct ToolSpec {
  std::string name;
  std::string description;
  std::string parameters_schema = R"({"type":"object","properties":{}})";
};

// `response_format: {type: json_schema, json_schema: {name, schema, strict}}`.
struct ResponseSchema {
  std::string name = "answer";
  std::string schema;  // JSON Schema as JSON text
  bool strict = true;
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  std::vector<ToolSpec> tools;
  // "" (server default), "auto", "none", "required", or the name of one tool to force.
  std::string tool_choice;
  std::optional<double> temperature;
  int max_tokens = 0;  // 0 = not sent
  // Sent only when ChatClientOptions::structured_outputs is true; otherwise the caller must
  // instruct the model in the prompt and validate the answer itself.
  std::optional<ResponseSchema> response_format;
};

struct TokenUsage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
};

struct ChatResponse {
  std::string content;  // may be empty when the model only called tools
  std::vector<ToolCall> tool_calls;
  std::string finish_reason;  // "stop", "tool_calls", "length", ... as the server said
  TokenUsage usage;           // zeros when the server sent none
  bool usage_reported = false;
};

struct ChatClientOptions {
  // e.g. "http://127.0.0.1:11434/v1"; "/chat/completions" is appended.
  std::string base_url;
  // Secret. Sent as "Authorization: Bearer ..." when not empty; never logged.
  std::string api_key;
  std::string model;
  int connect_timeout_ms = 5000;
  int timeout_ms = 60000;  // one attempt, first byte to last
  int max_retries = 2;
  int max_retry_after_seconds = 60;
  // The server understands response_format json_schema (OpenAI, vLLM, recent Ollama and
  // llama.cpp). false: response_format is never sent.
  bool structured_outputs = false;
};

class ChatClient {
 public:
  virtual ~ChatClient() = default;
  virtual Result<ChatResponse> Complete(const ChatRequest& request) = 0;
};

// The HttpClientOptions a ChatClient needs (timeouts, retries); tests add hooks (e.g. a fake
// sleep) before building the HttpClient.
HttpClientOptions ChatHttpOptions(const ChatClientOptions& options);

// REQUIRES: `http` is not null. The client owns it.
std::unique_ptr<ChatClient> NewChatClient(const ChatClientOptions& options,
                                          std::unique_ptr<HttpClient> http);
// Same, with a libcurl HttpClient built from ChatHttpOptions(options).
std::unique_ptr<ChatClient> NewChatClient(const ChatClientOptions& options);

// The request body as sent (exposed for tests and transcripts). Pure.
std::string ChatRequestBody(const ChatRequest& request, const std::string& model,
                            bool structured_outputs);
// Parses a 2xx body; kInvalidArgument ("malformed chat response: ...") when it is not one.
Result<ChatResponse> ParseChatResponse(const std::string& body);

}  // namespace autotriage
