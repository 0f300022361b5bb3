#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

std::string Sha256Hex(const std::string& data) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

bool IsPasswordKey(std::string_view key) {
  return key == "password" || key == "sslpassword";
}

using Span = std::pair<size_t, size_t>;  // [begin, end) in the url

// Where the passwords sit in a libpq URL ("postgresql://user:pw@host/db?password=pw").
std::vector<Span> UrlSecretSpans(const std::string& url, size_t authority_begin) {
  std::vector<Span> spans;
  const size_t authority_end = std::min(url.find('/', authority_begin), url.find('?'));
  const size_t at = url.rfind('@', authority_end == std::string::npos ? url.size() : authority_end);
  if (at != std::string::npos && at >= authority_begin) {
    const size_t colon = url.find(':', authority_begin);
    if (colon != std::string::npos && colon < at) {
      spans.emplace_back(colon + 1, at);
    }
  }
  const size_t query = url.find('?');
  if (query == std::string::npos) {
    return spans;
  }
  size_t pos = query + 1;
  while (pos < url.size()) {
    size_t end = url.find('&', pos);
    if (end == std::string::npos) {
      end = url.size();
    }
    const size_t eq = url.find('=', pos);
    if (eq != std::string::npos && eq < end && IsPasswordKey(url.substr(pos, eq - pos))) {
      spans.emplace_back(eq + 1, end);
    }
    pos = end + 1;
  }
  return spans;
}

// Where the passwords sit in a conninfo string ("host=x password='p w'").
std::vector<Span> ConninfoSecretSpans(const std::string& conninfo) {
  std::vector<Span> spans;
  size_t pos = 0;
  const auto skip_space = [&] {
    while (pos < conninfo.size() && std::isspace(static_cast<unsigned char>(conninfo[pos]))) {
      ++pos;
    }
  };
  while (true) {
    skip_space();
    if (pos >= conninfo.size()) {
      break;
    }
    const size_t key_begin = pos;
    while (pos < conninfo.size() && conninfo[pos] != '=' &&
           !std::isspace(static_cast<unsigned char>(conninfo[pos]))) {
      ++pos;
    }
    const std::string key = conninfo.substr(key_begin, pos - key_begin);
    skip_space();
    if (pos < conninfo.size() && conninfo[pos] == '=') {
      ++pos;
    }
    skip_space();
    size_t value_begin = pos;
    size_t value_end = pos;
    if (pos < conninfo.size() && conninfo[pos] == '\'') {
      value_begin = ++pos;
      while (pos < conninfo.size() && conninfo[pos] != '\'') {
        pos += conninfo[pos] == '\\' ? 2 : 1;
      }
      value_end = std::min(pos, conninfo.size());
      ++pos;
    } else {
      while (pos < conninfo.size() && !std::isspace(static_cast<unsigned char>(conninfo[pos]))) {
        ++pos;
      }
      value_end = pos;
    }
    if (IsPasswordKey(key) && value_end > value_begin) {
      spans.emplace_back(value_begin, value_end);
    }
  }
  return spans;
}

std::vector<Span> SecretSpans(const std::string& url) {
  for (const char* scheme : {"postgresql://", "postgres://"}) {
    if (url.rfind(scheme, 0) == 0) {
      return UrlSecretSpans(url, std::string_view(scheme).size());
    }
  }
  return ConninfoSecretSpans(url);
}

std::string PercentDecode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

void ReplaceAll(std::string* text, const std::string& from, const std::string& to) {
  if (from.empty()) {
    return;
  }
  size_t pos = 0;
  while ((pos = text->find(from, pos)) != std::string::npos) {
    text->replace(pos, from.size(), to);
    pos += to.size();
  }
}

}  // namespace

int64_t TimeOrNow(int64_t time_ms) {
  if (time_ms != 0) {
    return time_ms;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view ToString(JobState state) {
  switch (state) {
    case JobState::kPending:
      return "pending";
    case JobState::kRunning:
      return "running";
    case JobState::kDone:
      return "done";
    case JobState::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string_view ToString(WriteState state) {
  switch (state) {
    case WriteState::kPlanned:
      return "planned";
    case WriteState::kInFlight:
      return "in_flight";
    case WriteState::kApplied:
      return "applied";
    case WriteState::kSuperseded:
      return "superseded";
    case WriteState::kFailed:
      return "failed";
  }
  return "unknown";
}

Result<JobState> ParseJobState(std::string_view name) {
  for (JobState state :
       {JobState::kPending, JobState::kRunning, JobState::kDone, JobState::kFailed}) {
    if (ToString(state) == name) {
      return state;
    }
  }
  return Corruption("unknown job state '" + std::string(name) + "' in the store");
}

Result<WriteState> ParseWriteState(std::string_view name) {
  for (WriteState state : {WriteState::kPlanned, WriteState::kInFlight, WriteState::kApplied,
                           WriteState::kSuperseded, WriteState::kFailed}) {
    if (ToString(state) == name) {
      return state;
    }
  }
  return Corruption("unknown write state '" + std::string(name) + "' in the store");
}

std::string JoinIds(const std::vector<int64_t>& ids) {
  std::string out;
  for (int64_t id : ids) {
    if (!out.empty()) {
      out.push_back(',');
    }
    out.append(std::to_string(id));
  }
  return out;
}

std::vector<int64_t> SplitIds(std::string_view text) {
  std::vector<int64_t> ids;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (end > pos) {
      ids.push_back(std::stoll(std::string(text.substr(pos, end - pos))));
    }
    pos = end + 1;
  }
  return ids;
}

Status ValidateEvents(const std::vector<InboxEvent>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].ticket_id.empty() || events[i].version.empty()) {
      return InvalidArgument("event " + std::to_string(i) + " has no ticket id or version");
    }
  }
  return Status::Ok();
}

std::vector<size_t> FirstEventOfKey(const std::vector<InboxEvent>& events) {
  std::map<std::pair<std::string_view, std::string_view>, size_t> first;
  std::vector<size_t> out(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    out[i] = first.try_emplace({events[i].ticket_id, events[i].version}, i).first->second;
  }
  return out;
}

AuditEntry EventReceivedAudit(const InboxEvent& event, int64_t job_id, bool new_job) {
  AuditEntry entry;
  entry.time_ms = event.received_ms;
  entry.kind = "event_received";
  entry.trace_id = event.trace_id;
  entry.ticket_id = event.ticket_id;
  const nlohmann::json detail = {{"source", event.source},
                                 {"version", event.version},
                                 {"job_id", job_id},
                                 {"new_job", new_job},
                                 {"payload_bytes", event.payload.size()},
                                 {"payload_sha256", Sha256Hex(event.payload)}};
  entry.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return entry;
}

Status ValidateCommit(const TriageCommit& commit) {
  if (commit.job_id <= 0) {
    return InvalidArgument("triage commit without a job id");
  }
  if (commit.advice) {
    AUTOTRIAGE_RETURN_IF_ERROR(ValidateAdvice(*commit.advice));
  }
  if (!commit.write) {
    return Status::Ok();
  }
  if (commit.write->idempotency_key.empty()) {
    return InvalidArgument("planned write without an idempotency key");
  }
  for (int64_t position : commit.write->decision_ids) {
    if (position < 0 || position >= static_cast<int64_t>(commit.decisions.size())) {
      return InvalidArgument("planned write refers to decision position " +
                             std::to_string(position) + " of " +
                             std::to_string(commit.decisions.size()));
    }
  }
  return Status::Ok();
}

std::vector<int64_t> WriteDecisionIds(const TriageCommit& commit,
                                      const std::vector<int64_t>& assigned_ids) {
  std::vector<int64_t> ids;
  if (!commit.write) {
    return ids;
  }
  if (!commit.write->decision_ids.empty()) {
    for (int64_t position : commit.write->decision_ids) {
      ids.push_back(assigned_ids[static_cast<size_t>(position)]);
    }
    return ids;
  }
  for (size_t i = 0; i < commit.decisions.size(); ++i) {
    if (commit.decisions[i].outcome == "autofill") {
      ids.push_back(assigned_ids[i]);
    }
  }
  return ids;
}

std::string_view DecisionOutcomeOfWrite(WriteState state) {
  switch (state) {
    case WriteState::kApplied:
      return "applied";
    case WriteState::kSuperseded:
      return "superseded";
    case WriteState::kFailed:
      return "failed";
    case WriteState::kPlanned:
    case WriteState::kInFlight:
      break;
  }
  return "";
}

void ChainAudit(int64_t head_seq, const std::string& head_hash, std::vector<AuditEntry>* entries) {
  std::vector<AuditEntry> kept;
  kept.reserve(entries->size());
  std::string prev = head_seq == 0 ? std::string(kAuditGenesisHash) : head_hash;
  int64_t seq = head_seq;
  for (AuditEntry& entry : *entries) {
    if (entry.kind.empty()) {
      continue;
    }
    entry.seq = ++seq;
    entry.prev_hash = prev;
    entry.hash = AuditHash(entry);
    prev = entry.hash;
    kept.push_back(std::move(entry));
  }
  *entries = std::move(kept);
}

Result<std::unique_ptr<Store>> OpenStore(const StoreConfig& config) {
  if (config.backend == "sqlite") {
    return OpenSqliteStore(config);
  }
  if (config.backend == "postgres") {
    return OpenPostgresStore(config);
  }
  return InvalidArgument("unknown store backend '" + config.backend +
                         "' (expected sqlite or postgres)");
}

std::string RedactPostgresUrl(const std::string& url) {
  std::string out = url;
  std::vector<Span> spans = SecretSpans(url);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    out.replace(it->first, it->second - it->first, "***");
  }
  return out;
}

std::string ScrubPostgresSecrets(std::string message, const std::string& url) {
  if (!url.empty()) {
    ReplaceAll(&message, url, RedactPostgresUrl(url));
  }
  for (const Span& span : SecretSpans(url)) {
    const std::string secret = url.substr(span.first, span.second - span.first);
    ReplaceAll(&message, secret, "***");
    ReplaceAll(&message, PercentDecode(secret), "***");
  }
  return message;
}

}  // namespace autotriage
