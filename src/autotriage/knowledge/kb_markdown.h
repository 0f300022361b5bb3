// Private to the knowledge module: reading a folder of Markdown articles into KbDocuments
// (the format is described in kb_sync.h).
// Thread-safety: pure apart from reading the files.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/knowledge/kb_index.h"

namespace autotriage::kb_internal {

// The published articles below `folder`, sorted by id. Files that cannot be read are named in
// `warnings` and their ids put in `unreadable` (so a sync keeps their old copies).
// Errors: kNotFound when the folder does not exist, kInvalidArgument when it is not a folder.
Result<std::vector<KbDocument>> ReadMarkdownFolder(const std::string& folder,
                                                   const std::string& base_url,
                                                   std::vector<std::string>* warnings,
                                                   std::set<std::string>* unreadable);

// One article from its file content; `published` false when the front matter says so.
KbDocument ParseMarkdownArticle(std::string_view content, std::string_view fallback_title,
                                bool* published);

// Markdown body to plain text: headings, emphasis, code fences, link and image syntax removed
// (link text kept), raw HTML through HtmlToText (so <script> content is dropped).
std::string MarkdownToText(std::string_view markdown);

}  // namespace autotriage::kb_internal
