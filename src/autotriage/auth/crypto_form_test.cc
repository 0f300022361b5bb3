// Password hashing, tokens, roles and the form and cookie parsers.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "autotriage/auth/auth.h"
#include "autotriage/auth/form.h"

namespace autotriage {
namespace {

TEST(PasswordTest, HashIsSaltedArgon2idAndVerifies) {
  Result<std::string> first = HashPassword("correct horse battery");
  Result<std::string> second = HashPassword("correct horse battery");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->rfind("$argon2id$", 0), 0u) << *first;
  EXPECT_NE(*first, *second);  // a fresh salt each time
  EXPECT_EQ(first->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*first, "correct horse battery"));
  EXPECT_TRUE(VerifyPassword(*second, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*first, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword(*first, ""));
}

TEST(PasswordTest, ShortPasswordIsRefusedWithoutEchoingIt) {
  Result<std::string> weak = HashPassword("hunter2hunt");  // 11 characters
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(weak.status().message().find("at least 12 characters"), std::string::npos);
  EXPECT_EQ(weak.status().message().find("hunter2"), std::string::npos);
  // Characters, not bytes: 12 two-byte letters pass, 11 do not.
  EXPECT_TRUE(HashPassword("ééééééééééé\xc3\xa9").ok());
  EXPECT_FALSE(HashPassword("ééééééééééé").ok());
}

TEST(PasswordTest, MalformedHashesNeverVerify) {
  Result<std::string> hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(VerifyPassword("", "correct horse battery"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse battery"));
  EXPECT_FALSE(VerifyPassword("$2b$12$abcdefghijklmnopqrstuv", "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(hash->substr(0, hash->size() - 4), "correct horse battery"));
  std::string argon2i = *hash;
  argon2i.replace(0, 10, "$argon2i$");
  EXPECT_FALSE(VerifyPassword(argon2i, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash + std::string(200, 'x'), "correct horse battery"));
}

TEST(TokenTest, RandomTokensAre43UrlSafeCharactersAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string token = NewRandomToken();
    ASSERT_EQ(token.size(), 43u) << token;
    for (char c : token) {
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
    }
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(TokenTest, HashTokenIsHexBlake2b256) {
  EXPECT_EQ(HashToken(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(HashToken("abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  const std::string token = NewRandomToken();
  EXPECT_EQ(HashToken(token), HashToken(token));
  EXPECT_EQ(HashToken(token).find(token), std::string::npos);
}

TEST(RoleTest, NamesRoundTripAndAreOrdered) {
  for (Role role : {Role::kViewer, Role::kApprover, Role::kAdmin}) {
    EXPECT_EQ(ParseRole(ToString(role)), role);
  }
  EXPECT_EQ(ToString(Role::kApprover), "approver");
  EXPECT_FALSE(ParseRole("Admin").has_value());
  EXPECT_FALSE(ParseRole("root").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_LT(Role::kViewer, Role::kApprover);
  EXPECT_LT(Role::kApprover, Role::kAdmin);
}

TEST(RoleTest, ActorNamesHowThePrincipalCame) {
  Principal p;
  p.name = "ana";
  p.via = "session";
  EXPECT_EQ(p.Actor(), "user:ana");
  p.via = "token";
  EXPECT_EQ(p.Actor(), "token:ana");
  p.via = "slack";
  EXPECT_EQ(p.Actor(), "slack:ana");
}

TEST(FormTest, DecodesPercentEscapesAndPlus) {
  EXPECT_EQ(FormDecode("a%20b+c%2B%3d"), "a b c+=");
  EXPECT_EQ(FormDecode("caf%C3%A9"), "caf\xc3\xa9");
  // Malformed escapes are kept as sent.
  EXPECT_EQ(FormDecode("100%"), "100%");
  EXPECT_EQ(FormDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(FormDecode("%4g"), "%4g");
  EXPECT_EQ(FormDecode(""), "");
}

TEST(FormTest, PairsKeepOrderAndRepeatsAndTheMapKeepsTheFirst) {
  const auto pairs = ParseFormPairs("id=1&&note=hello+world&id=2&flag&e%3Dq=x%26y&empty=");
  ASSERT_EQ(pairs.size(), 6u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"id", "1"}));
  EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"note", "hello world"}));
  EXPECT_EQ(pairs[2], (std::pair<std::string, std::string>{"id", "2"}));
  EXPECT_EQ(pairs[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(pairs[4], (std::pair<std::string, std::string>{"e=q", "x&y"}));
  EXPECT_EQ(pairs[5], (std::pair<std::string, std::string>{"empty", ""}));
  const auto fields = ParseFormBody("id=1&csrf_token=abc&id=2");
  EXPECT_EQ(fields.at("id"), "1");
  EXPECT_EQ(fields.at("csrf_token"), "abc");
  EXPECT_TRUE(ParseFormBody("").empty());
}

TEST(FormTest, RecognisesTheFormContentType) {
  EXPECT_TRUE(IsFormContentType("application/x-www-form-urlencoded"));
  EXPECT_TRUE(IsFormContentType("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
  EXPECT_TRUE(IsFormContentType(" application/x-www-form-urlencoded ;charset=utf-8"));
  EXPECT_FALSE(IsFormContentType("application/json"));
  EXPECT_FALSE(IsFormContentType("multipart/form-data; boundary=x"));
  EXPECT_FALSE(IsFormContentType("application/x-www-form-urlencodedx"));
  EXPECT_FALSE(IsFormContentType(""));
}

TEST(FormTest, FindsACookieByExactName) {
  const std::string header = "xsession=1; session=two;  other = 3 ; quoted=\"q\"";
  EXPECT_EQ(FindCookie(header, "session"), "two");
  EXPECT_EQ(FindCookie(header, "xsession"), "1");
  EXPECT_EQ(FindCookie(header, "other"), "3");
  EXPECT_EQ(FindCookie(header, "quoted"), "q");
  EXPECT_FALSE(FindCookie(header, "sess").has_value());
  EXPECT_FALSE(FindCookie("", "session").has_value());
  EXPECT_FALSE(FindCookie("session", "session").has_value());
  EXPECT_EQ(FindCookie("session=", "session"), "");
}

}  // namespace
}  // namespace autotriage
