#include "autotriage/dashboard/testing/seed.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace autotriage {
namespace {

using Json = nlohmann::json;

constexpr size_t kBatch = 500;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string AdviceJsonOf(const SeedTicket& ticket) {
  Json articles = Json::array();
  for (const SeedLink& a : ticket.articles) {
    articles.push_back(
        {{"id", a.id}, {"title", a.title}, {"url", a.extra}, {"snippet", ""}, {"score", 0.8}});
  }
  Json similar = Json::array();
  for (const SeedLink& s : ticket.similar) {
    similar.push_back({{"id", s.id},
                       {"subject", s.title},
                       {"label", ticket.queue},
                       {"resolution", s.extra},
                       {"score", 0.7}});
  }
  Json assignees = Json::array();
  for (const SeedLink& a : ticket.assignees) {
    assignees.push_back({{"agent_id", a.id},
                         {"name", a.title},
                         {"email", ""},
                         {"score", 1.0},
                         {"reason", a.extra}});
  }
  return Dump({{"articles", articles},
               {"similar", similar},
               {"assignees", assignees},
               {"summary", ticket.summary},
               {"subject", ticket.subject},
               {"notes", Json::array()},
               {"note_draft", ticket.note_draft}});
}

TriageCommit CommitOf(const SeedTicket& ticket, int64_t job_id) {
  TriageCommit commit;
  commit.job_id = job_id;
  const std::string trace = "seed-" + ticket.ticket_id + "-" + ticket.version;
  Json diff = Json::object();
  for (const SeedField& f : ticket.fields) {
    DecisionRecord d;
    d.trace_id = trace;
    d.ticket_id = ticket.ticket_id;
    d.ticket_version = ticket.version;
    d.queue = ticket.queue;
    d.field = f.field;
    d.old_value = f.old_value;
    d.new_value = f.new_value;
    d.confidence = f.confidence;
    d.margin = f.confidence / 2;
    d.mode = f.mode;
    d.outcome = f.outcome;
    d.reason = "confidence " + std::to_string(f.confidence) + " above the threshold";
    Json words = Json::array();
    for (const auto& [feature, weight] : f.words) {
      words.push_back({{"feature", feature}, {"weight", weight}});
    }
    d.explanation = Dump(words);
    d.model_version = "m-seed";
    d.created_ms = ticket.created_ms;
    d.updated_ms = ticket.created_ms;
    commit.decisions.push_back(std::move(d));
    diff[f.field] = {{"old", f.old_value}, {"new", f.new_value}, {"outcome", f.outcome}};
  }
  AuditEntry audit;
  audit.time_ms = ticket.created_ms;
  audit.kind = "decision";
  audit.trace_id = trace;
  audit.ticket_id = ticket.ticket_id;
  audit.model_version = "m-seed";
  audit.detail = Dump(diff);
  commit.audit.push_back(std::move(audit));
  if (ticket.with_advice) {
    AdviceRecord advice;
    advice.ticket_id = ticket.ticket_id;
    advice.ticket_version = ticket.version;
    advice.trace_id = trace;
    advice.advice_json = AdviceJsonOf(ticket);
    advice.created_ms = ticket.created_ms;
    commit.advice = std::move(advice);
  }
  return commit;
}

}  // namespace

SeedTicket ExampleProposal(const std::string& ticket_id, const std::string& version,
                           const std::string& queue, int64_t created_ms) {
  SeedTicket t;
  t.ticket_id = ticket_id;
  t.version = version;
  t.queue = queue;
  t.subject = "VPN drops every few minutes";
  t.summary =
      "Since this morning the VPN connection drops every few minutes. Reconnecting works "
      "for a while. Laptop is a ThinkPad on Windows 11.";
  t.note_draft =
      "autotriage suggests group Network and priority High.\nSee KB: VPN troubleshooting.";
  t.fields = {{"group", "", "Network", 0.93, {{"vpn", 0.42}, {"w:drops", 0.18}, {"c:vp", 0.05}}},
              {"priority", "Low", "High", 0.81, {{"every few minutes", 0.2}}}};
  t.articles = {{"kb-1", "VPN troubleshooting", "https://kb.example.org/vpn"},
                {"kb-2", "Reset your VPN profile", "https://kb.example.org/vpn-reset"},
                {"kb-3", "Wi-Fi and VPN", ""}};
  t.similar = {{"9001", "VPN keeps disconnecting", "Replaced the VPN profile"}};
  t.assignees = {{"7", "Nora Network", "skill vpn; 2 open tickets"}};
  t.created_ms = created_ms;
  return t;
}

Status SeedTickets(Store& store, const std::vector<SeedTicket>& tickets, int threads) {
  for (size_t start = 0; start < tickets.size(); start += kBatch) {
    const size_t end = std::min(tickets.size(), start + kBatch);
    std::vector<InboxEvent> events;
    for (size_t i = start; i < end; ++i) {
      InboxEvent event;
      event.source = "cli";
      event.ticket_id = tickets[i].ticket_id;
      event.version = tickets[i].version;
      event.payload = "{}";
      event.trace_id = "seed-" + tickets[i].ticket_id + "-" + tickets[i].version;
      event.received_ms = tickets[i].created_ms;
      events.push_back(std::move(event));
    }
    Result<std::vector<EnqueueResult>> enqueued = store.Enqueue(events);
    if (!enqueued.ok()) {
      return enqueued.status();
    }
    int64_t now = 0;
    for (size_t i = start; i < end; ++i) {
      now = std::max(now, tickets[i].created_ms + 1);
    }
    Result<std::vector<Job>> jobs =
        store.ClaimJobs("seed", static_cast<int>(end - start), 3600 * 1000, now);
    if (!jobs.ok()) {
      return jobs.status();
    }
    std::map<std::pair<std::string, std::string>, int64_t> job_of;
    for (const Job& job : *jobs) {
      job_of[{job.ticket_id, job.version}] = job.id;
    }
    std::atomic<size_t> next{start};
    std::mutex failure_mutex;
    Status failure;
    auto commit_some = [&] {
      for (size_t i = next++; i < end; i = next++) {
        auto it = job_of.find({tickets[i].ticket_id, tickets[i].version});
        Status status = it == job_of.end()
                            ? Internal("seeding: no job claimed for ticket " + tickets[i].ticket_id)
                            : store.CommitTriage(CommitOf(tickets[i], it->second), now);
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          failure = status;
          return;
        }
      }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) {
      workers.emplace_back(commit_some);
    }
    commit_some();
    for (std::thread& worker : workers) {
      worker.join();
    }
    AUTOTRIAGE_RETURN_IF_ERROR(failure);
  }
  return Status::Ok();
}

}  // namespace autotriage
