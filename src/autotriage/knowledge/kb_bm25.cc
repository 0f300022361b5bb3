#include "autotriage/knowledge/kb_bm25.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>

namespace autotriage::kb_internal {
namespace {

constexpr const char* kFieldNames[kFieldCount] = {"title", "body", "linked"};

uint16_t SaturatingAdd(uint16_t a, size_t b) {
  return static_cast<uint16_t>(
      std::min<size_t>(std::numeric_limits<uint16_t>::max(), static_cast<size_t>(a) + b));
}

}  // namespace

Status ValidateBm25fParams(const Bm25fParams& params) {
  if (!(params.k1 > 0) || !std::isfinite(params.k1)) {
    return InvalidArgument("KB search: k1 must be a number > 0 (got " + std::to_string(params.k1) +
                           ")");
  }
  bool any_weight = false;
  for (int f = 0; f < kFieldCount; ++f) {
    if (!(params.weight[f] >= 0) || !std::isfinite(params.weight[f])) {
      return InvalidArgument(std::string("KB search: ") + kFieldNames[f] +
                             " weight must be a number >= 0 (got " +
                             std::to_string(params.weight[f]) + ")");
    }
    if (!(params.b[f] >= 0 && params.b[f] <= 1)) {
      return InvalidArgument(std::string("KB search: ") + kFieldNames[f] +
                             " b must be in [0, 1] (got " + std::to_string(params.b[f]) + ")");
    }
    any_weight |= params.weight[f] > 0;
  }
  if (!any_weight) {
    return InvalidArgument("KB search: every field weight is 0; nothing could match");
  }
  return Status::Ok();
}

uint32_t Bm25fPostings::TermId(const std::string& term) {
  auto [it, added] = term_ids_.emplace(term, static_cast<uint32_t>(postings_.size()));
  if (added) {
    postings_.emplace_back();
  }
  return it->second;
}

Bm25fPostings::Posting* Bm25fPostings::FindPosting(uint32_t term, uint32_t slot) {
  for (Posting& posting : postings_[term]) {
    if (posting.slot == slot) {
      return &posting;
    }
  }
  return nullptr;
}

void Bm25fPostings::DropPosting(uint32_t term, uint32_t slot) {
  std::vector<Posting>& list = postings_[term];
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].slot == slot) {
      list[i] = list.back();
      list.pop_back();
      return;
    }
  }
}

void Bm25fPostings::AddToField(uint32_t slot, int field, const std::vector<std::string>& terms) {
  std::unordered_map<std::string_view, size_t> counts;
  for (const std::string& term : terms) {
    ++counts[term];
  }
  for (const auto& [term, count] : counts) {
    const uint32_t id = TermId(std::string(term));
    // TermId may grow postings_, never docs_: the reference stays valid.
    std::vector<uint32_t>& doc_terms = docs_[slot].terms;
    auto at = std::lower_bound(doc_terms.begin(), doc_terms.end(), id);
    if (at != doc_terms.end() && *at == id) {
      Posting* posting = FindPosting(id, slot);
      posting->tf[field] = SaturatingAdd(posting->tf[field], count);
    } else {
      Posting posting{slot, {0, 0, 0}};
      posting.tf[field] = SaturatingAdd(0, count);
      postings_[id].push_back(posting);
      doc_terms.insert(at, id);
    }
  }
  docs_[slot].length[field] += static_cast<uint32_t>(terms.size());
  total_length_[field] += static_cast<double>(terms.size());
}

void Bm25fPostings::SetDocument(int64_t rowid, const std::vector<std::string>& title,
                                const std::vector<std::string>& body) {
  uint32_t slot;
  auto found = slot_of_.find(rowid);
  if (found != slot_of_.end()) {
    slot = found->second;
    Document& doc = docs_[slot];
    // Keep the linked counts, forget title and body.
    std::vector<uint32_t> kept;
    for (uint32_t term : doc.terms) {
      Posting* posting = FindPosting(term, slot);
      if (posting->tf[kLinkedField] > 0) {
        posting->tf[kTitleField] = 0;
        posting->tf[kBodyField] = 0;
        kept.push_back(term);
      } else {
        DropPosting(term, slot);
      }
    }
    doc.terms = std::move(kept);
    for (int f : {kTitleField, kBodyField}) {
      total_length_[f] -= doc.length[f];
      doc.length[f] = 0;
    }
  } else {
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      slot = static_cast<uint32_t>(docs_.size());
      docs_.emplace_back();
    }
    docs_[slot] = Document{};
    docs_[slot].rowid = rowid;
    docs_[slot].live = true;
    slot_of_.emplace(rowid, slot);
    ++live_;
  }
  AddToField(slot, kTitleField, title);
  AddToField(slot, kBodyField, body);
}

void Bm25fPostings::AddLinked(int64_t rowid, const std::vector<std::string>& terms) {
  auto found = slot_of_.find(rowid);
  if (found != slot_of_.end()) {
    AddToField(found->second, kLinkedField, terms);
  }
}

void Bm25fPostings::ClearLinked() {
  for (uint32_t term = 0; term < postings_.size(); ++term) {
    std::vector<Posting>& list = postings_[term];
    for (size_t i = 0; i < list.size();) {
      Posting& posting = list[i];
      posting.tf[kLinkedField] = 0;
      if (posting.tf[kTitleField] > 0 || posting.tf[kBodyField] > 0) {
        ++i;
        continue;
      }
      std::vector<uint32_t>& doc_terms = docs_[posting.slot].terms;
      doc_terms.erase(std::lower_bound(doc_terms.begin(), doc_terms.end(), term));
      posting = list.back();
      list.pop_back();
    }
  }
  for (Document& doc : docs_) {
    doc.length[kLinkedField] = 0;
  }
  total_length_[kLinkedField] = 0;
}

void Bm25fPostings::RemoveDocument(int64_t rowid) {
  auto found = slot_of_.find(rowid);
  if (found == slot_of_.end()) {
    return;
  }
  const uint32_t slot = found->second;
  Document& doc = docs_[slot];
  for (uint32_t term : doc.terms) {
    DropPosting(term, slot);
  }
  for (int f = 0; f < kFieldCount; ++f) {
    total_length_[f] -= doc.length[f];
  }
  doc = Document{};
  free_slots_.push_back(slot);
  slot_of_.erase(found);
  --live_;
}

size_t Bm25fPostings::DocumentFrequency(std::string_view term) const {
  auto it = term_ids_.find(std::string(term));
  return it == term_ids_.end() ? 0 : postings_[it->second].size();
}

double Bm25fPostings::IdfOf(size_t df) const {
  const double n = static_cast<double>(live_);
  const double d = static_cast<double>(df);
  return std::log(1.0 + (n - d + 0.5) / (d + 0.5));
}

double Bm25fPostings::Idf(std::string_view term) const {
  return live_ == 0 ? 0 : IdfOf(DocumentFrequency(term));
}

double Bm25fPostings::QueryWeight(const std::vector<std::string>& unique_terms) const {
  if (live_ == 0) {
    return 0;
  }
  std::vector<double> idfs;
  idfs.reserve(unique_terms.size());
  for (const std::string& term : unique_terms) {
    idfs.push_back(IdfOf(std::max<size_t>(1, DocumentFrequency(term))));
  }
  const size_t top = std::min(idfs.size(), kRelevanceTerms);
  std::partial_sort(idfs.begin(), idfs.begin() + static_cast<std::ptrdiff_t>(top), idfs.end(),
                    std::greater<>());
  double weight = 0;
  for (size_t i = 0; i < top; ++i) {
    weight += idfs[i];
  }
  return weight;
}

std::vector<ScoredDocument> Bm25fPostings::Top(const std::vector<std::string>& unique_terms,
                                               const Bm25fParams& params, size_t limit) const {
  std::vector<ScoredDocument> top;
  if (live_ == 0 || limit == 0) {
    return top;
  }
  std::array<double, kFieldCount> inverse_average{};
  for (int f = 0; f < kFieldCount; ++f) {
    const double average = total_length_[f] / static_cast<double>(live_);
    inverse_average[f] = average > 0 ? 1.0 / average : 0;
  }
  std::vector<double> accumulator(docs_.size(), 0.0);
  std::vector<double> evidence(docs_.size(), 0.0);
  std::vector<uint32_t> touched;
  for (const std::string& term : unique_terms) {
    auto it = term_ids_.find(term);
    if (it == term_ids_.end() || postings_[it->second].empty()) {
      continue;
    }
    const std::vector<Posting>& list = postings_[it->second];
    const double idf = IdfOf(list.size());
    for (const Posting& posting : list) {
      const Document& doc = docs_[posting.slot];
      double tf = 0;
      double weighted_count = 0;  // without length normalisation, for the evidence
      for (int f = 0; f < kFieldCount; ++f) {
        if (posting.tf[f] == 0 || params.weight[f] == 0) {
          continue;
        }
        const double norm = 1.0 - params.b[f] + params.b[f] * doc.length[f] * inverse_average[f];
        tf += params.weight[f] * posting.tf[f] / norm;
        weighted_count += params.weight[f] * posting.tf[f];
      }
      if (tf <= 0) {
        continue;
      }
      double& score = accumulator[posting.slot];
      if (score == 0) {
        touched.push_back(posting.slot);
      }
      score += idf * tf / (params.k1 + tf);
      evidence[posting.slot] += idf * weighted_count / (kEvidenceSaturation + weighted_count);
    }
  }
  top.reserve(touched.size());
  for (uint32_t slot : touched) {
    top.push_back({docs_[slot].rowid, accumulator[slot], evidence[slot]});
  }
  const size_t keep = std::min(limit, top.size());
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(keep), top.end(),
                    [](const ScoredDocument& a, const ScoredDocument& b) {
                      return a.score != b.score ? a.score > b.score : a.rowid < b.rowid;
                    });
  top.resize(keep);
  return top;
}

}  // namespace autotriage::kb_internal
