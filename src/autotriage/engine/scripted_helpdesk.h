// Test-only: a Helpdesk holding one ticket in memory whose calls can be scripted to fail, before
// or after doing their work (a timeout whose request did arrive), plus a listing for
// FindTickets paged by index. Writes move updated_at by a second, as a helpdesk's clock would.
// Thread-safety: every call takes the mutex; tests set the public members between calls.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "autotriage/connectors/helpdesk.h"

namespace autotriage::testing {

class ScriptedHelpdesk final : public Helpdesk {
 public:
  struct Failure {
    Status status;
    bool applied = false;  // the helpdesk did the work, but the answer was lost
  };

  std::string kind() const override { return "freshdesk"; }
  HelpdeskCapabilities capabilities() const override {
    HelpdeskCapabilities c;
    c.problems = problems_supported;
    return c;
  }

  Result<TicketPage> FindTickets(const TicketQuery& query) override {
    std::lock_guard<std::mutex> lock(mutex);
    queries.push_back(query);
    const size_t start = query.cursor.empty() ? 0 : std::stoul(query.cursor);
    TicketPage page;
    for (size_t i = start; i < listing.size() && page.tickets.size() < page_size; ++i) {
      if (listing[i].updated_at >= query.updated_since) {
        page.tickets.push_back(listing[i]);
      }
    }
    if (start + page_size < listing.size()) {
      page.next_cursor = std::to_string(start + page_size);
    }
    return page;
  }

  Result<Ticket> GetTicket(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++gets;
    if (!get_failures.empty()) {
      Status status = get_failures.front();
      get_failures.erase(get_failures.begin());
      return status;
    }
    if (id != ticket.id) {
      return NotFound("ticket " + id);
    }
    return ticket;
  }

  Result<Ticket> UpdateFields(const std::string& /*id*/,
                              const std::vector<FieldUpdate>& updates) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++puts;
    Failure failure = Next(&put_failures);
    if (!failure.status.ok() && !failure.applied) {
      return failure.status;
    }
    for (const FieldUpdate& u : updates) {
      ticket.fields[u.field] = u.value;
    }
    ticket.updated_at += 1;
    if (!failure.status.ok()) {
      return failure.status;
    }
    return ticket;
  }

  Result<std::string> AddPrivateNote(const std::string& /*id*/, const std::string& body) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++notes;
    Failure failure = Next(&note_failures);
    if (!failure.status.ok() && !failure.applied) {
      return failure.status;
    }
    Conversation note;
    note.id = std::to_string(ticket.conversations.size() + 1);
    note.body_html = body;
    note.is_private = true;
    ticket.conversations.push_back(note);
    ticket.updated_at += 1;
    if (!failure.status.ok()) {
      return failure.status;
    }
    return note.id;
  }

  Result<std::vector<Group>> ListGroups() override { return std::vector<Group>{}; }
  Result<std::vector<Agent>> ListAgents() override { return std::vector<Agent>{}; }
  Result<std::vector<FieldSchema>> GetFieldSchema() override {
    std::lock_guard<std::mutex> lock(mutex);
    return schema;
  }
  Result<std::vector<KbArticle>> ListKbArticles(bool) override { return std::vector<KbArticle>{}; }
  Result<std::string> CreateProblem(const ProblemRecord& problem) override {
    std::lock_guard<std::mutex> lock(mutex);
    if (!problems_supported) {
      return Unimplemented("problems");
    }
    Failure failure = Next(&problem_failures);
    if (!failure.status.ok() && !failure.applied) {
      return failure.status;
    }
    problems.push_back(problem);
    if (!failure.status.ok()) {
      return failure.status;
    }
    return std::to_string(problems.size());
  }
  Result<std::optional<std::string>> FindProblemByMarker(const std::string& marker) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++problem_lookups;
    if (!problem_lookup_supported) {
      return Unimplemented("problem lookup");
    }
    for (size_t i = problems.size(); i > 0; --i) {
      if (problems[i - 1].description_html.find(marker) != std::string::npos) {
        return std::optional<std::string>(std::to_string(i));
      }
    }
    return std::optional<std::string>();
  }

  std::mutex mutex;
  Ticket ticket;
  std::vector<Ticket> listing;  // what FindTickets pages through
  size_t page_size = 2;
  std::vector<FieldSchema> schema;
  std::vector<TicketQuery> queries;
  int gets = 0;
  int puts = 0;   // UpdateFields calls that reached the helpdesk (applied or not)
  int notes = 0;  // AddPrivateNote calls
  std::vector<Status> get_failures;
  std::vector<Failure> put_failures;
  std::vector<Failure> note_failures;
  bool problems_supported = false;
  bool problem_lookup_supported = true;
  std::vector<ProblemRecord> problems;  // created; the id is the position + 1
  std::vector<Failure> problem_failures;
  int problem_lookups = 0;

 private:
  static Failure Next(std::vector<Failure>* failures) {
    if (failures->empty()) {
      return {};
    }
    Failure failure = failures->front();
    failures->erase(failures->begin());
    return failure;
  }
};

}  // namespace autotriage::testing
