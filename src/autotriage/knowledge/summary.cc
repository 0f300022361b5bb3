// Extractive ticket summary: split every message into sentences, drop courtesy, weight each
// content word by how often the whole ticket uses it (sublinear) times how few sentences carry
// it (IDF over the ticket's sentences), and keep the best sentences in their original order.

#include "autotriage/knowledge/summary.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "autotriage/knowledge/sentences.h"
#include "autotriage/knowledge/stemmer.h"
#include "autotriage/knowledge/ticket_terms.h"
#include "autotriage/text/normalize.h"

namespace autotriage {
namespace {

using knowledge_internal::GuessLanguage;
using knowledge_internal::IsStopWord;
using knowledge_internal::ShortenText;
using knowledge_internal::SplitSentences;
using knowledge_internal::StripCourtesy;

// Very long tickets (pasted logs, long threads) are summarised from their first sentences only;
// this bounds the cost at a few milliseconds.
constexpr size_t kMaxCandidateSentences = 2000;
constexpr double kSubjectWordBoost = 1.5;     // a word of the subject weighs this much more
constexpr double kFirstMessageBoost = 1.25;   // the requester's description states the problem
constexpr double kThinSentencePenalty = 0.5;  // one content word ("Any update?")

struct Candidate {
  std::string text;
  std::vector<std::string> stems;  // distinct content stems
  bool first_message = false;
  double score = 0;
};

// Content words of a sentence: folded tokens that are not stop words, stemmed.
std::vector<std::string> ContentStems(std::string_view sentence, const std::string& language) {
  std::string content;
  for (const std::string& token : Tokenize(FoldCase(sentence))) {
    if (!IsStopWord(token)) {
      content += token;
      content += ' ';
    }
  }
  std::vector<std::string> stems = StemText(content, language);
  std::sort(stems.begin(), stems.end());
  stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
  return stems;
}

std::string MessageText(const std::string& body) {
  return StripQuotedAndSignature(HtmlToText(body));
}

// The language to stem with: the ticket's, else a guess from its first message.
std::string LanguageOf(const Ticket& ticket, const std::string& first_message) {
  if (!ticket.language.empty()) {
    return ticket.language;
  }
  return GuessLanguage(Tokenize(FoldCase(ticket.subject + "\n" + first_message)));
}

bool EndsSentence(const std::string& s) {
  static constexpr std::string_view kEnds[] = {".", "!", "?", ":", "…"};
  for (const std::string_view end : kEnds) {
    if (s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string SummarizeTicket(const Ticket& ticket, const SummaryOptions& options) {
  if (options.max_sentences <= 0 || options.max_chars == 0) {
    return "";
  }
  std::vector<std::string> messages;
  messages.push_back(MessageText(ticket.description_html));
  for (const Conversation& c : ticket.conversations) {
    messages.push_back(MessageText(c.body_html));
  }
  const std::string language = LanguageOf(ticket, messages[0]);

  std::vector<Candidate> candidates;
  std::unordered_set<std::string> seen;  // quoted or repeated sentences count once
  for (size_t m = 0; m < messages.size() && candidates.size() < kMaxCandidateSentences; ++m) {
    for (const std::string& sentence : SplitSentences(messages[m])) {
      std::string kept = StripCourtesy(sentence);
      if (kept.empty() || !seen.insert(FoldCase(kept)).second) {
        continue;
      }
      Candidate c;
      c.stems = ContentStems(kept, language);
      c.text = std::move(kept);
      c.first_message = m == 0;
      candidates.push_back(std::move(c));
      if (candidates.size() >= kMaxCandidateSentences) {
        break;
      }
    }
  }
  if (candidates.empty()) {
    // Nothing but courtesy or an empty body: the subject is all the ticket says.
    const std::string subject = StripCourtesy(ticket.subject);
    return ShortenText(subject, options.max_chars);
  }

  // Ticket-wide term counts and sentence frequencies (each sentence lists a stem once).
  std::unordered_map<std::string, int> sentence_frequency;
  for (const Candidate& c : candidates) {
    for (const std::string& stem : c.stems) {
      ++sentence_frequency[stem];
    }
  }
  std::unordered_set<std::string> subject_stems;
  for (std::string& stem : ContentStems(ticket.subject, language)) {
    subject_stems.insert(std::move(stem));
  }
  const double sentences = static_cast<double>(candidates.size());
  for (Candidate& c : candidates) {
    double sum = 0;
    for (const std::string& stem : c.stems) {
      const int frequency = sentence_frequency[stem];
      // Distinct stems per sentence, so the ticket-wide count equals the sentence frequency.
      double weight =
          (1.0 + std::log(frequency)) * (std::log((1.0 + sentences) / (1.0 + frequency)) + 1.0);
      if (subject_stems.count(stem) != 0) {
        weight *= kSubjectWordBoost;
      }
      sum += weight;
    }
    // Damped by length so the longest sentence does not win on word count alone.
    c.score = sum / std::sqrt(1.0 + static_cast<double>(c.stems.size()));
    if (c.first_message) {
      c.score *= kFirstMessageBoost;
    }
    if (c.stems.size() <= 1) {
      c.score *= kThinSentencePenalty;
    }
  }

  std::vector<size_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&candidates](size_t a, size_t b) {
    return candidates[a].score > candidates[b].score;
  });
  std::vector<size_t> chosen;
  size_t used = 0;
  for (const size_t i : order) {
    if (chosen.size() >= static_cast<size_t>(options.max_sentences)) {
      break;
    }
    const std::string& text = candidates[i].text;
    const size_t cost = text.size() + (EndsSentence(text) ? 0 : 1) + (chosen.empty() ? 0 : 1);
    if (used + cost <= options.max_chars) {
      chosen.push_back(i);
      used += cost;
    }
  }
  if (chosen.empty()) {
    // Even the best sentence is longer than the limit: show its beginning.
    return ShortenText(candidates[order[0]].text, options.max_chars);
  }
  std::sort(chosen.begin(), chosen.end());
  std::string summary;
  for (const size_t i : chosen) {
    if (!summary.empty()) {
      summary += ' ';
    }
    summary += candidates[i].text;
    if (!EndsSentence(candidates[i].text)) {
      summary += '.';
    }
  }
  return summary;
}

}  // namespace autotriage
