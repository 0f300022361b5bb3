// The chat-completions wire format: what a request looks like and how answers are decoded,
// including malformed ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autotriage/llm/chat_client.h"

namespace autotriage {
namespace {

using nlohmann::json;

TEST(ChatWireTest, RequestCarriesMessagesToolsChoiceAndSchema) {
  ChatRequest request;
  request.messages = {{ChatRole::kSystem, "be brief", {}, ""},
                      {ChatRole::kUser, "VPN down", {}, ""},
                      {ChatRole::kAssistant, "", {{"c1", "search_kb", R"({"query":"vpn"})"}}, ""},
                      {ChatRole::kTool, R"({"hits":[]})", {}, "c1"}};
  request.tools = {{"search_kb", "Search the KB", R"({"type":"object"})"}};
  request.tool_choice = "search_kb";
  request.temperature = 0.5;
  request.max_tokens = 64;
  request.response_format = ResponseSchema{"answer", R"({"type":"object"})", true};

  const json body = json::parse(ChatRequestBody(request, "llama3.1:8b", true));
  EXPECT_EQ(body["model"], "llama3.1:8b");
  ASSERT_EQ(body["messages"].size(), 4u);
  EXPECT_EQ(body["messages"][2]["role"], "assistant");
  EXPECT_TRUE(body["messages"][2]["content"].is_null());
  EXPECT_EQ(body["messages"][2]["tool_calls"][0]["function"]["name"], "search_kb");
  EXPECT_EQ(body["messages"][3]["tool_call_id"], "c1");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["type"], "object");
  EXPECT_EQ(body["tool_choice"]["function"]["name"], "search_kb");
  EXPECT_EQ(body["temperature"], 0.5);
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  // Without structured outputs the schema is not sent.
  EXPECT_FALSE(json::parse(ChatRequestBody(request, "m", false)).contains("response_format"));
}

TEST(ChatWireTest, InvalidUtf8IsReplacedNotThrown) {
  ChatRequest request;
  request.messages = {{ChatRole::kUser, std::string("bad \xff byte"), {}, ""}};
  EXPECT_NO_THROW(json::parse(ChatRequestBody(request, "m", false)));
}

TEST(ChatWireTest, ParsesContentToolCallsAndUsage) {
  Result<ChatResponse> response = ParseChatResponse(R"({"choices":[{"message":{
      "role":"assistant","content":null,"tool_calls":[{"id":"x","type":"function",
      "function":{"name":"search_kb","arguments":"{\"query\":\"vpn\"}"}}]},
      "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":7,"completion_tokens":3,
      "total_tokens":10}})");
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->content, "");
  ASSERT_EQ(response->tool_calls.size(), 1u);
  EXPECT_EQ(response->tool_calls[0].name, "search_kb");
  EXPECT_EQ(response->tool_calls[0].arguments, R"({"query":"vpn"})");
  EXPECT_EQ(response->finish_reason, "tool_calls");
  EXPECT_EQ(response->usage.total_tokens, 10);
}

TEST(ChatWireTest, MalformedAnswersAreClearErrors) {
  struct Bad {
    const char* body;
    const char* message_part;
  };
  const Bad cases[] = {
      {"<html>gateway</html>", "not JSON"},
      {"[]", "not a JSON object"},
      {R"({"choices":[]})", "no choices"},
      {R"({"object":"chat.completion"})", "no choices"},
      {R"({"choices":[{"finish_reason":"stop"}]})", "has no message"},
      {R"({"choices":[{"message":{"content":5}}]})", "neither text nor null"},
      {R"({"choices":[{"message":{"tool_calls":[{"function":{"arguments":"{}"}}]}}]})",
       "no function name"},
      {R"({"choices":[{"message":{"tool_calls":[{"function":{"name":"f","arguments":"{oops"}}]}}]})",
       "arguments are not JSON"},
  };
  for (const Bad& bad : cases) {
    Result<ChatResponse> response = ParseChatResponse(bad.body);
    ASSERT_FALSE(response.ok()) << bad.body;
    EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(response.status().message(), testing::StartsWith("malformed chat response"));
    EXPECT_THAT(response.status().message(), testing::HasSubstr(bad.message_part));
  }
}

}  // namespace
}  // namespace autotriage
