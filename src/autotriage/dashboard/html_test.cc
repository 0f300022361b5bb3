// Escaping, URL handling, highlighting and chart helpers of the dashboard.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/dashboard/context.h"
#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/svg_chart.h"

namespace autotriage::dashboard {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(HtmlTest, EscapeCoversTextAndBothAttributeQuotes) {
  EXPECT_EQ(Escape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(Escape("Grüße"), "Grüße");
  EXPECT_EQ(Escape(""), "");
}

TEST(HtmlTest, UrlEncodingRoundTrips) {
  EXPECT_EQ(UrlEncode("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
  EXPECT_EQ(UrlDecode(UrlEncode("a b/c?d=é&<>")), "a b/c?d=é&<>");
  EXPECT_EQ(UrlDecode("100%"), "100%");
  EXPECT_EQ(UrlDecode("%zz%4"), "%zz%4");
}

TEST(HtmlTest, HighlightMarksWholeWordsCaseInsensitivelyAndEscapesTheRest) {
  EXPECT_EQ(HighlightWords("The VPN <drops>; vpnclient ok", {"vpn", "drops"}),
            "The <mark>VPN</mark> &lt;<mark>drops</mark>&gt;; vpnclient ok");
  EXPECT_EQ(HighlightWords("reset password now", {"reset", "reset password"}),
            "<mark>reset password</mark> now");
  EXPECT_EQ(HighlightWords("<b>x</b>", {"", "<b>"}), "&lt;b&gt;x&lt;/b&gt;");
}

TEST(HtmlTest, FeatureWordsAndSafeLinks) {
  EXPECT_EQ(FeatureWord("w:reset password"), "reset password");
  EXPECT_EQ(FeatureWord("vpn"), "vpn");
  EXPECT_EQ(FeatureWord("c:pw r"), "");
  EXPECT_TRUE(IsSafeLink("https://kb.example.org/a?b=c"));
  EXPECT_TRUE(IsSafeLink("HTTP://kb.example.org"));
  EXPECT_FALSE(IsSafeLink("javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLink(" javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLink("data:text/html,x"));
  EXPECT_FALSE(IsSafeLink("//evil.example"));
  EXPECT_FALSE(IsSafeLink("https://a\nb"));
}

TEST(HtmlTest, AgesAndNumbers) {
  EXPECT_EQ(FormatAge(0, 5 * 60000), "5 min");
  EXPECT_EQ(FormatAge(0, 125 * 60000), "2 h 5 min");
  EXPECT_EQ(FormatAge(0, 4LL * 24 * 3600000), "4 d");
  EXPECT_EQ(FormatAge(10, 0), "0 min");
  EXPECT_EQ(FormatNumber(0.8749, 2), "0.87");
  EXPECT_EQ(FormatDay(0), "1970-01-01");
}

TEST(HtmlTest, NextTargetsStayLocal) {
  EXPECT_EQ(SafeNext("/matrix?x=1"), "/matrix?x=1");
  EXPECT_EQ(SafeNext("//evil.example"), "/");
  EXPECT_EQ(SafeNext("/\\evil.example"), "/");
  EXPECT_EQ(SafeNext("https://evil.example"), "/");
  EXPECT_EQ(SafeNext(""), "/");
  EXPECT_EQ(SafeNext("/a\r\nSet-Cookie: x"), "/");
}

TEST(HtmlTest, SameOriginAcceptsOwnHostOrPublicUrlOnly) {
  ServerRequest request;
  EXPECT_TRUE(SameOrigin(request, ""));  // no Origin, no Referer: not a browser's cross-site post
  request.headers["host"] = "127.0.0.1:8080";
  request.headers["origin"] = "http://127.0.0.1:8080";
  EXPECT_TRUE(SameOrigin(request, ""));
  request.headers["origin"] = "https://triage.example.org";
  EXPECT_FALSE(SameOrigin(request, ""));
  EXPECT_TRUE(SameOrigin(request, "https://triage.example.org/"));
  request.headers["origin"] = "https://evil.example";
  EXPECT_FALSE(SameOrigin(request, "https://triage.example.org"));
  request.headers["origin"] = "null";
  EXPECT_FALSE(SameOrigin(request, ""));
  request.headers.erase("origin");
  request.headers["referer"] = "https://evil.example/page";
  EXPECT_FALSE(SameOrigin(request, ""));
  request.headers["referer"] = "http://127.0.0.1:8080/login?next=/";
  EXPECT_TRUE(SameOrigin(request, ""));
}

TEST(HtmlTest, TicketAndVersionSplitAtTheLastSlash) {
  std::string ticket;
  std::string version;
  ASSERT_TRUE(SplitTicketVersion("42/1700000000", &ticket, &version));
  EXPECT_EQ(ticket, "42");
  EXPECT_EQ(version, "1700000000");
  ASSERT_TRUE(SplitTicketVersion("a/b/c", &ticket, &version));
  EXPECT_EQ(ticket, "a/b");
  EXPECT_EQ(version, "c");
  EXPECT_FALSE(SplitTicketVersion("42", &ticket, &version));
  EXPECT_FALSE(SplitTicketVersion("42/", &ticket, &version));
  EXPECT_FALSE(SplitTicketVersion("/1", &ticket, &version));
}

TEST(SvgChartTest, ChartsEscapeLabelsAndScaleToTheLargestStack) {
  const std::string chart =
      StackedBarChart("c1", "Title <x>", {"<d1>", "d2"},
                      {{"a", "s-accepted", {1, 3}}, {"<b>", "s-skipped", {1, 1}}});
  EXPECT_THAT(chart, HasSubstr("<figure class=\"chart\" id=\"c1\">"));
  EXPECT_THAT(chart, HasSubstr("Title &lt;x&gt;"));
  EXPECT_THAT(chart, Not(HasSubstr("<d1>")));
  EXPECT_THAT(chart, Not(HasSubstr("<b>")));
  EXPECT_THAT(chart, HasSubstr("<title>d2: 3 a</title>"));
  // d2's stack (4) is the maximum: its bars fill the plot height (188 of 220 - 24 - 8).
  EXPECT_THAT(chart, HasSubstr("height=\"141.0\""));  // 3 / 4 of 188
  const std::string bars =
      HorizontalBarChart("c2", "By field", {"group"}, {{"accepted", "s-accepted", {2}}});
  EXPECT_THAT(bars, HasSubstr("<title>group: 2 accepted</title>"));
  const std::string line = LineChart("c3", "Time", {"d1", "d2"}, {{"m", "s-time", {-1, 4}}}, "min");
  EXPECT_THAT(line, HasSubstr("<title>d2: 4.0 min</title>"));
  EXPECT_THAT(line, Not(HasSubstr("d1: ")));
}

}  // namespace
}  // namespace autotriage::dashboard
