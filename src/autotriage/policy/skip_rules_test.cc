// Skip rules (whole tickets) and the fields the engine never writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/policy/policy.h"
#include "autotriage/policy/testing/policy_fixtures.h"

namespace autotriage {
namespace {

using testing::MakeTicket;
using ::testing::Optional;

PolicyOptions NoTriagedRule() {
  PolicyOptions options;
  options.triaged_when_set = {};
  return options;
}

TEST(SkipRulesTest, NothingConfiguredSkipsNothing) {
  Policy policy(NoTriagedRule());
  EXPECT_EQ(policy.SkipReason(MakeTicket("Network", "High")), std::nullopt);
}

TEST(SkipRulesTest, RequesterDomainExactOrSubdomainAnyCase) {
  PolicyOptions options = NoTriagedRule();
  options.skip_requester_domains = {"Example.com", "@partner.org"};
  Policy policy(options);
  Ticket ticket = MakeTicket();
  for (const char* email : {"ana@example.com", "ANA@EXAMPLE.COM", "ana@customer.example.com",
                            "bo@partner.org", "bo@eu.Partner.ORG"}) {
    ticket.requester_email = email;
    EXPECT_NE(policy.SkipReason(ticket), std::nullopt) << email;
  }
  ticket.requester_email = "ana@customer.example.com";
  EXPECT_THAT(policy.SkipReason(ticket),
              Optional(std::string("requester domain 'customer.example.com' is in "
                                   "policy.skip_requester_domains")));
  // A longer name that merely ends the same way is another domain.
  for (const char* email : {"ana@notexample.com", "ana@example.com.evil.net", "example.com", "",
                            "ana@partner.org.uk"}) {
    ticket.requester_email = email;
    EXPECT_EQ(policy.SkipReason(ticket), std::nullopt) << email;
  }
}

TEST(SkipRulesTest, TagsAnyCase) {
  PolicyOptions options = NoTriagedRule();
  options.skip_tags = {"VIP", "no-triage"};
  Policy policy(options);
  Ticket ticket = MakeTicket();
  ticket.tags = {"billing", "vip"};
  EXPECT_THAT(policy.SkipReason(ticket), Optional(std::string("tag 'vip' is in policy.skip_tags")));
  ticket.tags = {"No-Triage"};
  EXPECT_NE(policy.SkipReason(ticket), std::nullopt);
  ticket.tags = {"vip-customer", "triage"};
  EXPECT_EQ(policy.SkipReason(ticket), std::nullopt);
}

TEST(SkipRulesTest, Sources) {
  PolicyOptions options = NoTriagedRule();
  options.skip_sources = {"phone", "Chat"};
  Policy policy(options);
  Ticket ticket = MakeTicket();
  ticket.source = "Phone";
  EXPECT_THAT(policy.SkipReason(ticket),
              Optional(std::string("source 'Phone' is in policy.skip_sources")));
  ticket.source = "chat";
  EXPECT_NE(policy.SkipReason(ticket), std::nullopt);
  ticket.source = "email";
  EXPECT_EQ(policy.SkipReason(ticket), std::nullopt);
  ticket.source = "";
  EXPECT_EQ(policy.SkipReason(ticket), std::nullopt);
}

TEST(SkipRulesTest, AlreadyTriagedWhenEveryListedFieldIsSet) {
  PolicyOptions options;
  options.triaged_when_set = {"group", "priority"};
  Policy policy(options);
  EXPECT_THAT(policy.SkipReason(MakeTicket("Network", "High")),
              Optional(std::string("already triaged: group='Network', priority='High' "
                                   "(policy.triaged_when_set)")));
  EXPECT_EQ(policy.SkipReason(MakeTicket("Network")), std::nullopt);
  EXPECT_EQ(policy.SkipReason(MakeTicket("", "High")), std::nullopt);
  Ticket blank = MakeTicket();
  blank.fields["group"] = "";  // present but empty is unset
  blank.fields["priority"] = "High";
  EXPECT_EQ(policy.SkipReason(blank), std::nullopt);
  // The default: a ticket that already has a group is triaged.
  Policy defaults{PolicyOptions{}};
  EXPECT_NE(defaults.SkipReason(MakeTicket("Network")), std::nullopt);
  EXPECT_EQ(defaults.SkipReason(MakeTicket()), std::nullopt);
}

TEST(SkipRulesTest, FirstMatchingRuleIsReported) {
  PolicyOptions options;
  options.skip_requester_domains = {"example.com"};
  options.skip_tags = {"vip"};
  options.skip_sources = {"email"};
  Policy policy(options);
  Ticket ticket = MakeTicket("Network");
  ticket.tags = {"vip"};
  EXPECT_THAT(policy.SkipReason(ticket).value_or(""), ::testing::StartsWith("requester domain"));
  ticket.requester_email = "x@other.net";
  EXPECT_THAT(policy.SkipReason(ticket).value_or(""), ::testing::StartsWith("tag"));
  ticket.tags.clear();
  EXPECT_THAT(policy.SkipReason(ticket).value_or(""), ::testing::StartsWith("source"));
  ticket.source = "portal";
  EXPECT_THAT(policy.SkipReason(ticket).value_or(""), ::testing::StartsWith("already triaged"));
}

TEST(ForbiddenFieldTest, StatusDeletionSpamAndMergeAreNeverWritable) {
  for (const char* field :
       {"status", "Status", "STATUS", "state", "ticket_status", "statusId", "deleted", "is_deleted",
        "spam", "merge", "merged", "merged_into", "closed", "resolved"}) {
    EXPECT_TRUE(IsForbiddenField(field)) << field;
  }
  for (const char* field : {"group", "priority", "type", "agent", "category", "cf_office"}) {
    EXPECT_FALSE(IsForbiddenField(field)) << field;
  }
}

}  // namespace
}  // namespace autotriage
