#include "autotriage/engine/note.h"

#include <algorithm>
#include <cstdio>

#include "autotriage/text/html_escape.h"

namespace autotriage {
namespace {

constexpr char kHtmlCitationOpen[] = "<li data-kb=\"";
constexpr char kTextCitationOpen[] = "  - [kb ";
constexpr size_t kMaxSnippetChars = 200;

std::string HtmlEscape(const std::string& text) {
  return EscapeHtml(text);
}

// One line of plain text: control characters and line breaks become spaces, so ticket text can
// never start a line of its own (and so never fake a citation or the marker).
std::string OneLine(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  }
  return out;
}

// At most `max` bytes, cut at a UTF-8 character boundary, with "…" when cut.
std::string Shorten(const std::string& text, size_t max) {
  if (text.size() <= max) {
    return text;
  }
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end) + "…";
}

std::string Percent(double probability) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%.0f%%", probability * 100.0);
  return buffer;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    out += (out.empty() ? "" : ", ") + w;
  }
  return out;
}

// Only http(s) links become anchors; anything else (javascript:, data:) is shown as text.
bool IsWebUrl(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

bool Chosen(const NoteInput& input, const std::string& field) {
  return std::find(input.chosen_fields.begin(), input.chosen_fields.end(), field) !=
         input.chosen_fields.end();
}

void HtmlAdvice(const TicketAdvice& advice, std::string* note) {
  if (!advice.summary.empty()) {
    *note += "<p><b>Summary:</b> " + HtmlEscape(advice.summary) + "</p>";
  }
  if (!advice.articles.empty()) {
    *note += "<p><b>Knowledge base</b></p><ol>";
    for (const KbHit& hit : advice.articles) {
      *note += kHtmlCitationOpen + HtmlEscape(hit.id) + "\">";
      *note += IsWebUrl(hit.url)
                   ? "<a href=\"" + HtmlEscape(hit.url) + "\">" + HtmlEscape(hit.title) + "</a>"
                   : HtmlEscape(hit.title);
      if (!hit.snippet.empty()) {
        *note += " — <i>" + HtmlEscape(Shorten(hit.snippet, kMaxSnippetChars)) + "</i>";
      }
      *note += "</li>";
    }
    *note += "</ol>";
  }
  if (!advice.similar.empty()) {
    *note += "<p><b>Similar resolved tickets</b></p><ul>";
    for (const SimilarHit& hit : advice.similar) {
      *note += "<li>#" + HtmlEscape(hit.id) + " " + HtmlEscape(hit.subject);
      if (!hit.resolution.empty()) {
        *note += " — resolved: " + HtmlEscape(hit.resolution);
      }
      *note += "</li>";
    }
    *note += "</ul>";
  }
  if (!advice.assignees.empty()) {
    *note += "<p><b>Suggested assignee</b></p><ul>";
    for (const AssigneeSuggestion& s : advice.assignees) {
      *note += "<li>" + HtmlEscape(s.name.empty() ? s.email : s.name) + ": " +
               HtmlEscape(s.reason) + "</li>";
    }
    *note += "</ul>";
  }
}

void TextAdvice(const TicketAdvice& advice, std::string* note) {
  if (!advice.summary.empty()) {
    *note += "Summary: " + OneLine(advice.summary) + "\n";
  }
  if (!advice.articles.empty()) {
    *note += "Knowledge base:\n";
    for (const KbHit& hit : advice.articles) {
      *note += kTextCitationOpen + OneLine(hit.id) + "] " + OneLine(hit.title);
      if (!hit.url.empty()) {
        *note += " <" + OneLine(hit.url) + ">";
      }
      *note += "\n";
    }
  }
  if (!advice.similar.empty()) {
    *note += "Similar resolved tickets:\n";
    for (const SimilarHit& hit : advice.similar) {
      *note += "  - #" + OneLine(hit.id) + " " + OneLine(hit.subject);
      if (!hit.resolution.empty()) {
        *note += " -- resolved: " + OneLine(hit.resolution);
      }
      *note += "\n";
    }
  }
  if (!advice.assignees.empty()) {
    *note += "Suggested assignee:\n";
    for (const AssigneeSuggestion& s : advice.assignees) {
      *note +=
          "  - " + OneLine(s.name.empty() ? s.email : s.name) + ": " + OneLine(s.reason) + "\n";
    }
  }
}

}  // namespace

std::string BuildNote(const NoteInput& input) {
  std::string note;
  const char* heading = input.applied ? "updated this ticket" : "suggests";
  if (input.html) {
    if (!input.changes.empty()) {
      note += std::string("<p><b>autotriage</b> ") + heading + ":</p><ul>";
      for (const NoteChange& c : input.changes) {
        note += "<li><b>" + HtmlEscape(c.field) + "</b>: " + HtmlEscape(c.value);
        note += c.old_value.empty() ? " (was empty)" : " (was " + HtmlEscape(c.old_value) + ")";
        if (Chosen(input, c.field)) {
          note += ", chosen by " + HtmlEscape(input.approved_by);
        } else {
          note += ", confidence " + Percent(c.confidence);
          if (!c.words.empty()) {
            note += "; words: " + HtmlEscape(Joined(c.words));
          }
          if (!input.approved_by.empty()) {
            note += "; approved by " + HtmlEscape(input.approved_by);
          }
        }
        note += "</li>";
      }
      note += "</ul>";
    }
    if (input.advice != nullptr) {
      HtmlAdvice(*input.advice, &note);
    }
    if (!input.dashboard_url.empty() && !input.ticket_id.empty()) {
      const std::string url = input.dashboard_url + "/tickets/" + input.ticket_id;
      note += "<p><a href=\"" + HtmlEscape(url) + "\">Review in autotriage</a></p>";
    }
    if (!input.idempotency_key.empty()) {
      note += "<p>[autotriage:" + HtmlEscape(input.idempotency_key) + "]</p>";
    }
    return note;
  }
  if (!input.changes.empty()) {
    note += std::string("autotriage ") + heading + ":\n";
    for (const NoteChange& c : input.changes) {
      note += "- " + OneLine(c.field) + ": " + OneLine(c.value);
      note += c.old_value.empty() ? " (was empty)" : " (was " + OneLine(c.old_value) + ")";
      if (Chosen(input, c.field)) {
        note += ", chosen by " + OneLine(input.approved_by);
      } else {
        note += ", confidence " + Percent(c.confidence);
        if (!c.words.empty()) {
          note += "; words: " + OneLine(Joined(c.words));
        }
        if (!input.approved_by.empty()) {
          note += "; approved by " + OneLine(input.approved_by);
        }
      }
      note += "\n";
    }
  }
  if (input.advice != nullptr) {
    TextAdvice(*input.advice, &note);
  }
  if (!input.dashboard_url.empty() && !input.ticket_id.empty()) {
    note += "Review: " + input.dashboard_url + "/tickets/" + input.ticket_id + "\n";
  }
  if (!input.idempotency_key.empty()) {
    note += "[autotriage:" + input.idempotency_key + "]";
  }
  return note;
}

std::string BuildHumanNote(const std::string& text, bool html, const std::string& idempotency_key) {
  std::string clean;
  clean.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      continue;  // CRLF and CR line ends become \n (a lone CR is dropped)
    }
    clean += static_cast<unsigned char>(text[i]) < 0x20 && text[i] != '\n' && text[i] != '\t'
                 ? ' '
                 : text[i];
  }
  const std::string marker_open = "[autotriage:";
  for (size_t at = clean.find(marker_open); at != std::string::npos;
       at = clean.find(marker_open, at + 1)) {
    clean[at + marker_open.size() - 1] = '-';  // "[autotriage-": no longer a marker
  }
  // Paragraphs: runs of lines separated by blank lines; surrounding blank lines dropped.
  std::vector<std::vector<std::string>> paragraphs(1);
  size_t start = 0;
  while (start <= clean.size()) {
    size_t end = clean.find('\n', start);
    if (end == std::string::npos) {
      end = clean.size();
    }
    std::string line = clean.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") == std::string::npos) {
      if (!paragraphs.back().empty()) {
        paragraphs.emplace_back();
      }
    } else {
      paragraphs.back().push_back(line);
    }
    start = end + 1;
  }
  if (paragraphs.back().empty()) {
    paragraphs.pop_back();
  }
  if (paragraphs.empty()) {
    return "";
  }
  std::string note;
  for (const std::vector<std::string>& lines : paragraphs) {
    if (html) {
      note += "<p>";
      for (size_t i = 0; i < lines.size(); ++i) {
        note += (i > 0 ? "<br>" : "") + HtmlEscape(lines[i]);
      }
      note += "</p>";
    } else {
      note += note.empty() ? "" : "\n";
      for (const std::string& line : lines) {
        note += line + "\n";
      }
    }
  }
  if (!idempotency_key.empty()) {
    note += html ? "<p>[autotriage:" + HtmlEscape(idempotency_key) + "]</p>"
                 : "[autotriage:" + idempotency_key + "]";
  }
  return note;
}

std::string DropMissingCitations(const std::string& note, bool html,
                                 const std::function<bool(const std::string&)>& exists,
                                 std::vector<std::string>* dropped) {
  // HTML items: <li data-kb="ID">...</li>. Text items: whole lines "  - [kb ID] ...", found with
  // the newline before them (so ticket text inside a line can never match).
  const std::string open = html ? kHtmlCitationOpen : std::string("\n") + kTextCitationOpen;
  const std::string id_end = html ? "\"" : "]";
  const std::string item_end = html ? "</li>" : "\n";
  std::string out;
  size_t pos = 0;
  while (true) {
    // In text the newline that ended the previous item (already copied) starts the next match.
    const size_t start = note.find(open, html || pos == 0 ? pos : pos - 1);
    if (start == std::string::npos) {
      break;
    }
    const size_t item_begin = html ? start : start + 1;
    const size_t id_begin = start + open.size();
    const size_t id_stop = note.find(id_end, id_begin);
    const size_t end =
        id_stop == std::string::npos ? std::string::npos : note.find(item_end, id_stop);
    if (end == std::string::npos) {
      break;  // not our markup after all; keep the rest as it is
    }
    const size_t item_stop = end + item_end.size();
    std::string id = note.substr(id_begin, id_stop - id_begin);
    if (html) {  // undo HtmlEscape for the characters an id may contain
      for (const auto& [from, to] : {std::pair<std::string, std::string>{"&quot;", "\""},
                                     {"&#39;", "'"},
                                     {"&lt;", "<"},
                                     {"&gt;", ">"},
                                     {"&amp;", "&"}}) {
        for (size_t at = id.find(from); at != std::string::npos; at = id.find(from, at + 1)) {
          id.replace(at, from.size(), to);
        }
      }
    }
    out += note.substr(pos, item_begin - pos);
    if (exists(id)) {
      out += note.substr(item_begin, item_stop - item_begin);
    } else if (dropped != nullptr) {
      dropped->push_back(id);
    }
    pos = item_stop;
  }
  out += note.substr(pos);
  if (html) {  // every article gone: drop the empty list and its heading too
    const std::string empty_list = "<p><b>Knowledge base</b></p><ol></ol>";
    if (const size_t at = out.find(empty_list); at != std::string::npos) {
      out.erase(at, empty_list.size());
    }
  }
  return out;
}

}  // namespace autotriage
