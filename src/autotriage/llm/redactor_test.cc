// Golden tests of the PII redactor: what is replaced, by which placeholder, what stays, and how
// answers are restored.
#include "autotriage/llm/redactor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace autotriage {
namespace {

Redactor Make(RedactorOptions options = {}) {
  Result<Redactor> redactor = Redactor::Create(std::move(options));
  EXPECT_TRUE(redactor.ok()) << redactor.status().ToString();
  return std::move(redactor).value();
}

std::string RedactOk(Redactor& redactor, std::string_view text) {
  Result<std::string> out = redactor.Redact(text);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "";
}

struct Golden {
  const char* input;
  const char* expected;
};

TEST(RedactorGoldenTest, BuiltInDetectors) {
  const Golden cases[] = {
      {"Mail me at anna.mueller+vpn@example.co.uk, thanks.", "Mail me at <EMAIL_1>, thanks."},
      {"Call +49 30 1234567 or (030) 123-4567.", "Call <PHONE_1> or <PHONE_2>."},
      {"US office: 555-123-4567", "US office: <PHONE_1>"},
      {"Server 192.168.10.20 and 10.0.0.1:8080 are down", "Server <IP_1> and <IP_2>:8080 are down"},
      {"IPv6 fe80::1ff:fe23:4567:890a failed; so did 2001:db8::1.",
       "IPv6 <IP_1> failed; so did <IP_2>."},
      {"IBAN DE89 3704 0044 0532 0130 00 please", "IBAN <IBAN_1> please"},
      {"GB82WEST12345698765432 is mine", "<IBAN_1> is mine"},
      {"Card 4111 1111 1111 1111 was charged twice", "Card <CARD_1> was charged twice"},
      {"Card 5500-0000-0000-0004 ok", "Card <CARD_1> ok"},
  };
  for (const Golden& golden : cases) {
    Redactor redactor = Make();
    EXPECT_EQ(RedactOk(redactor, golden.input), golden.expected) << golden.input;
  }
}

TEST(RedactorGoldenTest, LeavesOrdinaryNumbersAndWordsAlone) {
  const char* const kept[] = {
      "Ticket #4711 opened on 2024-05-01 at 10:30:00.",
      "Version 1.2.3 fixed it; see KB 12345.",
      "Card 4111 1111 1111 1112 fails the Luhn check",  // not a valid card number
      "Error code 0x80070005 in std::vector<int>",
      "Order 1234567890 shipped",  // ten digits without separators: an id, not a phone
      "The meeting is at 14.05.2024 09:00",
  };
  for (const char* text : kept) {
    Redactor redactor = Make();
    EXPECT_EQ(RedactOk(redactor, text), text);
  }
}

TEST(RedactorGoldenTest, NamesAreWholeWordsCaseInsensitiveWithParts) {
  Redactor redactor = Make({{"Anna Müller", "Jon Li"}, {}});
  EXPECT_EQ(RedactOk(redactor,
                     "Hi, this is ANNA MÜLLER. Anna here again; Müller is my surname. "
                     "Annabelle and Jon Li are colleagues; Li alone is too short."),
            "Hi, this is <NAME_1>. <NAME_1> here again; <NAME_1> is my surname. "
            "Annabelle and <NAME_2> are colleagues; Li alone is too short.");
}

TEST(RedactorGoldenTest, SameValueSamePlaceholderAcrossTexts) {
  Redactor redactor = Make();
  EXPECT_EQ(RedactOk(redactor, "from a@example.org to b@example.org"),
            "from <EMAIL_1> to <EMAIL_2>");
  EXPECT_EQ(RedactOk(redactor, "reply to A@Example.org"), "reply to <EMAIL_1>");
  EXPECT_EQ(RedactOk(redactor, "and c@example.org"), "and <EMAIL_3>");
}

TEST(RedactorGoldenTest, ConfiguredPatternsGetTheirType) {
  Redactor redactor = Make({{}, {{"CUSTOMER_ID", "CUST-[0-9]{6}"}}});
  EXPECT_EQ(RedactOk(redactor, "Customer CUST-004711 and CUST-004711 again, CUST-1"),
            "Customer <CUSTOMER_ID_1> and <CUSTOMER_ID_1> again, CUST-1");
}

TEST(RedactorGoldenTest, OverlapsKeepTheLongerFindingAndLeakNothing) {
  // The name is inside the e-mail address; the address wins.
  Redactor redactor = Make({{"Anna Mueller"}, {}});
  EXPECT_EQ(RedactOk(redactor, "anna.mueller@example.org wrote"), "<EMAIL_1> wrote");
}

TEST(RedactorRestoreTest, RestoresKnownAndReportsUnknownPlaceholders) {
  Redactor redactor = Make({{"Anna Müller"}, {}});
  ASSERT_EQ(RedactOk(redactor, "Anna (anna@example.org) cannot reach 10.1.2.3"),
            "<NAME_1> (<EMAIL_1>) cannot reach <IP_1>");
  RestoreResult restored = redactor.Restore(
      "Dear <NAME_1>, we wrote to <EMAIL_1> and <EMAIL_9>; <EMAIL_9> again. "
      "<b>bold</b> <FOO_1> <IP_1>");
  EXPECT_EQ(restored.text,
            "Dear Anna Müller, we wrote to anna@example.org and <EMAIL_9>; <EMAIL_9> again. "
            "<b>bold</b> <FOO_1> 10.1.2.3");
  EXPECT_EQ(restored.restored, 3);
  EXPECT_THAT(restored.unknown_placeholders, testing::ElementsAre("<EMAIL_9>"));
}

TEST(RedactorReportTest, CountsTypesNeverValues) {
  Redactor redactor = Make();
  ASSERT_TRUE(redactor.Redact("x@example.org, y@example.org, x@example.org, 10.0.0.1").ok());
  const std::vector<RedactionCount> report = redactor.Report();
  ASSERT_EQ(report.size(), 2u);
  EXPECT_EQ(report[0].type, "EMAIL");
  EXPECT_EQ(report[0].values, 2);
  EXPECT_EQ(report[0].occurrences, 3);
  EXPECT_EQ(report[1].type, "IP");
  EXPECT_EQ(report[1].values, 1);
  EXPECT_EQ(report[1].occurrences, 1);
}

TEST(RedactorCreateTest, RejectsBadPatternsNamingThem) {
  struct Bad {
    RedactPattern pattern;
    const char* message_part;
  };
  const Bad cases[] = {
      {{"customer id", "x"}, "customer id"},
      {{"EMAIL", "x"}, "built in"},
      {{"TICKET", "("}, "invalid"},
      {{"TICKET", "a*"}, "empty string"},
  };
  for (const Bad& bad : cases) {
    Result<Redactor> redactor = Redactor::Create({{}, {bad.pattern}});
    ASSERT_FALSE(redactor.ok()) << bad.pattern.type;
    EXPECT_EQ(redactor.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(redactor.status().message(), testing::HasSubstr(bad.message_part));
  }
}

}  // namespace
}  // namespace autotriage
