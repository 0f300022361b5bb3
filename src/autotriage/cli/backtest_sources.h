// Where `autotriage backtest` gets its historical tickets: a labelled CSV / JSON Lines file, or
// the configured helpdesk (tickets updated in the last N days, whose current field values are
// the truth). Used from the main thread only.
// Errors: kNotFound for a missing column (listing the columns present), kInvalidArgument for bad
// input, the connector's errors for a helpdesk that cannot be read; never a secret.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "autotriage/config/config.h"
#include "autotriage/core/status.h"

namespace autotriage {

// One historical ticket to replay.
struct ReplayTicket {
  std::string queue;                         // its group; "" when it has none
  std::string text;                          // what the model reads (subject and body)
  std::map<std::string, std::string> truth;  // field -> true value; absent or "" = unknown
};

struct FileSource {
  std::string path;
  std::vector<std::string> text_columns;
  std::map<std::string, std::string> label_columns;  // field -> column
  std::string queue_column;                          // "" = no queues
  bool strict = false;
  bool quiet = false;  // no warnings about malformed rows on stderr
};

// Reads the file once for the text and once per label / queue column, joining rows by line, so a
// row without a label still counts for the fields it has.
Result<std::vector<ReplayTicket>> ReadReplayFile(const FileSource& source);

struct HelpdeskSource {
  int days = 90;               // tickets updated in the last `days` days
  int64_t limit = 0;           // 0 = no limit
  int sandbox_tickets = 2000;  // history size of the built-in sandbox (helpdesk.kind sandbox)
  // Progress in [0, 1] and the number of tickets read so far.
  std::function<void(double fraction, int64_t tickets)> progress;
};

// Reads tickets from config.helpdesk; helpdesk.kind sandbox starts the built-in emulated
// Freshdesk in this process (generated history ending now) for the duration of the call.
Result<std::vector<ReplayTicket>> ReadReplayHelpdesk(const HelpdeskOptions& helpdesk,
                                                     const std::vector<std::string>& fields,
                                                     const HelpdeskSource& source);

}  // namespace autotriage
