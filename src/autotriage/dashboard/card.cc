#include "autotriage/dashboard/card.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "autotriage/dashboard/html.h"
#include "autotriage/store/approval_records.h"
#include "autotriage/text/normalize.h"

namespace autotriage::dashboard {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxArticles = 3;
constexpr int kActionsLimit = 500;

std::string Text(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return "";
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

double Number(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

const Json& ArrayAt(const Json& object, const char* key) {
  static const Json kEmpty = Json::array();
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

std::vector<CardWord> ParseExplanation(const std::string& explanation) {
  std::vector<CardWord> words;
  const Json json = Json::parse(explanation, nullptr, false);
  if (!json.is_array()) {
    return words;
  }
  for (const Json& item : json) {
    if (!item.is_object()) {
      continue;
    }
    CardWord word;
    word.feature = Text(item, "feature");
    word.word = FeatureWord(word.feature);
    word.weight = Number(item, "weight");
    if (!word.feature.empty()) {
      words.push_back(std::move(word));
    }
  }
  return words;
}

CardField FieldOf(const DecisionRecord& decision) {
  CardField field;
  field.decision_id = decision.id;
  field.field = decision.field;
  field.old_value = decision.old_value;
  field.new_value = decision.new_value;
  field.confidence = decision.confidence;
  field.margin = decision.margin;
  field.mode = decision.mode;
  field.outcome = decision.outcome;
  field.reason = decision.reason;
  field.words = ParseExplanation(decision.explanation);
  return field;
}

// Plain text of a drafted note: the engine drafts HTML when the helpdesk takes HTML notes.
std::string PlainNote(const std::string& note) {
  return note.find('<') == std::string::npos ? note : HtmlToText(note);
}

void ApplyAdvice(const std::string& advice_json, CardView* card) {
  const Json json = Json::parse(advice_json, nullptr, false);
  if (!json.is_object()) {
    card->notes.push_back("the stored advice could not be read");
    return;
  }
  card->subject = Text(json, "subject");
  card->summary = Text(json, "summary");
  card->note_draft = PlainNote(Text(json, "note_draft"));
  card->reply_draft = Text(json, "reply_draft");
  card->summary_source = Text(json, "summary_source");
  for (const Json& item : ArrayAt(json, "articles")) {
    if (item.is_object() && card->articles.size() < kMaxArticles) {
      card->articles.push_back({Text(item, "id"), Text(item, "title"), Text(item, "url"),
                                Text(item, "snippet"), Number(item, "score")});
    }
  }
  for (const Json& item : ArrayAt(json, "similar")) {
    if (item.is_object()) {
      card->similar.push_back({Text(item, "id"), Text(item, "subject"), Text(item, "label"),
                               Text(item, "resolution"), Number(item, "score")});
    }
  }
  for (const Json& item : ArrayAt(json, "assignees")) {
    if (item.is_object()) {
      std::string name = Text(item, "name");
      if (name.empty()) {
        name = Text(item, "email");
      }
      card->assignees.push_back({name, Text(item, "reason"), Number(item, "score")});
    }
  }
  for (const Json& item : ArrayAt(json, "notes")) {
    if (item.is_string()) {
      card->notes.push_back(item.get<std::string>());
    }
  }
}

// Outcomes a decision can have once it was proposed to a human.
bool WasProposal(const DecisionRecord& decision) {
  static const std::set<std::string> kAfterProposal = {"pending",
                                                       approval_action::kApproved,
                                                       approval_action::kEdited,
                                                       approval_action::kRejected,
                                                       approval_action::kExpired,
                                                       approval_action::kSuperseded,
                                                       "applied",
                                                       "failed"};
  return decision.mode == "suggest" && kAfterProposal.count(decision.outcome) > 0;
}

std::string DescribeAction(const ApprovalActionRecord& action) {
  const std::string& a = action.action;
  std::string line;
  if (a == approval_action::kApproved) {
    line = "approved by " + action.actor;
  } else if (a == approval_action::kEdited) {
    line = "approved with edits by " + action.actor;
  } else if (a == approval_action::kRejected) {
    line = "rejected by " + action.actor;
  } else if (a == approval_action::kExpired) {
    line = "expired unanswered";
  } else if (a == approval_action::kSuperseded) {
    line = "superseded: the ticket changed";
  } else {
    line = a + " by " + action.actor;
  }
  if (!action.reason.empty() && a != approval_action::kExpired) {
    line += " (" + action.reason + ")";
  }
  return line;
}

}  // namespace

CardView CardFromApproval(const Approval& approval) {
  CardView card;
  card.ticket_id = approval.ticket_id;
  card.ticket_version = approval.ticket_version;
  card.queue = approval.queue;
  card.trace_id = approval.trace_id;
  card.created_ms = approval.created_ms;
  card.escalated = approval.escalated;
  card.pending = true;
  for (const DecisionRecord& decision : approval.decisions) {
    card.fields.push_back(FieldOf(decision));
  }
  if (approval.advice.has_value()) {
    ApplyAdvice(approval.advice->advice_json, &card);
  }
  return card;
}

Result<CardView> CardFromStore(Store& store, const std::string& ticket_id,
                               const std::string& ticket_version) {
  Result<std::vector<DecisionRecord>> decisions = store.DecisionsForTicket(ticket_id);
  if (!decisions.ok()) {
    return decisions.status();
  }
  CardView card;
  card.ticket_id = ticket_id;
  card.ticket_version = ticket_version;
  card.pending = false;
  bool any = false;
  for (const DecisionRecord& decision : *decisions) {
    if (decision.ticket_version != ticket_version) {
      continue;
    }
    any = true;
    card.queue = decision.queue;
    card.trace_id = decision.trace_id;
    card.created_ms = card.created_ms == 0 ? decision.created_ms : card.created_ms;
    card.escalated = card.escalated || decision.escalated_ms > 0;
    if (decision.outcome == "pending") {
      card.pending = true;
    }
    if (WasProposal(decision)) {
      card.fields.push_back(FieldOf(decision));
    }
  }
  if (!any) {
    return NotFound("ticket " + ticket_id + " has no decisions for version " + ticket_version);
  }
  Result<std::optional<AdviceRecord>> advice = store.LatestAdvice(ticket_id);
  if (advice.ok() && advice->has_value() && (*advice)->ticket_version == ticket_version) {
    ApplyAdvice((*advice)->advice_json, &card);
  }
  Result<std::vector<ApprovalActionRecord>> actions =
      store.ListApprovalActions(ticket_id, kActionsLimit);
  if (actions.ok()) {
    for (const ApprovalActionRecord& action : *actions) {
      if (action.ticket_version == ticket_version) {
        card.decided = DescribeAction(action);  // the newest one wins
      }
    }
  }
  if (card.decided.empty() && !card.pending && !card.fields.empty()) {
    card.decided = card.fields.front().outcome;
  }
  return card;
}

std::vector<std::string> DecidingWords(const CardView& card) {
  std::vector<std::string> words;
  for (const CardField& field : card.fields) {
    for (const CardWord& word : field.words) {
      if (word.weight > 0 && !word.word.empty() &&
          std::find(words.begin(), words.end(), word.word) == words.end()) {
        words.push_back(word.word);
      }
    }
  }
  return words;
}

ApprovalCard ToSlackCard(const CardView& card, const std::string& review_url) {
  ApprovalCard slack;
  slack.ticket_id = card.ticket_id;
  slack.ticket_version = card.ticket_version;
  slack.subject = card.subject;
  slack.queue = card.queue;
  slack.summary = card.summary;
  for (const CardField& field : card.fields) {
    CardChange change;
    change.field = field.field;
    change.old_value = field.old_value;
    change.new_value = field.new_value;
    change.confidence = field.confidence;
    for (const CardWord& word : field.words) {
      if (word.weight > 0 && !word.word.empty()) {
        change.words.push_back(word.word);
      }
    }
    slack.changes.push_back(std::move(change));
  }
  for (const CardArticle& article : card.articles) {
    slack.articles.push_back(
        {article.id, article.title, IsSafeLink(article.url) ? article.url : ""});
  }
  for (const CardSimilar& similar : card.similar) {
    slack.similar.push_back({similar.id, similar.subject, ""});
  }
  for (const CardAssignee& assignee : card.assignees) {
    slack.assignees.push_back(assignee.name + ": " + assignee.reason);
  }
  slack.review_url = review_url;
  if (!card.pending) {
    slack.decided = card.decided.empty() ? "decided" : card.decided;
    slack.decided[0] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(slack.decided[0])));
  }
  slack.escalated = card.escalated;
  return slack;
}

std::string CardPath(const std::string& ticket_id, const std::string& ticket_version) {
  return "/approvals/" + UrlEncode(ticket_id) + "/" + UrlEncode(ticket_version);
}

}  // namespace autotriage::dashboard
