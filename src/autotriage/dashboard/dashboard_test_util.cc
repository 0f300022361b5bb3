#include "autotriage/dashboard/dashboard_test_util.h"

#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "autotriage/auth/users.h"
#include "autotriage/dashboard/html.h"

namespace autotriage {

std::string Reply::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::vector<std::string> Reply::Cookies() const {
  std::vector<std::string> cookies;
  auto range = headers.equal_range("set-cookie");
  for (auto it = range.first; it != range.second; ++it) {
    cookies.push_back(it->second);
  }
  return cookies;
}

std::string CookiePair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

std::string FormBody(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) {
      body += '&';
    }
    body += dashboard::UrlEncode(name) + "=" + dashboard::UrlEncode(value);
  }
  return body;
}

PolicyOptions HarnessPolicy() {
  PolicyOptions policy;
  policy.default_mode = AutonomyMode::kMonitor;
  policy.writable_fields = {"group", "priority", "agent"};
  policy.overwrite_fields = {"priority"};
  PolicyCell group;
  group.queue = "*";
  group.field = "group";
  group.mode = AutonomyMode::kSuggest;
  PolicyCell priority = group;
  priority.field = "priority";
  policy.cells = {group, priority};
  return policy;
}

int64_t DashboardHarness::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

DashboardHarness::DashboardHarness(HarnessOptions options) {
  StoreConfig config;
  config.backend = "sqlite";
  config.sqlite_path = ":memory:";
  if (options.file_store) {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (std::filesystem::temp_directory_path() /
            ("dashboard_" + std::string(info->name()) + "_" + std::to_string(::getpid())))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    sqlite_path_ = dir_ + "/autotriage.db";
    config.sqlite_path = sqlite_path_;
  }
  Result<std::unique_ptr<Store>> store = OpenStore(config);
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return;
  }
  store_ = std::move(*store);
  auth_ = Authenticator::Create(store_.get(), AuthOptions{});
  policy_ = std::make_unique<PolicyHolder>(HarnessPolicy());
  approvals_ = ApprovalService::Create(store_.get(), policy_.get(), ApprovalOptions{}, false,
                                       "http://dashboard.test");
  if (options.make_notifier) {
    notifier_ = options.make_notifier(store_.get(), approvals_.get());
  }
  HttpServerOptions server_options;
  server_options.worker_threads = 64;
  server_ = HttpServer::Create(server_options);
  DashboardDeps deps;
  deps.store = store_.get();
  deps.auth = auth_.get();
  deps.approvals = approvals_.get();
  deps.policy = HarnessPolicy();
  deps.models = options.models;
  deps.public_url = "http://dashboard.test";
  deps.slack_signing_secret = options.slack_signing_secret;
  deps.slack_notifier = notifier_.get();
  deps.kpi_cache_ms = options.kpi_cache_ms;
  deps.clusters = options.clusters;
  deps.kb_search = options.kb_search;
  deps.log = [](const std::string& line) {
    std::fprintf(stderr, "dashboard log: %s\n", line.c_str());
  };
  routes_ = RegisterDashboard(*server_, deps);
  Status started = server_->Start();
  if (!started.ok()) {
    ADD_FAILURE() << started.ToString();
  }
}

DashboardHarness::~DashboardHarness() {
  if (server_ != nullptr) {
    server_->Stop();
  }
  server_.reset();
  notifier_.reset();
  approvals_.reset();
  auth_.reset();
  store_.reset();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void DashboardHarness::AddUser(const std::string& name, Role role, const std::string& slack_id) {
  NewUser user;
  user.name = name;
  user.role = role;
  user.password = kTestPassword;
  user.slack_user_id = slack_id;
  Result<int64_t> id = CreateUser(*store_, user, "test", NowMs());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
}

Session DashboardHarness::LogIn(const std::string& name) {
  Result<LoginResult> login = auth_->Login(name, kTestPassword, "127.0.0.2");
  EXPECT_TRUE(login.ok()) << login.status().ToString();
  if (!login.ok()) {
    return {};
  }
  return {CookiePair(login->set_cookie), login->principal.csrf_token};
}

std::string DashboardHarness::Token(const std::string& name) {
  Result<std::string> token = auth_->CreateApiToken(name, "test");
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token.ok() ? *token : "";
}

void DashboardHarness::Seed(const std::vector<SeedTicket>& tickets) {
  Status seeded = SeedTickets(*store_, tickets);
  ASSERT_TRUE(seeded.ok()) << seeded.ToString();
}

Reply DashboardHarness::Get(const std::string& path,
                            const std::map<std::string, std::string>& headers) {
  return Send("GET", path, "", "", headers);
}

Reply DashboardHarness::Send(const std::string& method, const std::string& path,
                             const std::string& body, const std::string& content_type,
                             const std::map<std::string, std::string>& headers) {
  httplib::Client client("127.0.0.1", port());
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(30, 0);
  httplib::Request request;
  request.method = method;
  request.path = path;
  for (const auto& [name, value] : headers) {
    request.headers.emplace(name, value);
  }
  if (!content_type.empty()) {
    request.headers.emplace("Content-Type", content_type);
  }
  request.body = body;
  httplib::Result result = client.send(request);
  Reply reply;
  if (!result) {
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  for (const auto& [name, value] : result->headers) {
    std::string lower = name;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    reply.headers.emplace(lower, value);
  }
  return reply;
}

Reply DashboardHarness::PostForm(const std::string& path, const Session& session,
                                 std::vector<std::pair<std::string, std::string>> fields,
                                 bool with_csrf) {
  if (with_csrf) {
    fields.emplace_back("csrf_token", session.csrf);
  }
  std::map<std::string, std::string> headers;
  if (!session.cookie.empty()) {
    headers["Cookie"] = session.cookie;
  }
  return Send("POST", path, FormBody(fields), "application/x-www-form-urlencoded", headers);
}

Reply DashboardHarness::GetPage(const std::string& path, const Session& session) {
  return Get(path, {{"Cookie", session.cookie}});
}

Reply DashboardHarness::Api(const std::string& method, const std::string& path,
                            const std::string& token, const std::string& json_body) {
  std::map<std::string, std::string> headers;
  if (!token.empty()) {
    headers["Authorization"] = "Bearer " + token;
  }
  return Send(method, path, json_body, json_body.empty() ? "" : "application/json", headers);
}

}  // namespace autotriage
