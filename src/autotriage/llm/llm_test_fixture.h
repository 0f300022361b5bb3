// Test fixture for the llm tests: a ScriptedChatServer plus a ChatClient pointed at it, with a
// fake sleep that records backoff and Retry-After waits instead of sleeping.
// Tests only. Not thread-safe beyond what the server and client are.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "autotriage/llm/chat_client.h"
#include "autotriage/llm/scripted_server.h"

namespace autotriage {

class LlmTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()); }

  // A client for the server; `timeout_ms` is the per-attempt total timeout.
  std::unique_ptr<ChatClient> Client(int max_retries = 2, int timeout_ms = 5000,
                                     bool structured_outputs = false) {
    ChatClientOptions options;
    options.base_url = server_.BaseUrl();
    options.api_key = "sk-test-secret-key";
    options.model = "scripted-model";
    options.timeout_ms = timeout_ms;
    options.max_retries = max_retries;
    options.structured_outputs = structured_outputs;
    HttpClientOptions http = ChatHttpOptions(options);
    http.jitter_seed = 1;
    http.sleep = [this](std::chrono::milliseconds wait) {
      std::lock_guard<std::mutex> lock(waits_mutex_);
      waits_.push_back(wait);
    };
    return NewChatClient(options, NewCurlHttpClient(http));
  }

  std::vector<std::chrono::milliseconds> waits() {
    std::lock_guard<std::mutex> lock(waits_mutex_);
    return waits_;
  }

  ScriptedChatServer server_;
  std::mutex waits_mutex_;
  std::vector<std::chrono::milliseconds> waits_;
};

}  // namespace autotriage
