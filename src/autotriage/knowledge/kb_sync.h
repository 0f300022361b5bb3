// KB sync: brings a KbIndex up to date with a helpdesk's published solution articles or with a
// folder of Markdown files. Incremental: a document whose content hash is unchanged is not
// rewritten; an article that is no longer published or no longer exists is removed from the
// index (only documents of the synced source are touched).
//
// Markdown folder: every *.md file below the folder (recursively; hidden folders skipped). The
// title is the first "# " heading (else the file name), the body is the rest rendered to plain
// text; an optional front matter block ("---" lines) may set `title`, `url`, `language` and
// `published: false`. The id is "markdown:<path relative to the folder>"; the URL is
// base_url + "/" + relative path when base_url is set, else empty.
// HTML bodies from helpdesks go through HtmlToText, which drops <script> and <style> content.
//
// Errors: a helpdesk error is returned with its context and the index is left as it was; a
// folder that does not exist → kNotFound naming it; an unreadable file is counted in
// `warnings` and skipped (its old copy stays).
// Thread-safety: one sync at a time per index (the index serialises writes anyway).
#pragma once

#include <string>
#include <vector>

#include "autotriage/connectors/helpdesk.h"
#include "autotriage/core/status.h"
#include "autotriage/knowledge/kb_index.h"

namespace autotriage {

struct KbSyncReport {
  std::string source;
  int added = 0;
  int updated = 0;
  int removed = 0;
  int unchanged = 0;
  std::vector<std::string> warnings;  // e.g. "vpn.md: not valid UTF-8, replaced"
};

// source name = helpdesk.kind() ("freshdesk", "freshservice").
Result<KbSyncReport> SyncKbFromHelpdesk(Helpdesk& helpdesk, KbIndex* index);
Result<KbSyncReport> SyncKbFromMarkdown(const std::string& folder, const std::string& base_url,
                                        KbIndex* index);

}  // namespace autotriage
