// ChatClient against the scripted server: answers, tool calls, malformed bodies, 429 with
// Retry-After, 500, timeouts, and the API key's handling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/llm/llm_test_fixture.h"

namespace autotriage {
namespace {

using testing::HasSubstr;

ChatRequest Hello() {
  ChatRequest request;
  request.messages = {{ChatRole::kUser, "hello", {}, ""}};
  return request;
}

TEST_F(LlmTest, RecordedTextAnswerAndBearerKey) {
  server_.Push(ScriptStep::Text("Hi there"));
  Result<ChatResponse> response = Client()->Complete(Hello());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->content, "Hi there");
  EXPECT_EQ(response->finish_reason, "stop");
  EXPECT_EQ(response->usage.total_tokens, 15);
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].path, "/v1/chat/completions");
  EXPECT_EQ(server_.requests()[0].authorization, "Bearer sk-test-secret-key");
}

TEST_F(LlmTest, RecordedToolCall) {
  server_.Push(ScriptStep::Call("search_kb", R"({"query":"vpn"})", "call_7"));
  Result<ChatResponse> response = Client()->Complete(Hello());
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->tool_calls.size(), 1u);
  EXPECT_EQ(response->tool_calls[0].id, "call_7");
  EXPECT_EQ(response->tool_calls[0].name, "search_kb");
  EXPECT_EQ(response->finish_reason, "tool_calls");
}

TEST_F(LlmTest, InvalidJsonBodyIsAClearError) {
  server_.Push(ScriptStep::Raw(200, "{\"choices\": [oops"));
  Result<ChatResponse> response = Client()->Complete(Hello());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("malformed chat response"));
}

TEST_F(LlmTest, RetriesAfter429HonouringRetryAfter) {
  server_.Push(ScriptStep::Error(429, "3"));
  server_.Push(ScriptStep::Text("after the wait"));
  Result<ChatResponse> response = Client()->Complete(Hello());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->content, "after the wait");
  EXPECT_EQ(server_.requests().size(), 2u);
  std::chrono::milliseconds total{0};
  for (auto wait : waits()) {
    total += wait;
  }
  EXPECT_GE(total, std::chrono::milliseconds(3000)) << "Retry-After: 3 was not honoured";
}

TEST_F(LlmTest, Retries500ThenGivesUpWithUnavailable) {
  server_.Push(ScriptStep::Error(500));
  server_.Push(ScriptStep::Text("recovered"));
  Result<ChatResponse> recovered = Client()->Complete(Hello());
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(recovered->content, "recovered");

  server_.Then(ScriptStep::Error(500));
  Result<ChatResponse> failed = Client(/*max_retries=*/2)->Complete(Hello());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("HTTP 500"));
  EXPECT_EQ(server_.requests().size(), 2u + 3u) << "one try and two retries";
}

TEST_F(LlmTest, PersistentRateLimitIsResourceExhausted) {
  server_.Then(ScriptStep::Error(429, "1"));
  Result<ChatResponse> response = Client(/*max_retries=*/1)->Complete(Hello());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(LlmTest, SlowServerTimesOutAndIsReleasedAfterwards) {
  server_.Push(ScriptStep::Hang());
  Result<ChatResponse> response = Client(/*max_retries=*/0, /*timeout_ms=*/300)->Complete(Hello());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(server_.WaitUntilHung(5000));
  server_.ReleaseHung();
}

TEST_F(LlmTest, ErrorsNeverContainTheApiKey) {
  server_.Then(ScriptStep::Raw(401, R"({"error":{"message":"bad key sk-test-secret-key"}})"));
  Result<ChatResponse> response = Client()->Complete(Hello());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(response.status().message(), HasSubstr("HTTP 401"));
  // The server echoed the key in its error text; the client quotes the server without it.
  EXPECT_THAT(response.status().message(), testing::Not(HasSubstr("sk-test-secret-key")));
  EXPECT_THAT(response.status().message(), HasSubstr("REDACTED"));
}

TEST_F(LlmTest, UnreachableServerIsUnavailable) {
  ChatClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/v1";
  options.model = "m";
  options.max_retries = 0;
  Result<ChatResponse> response = NewChatClient(options)->Complete(Hello());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace autotriage
