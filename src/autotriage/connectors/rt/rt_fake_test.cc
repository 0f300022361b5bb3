// Unit tests of the RT connector's request logic against a scripted fake HttpClient: the
// TicketSQL time-zone measurement, update checks, notes, error paths and option validation.
#include <functional>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autotriage/connectors/rt/rt_helpdesk.h"
#include "autotriage/connectors/rt/rt_internal.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "1-14-5ec7e75ec7e75ec7e75ec7e75ec7e700";

class FakeHttpClient : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;
  explicit FakeHttpClient(Handler handler) : handler_(std::move(handler)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(request);
    return handler_(request);
  }
  HttpClientStats stats() const override { return HttpClientStats{}; }

  std::vector<HttpRequest> requests;

 private:
  std::mutex mu_;
  Handler handler_;
};

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string UrlDecode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

// The decoded TicketSQL of a /tickets URL, or "".
std::string QueryOf(const std::string& url) {
  const size_t start = url.find("query=");
  if (start == std::string::npos) {
    return "";
  }
  const size_t end = url.find('&', start);
  return UrlDecode(url.substr(start + 6, end == std::string::npos ? end : end - start - 6));
}

std::unique_ptr<Helpdesk> Make(std::shared_ptr<FakeHttpClient> fake) {
  RtOptions options;
  options.base_url = "http://rt.example/rt/";
  options.token = kToken;
  Result<std::unique_ptr<Helpdesk>> helpdesk = NewRtHelpdesk(std::move(fake), options);
  EXPECT_TRUE(helpdesk.ok()) << helpdesk.status().ToString();
  return helpdesk.ok() ? std::move(helpdesk.value()) : nullptr;
}

const std::string kEmpty = R"({"items":[],"page":1,"pages":0.0,"total":0})";

std::string OneTicket(const std::string& id, const std::string& last_updated,
                      const std::string& queue = "Triage") {
  return R"({"page":1,"pages":1,"total":1,"items":[{"id":")" + id +
         R"(","Subject":"s","Status":"new","Priority":"0","LastUpdated":")" + last_updated +
         R"(","Queue":{"id":"3","Name":")" + queue + R"("}}]})";
}

// Emulates RT reading TicketSQL dates in a zone `offset` seconds east of UTC.
FakeHttpClient::Handler ZonedRt(int64_t offset, std::vector<std::string>* searches) {
  const std::string newest = "2026-03-10T08:00:00Z";
  return [=](const HttpRequest& request) -> Result<HttpResponse> {
    const std::string sql = QueryOf(request.url);
    if (request.url.find("order=DESC") != std::string::npos) {
      return Json(200, OneTicket("42", newest));
    }
    const std::string prefix = "id = 42 AND LastUpdated >= '";
    if (sql.rfind(prefix, 0) == 0) {
      const int64_t literal = *ParseRtTime(sql.substr(prefix.size(), 19));
      const bool match = *ParseRtTime(newest) >= literal - offset;
      return Json(200, match ? OneTicket("42", newest) : kEmpty);
    }
    if (sql == "id = 42") {
      return Json(200, OneTicket("42", newest));
    }
    searches->push_back(sql);
    return Json(200, kEmpty);
  };
}

TEST(RtFakeTest, UpdatedSinceIsShiftedByTheMeasuredZoneOffset) {
  for (const int64_t offset : {int64_t{0}, int64_t{-5 * 3600}, int64_t{5 * 3600 + 45 * 60}}) {
    std::vector<std::string> searches;
    auto fake = std::make_shared<FakeHttpClient>(ZonedRt(offset, &searches));
    std::unique_ptr<Helpdesk> helpdesk = Make(fake);
    TicketQuery query;
    query.updated_since = *ParseRtTime("2026-03-01T12:00:00Z");
    ASSERT_TRUE(helpdesk->FindTickets(query).ok());
    ASSERT_EQ(searches.size(), 1u);
    EXPECT_THAT(searches[0],
                HasSubstr("LastUpdated >= '" + FormatRtSqlTime(query.updated_since + offset) + "'"))
        << offset;
    EXPECT_LE(fake->requests.size(), 12u);
    // The measurement is cached: a second search costs one request.
    const size_t before = fake->requests.size();
    ASSERT_TRUE(helpdesk->FindTickets(query).ok());
    EXPECT_EQ(fake->requests.size(), before + 1);
  }
}

TEST(RtFakeTest, CursorAsksForWhatSortsAfterTheLastTicketInRtsZone) {
  const int64_t offset = 3600;  // RT reads TicketSQL dates one hour east of UTC
  std::vector<std::string> ignored;
  FakeHttpClient::Handler zoned = ZonedRt(offset, &ignored);
  std::vector<std::string> urls;
  auto fake = std::make_shared<FakeHttpClient>([&](const HttpRequest& request) {
    if (request.url.find("order=ASC") == std::string::npos) {
      return zoned(request);  // the zone measurement
    }
    urls.push_back(request.url);
    return Result<HttpResponse>(Json(200, R"({"page":1,"pages":2,"total":3,"next_page":"x",
        "items":[{"id":"1","Subject":"a","LastUpdated":"2026-03-01T10:00:00Z"},
                 {"id":"7","Subject":"b","LastUpdated":"2026-03-01T10:00:05Z"}]})"));
  });
  std::unique_ptr<Helpdesk> helpdesk = Make(fake);
  TicketQuery query;
  query.page_size = 500;  // clamped to RT's 100
  Result<TicketPage> first = helpdesk->FindTickets(query);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->tickets.size(), 2u);
  EXPECT_EQ(first->next_cursor, "2026-03-01 11:00:05;7");
  query.cursor = first->next_cursor;
  ASSERT_TRUE(helpdesk->FindTickets(query).ok());
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_THAT(urls[0], HasSubstr("http://rt.example/rt/REST/2.0/tickets?query="));
  EXPECT_THAT(urls[0], HasSubstr("&page=1&per_page=100"));
  EXPECT_EQ(QueryOf(urls[0]), "id > 0");
  EXPECT_THAT(urls[1], HasSubstr("&page=1&per_page=100"));
  EXPECT_EQ(QueryOf(urls[1]),
            "id > 0 AND LastUpdated >= '2026-03-01 11:00:05' AND "
            "(LastUpdated > '2026-03-01 11:00:05' OR id > 7)");
  for (const std::string bad : {"2;'; DROP", "2026-03-01 11:00:05;7 OR 1", ";7", "x;7"}) {
    query.cursor = bad;
    EXPECT_EQ(helpdesk->FindTickets(query).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(RtFakeTest, RefusedUpdateIsATypedErrorAndNotRetried) {
  auto fake = std::make_shared<FakeHttpClient>([](const HttpRequest& request) {
    if (request.method == "PUT") {
      return Result<HttpResponse>(Json(200, R"(["Ticket 7: Queue NoSuchQueue does not exist"])"));
    }
    if (request.url.find("/history") != std::string::npos) {
      return Result<HttpResponse>(Json(200, kEmpty));
    }
    return Result<HttpResponse>(Json(200, OneTicket("7", "2026-03-10T08:00:00Z")));
  });
  std::unique_ptr<Helpdesk> helpdesk = Make(fake);
  Result<Ticket> result = helpdesk->UpdateFields("7", {{"group", "NoSuchQueue"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("Queue NoSuchQueue does not exist"));
  const HttpRequest& put = fake->requests.front();
  EXPECT_EQ(put.method, "PUT");
  EXPECT_FALSE(put.idempotent);
  EXPECT_EQ(put.body, R"({"Queue":"NoSuchQueue"})");
  EXPECT_EQ(put.url, "http://rt.example/rt/REST/2.0/ticket/7");
}

TEST(RtFakeTest, SilentlyIgnoredFieldIsFailedPrecondition) {
  auto fake = std::make_shared<FakeHttpClient>([](const HttpRequest& request) {
    if (request.method == "PUT") {
      return Result<HttpResponse>(Json(200, "[]"));  // RT's answer for an unknown field
    }
    if (request.url.find("/history") != std::string::npos) {
      return Result<HttpResponse>(Json(200, kEmpty));
    }
    return Result<HttpResponse>(Json(200, OneTicket("7", "2026-03-10T08:00:00Z")));
  });
  Result<Ticket> result = Make(fake)->UpdateFields("7", {{"Colour", "blue"}});
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("Colour='blue'"));
}

TEST(RtFakeTest, NoteIsPostedOnceAsPlainTextAndReturnsTheTransactionId) {
  auto fake = std::make_shared<FakeHttpClient>([](const HttpRequest&) {
    HttpResponse response = Json(201, R"(["Comments added"])");
    response.headers["location"] = "/REST/2.0/transaction/129";
    return Result<HttpResponse>(response);
  });
  Result<std::string> id = Make(fake)->AddPrivateNote("7", "Grüße <b>");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id.value(), "129");
  ASSERT_EQ(fake->requests.size(), 1u);
  const HttpRequest& post = fake->requests[0];
  EXPECT_FALSE(post.idempotent);
  EXPECT_EQ(post.body, R"({"Content":"Grüße <b>","ContentType":"text/plain"})");
  EXPECT_THAT(post.headers, ::testing::Contains(std::make_pair(std::string("Authorization"),
                                                               std::string("token ") + kToken)));
}

TEST(RtFakeTest, NoteOnAMissingTicketIsNotFound) {
  auto fake = std::make_shared<FakeHttpClient>([](const HttpRequest& request) {
    if (request.method == "POST") {
      return Result<HttpResponse>(Json(400, R"({"message":"Message could not be recorded"})"));
    }
    return Result<HttpResponse>(Json(200, kEmpty));
  });
  EXPECT_EQ(Make(fake)->AddPrivateNote("9999", "x").status().code(), StatusCode::kNotFound);
}

TEST(RtFakeTest, HtmlInsteadOfJsonIsCorruption) {
  auto fake = std::make_shared<FakeHttpClient>([](const HttpRequest&) {
    return Result<HttpResponse>(Json(200, "<!DOCTYPE html><html>RT login</html>"));
  });
  Result<TicketPage> page = Make(fake)->FindTickets(TicketQuery{});
  EXPECT_EQ(page.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(page.status().message(), HasSubstr("not JSON"));
}

TEST(RtFakeTest, TransportFailuresKeepTheirCode) {
  auto fake = std::make_shared<FakeHttpClient>([](const HttpRequest&) {
    return Result<HttpResponse>(DeadlineExceeded("total timeout of 30000 ms"));
  });
  Result<TicketPage> page = Make(fake)->FindTickets(TicketQuery{});
  EXPECT_EQ(page.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(page.status().message(), HasSubstr("RT GET /tickets"));
}

TEST(RtFakeTest, OptionsAreValidatedWithoutEchoingTheToken) {
  auto fake = std::make_shared<FakeHttpClient>(
      [](const HttpRequest&) { return Result<HttpResponse>(Json(200, kEmpty)); });
  RtOptions options;
  options.base_url = "rt.example";
  options.token = kToken;
  EXPECT_EQ(NewRtHelpdesk(fake, options).status().code(), StatusCode::kInvalidArgument);
  options.base_url = "https://rt.example/REST/2.0";
  EXPECT_TRUE(NewRtHelpdesk(fake, options).ok());
  options.token = std::string(kToken) + "\r\nX-Evil: 1";
  Result<std::unique_ptr<Helpdesk>> bad = NewRtHelpdesk(fake, options);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), Not(HasSubstr("5ec7e7")));
  options.token.clear();
  EXPECT_EQ(NewRtHelpdesk(fake, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace autotriage
