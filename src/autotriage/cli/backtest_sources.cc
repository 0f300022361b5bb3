#include "autotriage/cli/backtest_sources.h"

#include <algorithm>
#include <ctime>
#include <memory>
#include <unordered_map>

#include "autotriage/cli/common.h"
#include "autotriage/connectors/factory.h"
#include "autotriage/dataset/dataset.h"
#include "autotriage/sandbox/sandbox.h"

namespace autotriage {
namespace {

constexpr int64_t kSecondsPerDay = 86'400;

// The text the models were trained on: subject and first message, joined as the dataset reader
// joins the subject and body columns.
std::string TicketText(const Ticket& ticket) {
  if (ticket.subject.empty()) {
    return ticket.description_html;
  }
  if (ticket.description_html.empty()) {
    return ticket.subject;
  }
  return ticket.subject + "\n" + ticket.description_html;
}

// A running helpdesk connection; `sandbox` is set when the built-in sandbox was started.
struct Connection {
  std::unique_ptr<SandboxServer> sandbox;
  std::unique_ptr<Helpdesk> helpdesk;
};

Result<Connection> Connect(const HelpdeskOptions& h, int sandbox_tickets) {
  Connection connection;
  HelpdeskSettings settings;
  if (h.kind == HelpdeskKind::kSandbox) {
    SandboxOptions options;
    options.kind = "freshdesk";
    options.tickets = sandbox_tickets;
    options.history_end = static_cast<int64_t>(std::time(nullptr));
    options.log = [](const std::string&) {};  // the report is the output
    Result<std::unique_ptr<SandboxServer>> sandbox = SandboxServer::Start(options);
    if (!sandbox.ok()) {
      return sandbox.status().WithContext("starting the built-in sandbox helpdesk");
    }
    connection.sandbox = std::move(*sandbox);
    settings.kind = "freshdesk";
    settings.url = connection.sandbox->base_url();
    settings.api_key = options.api_key;
  } else {
    settings.kind = std::string(ToString(h.kind));
    settings.url = h.url;
    settings.api_key = h.api_key;
    settings.token = h.token;
    settings.ca_file = h.ca_file;
  }
  settings.connect_timeout_ms = h.connect_timeout_ms;
  settings.request_timeout_ms = h.request_timeout_ms;
  settings.max_retries = h.max_retries;
  settings.requests_per_minute = h.requests_per_minute;
  Result<std::unique_ptr<Helpdesk>> helpdesk = NewHelpdesk(settings);
  if (!helpdesk.ok()) {
    return helpdesk.status();
  }
  connection.helpdesk = std::move(*helpdesk);
  return connection;
}

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
  Result<Connection> connection = Connect(helpdesk, source.sandbox_tickets);
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
      replay.text = TicketText(ticket);
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
