// The load side of dashboard_bench: timed page views on one keep-alive connection, and
// approvers racing for the same approvals through the REST API.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace autotriage {

using TicketVersion = std::pair<std::string, std::string>;

// The value at quantile `p` (0..1) of `values`, nearest rank; 0 when empty.
double Percentile(std::vector<double> values, double p);

struct PageStats {
  std::string page;
  std::vector<double> server_ms;     // the handler's own time, from Server-Timing
  std::vector<double> roundtrip_ms;  // as the client saw it
  double first_ms = 0;  // the warm-up view (cold caches: audit chain, KPI counts, SQLite pages)
  int errors = 0;       // answers other than 200, and failed connections
};

// One warm-up view, then `requests` timed views of `path` with the session `cookie`.
PageStats MeasurePage(int port, const std::string& path, const std::string& cookie, int requests);

struct RaceApprover {
  std::string token;
  std::vector<TicketVersion> order;  // the approvals to try, in this approver's order
};

struct RaceResult {
  int64_t ok = 0;         // 200: this approver's approval won
  int64_t conflicts = 0;  // 409: someone else had decided
  int64_t errors = 0;     // anything else, failed connections included
  std::vector<double> latencies_ms;
  std::map<TicketVersion, int> wins;  // 200 answers per approval
  double seconds = 0;
};

// Every approver on its own thread and connection, all at once.
RaceResult RaceApprovers(int port, const std::vector<RaceApprover>& approvers);

}  // namespace autotriage
