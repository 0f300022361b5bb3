// The internal note autotriage posts on a ticket it changes (and the draft shown on the approval
// card): the fields with old and new value, confidence and the words that drove each; the KB
// articles that probably answer the ticket; similar resolved tickets and how they were solved;
// the suggested assignees with their reasons; the extractive summary; and the marker that lets
// the dispatcher tell a note already posted.
//
// HTML for Freshdesk and Freshservice, plain text for Request Tracker. Everything that comes
// from a ticket, an article or a helpdesk (subjects, snippets, names, reasons) is escaped in
// HTML and flattened to one line in text, so nothing from a ticket can inject markup or fake a
// citation line into a note.
// Citations: each cited article is one item carrying its id (HTML: <li data-kb="ID">, text: a
// line starting "  - [kb ID]"). DropMissingCitations removes the items whose article no longer
// exists just before the note is posted, so a note never links a deleted or unpublished article.
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autotriage/engine/advice.h"

namespace autotriage {

struct NoteChange {
  std::string field;
  std::string value;
  std::string old_value;
  double confidence = 0;
  std::vector<std::string> words;  // the words that argued for the value, best first
};

struct NoteInput {
  std::vector<NoteChange> changes;
  bool applied = true;                   // true: "updated this ticket"; false: a draft proposal
  const TicketAdvice* advice = nullptr;  // may be null: fields only
  std::string idempotency_key;           // "" = no marker (drafts)
  std::string ticket_id;
  std::string dashboard_url;  // "" = no review link
  bool html = true;
  // Who approved the changes ("" = autofill): shown after each change's confidence.
  std::string approved_by;
  // Fields whose value the approver chose instead of the engine's: shown as "chosen by
  // <approved_by>", without the engine's confidence and words (they argued for another value).
  std::vector<std::string> chosen_fields;
};

std::string BuildNote(const NoteInput& input);

// A note a human wrote (plain text) for an approved write: escaped, as HTML paragraphs (blank
// lines) and line breaks when `html`, followed by the marker line of `idempotency_key`. A
// "[autotriage:" in the text is defused, so the text cannot pass for the marker of a write.
// Blank text gives "" (no note).
std::string BuildHumanNote(const std::string& text, bool html, const std::string& idempotency_key);

// Removes the citation items whose article `exists` says is gone; returns the ids removed in
// `dropped` (may be null). A note without citations is returned unchanged.
std::string DropMissingCitations(const std::string& note, bool html,
                                 const std::function<bool(const std::string&)>& exists,
                                 std::vector<std::string>* dropped);

}  // namespace autotriage
