// ScriptedChatServer (tests only): a server of our own that speaks the OpenAI-compatible
// chat-completions protocol on 127.0.0.1 (OS-chosen port) and answers each
// `POST /v1/chat/completions` with the next step of a script.
//
// Steps: a recorded answer (text and/or tool calls, with usage), any raw body (e.g. invalid
// JSON), an HTTP error status with an optional Retry-After (429, 500, ...), or a hang: the
// handler blocks until the test calls ReleaseHung() or the server stops, so a client timeout is
// tested without sleeping. When the script is used up, the `then` step repeats forever (the same
// tool call for an endless tool loop), or, when there is none, the server answers 500 "script
// exhausted". A request whose body is not a JSON object with "model" and "messages" gets 400.
// Every request is recorded (body, Authorization header) so tests can assert what left, e.g.
// that no e-mail address was ever sent and that tools / response_format were there.
// Thread-safety: every method may be called from any thread; steps are served in arrival order.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "autotriage/connectors/http/test_server.h"
#include "autotriage/llm/chat_client.h"

namespace autotriage {

struct ScriptStep {
  enum class Kind { kAnswer, kRawBody, kHttpError, kHang };
  Kind kind = Kind::kAnswer;
  std::string content;               // kAnswer: the text
  std::vector<ToolCall> tool_calls;  // kAnswer: tool calls (finish_reason "tool_calls")
  TokenUsage usage{10, 5, 15};       // kAnswer: the usage reported
  bool report_usage = true;
  int status = 200;         // kRawBody / kHttpError
  std::string body;         // kRawBody / kHttpError
  std::string retry_after;  // kHttpError: Retry-After header value, "" = none

  static ScriptStep Text(std::string content);
  static ScriptStep Call(std::string name, std::string arguments, std::string id = "call_1");
  static ScriptStep Raw(int status, std::string body);
  static ScriptStep Error(int status, std::string retry_after = "");
  static ScriptStep Hang();
};

struct RecordedChatRequest {
  std::string path;
  std::string body;
  std::string authorization;  // the Authorization header as received ("" when absent)
};

class ScriptedChatServer {
 public:
  ScriptedChatServer();
  ~ScriptedChatServer();  // releases hung handlers, then stops
  ScriptedChatServer(const ScriptedChatServer&) = delete;
  ScriptedChatServer& operator=(const ScriptedChatServer&) = delete;

  // Binds 127.0.0.1:0 and serves. false when the server cannot start.
  bool Start();
  // "http://127.0.0.1:<port>/v1", the base_url to configure.
  std::string BaseUrl() const;

  void Push(ScriptStep step);
  void Then(ScriptStep step);  // served once the script is used up, forever

  // Blocks until a handler is hung in a kHang step (true) or `timeout_ms` passed (false).
  bool WaitUntilHung(int timeout_ms);
  // Lets every hung handler (now and later) answer 503 and return.
  void ReleaseHung();

  std::vector<RecordedChatRequest> requests() const;
  // True when any recorded request body contains `needle`.
  bool AnyRequestContains(const std::string& needle) const;

 private:
  ScriptStep NextStep();

  TestServer server_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ScriptStep> script_;
  std::optional<ScriptStep> then_;
  std::vector<RecordedChatRequest> requests_;
  int hung_ = 0;
  bool released_ = false;
  int answers_ = 0;
};

}  // namespace autotriage
