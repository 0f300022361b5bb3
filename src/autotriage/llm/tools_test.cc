// The tool registry: registration rules and the argument check before a handler runs.
#include "autotriage/llm/tools.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace autotriage {
namespace {

constexpr const char* kSearchSchema = R"({"type":"object","properties":{
  "query":{"type":"string"},"limit":{"type":"integer"},
  "scope":{"type":"string","enum":["kb","tickets"]}},"required":["query"]})";

Tool Echo(std::string name, std::string schema = kSearchSchema) {
  return Tool{std::move(name), "test tool", std::move(schema),
              [](const std::string& arguments) -> Result<std::string> { return arguments; }};
}

TEST(ToolRegistryTest, RegistersAndMarksProposalTools) {
  ToolRegistry tools;
  ASSERT_TRUE(tools.Register(Echo("search_kb")).ok());
  ASSERT_TRUE(tools.Register(Echo("draft_reply")).ok());
  ASSERT_TRUE(tools.Register(Echo("propose_fields")).ok());
  EXPECT_FALSE(tools.Find("search_kb")->proposal);
  EXPECT_TRUE(tools.Find("draft_reply")->proposal);
  EXPECT_TRUE(tools.Find("propose_fields")->proposal);
  ASSERT_EQ(tools.Specs().size(), 3u);
  EXPECT_EQ(tools.Specs()[0].name, "search_kb");
}

TEST(ToolRegistryTest, RefusesBadRegistrations) {
  ToolRegistry tools;
  ASSERT_TRUE(tools.Register(Echo("search_kb")).ok());
  EXPECT_EQ(tools.Register(Echo("search_kb")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(tools.Register(Echo("has space")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(tools.Register(Echo("x", "[1]")).code(), StatusCode::kInvalidArgument);
  Tool no_handler = Echo("y");
  no_handler.handler = nullptr;
  EXPECT_EQ(tools.Register(no_handler).code(), StatusCode::kInvalidArgument);
}

TEST(ToolRegistryTest, ChecksArgumentsBeforeTheHandler) {
  ToolRegistry tools;
  ASSERT_TRUE(tools.Register(Echo("search_kb")).ok());
  EXPECT_TRUE(tools.Call("search_kb", R"({"query":"vpn","limit":3,"scope":"kb"})").ok());
  struct Bad {
    const char* arguments;
    const char* message_part;
  };
  const Bad cases[] = {
      {"not json", "not JSON"},
      {"[1,2]", "JSON object"},
      {R"({"limit":3})", "'query' is missing"},
      {R"({"query":3})", "'query' must be of type"},
      {R"({"query":"a","limit":1.5})", "'limit' must be of type"},
      {R"({"query":"a","scope":"web"})", "'scope' must be one of"},
  };
  for (const Bad& bad : cases) {
    Result<std::string> result = tools.Call("search_kb", bad.arguments);
    ASSERT_FALSE(result.ok()) << bad.arguments;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), testing::HasSubstr(bad.message_part));
  }
  EXPECT_EQ(tools.Call("delete_ticket", "{}").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace autotriage
