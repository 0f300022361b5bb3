// Test and benchmark support: puts triage results into a store the way the engine does (one
// job per ticket version: event, claim, CommitTriage with decisions, advice and audit entries),
// so the dashboard can be exercised without a helpdesk or a model.
// Thread-safety: as the store's; not for concurrent use on one store while seeding.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/store/store.h"

namespace autotriage {

struct SeedField {
  std::string field;
  std::string old_value;
  std::string new_value;
  double confidence = 0.9;
  std::vector<std::pair<std::string, double>> words;  // explanation: feature, weight
  std::string mode = "suggest";
  std::string outcome = "pending";
};

struct SeedLink {
  std::string id;
  std::string title;  // article title, similar ticket subject or assignee name
  std::string extra;  // article URL, similar ticket resolution or assignee reason
};

struct SeedTicket {
  std::string ticket_id;
  std::string version;
  std::string queue;
  std::string subject;
  std::string summary;
  std::string note_draft;
  std::vector<SeedField> fields;
  std::vector<SeedLink> articles;
  std::vector<SeedLink> similar;
  std::vector<SeedLink> assignees;
  int64_t created_ms = 0;
  bool with_advice = true;
};

// A typical proposal: group and priority suggested, with advice, explanation and a draft note.
SeedTicket ExampleProposal(const std::string& ticket_id, const std::string& version,
                           const std::string& queue, int64_t created_ms);

// Commits every ticket as one triage job, in batches of up to 500 (one transaction per ticket).
// `threads` > 1 commits a batch from that many threads at once (the SQLite store then groups
// the commits into fewer transactions; faster seeding of large stores).
Status SeedTickets(Store& store, const std::vector<SeedTicket>& tickets, int threads = 1);

}  // namespace autotriage
