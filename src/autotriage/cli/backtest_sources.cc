#include "autotriage/cli/backtest_sources.h"

#include <algorithm>
#include <ctime>
#include <memory>
#include <unordered_map>

#include "autotriage/cli/common.h"
#include "autotriage/cli/engine_setup.h"
#include "autotriage/connectors/factory.h"
#include "autotriage/dataset/dataset.h"
#include "autotriage/engine/triage.h"
#include "autotriage/sandbox/sandbox.h"

namespace autotriage {
namespace {

constexpr int64_t kSecondsPerDay = 86'400;

}  // namespace

Result<std::vector<ReplayTicket>> ReadReplayFile(const FileSource& source) {
  Result<Dataset> texts =
      LoadLabelledData(source.path, source.text_columns, "", source.strict, source.quiet);
  if (!texts.ok()) {
    return texts.status();
  }
  std::vector<ReplayTicket> tickets(texts->rows.size());
  std::unordered_map<int64_t, size_t> by_line;
  for (size_t i = 0; i < texts->rows.size(); ++i) {
    tickets[i].text = std::move(texts->rows[i].text);
    by_line[texts->rows[i].line] = i;
  }
  // Rows without a value are skipped by the reader (as malformed), which here just means
  // "unknown": they are left out quietly and never strictly.
  auto read_column = [&](const std::string& column,
                         const std::function<void(ReplayTicket&, std::string)>& set) -> Status {
    DatasetOptions options;
    options.label_column = column;
    Result<Dataset> values = ReadDataset(source.path, options);
    if (!values.ok()) {
      return values.status();
    }
    for (DatasetRow& row : values->rows) {
      if (auto it = by_line.find(row.line); it != by_line.end()) {
        set(tickets[it->second], std::move(row.label));
      }
    }
    return Status::Ok();
  };
  for (const auto& [field, column] : source.label_columns) {
    Status read = read_column(column, [field = field](ReplayTicket& ticket, std::string value) {
      ticket.truth[field] = std::move(value);
    });
    if (!read.ok()) {
      return read;
    }
  }
  if (!source.queue_column.empty()) {
    Status read = read_column(source.queue_column, [](ReplayTicket& ticket, std::string value) {
      ticket.queue = std::move(value);
    });
    if (!read.ok()) {
      return read.WithContext("--queue-column");
    }
  }
  return tickets;
}

Result<std::vector<ReplayTicket>> ReadReplayHelpdesk(const HelpdeskOptions& helpdesk,
                                                     const std::vector<std::string>& fields,
                                                     const HelpdeskSource& source) {
  Config config;
  config.helpdesk = helpdesk;
  // No logger: the report is the output.
  Result<HelpdeskConnection> connection =
      ConnectConfiguredHelpdesk(config, nullptr, source.sandbox_tickets);
  if (!connection.ok()) {
    return connection.status();
  }
  Helpdesk& desk = *connection->helpdesk;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  TicketQuery query;
  query.updated_since = now - static_cast<int64_t>(source.days) * kSecondsPerDay;
  query.page_size = 100;
  std::vector<ReplayTicket> tickets;
  bool more = true;
  while (more && (source.limit == 0 || static_cast<int64_t>(tickets.size()) < source.limit)) {
    Result<TicketPage> page = desk.FindTickets(query);
    if (!page.ok()) {
      return page.status().WithContext("reading tickets from the helpdesk after " +
                                       std::to_string(tickets.size()));
    }
    for (Ticket& ticket : page->tickets) {
      if (source.limit > 0 && static_cast<int64_t>(tickets.size()) >= source.limit) {
        break;
      }
      if (ticket.description_html.empty()) {
        // Some list endpoints leave the body out; the single-ticket view has it.
        Result<Ticket> full = desk.GetTicket(ticket.id);
        if (!full.ok()) {
          return full.status().WithContext("reading ticket " + ticket.id);
        }
        ticket = std::move(*full);
      }
      ReplayTicket replay;
      auto group = ticket.fields.find("group");
      replay.queue = group == ticket.fields.end() ? "" : group->second;
      replay.text = TicketModelText(ticket);
      for (const std::string& field : fields) {
        if (auto it = ticket.fields.find(field); it != ticket.fields.end()) {
          replay.truth[field] = it->second;
        }
      }
      if (source.progress) {
        // Tickets come oldest first, so the position in the time window is the progress.
        const double window = static_cast<double>(now - query.updated_since);
        source.progress(
            std::clamp(static_cast<double>(ticket.updated_at - query.updated_since) / window, 0.0,
                       1.0),
            static_cast<int64_t>(tickets.size()) + 1);
      }
      tickets.push_back(std::move(replay));
    }
    query.cursor = page->next_cursor;
    more = !query.cursor.empty();
  }
  return tickets;
}

}  // namespace autotriage
