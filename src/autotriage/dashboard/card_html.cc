#include "autotriage/dashboard/card_html.h"

#include <vector>

#include "autotriage/dashboard/html.h"
#include "autotriage/dashboard/layout.h"

namespace autotriage::dashboard {
namespace {

constexpr size_t kWordsShown = 8;

std::string SubjectOf(const CardView& card) {
  return card.subject.empty() ? "Ticket #" + card.ticket_id : card.subject;
}

std::string ValueCell(const std::string& value) {
  return value.empty() ? "<span class=\"none\">(none)</span>" : Escape(value);
}

std::string MetaLine(const CardView& card, int64_t now_ms) {
  std::string html = "<p class=\"meta\">Ticket <a href=\"/tickets/" + UrlEncode(card.ticket_id) +
                     "\">#" + Escape(card.ticket_id) + "</a> · version <code>" +
                     Escape(card.ticket_version) + "</code> · queue <span class=\"queue\">" +
                     Escape(card.queue.empty() ? "(none)" : card.queue) + "</span>";
  if (card.created_ms > 0) {
    html += " · proposed <time title=\"" + Escape(FormatTime(card.created_ms)) + "\">" +
            Escape(FormatAge(card.created_ms, now_ms)) + " ago</time>";
  }
  if (card.escalated) {
    html += " <span class=\"escalated badge\">escalated</span>";
  }
  return html + "</p>";
}

std::string DiffTable(const CardView& card, bool can_decide, const CardFormState& state) {
  std::string html =
      "<table id=\"diff\"><thead><tr><th>Field</th><th>Current</th><th>Proposed</th>"
      "<th>Confidence</th>";
  if (can_decide) {
    html += "<th>Value to write</th>";
  }
  html += "</tr></thead><tbody>";
  for (const CardField& field : card.fields) {
    html += "<tr data-field=\"" + Escape(field.field) + "\"><th scope=\"row\">" +
            Escape(field.field) + "</th><td class=\"old\">" + ValueCell(field.old_value) +
            "</td><td class=\"new\">" + ValueCell(field.new_value) +
            "</td><td class=\"confidence\">" + FormatNumber(field.confidence, 2) + "</td>";
    if (can_decide) {
      auto edited = state.edits.find(field.field);
      const std::string& value = edited != state.edits.end() ? edited->second : field.new_value;
      html += "<td class=\"edit\"><input type=\"text\" name=\"edit_" + Escape(field.field) +
              "\" value=\"" + Escape(value) + "\" data-proposed=\"" + Escape(field.new_value) +
              "\" aria-label=\"Value to write for " + Escape(field.field) + "\"></td>";
    }
    html += "</tr>";
  }
  return html + "</tbody></table>";
}

std::string Explanation(const CardView& card) {
  std::string html = "<section class=\"explanation\"><h2>Why</h2>";
  for (const CardField& field : card.fields) {
    html += "<div class=\"why\" data-field=\"" + Escape(field.field) + "\"><h3>" +
            Escape(field.field) + " → " + Escape(field.new_value) + "</h3>";
    if (!field.reason.empty()) {
      html += "<p class=\"reason\">" + Escape(field.reason) + "</p>";
    }
    std::string words;
    size_t shown = 0;
    for (const CardWord& word : field.words) {
      if (word.weight <= 0 || shown >= kWordsShown) {
        continue;
      }
      ++shown;
      const std::string& label = word.word.empty() ? word.feature : word.word;
      words += "<li><mark>" + Escape(label) + "</mark> <span class=\"weight\">" +
               FormatNumber(word.weight, 2) + "</span></li>";
    }
    if (!words.empty()) {
      html += "<ul class=\"words\">" + words + "</ul>";
    }
    html += "</div>";
  }
  return html + "</section>";
}

std::string Advice(const CardView& card) {
  std::string html = "<section class=\"advice\"><h2>Knowledge base</h2><ul id=\"kb\">";
  for (const CardArticle& article : card.articles) {
    const std::string title = article.title.empty() ? article.id : article.title;
    html += "<li>";
    if (IsSafeLink(article.url)) {
      html += "<a href=\"" + Escape(article.url) +
              "\" rel=\"noopener noreferrer\" target=\"_blank\">" + Escape(title) + "</a>";
    } else {
      html += "<a>" + Escape(title) + "</a>";  // no link for an unsafe or missing URL
    }
    if (!article.snippet.empty()) {
      html += "<p class=\"snippet\">" + Escape(article.snippet) + "</p>";
    }
    html += "</li>";
  }
  html += "</ul><h2>Similar tickets</h2><ul id=\"similar\">";
  for (const CardSimilar& similar : card.similar) {
    html += "<li><span class=\"id\">#" + Escape(similar.id) + "</span> " + Escape(similar.subject);
    if (!similar.label.empty()) {
      html += " <span class=\"label\">" + Escape(similar.label) + "</span>";
    }
    if (!similar.resolution.empty()) {
      html += "<p class=\"resolution\">" + Escape(similar.resolution) + "</p>";
    }
    html += "</li>";
  }
  html += "</ul><h2>Suggested assignees</h2><ul id=\"assignees\">";
  for (const CardAssignee& assignee : card.assignees) {
    html += "<li><strong>" + Escape(assignee.name) + "</strong> <span class=\"reason\">" +
            Escape(assignee.reason) + "</span></li>";
  }
  html += "</ul>";
  for (const std::string& note : card.notes) {
    html += "<p class=\"advice-note\">" + Escape(note) + "</p>";
  }
  return html + "</section>";
}

std::string DecideControls(const CardView& card, const CardFormState& state) {
  const std::string queue = card.queue.empty() ? "tickets without a queue" : "queue " + card.queue;
  return "<div class=\"decide-actions\"><div class=\"approve-box\"><label class=\"always\">"
         "<input type=\"checkbox\" name=\"always\" value=\"1\"" +
         std::string(state.always ? " checked" : "") + "> Always approve this kind for " +
         Escape(queue) +
         "</label><button type=\"submit\" name=\"action\" value=\"approve\" class=\"approve\">"
         "Approve</button></div><div class=\"reject-box\"><label>Reason for rejecting "
         "<input type=\"text\" name=\"reason\" value=\"" +
         Escape(state.reason) +
         "\" maxlength=\"500\"></label><button type=\"submit\" name=\"action\" value=\"reject\" "
         "class=\"reject\">Reject</button></div></div>";
}

}  // namespace

std::string CardHtml(const CardView& card, const Principal& principal, bool can_decide,
                     const CardFormState& state, int64_t now_ms) {
  std::string html = "<section class=\"card\" data-ticket=\"" + Escape(card.ticket_id) +
                     "\" data-version=\"" + Escape(card.ticket_version) + "\">";
  html += "<h2 class=\"subject\">" + Escape(SubjectOf(card)) + "</h2>" + MetaLine(card, now_ms);
  html += "<div class=\"summary\">" + HighlightWords(card.summary, DecidingWords(card)) + "</div>";
  if (!card.pending) {
    html += "<p class=\"decided\">Decided: " + Escape(card.decided) + "</p>";
  }
  if (!state.error.empty()) {
    html += "<p class=\"error\" role=\"alert\">" + Escape(state.error) + "</p>";
  }
  if (can_decide) {
    html += "<form id=\"decide\" method=\"post\" action=\"" +
            Escape(CardPath(card.ticket_id, card.ticket_version)) + "\">" + CsrfField(principal);
  }
  if (card.summary_source == "llm") {
    html += "<p class=\"summary-source\">Summary drafted by the LLM.</p>";
  }
  html += DiffTable(card, can_decide, state) + Explanation(card) + Advice(card);
  if (!card.reply_draft.empty()) {
    html += "<h2>Draft reply (LLM; not sent)</h2><pre class=\"reply-draft\">" +
            Escape(card.reply_draft) + "</pre>";
  }
  const std::string& note = state.has_note ? state.note : card.note_draft;
  if (can_decide) {
    html +=
        "<label class=\"note\">Internal note to post with the change<textarea name=\"note\" "
        "rows=\"8\">" +
        Escape(note) + "</textarea></label>" + DecideControls(card, state) + "</form>";
  } else if (!card.note_draft.empty()) {
    html += "<h2>Draft note</h2><pre class=\"note-draft\">" + Escape(card.note_draft) + "</pre>";
  }
  return html + "</section>";
}

std::string ApprovalListItemHtml(const CardView& card, int64_t now_ms) {
  std::string fields;
  for (const CardField& field : card.fields) {
    fields += "<li data-field=\"" + Escape(field.field) + "\">" + Escape(field.field) + ": " +
              ValueCell(field.old_value) + " → <strong>" + ValueCell(field.new_value) +
              "</strong> <span class=\"confidence\">" + FormatNumber(field.confidence, 2) +
              "</span></li>";
  }
  std::string html =
      "<article class=\"approval\" data-ticket=\"" + Escape(card.ticket_id) + "\" data-version=\"" +
      Escape(card.ticket_version) + "\"><h2><a class=\"open\" href=\"" +
      Escape(CardPath(card.ticket_id, card.ticket_version)) + "\">" + Escape(SubjectOf(card)) +
      "</a></h2><p class=\"meta\">#" + Escape(card.ticket_id) + " · queue <span class=\"queue\">" +
      Escape(card.queue.empty() ? "(none)" : card.queue) + "</span> · <span class=\"age\">" +
      Escape(FormatAge(card.created_ms, now_ms)) + "</span>";
  if (card.escalated) {
    html += " <span class=\"escalated badge\">escalated</span>";
  }
  return html + "</p><ul class=\"fields\">" + fields + "</ul></article>";
}

}  // namespace autotriage::dashboard
