// The approval card as data: what the card page, the REST API and Slack show about one ticket
// version's proposal, built from the ApprovalService's Approval (pending) or from the store's
// decisions, advice and approval actions (decided).
//
// Advice JSON (engine/advice.h) and explanation JSON (DecisionRecord::explanation) are parsed
// leniently: a missing or malformed part leaves that part of the card empty, never fails it.
// The draft note is turned into plain text (the engine may have drafted HTML).
// Pure functions except CardFromStore (reads the store); thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/engine/approvals.h"
#include "autotriage/slack/slack.h"
#include "autotriage/store/store.h"

namespace autotriage::dashboard {

struct CardWord {
  std::string feature;  // as the model names it ("w:reset password", "c:pw r", "vpn")
  std::string word;     // the readable word; "" for character n-grams
  double weight = 0;
};

struct CardField {
  int64_t decision_id = 0;
  std::string field;
  std::string old_value;
  std::string new_value;
  double confidence = 0;
  double margin = 0;
  std::string mode;
  std::string outcome;
  std::string reason;
  std::vector<CardWord> words;  // the explanation, best first
};

struct CardArticle {
  std::string id;
  std::string title;
  std::string url;
  std::string snippet;
  double score = 0;
};

struct CardSimilar {
  std::string id;
  std::string subject;
  std::string label;
  std::string resolution;
  double score = 0;
};

struct CardAssignee {
  std::string name;
  std::string reason;
  double score = 0;
};

struct CardView {
  std::string ticket_id;
  std::string ticket_version;
  std::string queue;
  std::string trace_id;
  std::string subject;
  std::string summary;
  std::string note_draft;  // plain text
  // The LLM's draft reply to the requester (advice "reply_draft"; "" = none): shown, never sent
  // by the engine. summary_source: "llm" when the summary is the LLM's, else the extractive one.
  std::string reply_draft;
  std::string summary_source;
  int64_t created_ms = 0;
  bool escalated = false;
  bool pending = true;
  std::string decided;  // e.g. "approved by user:alice" once decided; "" while pending
  std::vector<CardField> fields;
  std::vector<CardArticle> articles;  // at most 3
  std::vector<CardSimilar> similar;
  std::vector<CardAssignee> assignees;
  std::vector<std::string> notes;  // why parts of the advice are missing
};

CardView CardFromApproval(const Approval& approval);

// The card of a ticket version that is no longer pending (or any version): its decisions that
// were proposals, its advice when stored for that version, and who decided. kNotFound when the
// ticket version has no decisions.
Result<CardView> CardFromStore(Store& store, const std::string& ticket_id,
                               const std::string& ticket_version);

// The deciding words of every field, without duplicates (for highlighting).
std::vector<std::string> DecidingWords(const CardView& card);

// The Slack form of the card; `review_url` links the dashboard card.
ApprovalCard ToSlackCard(const CardView& card, const std::string& review_url);

// "/approvals/<ticket>/<version>" with both parts URL-encoded.
std::string CardPath(const std::string& ticket_id, const std::string& ticket_version);

}  // namespace autotriage::dashboard
