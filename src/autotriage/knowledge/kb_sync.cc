// KB sync: diffing the wanted documents of one source against what the index holds.
// The Markdown reader is in kb_markdown.cc.
#include "autotriage/knowledge/kb_sync.h"

#include <algorithm>
#include <map>
#include <set>

#include "autotriage/core/ids.h"
#include "autotriage/knowledge/kb_markdown.h"
#include "autotriage/text/normalize.h"

namespace autotriage {
namespace kb_internal {
namespace {

// Helpdesk solutions carry no language; German articles are told apart by their function words
// (the sandbox and real Freshworks portals mix English and German articles). "" = the index's
// default language.
std::string GuessLanguage(std::string_view text) {
  static const std::set<std::string, std::less<>> kGerman = {
      "der", "die",  "das", "und", "ist", "nicht", "mit",  "sie",  "ich", "für",
      "ein", "eine", "zu",  "auf", "den", "bitte", "wird", "sich", "im",  "oder"};
  static const std::set<std::string, std::less<>> kEnglish = {
      "the", "and",  "is", "to",  "of", "you", "with", "for",    "your", "on",
      "not", "this", "it", "are", "be", "in",  "or",   "please", "will", "if"};
  int german = 0;
  int english = 0;
  for (const std::string& token : Tokenize(FoldCase(text.substr(0, 4096)))) {
    german += kGerman.count(token) > 0 ? 1 : 0;
    english += kEnglish.count(token) > 0 ? 1 : 0;
  }
  return german > english ? "de" : "";
}

std::string ContentHash(const KbDocument& document) {
  // Fields separated by a byte that cannot occur in UTF-8 text, so no two documents collide by
  // moving text from one field to the next.
  std::string bytes = document.title + '\xff' + document.body_text + '\xff' + document.url +
                      '\xff' + document.language;
  return ToHex64(Fnv1a64(bytes));
}

Result<KbSyncReport> ApplySync(const std::string& source, std::vector<KbDocument> wanted,
                               const std::set<std::string>& keep, KbIndex* index) {
  KbSyncReport report;
  report.source = source;
  Result<std::vector<KbDocumentInfo>> existing = index->List(source);
  if (!existing.ok()) {
    return existing.status();
  }
  std::map<std::string, std::string> old_hash;
  for (const KbDocumentInfo& info : *existing) {
    old_hash[info.id] = info.content_hash;
  }
  std::vector<KbDocument> changed;
  std::set<std::string> seen;
  for (KbDocument& document : wanted) {
    document.source = source;
    document.content_hash = ContentHash(document);
    if (!seen.insert(document.id).second) {
      continue;  // the same article listed twice: the first copy counts
    }
    auto it = old_hash.find(document.id);
    if (it == old_hash.end()) {
      ++report.added;
    } else if (it->second == document.content_hash) {
      ++report.unchanged;
      continue;
    } else {
      ++report.updated;
    }
    changed.push_back(std::move(document));
  }
  AUTOTRIAGE_RETURN_IF_ERROR(index->Upsert(changed));
  for (const auto& [id, hash] : old_hash) {
    if (seen.count(id) == 0 && keep.count(id) == 0) {
      AUTOTRIAGE_RETURN_IF_ERROR(index->Remove(id));
      ++report.removed;
    }
  }
  return report;
}

}  // namespace
}  // namespace kb_internal

Result<KbSyncReport> SyncKbFromHelpdesk(Helpdesk& helpdesk, KbIndex* index) {
  const std::string source = helpdesk.kind();
  Result<std::vector<KbArticle>> articles = helpdesk.ListKbArticles(false);
  if (!articles.ok()) {
    return articles.status().WithContext("KB sync from " + source);
  }
  std::vector<KbDocument> wanted;
  for (const KbArticle& article : *articles) {
    if (!article.published || article.id.empty()) {
      continue;
    }
    KbDocument document;
    document.id = source + ":" + article.id;
    document.title = HtmlToText(article.title);
    document.body_text = HtmlToText(article.body_html);
    document.url = article.url;
    document.language = kb_internal::GuessLanguage(document.title + "\n" + document.body_text);
    document.updated_at = article.updated_at;
    if (document.title.empty()) {
      document.title = "(untitled article " + article.id + ")";
    }
    wanted.push_back(std::move(document));
  }
  Result<KbSyncReport> report = kb_internal::ApplySync(source, std::move(wanted), {}, index);
  if (!report.ok()) {
    return report.status().WithContext("KB sync from " + source);
  }
  return report;
}

Result<KbSyncReport> SyncKbFromMarkdown(const std::string& folder, const std::string& base_url,
                                        KbIndex* index) {
  std::vector<std::string> warnings;
  std::set<std::string> unreadable;
  Result<std::vector<KbDocument>> documents =
      kb_internal::ReadMarkdownFolder(folder, base_url, &warnings, &unreadable);
  if (!documents.ok()) {
    return documents.status();
  }
  Result<KbSyncReport> report =
      kb_internal::ApplySync("markdown", std::move(documents.value()), unreadable, index);
  if (!report.ok()) {
    return report.status().WithContext("KB sync from " + folder);
  }
  report->warnings = std::move(warnings);
  return report;
}

}  // namespace autotriage
