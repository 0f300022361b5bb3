// KnowledgeLoader: builds what the Advisor works from, out of the configuration and the
// helpdesk, and rebuilds it on a schedule.
//
// One Load:
//   1. opens the KB index (knowledge.index_path) and, when asked to sync, brings it up to date
//      with the helpdesk's published solutions (when the connector has a knowledge base) and
//      knowledge.markdown_dir, then rebuilds the dense vectors;
//   2. reads resolved and closed tickets of the last knowledge.history_days (at most
//      knowledge.history_max_tickets, newest first) once, for both similar tickets (labelled by
//      group) and the assignee recommender's learned history;
//   3. loads the agent and group directory for routing, and gives the Advisor a workload
//      function that counts open tickets per agent at most once a minute (a failed count is
//      reported in the reasons, never fatal).
// Resolutions of similar tickets: the helpdesk's ticket lists carry no conversations, so the
// newest resolved tickets' conversations are fetched (at most kResolutionFetchesPerLoad per Load)
// and remembered across loads; the last agent reply or private note is the resolution.
// Nothing here is fatal: a part that fails to load is left out, and AdvisorSources::load_notes
// says what and why (shown on every card) and the log gets one line.
// Thread-safety: Load from one thread at a time (the engine's refresher); the sources it returns
// are immutable and shared.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "autotriage/config/config.h"
#include "autotriage/connectors/helpdesk.h"
#include "autotriage/engine/advice.h"
#include "autotriage/knowledge/kb_sync.h"

namespace autotriage {

inline constexpr int kResolutionFetchesPerLoad = 200;

struct KnowledgeLoadReport {
  std::vector<KbSyncReport> kb_syncs;
  int64_t kb_documents = 0;
  int64_t history_tickets = 0;
  int64_t agents = 0;
  std::vector<std::string> problems;  // the same texts as AdvisorSources::load_notes
};

class KnowledgeLoader {
 public:
  KnowledgeLoader(Config config, std::shared_ptr<Helpdesk> helpdesk);

  AdvisorSources Load(int64_t now, bool sync_kb, KnowledgeLoadReport* report);

 private:
  std::shared_ptr<KbIndex> OpenIndex(std::vector<std::string>* problems);

  Config config_;
  std::shared_ptr<Helpdesk> helpdesk_;
  std::shared_ptr<KbIndex> index_;                  // opened once, kept open
  std::map<std::string, std::string> resolutions_;  // ticket id -> resolution text
};

}  // namespace autotriage
