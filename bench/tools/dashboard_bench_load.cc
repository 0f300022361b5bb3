#include "bench/tools/dashboard_bench_load.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace autotriage {
namespace {

using Clock = std::chrono::steady_clock;

double ServerTiming(const httplib::Result& result) {
  const std::string header = result->get_header_value("Server-Timing");
  const size_t at = header.find("dur=");
  return at == std::string::npos ? -1 : std::atof(header.c_str() + at + 4);
}

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

PageStats MeasurePage(int port, const std::string& path, const std::string& cookie, int requests) {
  PageStats stats;
  stats.page = path;
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_read_timeout(60, 0);
  httplib::Headers headers = {{"Cookie", cookie}};
  for (int i = 0; i < requests + 1; ++i) {
    const auto start = Clock::now();
    httplib::Result result = client.Get(path.c_str(), headers);
    const double ms = MsSince(start);
    if (!result || result->status != 200) {
      ++stats.errors;
      continue;
    }
    if (i == 0) {
      stats.first_ms = ServerTiming(result);
      continue;
    }
    stats.roundtrip_ms.push_back(ms);
    stats.server_ms.push_back(ServerTiming(result));
  }
  return stats;
}

RaceResult RaceApprovers(int port, const std::vector<RaceApprover>& approvers) {
  RaceResult race;
  std::mutex mutex;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (const RaceApprover& approver : approvers) {
    threads.emplace_back([&, approver] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_read_timeout(60, 0);
      httplib::Headers headers = {{"Authorization", "Bearer " + approver.token}};
      RaceResult mine;
      for (const auto& [ticket, version] : approver.order) {
        const std::string path = "/api/v1/approvals/" + ticket + "/" + version + "/approve";
        const auto sent = Clock::now();
        httplib::Result result = client.Post(path.c_str(), headers, "{}", "application/json");
        mine.latencies_ms.push_back(MsSince(sent));
        if (result && result->status == 200) {
          ++mine.ok;
          ++mine.wins[{ticket, version}];
        } else if (result && result->status == 409) {
          ++mine.conflicts;
        } else {
          ++mine.errors;
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      race.ok += mine.ok;
      race.conflicts += mine.conflicts;
      race.errors += mine.errors;
      race.latencies_ms.insert(race.latencies_ms.end(), mine.latencies_ms.begin(),
                               mine.latencies_ms.end());
      for (const auto& [key, count] : mine.wins) {
        race.wins[key] += count;
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  race.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return race;
}

}  // namespace autotriage
