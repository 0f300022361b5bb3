#include "autotriage/insights/clusterer.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>
#include <utility>

#include "autotriage/insights/clusterer_impl.h"
#include "autotriage/insights/terms.h"

namespace autotriage::insights {
namespace {

constexpr size_t kMaxSurfacesPerTerm = 8;
constexpr size_t kMaxReportedErrors = 10;

// Cuts at most max_bytes without splitting a UTF-8 sequence.
std::string CutUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(text.substr(0, end));
}

bool EarlierTicket(const TicketText& a, const TicketText& b) {
  return a.created_at != b.created_at ? a.created_at < b.created_at : a.ticket_id < b.ticket_id;
}

}  // namespace

Status Clusterer::Impl::Validate(const TicketText& ticket) const {
  if (ticket.ticket_id.empty()) {
    return InvalidArgument("ticket has an empty ticket_id");
  }
  if (ticket.created_at <= 0) {
    return InvalidArgument("ticket '" + ticket.ticket_id +
                           "': created_at must be a positive Unix time in seconds, got " +
                           std::to_string(ticket.created_at));
  }
  if (ticket.created_at < window_start) {
    return InvalidArgument(
        "ticket '" + ticket.ticket_id + "': created_at " + std::to_string(ticket.created_at) +
        " is before the clustering window, which starts at " + std::to_string(window_start));
  }
  if (slot_of.count(ticket.ticket_id) != 0) {
    return AlreadyExists("ticket '" + ticket.ticket_id + "' is already clustered");
  }
  return Status::Ok();
}

std::vector<std::pair<TermId, int>> Clusterer::Impl::Count(std::string_view text) {
  std::vector<std::pair<TermId, int>> counts;
  for (insights_internal::Term& term : insights_internal::ExtractTerms(text)) {
    auto [it, inserted] = term_ids.try_emplace(term.stem, static_cast<TermId>(terms.size()));
    if (inserted) {
      terms.push_back(TermInfo{term.stem, 0, {}});
    }
    TermInfo& info = terms[static_cast<size_t>(it->second)];
    auto surface = std::find_if(info.surfaces.begin(), info.surfaces.end(),
                                [&](const auto& s) { return s.first == term.surface; });
    if (surface != info.surfaces.end()) {
      ++surface->second;
    } else if (info.surfaces.size() < kMaxSurfacesPerTerm) {
      info.surfaces.emplace_back(std::move(term.surface), 1);
    }
    counts.emplace_back(it->second, 1);
  }
  std::sort(counts.begin(), counts.end());
  // Collapse repeats into (term, count).
  std::vector<std::pair<TermId, int>> distinct;
  for (const auto& [term, one] : counts) {
    if (!distinct.empty() && distinct.back().first == term) {
      distinct.back().second += one;
    } else {
      distinct.emplace_back(term, one);
    }
  }
  return distinct;
}

SparseVector Clusterer::Impl::Vectorize(const std::vector<std::pair<TermId, int>>& counts) const {
  SparseVector vector;
  vector.reserve(counts.size());
  double norm2 = 0.0;
  const double n = static_cast<double>(live_tickets);
  for (const auto& [term, count] : counts) {
    const double df = static_cast<double>(terms[static_cast<size_t>(term)].document_frequency);
    // Smoothed idf as scikit-learn computes it, with sublinear term frequency.
    const double weight =
        (1.0 + std::log(static_cast<double>(count))) * (std::log((n + 1.0) / (df + 1.0)) + 1.0);
    vector.emplace_back(term, static_cast<float>(weight));
    norm2 += weight * weight;
  }
  const double scale = norm2 > 0.0 ? 1.0 / std::sqrt(norm2) : 0.0;
  for (auto& entry : vector) {
    entry.second = static_cast<float>(entry.second * scale);
  }
  return vector;
}

ClusterId Clusterer::Impl::Place(const TicketText& ticket,
                                 std::vector<std::pair<TermId, int>> counts, ClusterId cluster) {
  uint32_t slot;
  if (!free_slots.empty()) {
    slot = free_slots.back();
    free_slots.pop_back();
  } else {
    slot = static_cast<uint32_t>(tickets.size());
    tickets.emplace_back();
  }
  TicketRecord& record = tickets[slot];
  record.id = ticket.ticket_id;
  record.created_at = ticket.created_at;
  record.text = CutUtf8(ticket.text, options.max_text_bytes);
  record.vector = Vectorize(counts);
  record.terms.clear();
  for (const auto& entry : counts) {
    record.terms.push_back(entry.first);
  }
  record.alive = true;
  slot_of.emplace(record.id, slot);
  by_time.emplace(record.created_at, slot);
  if (cluster == 0) {
    cluster = NearestCluster(record.vector);
  }
  if (cluster == 0) {
    cluster = next_id++;
  }
  next_id = std::max(next_id, cluster + 1);
  ClusterRecord& target = clusters[cluster];
  target.id = cluster;
  AddToCluster(target, slot);
  ++adds_since_merge;
  return cluster;
}

void Clusterer::Impl::RemoveTicket(uint32_t slot) {
  TicketRecord& record = tickets[slot];
  auto cluster = clusters.find(record.cluster);
  if (cluster != clusters.end()) {
    RemoveFromCluster(cluster->second, slot);
    if (cluster->second.members.empty()) {
      Unindex(cluster->second);
      clusters.erase(cluster);
    }
  }
  for (const TermId term : record.terms) {
    --terms[static_cast<size_t>(term)].document_frequency;
  }
  --live_tickets;
  slot_of.erase(record.id);
  record = TicketRecord{};
  free_slots.push_back(slot);
}

Clusterer::Clusterer(ClustererOptions options) : impl_(std::make_unique<Impl>(options)) {}
Clusterer::~Clusterer() = default;
Clusterer::Clusterer(Clusterer&&) noexcept = default;
Clusterer& Clusterer::operator=(Clusterer&&) noexcept = default;

Result<ClusterId> Clusterer::Add(const TicketText& ticket) {
  AUTOTRIAGE_RETURN_IF_ERROR(impl_->Validate(ticket));
  std::vector<std::pair<TermId, int>> counts = impl_->Count(ticket.text);
  if (counts.empty()) {
    return InvalidArgument("ticket '" + ticket.ticket_id +
                           "' has no words to cluster on (empty text, numbers or stop words)");
  }
  for (const auto& entry : counts) {
    ++impl_->terms[static_cast<size_t>(entry.first)].document_frequency;
  }
  ++impl_->live_tickets;
  const ClusterId id = impl_->Place(ticket, std::move(counts), 0);
  if (impl_->adds_since_merge >= impl_->options.merge_every) {
    impl_->MergePass();
  }
  return *Resolve(id);
}

AddReport Clusterer::AddBatch(std::vector<TicketText> tickets) {
  AddReport report;
  std::sort(tickets.begin(), tickets.end(), EarlierTicket);
  auto reject = [&](const Status& status) {
    ++report.rejected;
    if (report.errors.size() < kMaxReportedErrors) {
      report.errors.push_back(status.message());
    }
  };
  std::vector<std::vector<std::pair<TermId, int>>> counts(tickets.size());
  std::vector<bool> accepted(tickets.size(), false);
  std::unordered_set<std::string_view> in_batch;
  for (size_t i = 0; i < tickets.size(); ++i) {
    Status status = impl_->Validate(tickets[i]);
    if (status.ok() && !in_batch.insert(tickets[i].ticket_id).second) {
      status = AlreadyExists("ticket '" + tickets[i].ticket_id + "' appears twice in the batch");
    }
    if (status.ok()) {
      counts[i] = impl_->Count(tickets[i].text);
      if (counts[i].empty()) {
        status =
            InvalidArgument("ticket '" + tickets[i].ticket_id +
                            "' has no words to cluster on (empty text, numbers or stop words)");
      }
    }
    if (!status.ok()) {
      reject(status);
      continue;
    }
    accepted[i] = true;
    for (const auto& entry : counts[i]) {
      ++impl_->terms[static_cast<size_t>(entry.first)].document_frequency;
    }
    ++impl_->live_tickets;
  }
  for (size_t i = 0; i < tickets.size(); ++i) {
    if (!accepted[i]) {
      continue;
    }
    impl_->Place(tickets[i], std::move(counts[i]), 0);
    ++report.added;
    if (impl_->adds_since_merge >= impl_->options.merge_every) {
      impl_->MergePass();
    }
  }
  if (report.added > 0) {
    impl_->MergePass();
  }
  return report;
}

int64_t Clusterer::Expire(int64_t now) {
  impl_->window_start = std::max(impl_->window_start, now - impl_->options.window_seconds);
  int64_t removed = 0;
  auto& by_time = impl_->by_time;
  while (!by_time.empty() && by_time.begin()->first < impl_->window_start) {
    impl_->RemoveTicket(by_time.begin()->second);
    by_time.erase(by_time.begin());
    ++removed;
  }
  return removed;
}

int64_t Clusterer::MergeSimilar() {
  return impl_->MergePass();
}

std::optional<ClusterId> Clusterer::Resolve(ClusterId id) const {
  for (auto it = impl_->merged_into.find(id); it != impl_->merged_into.end();
       it = impl_->merged_into.find(id)) {
    id = it->second;
  }
  if (impl_->clusters.count(id) == 0) {
    return std::nullopt;
  }
  return id;
}

std::optional<ClusterId> Clusterer::ClusterOf(std::string_view ticket_id) const {
  auto it = impl_->slot_of.find(std::string(ticket_id));
  if (it == impl_->slot_of.end()) {
    return std::nullopt;
  }
  return impl_->tickets[it->second].cluster;
}

Result<std::vector<NearDuplicate>> Clusterer::NearDuplicates(std::string_view ticket_id,
                                                             double min_cosine) const {
  auto it = impl_->slot_of.find(std::string(ticket_id));
  if (it == impl_->slot_of.end()) {
    return NotFound("ticket '" + std::string(ticket_id) + "' is not clustered");
  }
  const TicketRecord& ticket = impl_->tickets[it->second];
  std::vector<NearDuplicate> out;
  for (const uint32_t slot : impl_->clusters.at(ticket.cluster).members) {
    const TicketRecord& other = impl_->tickets[slot];
    if (slot == it->second) {
      continue;
    }
    // Both vectors are unit length and sorted by term: the cosine is a merge of the two.
    double dot = 0.0;
    auto a = ticket.vector.begin();
    auto b = other.vector.begin();
    while (a != ticket.vector.end() && b != other.vector.end()) {
      if (a->first < b->first) {
        ++a;
      } else if (b->first < a->first) {
        ++b;
      } else {
        dot += static_cast<double>(a->second) * static_cast<double>(b->second);
        ++a;
        ++b;
      }
    }
    if (dot >= min_cosine) {
      out.push_back({other.id, other.created_at, dot});
    }
  }
  std::sort(out.begin(), out.end(), [](const NearDuplicate& x, const NearDuplicate& y) {
    return x.created_at != y.created_at ? x.created_at < y.created_at : x.ticket_id < y.ticket_id;
  });
  return out;
}

std::vector<ClusterSummary> Clusterer::Clusters(int64_t now, int64_t min_size) const {
  std::vector<const ClusterRecord*> chosen;
  for (const auto& [id, cluster] : impl_->clusters) {
    if (static_cast<int64_t>(cluster.members.size()) >= min_size) {
      chosen.push_back(&cluster);
    }
  }
  std::stable_sort(chosen.begin(), chosen.end(), [](const auto* a, const auto* b) {
    return a->members.size() > b->members.size();
  });
  std::vector<ClusterSummary> out;
  out.reserve(chosen.size());
  for (const ClusterRecord* cluster : chosen) {
    out.push_back(impl_->Summarize(*cluster, now));
  }
  return out;
}

Result<ClusterSummary> Clusterer::Summary(ClusterId id, int64_t now) const {
  const std::optional<ClusterId> live = Resolve(id);
  if (!live) {
    return NotFound("cluster " + std::to_string(id) + " does not exist (expired or never made)");
  }
  return impl_->Summarize(impl_->clusters.at(*live), now);
}

size_t Clusterer::ticket_count() const {
  return static_cast<size_t>(impl_->live_tickets);
}

size_t Clusterer::cluster_count() const {
  return impl_->clusters.size();
}

ClustererSnapshot Clusterer::Snapshot() const {
  ClustererSnapshot snapshot;
  snapshot.next_id = impl_->next_id;
  snapshot.window_start = impl_->window_start;
  for (const auto& [created_at, slot] : impl_->by_time) {
    const TicketRecord& record = impl_->tickets[slot];
    snapshot.members.push_back({TicketText{record.id, created_at, record.text}, record.cluster});
  }
  for (const auto& [from, into] : impl_->merged_into) {
    snapshot.merged.emplace_back(from, into);
  }
  std::sort(snapshot.merged.begin(), snapshot.merged.end());
  return snapshot;
}

Result<Clusterer> Clusterer::Restore(const ClustererSnapshot& snapshot, ClustererOptions options) {
  Clusterer restored(std::move(options));
  Impl& impl = *restored.impl_;
  impl.window_start = snapshot.window_start;
  std::vector<ClustererSnapshot::Member> members = snapshot.members;
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return EarlierTicket(a.ticket, b.ticket); });
  std::vector<std::vector<std::pair<TermId, int>>> counts(members.size());
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < members.size(); ++i) {
    const TicketText& ticket = members[i].ticket;
    AUTOTRIAGE_RETURN_IF_ERROR(impl.Validate(ticket).WithContext("snapshot"));
    if (!seen.insert(ticket.ticket_id).second || members[i].cluster_id <= 0) {
      return InvalidArgument("snapshot: ticket '" + ticket.ticket_id +
                             "' is listed twice or has no cluster id");
    }
    counts[i] = impl.Count(ticket.text);
    if (counts[i].empty()) {
      return InvalidArgument("snapshot: ticket '" + ticket.ticket_id + "' has no words");
    }
    for (const auto& entry : counts[i]) {
      ++impl.terms[static_cast<size_t>(entry.first)].document_frequency;
    }
    ++impl.live_tickets;
  }
  for (size_t i = 0; i < members.size(); ++i) {
    impl.Place(members[i].ticket, std::move(counts[i]), members[i].cluster_id);
  }
  impl.next_id = std::max(impl.next_id, snapshot.next_id);
  for (const auto& [from, into] : snapshot.merged) {
    impl.merged_into[from] = into;
  }
  impl.adds_since_merge = 0;
  return restored;
}

}  // namespace autotriage::insights
