#include "autotriage/connectors/http/redact.h"

#include <gtest/gtest.h>

#include "autotriage/connectors/http_client.h"

namespace autotriage {
namespace {

TEST(RedactUrlTest, RemovesUserinfo) {
  EXPECT_EQ(RedactUrl("https://alice:hunter22@example.com/api/v2/tickets"),
            "https://REDACTED@example.com/api/v2/tickets");
  EXPECT_EQ(RedactUrl("http://onlyuser@example.com:8080"), "http://REDACTED@example.com:8080");
}

TEST(RedactUrlTest, RemovesSecretQueryValuesOnly) {
  EXPECT_EQ(RedactUrl("https://h/x?token=abc123&page=2&api_key=k9&Access_Token=zz#frag"),
            "https://h/x?token=REDACTED&page=2&api_key=REDACTED&Access_Token=REDACTED#frag");
  EXPECT_EQ(RedactUrl("https://h/search?query=%22status:2%22&per_page=100"),
            "https://h/search?query=%22status:2%22&per_page=100");
}

TEST(RedactUrlTest, RemovesTheSlackWebhookPathWhichIsItsCredential) {
  EXPECT_EQ(RedactUrl("https://hooks.slack.com/services/T000/B000/XXXXSECRET"),
            "https://hooks.slack.com/REDACTED");
  EXPECT_EQ(RedactUrl("https://Hooks.Slack.com/actions/T1/123/abcSECRET?x=1"),
            "https://Hooks.Slack.com/REDACTED?x=1");
  EXPECT_EQ(RedactUrl("https://example.com/services/T000/B000/kept"),
            "https://example.com/services/T000/B000/kept");
}

TEST(RedactUrlTest, AtSignOutsideAuthorityIsKept) {
  EXPECT_EQ(RedactUrl("https://h/api/v2/contacts?email=a@b.com"),
            "https://h/api/v2/contacts?email=a@b.com");
  EXPECT_EQ(RedactUrl("https://h/users/a@b.com"), "https://h/users/a@b.com");
}

TEST(RedactUrlTest, PlainUrlsAreUnchanged) {
  EXPECT_EQ(RedactUrl("https://example.freshdesk.com/api/v2/tickets?page=3"),
            "https://example.freshdesk.com/api/v2/tickets?page=3");
  EXPECT_EQ(RedactUrl(""), "");
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
}

TEST(IsSecretHeaderTest, KnownAndExtraNamesCaseInsensitive) {
  EXPECT_TRUE(IsSecretHeader("Authorization", {}));
  EXPECT_TRUE(IsSecretHeader("PROXY-AUTHORIZATION", {}));
  EXPECT_TRUE(IsSecretHeader("cookie", {}));
  EXPECT_FALSE(IsSecretHeader("Content-Type", {}));
  EXPECT_TRUE(IsSecretHeader("x-rt-token", {"X-RT-Token"}));
}

TEST(IsSecretQueryParameterTest, Names) {
  EXPECT_TRUE(IsSecretQueryParameter("token"));
  EXPECT_TRUE(IsSecretQueryParameter("API_KEY"));
  EXPECT_TRUE(IsSecretQueryParameter("client_secret"));
  EXPECT_FALSE(IsSecretQueryParameter("page"));
  EXPECT_FALSE(IsSecretQueryParameter("updated_since"));
}

TEST(CollectSecretsTest, BasicCredentialsAreDecodedAndScrubbed) {
  // "supersecretkey:X" in base64: the key itself and the encoded form must both be found.
  const std::string encoded = "c3VwZXJzZWNyZXRrZXk6WA==";
  const auto secrets =
      CollectSecrets("https://u:pw12345@h/x?token=tok98765",
                     {{"Authorization", "Basic " + encoded}, {"Accept", "*/*"}}, {});
  const std::string text = "Basic " + encoded + " supersecretkey pw12345 tok98765 */*";
  const std::string scrubbed = ScrubSecrets(text, secrets);
  EXPECT_EQ(scrubbed.find("supersecretkey"), std::string::npos) << scrubbed;
  EXPECT_EQ(scrubbed.find(encoded), std::string::npos) << scrubbed;
  EXPECT_EQ(scrubbed.find("pw12345"), std::string::npos) << scrubbed;
  EXPECT_EQ(scrubbed.find("tok98765"), std::string::npos) << scrubbed;
  EXPECT_NE(scrubbed.find("*/*"), std::string::npos) << "non-secret header kept: " << scrubbed;
}

TEST(CollectSecretsTest, ShortValuesAreNotScrubbed) {
  // Freshworks sends the password "X": scrubbing every X would wreck messages.
  const auto secrets = CollectSecrets("https://h/", {{"X-Api-Key", "abc"}}, {});
  EXPECT_TRUE(secrets.empty());
  EXPECT_EQ(ScrubSecrets("X marks abc", secrets), "X marks abc");
}

TEST(ScrubSecretsTest, LongestFirstAndAllOccurrences) {
  EXPECT_EQ(ScrubSecrets("abcdef abcd abcdef", {"abcd", "abcdef"}), "REDACTED REDACTED REDACTED");
}

}  // namespace
}  // namespace autotriage
