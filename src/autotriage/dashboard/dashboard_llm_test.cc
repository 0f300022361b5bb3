// What the LLM step stores shows on the dashboard: the draft reply on the approval card (never a
// send button), and the transcripts, escaped, on the ticket's history page.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autotriage/dashboard/dashboard_test_util.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// Stores `advice_json` as the newest advice of the ticket version, in a job of its own.
void StoreAdvice(Store& store, const std::string& ticket, const std::string& version,
                 const std::string& advice_json) {
  InboxEvent event;
  event.source = "cli";
  event.ticket_id = ticket;
  event.version = "llm-" + version;
  event.trace_id = "trace-llm";
  ASSERT_TRUE(store.Enqueue({event}).ok());
  auto jobs = store.ClaimJobs("test", 1, 60000, DashboardHarness::NowMs());
  ASSERT_TRUE(jobs.ok() && jobs->size() == 1u);
  TriageCommit commit;
  commit.job_id = (*jobs)[0].id;
  AdviceRecord advice;
  advice.ticket_id = ticket;
  advice.ticket_version = version;
  advice.trace_id = "trace-llm";
  advice.advice_json = advice_json;
  commit.advice = advice;
  ASSERT_TRUE(store.CommitTriage(commit, DashboardHarness::NowMs()).ok());
}

TEST(DashboardLlmTest, CardShowsTheDraftReplyAndTicketPageTheTranscripts) {
  DashboardHarness harness;
  harness.AddUser("abe", Role::kApprover);
  const Session approver = harness.LogIn("abe");
  SeedTicket ticket =
      ExampleProposal("951", "1700000000", "Service Desk", DashboardHarness::NowMs() - 60000);
  harness.Seed({ticket});
  const Json transcript = {
      {"purpose", "classify"},
      {"field", "priority"},
      {"model", "scripted-model"},
      {"outcome", "answered"},
      {"detail", "label accepted"},
      {"redactions", Json::array({{{"type", "EMAIL"}, {"values", 1}, {"occurrences", 1}}})},
      {"usage", {{"total_tokens", 15}}},
      {"messages",
       Json::array({{{"role", "user"}, {"content", "Printer <b>down</b>, ask <EMAIL_1>"}},
                    {{"role", "assistant"},
                     {"content", ""},
                     {"tool_calls", Json::array({{{"name", "set_label"},
                                                  {"arguments", "{\"label\":\"High\"}"}}})}}})}};
  const Json advice = {{"summary", "Printer on floor 2 is down."},
                       {"summary_source", "llm"},
                       {"reply_draft", "Hello <Ann>, we are on it."},
                       {"note_draft", "draft"},
                       {"llm_transcripts", Json::array({transcript})}};
  StoreAdvice(harness.store(), "951", "1700000000", advice.dump());

  Reply card = harness.GetPage("/approvals/951/1700000000", approver);
  ASSERT_EQ(card.status, 200);
  EXPECT_THAT(card.body, HasSubstr("Draft reply (LLM; not sent)"));
  EXPECT_THAT(card.body, HasSubstr("Hello &lt;Ann&gt;, we are on it."));
  EXPECT_THAT(card.body, HasSubstr("Summary drafted by the LLM."));

  Reply page = harness.GetPage("/tickets/951", approver);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("<h2>LLM transcripts</h2>"));
  EXPECT_THAT(page.body, HasSubstr("classify priority: answered (scripted-model)"));
  EXPECT_THAT(page.body, HasSubstr("Printer &lt;b&gt;down&lt;/b&gt;, ask &lt;EMAIL_1&gt;"));
  EXPECT_THAT(page.body, Not(HasSubstr("<b>down</b>")));
  EXPECT_THAT(page.body, HasSubstr("set_label"));
}

}  // namespace
}  // namespace autotriage
