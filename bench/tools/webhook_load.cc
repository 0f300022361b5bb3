// webhook_load: a closed-loop load generator for the webhook intake (bench/run intake).
//
// Opens --connections keep-alive connections and POSTs Freshdesk-shaped webhook payloads, each
// with a distinct ticket id, until --events requests have been answered (after --warmup
// requests that are not measured). Every request's latency is recorded, from the write of its
// first byte to the read of its last answer byte. Prints one JSON object on stdout.
//
// Like wrk, it drives every connection from one epoll thread with plain sockets, so that on a
// 2-core machine the load generator takes as little CPU from the server as possible (a
// thread-per-connection HTTP client library costs several times more).
// The shared secret, if any, comes from the environment (AUTOTRIAGE_WEBHOOK_SECRET), never from
// the command line.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace autotriage {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr int kMaxEvents = 256;
constexpr int kStallTimeoutMs = 30000;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/hooks/freshdesk";
  int connections = 64;
  int64_t events = 50000;
  int64_t warmup = 2000;
  int64_t first_ticket = 1;
  std::string secret;
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "webhook_load: %s\n"
               "usage: webhook_load --port N [--host 127.0.0.1] [--path /hooks/freshdesk]\n"
               "         [--connections 64] [--events 50000] [--warmup 2000] "
               "[--first-ticket 1]\n"
               "environment: AUTOTRIAGE_WEBHOOK_SECRET (sent as X-Autotriage-Secret)\n",
               problem.c_str());
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      Usage("missing value for " + arg);
    }
    const std::string value = argv[++i];
    if (arg == "--host") {
      options.host = value;
    } else if (arg == "--port") {
      options.port = std::atoi(value.c_str());
    } else if (arg == "--path") {
      options.path = value;
    } else if (arg == "--connections") {
      options.connections = std::atoi(value.c_str());
    } else if (arg == "--events") {
      options.events = std::atoll(value.c_str());
    } else if (arg == "--warmup") {
      options.warmup = std::atoll(value.c_str());
    } else if (arg == "--first-ticket") {
      options.first_ticket = std::atoll(value.c_str());
    } else {
      Usage("unknown option " + arg);
    }
  }
  if (options.port <= 0 || options.connections <= 0 || options.events <= 0 || options.warmup < 0) {
    Usage("--port, --connections and --events must be positive");
  }
  if (const char* secret = std::getenv("AUTOTRIAGE_WEBHOOK_SECRET")) {
    options.secret = secret;
  }
  return options;
}

// About the size of a real Freshdesk "Advanced" webhook body (reference A.13): ~700 bytes.
std::string Payload(int64_t ticket) {
  const std::string id = std::to_string(ticket);
  return Json{{"freshdesk_webhook",
               {{"triggered_event", "{ticket_action:created}"},
                {"ticket_id", id},
                {"ticket_url", "https://acme.freshdesk.com/helpdesk/tickets/" + id},
                {"ticket_type", "Incident"},
                {"ticket_subject", "VPN disconnects every few minutes since this morning"},
                {"ticket_description",
                 "<div>Hello,<br>since the update this morning my VPN client drops the "
                 "connection every five to ten minutes. I am working from home and cannot "
                 "reach the file shares. Could you please have a look?<br>Thanks, Maria</div>"},
                {"ticket_status", "Open"},
                {"ticket_priority", "Medium"},
                {"requester_name", "Maria Example"},
                {"requester_email", "maria" + id + "@example.com"}}}}
      .dump();
}

std::string Request(const Options& options, int64_t ticket) {
  const std::string body = Payload(ticket);
  std::string request =
      "POST " + options.path + " HTTP/1.1\r\nHost: " + options.host + ":" +
      std::to_string(options.port) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n";
  if (!options.secret.empty()) {
    request += "X-Autotriage-Secret: " + options.secret + "\r\n";
  }
  return request + "\r\n" + body;
}

struct Connection {
  int fd = -1;
  std::string out;  // request bytes not yet written
  std::string in;   // answer bytes read so far
  Clock::time_point sent;
  bool busy = false;
  bool measured = false;
};

struct Totals {
  std::vector<double> latencies_ms;
  std::map<int, int64_t> statuses;
  int64_t errors = 0;  // connection lost before an answer
  int64_t duplicates = 0;
  int64_t reconnects = 0;
};

int Connect(const Options& options) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(options.port));
  if (::inet_pton(AF_INET, options.host.c_str(), &address.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Bytes of a complete answer at the start of `in`, 0 when more must be read. Sets the status.
size_t CompleteAnswer(const std::string& in, int* status, bool* close) {
  const size_t header_end = in.find("\r\n\r\n");
  if (header_end == std::string::npos || in.size() < 12) {
    return 0;
  }
  *status = std::atoi(in.c_str() + 9);
  size_t length = 0;
  std::string headers = in.substr(0, header_end);
  std::transform(headers.begin(), headers.end(), headers.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  const size_t at = headers.find("\r\ncontent-length:");
  if (at != std::string::npos) {
    length = static_cast<size_t>(std::atoll(headers.c_str() + at + 17));
  }
  *close = headers.find("\r\nconnection: close") != std::string::npos;
  const size_t total = header_end + 4 + length;
  return in.size() >= total ? total : 0;
}

class LoadRun {
 public:
  explicit LoadRun(const Options& options) : options_(options) {}

  bool Open() {
    epoll_ = ::epoll_create1(0);
    connections_.resize(static_cast<size_t>(options_.connections));
    for (size_t i = 0; i < connections_.size(); ++i) {
      if (!Reconnect(i)) {
        std::fprintf(stderr, "webhook_load: cannot connect to %s:%d: %s\n", options_.host.c_str(),
                     options_.port, std::strerror(errno));
        return false;
      }
    }
    return true;
  }

  // Sends requests [first, first + count) and waits for every answer.
  double Run(int64_t first, int64_t count, bool measured, Totals* totals) {
    next_ = first;
    end_ = first + count;
    in_flight_ = 0;
    measured_ = measured;
    totals_ = totals;
    const auto start = Clock::now();
    for (size_t i = 0; i < connections_.size(); ++i) {
      SendNext(i);
    }
    epoll_event events[kMaxEvents];
    while (in_flight_ > 0) {
      const int n = ::epoll_wait(epoll_, events, kMaxEvents, kStallTimeoutMs);
      if (n == 0) {
        std::fprintf(stderr, "webhook_load: no progress for %d ms; giving up\n", kStallTimeoutMs);
        totals_->errors += in_flight_;
        break;
      }
      for (int e = 0; e < n; ++e) {
        Handle(static_cast<size_t>(events[e].data.u64), events[e].events);
      }
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

 private:
  bool Reconnect(size_t i) {
    Connection& c = connections_[i];
    if (c.fd >= 0) {
      ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
      if (totals_ != nullptr) {
        ++totals_->reconnects;
      }
    }
    c = Connection{};
    c.fd = Connect(options_);
    if (c.fd < 0) {
      return false;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    return ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &event) == 0;
  }

  void SendNext(size_t i) {
    if (next_ >= end_) {
      return;
    }
    Connection& c = connections_[i];
    c.out = Request(options_, next_++);
    c.in.clear();
    c.busy = true;
    c.measured = measured_;
    ++in_flight_;
    c.sent = Clock::now();
    Flush(i);
  }

  void Flush(size_t i) {
    Connection& c = connections_[i];
    while (!c.out.empty()) {
      const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n > 0) {
        c.out.erase(0, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        Watch(i, EPOLLIN | EPOLLOUT);
        return;
      }
      Fail(i);
      return;
    }
    Watch(i, EPOLLIN);
  }

  void Watch(size_t i, uint32_t what) {
    epoll_event event{};
    event.events = what;
    event.data.u64 = i;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, connections_[i].fd, &event);
  }

  // The connection died before its answer: count the request as an error and move on.
  void Fail(size_t i) {
    if (connections_[i].busy) {
      --in_flight_;
      ++totals_->errors;
    }
    if (Reconnect(i)) {
      SendNext(i);
    }
  }

  void Handle(size_t i, uint32_t what) {
    Connection& c = connections_[i];
    if ((what & EPOLLOUT) != 0 && !c.out.empty()) {
      Flush(i);
    }
    if ((what & (EPOLLIN | EPOLLHUP | EPOLLERR)) == 0) {
      return;
    }
    char buffer[16384];
    while (true) {
      const ssize_t n = ::recv(c.fd, buffer, sizeof(buffer), 0);
      if (n > 0) {
        c.in.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        break;
      }
      // Closed or reset: an answer already complete still counts.
      if (!Complete(i)) {
        Fail(i);
      }
      return;
    }
    Complete(i);
  }

  bool Complete(size_t i) {
    Connection& c = connections_[i];
    int status = 0;
    bool close = false;
    const size_t size = c.busy ? CompleteAnswer(c.in, &status, &close) : 0;
    if (size == 0) {
      return false;
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - c.sent).count();
    if (c.measured) {
      totals_->latencies_ms.push_back(ms);
      ++totals_->statuses[status];
      if (status == 202 && c.in.find("\"duplicate\":true") != std::string::npos) {
        ++totals_->duplicates;
      }
    }
    c.busy = false;
    --in_flight_;
    if (close && !Reconnect(i)) {
      return true;
    }
    SendNext(i);
    return true;
  }

  const Options& options_;
  int epoll_ = -1;
  std::vector<Connection> connections_;
  int64_t next_ = 0;
  int64_t end_ = 0;
  int64_t in_flight_ = 0;
  bool measured_ = false;
  Totals* totals_ = nullptr;
};

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) {
    return 0;
  }
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()))];
}

int RunLoad(int argc, char** argv) {
  const Options options = Parse(argc, argv);
  LoadRun run(options);
  if (!run.Open()) {
    return 1;
  }
  Totals warm;
  if (options.warmup > 0) {
    run.Run(options.first_ticket, options.warmup, false, &warm);
  }
  Totals totals;
  totals.latencies_ms.reserve(static_cast<size_t>(options.events));
  const double seconds =
      run.Run(options.first_ticket + options.warmup, options.events, true, &totals);
  std::sort(totals.latencies_ms.begin(), totals.latencies_ms.end());
  const int64_t accepted = totals.statuses.count(202) ? totals.statuses.at(202) : 0;
  double sum = 0;
  for (double ms : totals.latencies_ms) {
    sum += ms;
  }
  Json statuses = Json::object();
  for (const auto& [status, n] : totals.statuses) {
    statuses[std::to_string(status)] = n;
  }
  const size_t answered = totals.latencies_ms.size();
  const Json out = {
      {"events", options.events},
      {"warmup_events", options.warmup},
      {"connections", options.connections},
      {"accepted", accepted},
      {"duplicates", totals.duplicates},
      {"errors", totals.errors + warm.errors},
      {"reconnects", totals.reconnects},
      {"statuses", statuses},
      {"seconds", seconds},
      {"events_per_second", seconds > 0 ? accepted / seconds : 0.0},
      {"mean_ms", answered == 0 ? 0.0 : sum / answered},
      {"p50_ms", Percentile(totals.latencies_ms, 0.50)},
      {"p90_ms", Percentile(totals.latencies_ms, 0.90)},
      {"p99_ms", Percentile(totals.latencies_ms, 0.99)},
      {"p999_ms", Percentile(totals.latencies_ms, 0.999)},
      {"max_ms", answered == 0 ? 0.0 : totals.latencies_ms.back()},
  };
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace autotriage

int main(int argc, char** argv) {
  return autotriage::RunLoad(argc, argv);
}
