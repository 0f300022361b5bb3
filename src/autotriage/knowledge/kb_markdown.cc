#include "autotriage/knowledge/kb_markdown.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "autotriage/text/normalize.h"

namespace autotriage::kb_internal {
namespace {

namespace fs = std::filesystem;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view Unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Inline Markdown to text: [text](url) and ![alt](url) keep text/alt; *, `, ** and __ go.
std::string InlineToText(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '!' && i + 1 < line.size() && line[i + 1] == '[') {
      continue;  // the image's alt text follows
    }
    if (c == ']' && i + 1 < line.size() && line[i + 1] == '(') {
      const size_t close = line.find(')', i + 2);
      if (close != std::string_view::npos) {
        i = close;
        continue;
      }
    }
    if (c == '[' || c == ']' || c == '*' || c == '`') {
      continue;
    }
    if (c == '_' && i + 1 < line.size() && line[i + 1] == '_') {
      ++i;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

bool IsFalse(std::string_view value) {
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return lower == "false" || lower == "no" || lower == "0" || lower == "off";
}

}  // namespace

std::string MarkdownToText(std::string_view markdown) {
  std::string text;
  for (std::string_view raw : Lines(markdown)) {
    std::string_view line = Trim(raw);
    if (line.substr(0, 3) == "```" || line.substr(0, 3) == "~~~") {
      continue;  // fence lines; the code itself is kept (error messages live there)
    }
    if (!line.empty() && line.find_first_not_of("-*_= ") == std::string_view::npos &&
        line.size() >= 3) {
      continue;  // rules and setext underlines
    }
    while (!line.empty() && (line.front() == '#' || line.front() == '>')) {
      line.remove_prefix(1);
    }
    text += InlineToText(Trim(line));
    text.push_back('\n');
  }
  if (text.find('<') != std::string::npos || text.find('&') != std::string::npos) {
    return HtmlToText(text);
  }
  return text;
}

KbDocument ParseMarkdownArticle(std::string_view content, std::string_view fallback_title,
                                bool* published) {
  KbDocument document;
  *published = true;
  std::vector<std::string_view> lines = Lines(content);
  size_t first = 0;
  if (!lines.empty() && Trim(lines[0]) == "---") {
    for (size_t i = 1; i < lines.size(); ++i) {
      const std::string_view line = Trim(lines[i]);
      if (line == "---" || line == "...") {
        first = i + 1;
        break;
      }
    }
    // Without a closing line there is no front matter: the "---" is a rule in the text.
    for (size_t i = 1; first > 0 && i + 1 < first; ++i) {
      const std::string_view line = Trim(lines[i]);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        continue;
      }
      const std::string_view key = Trim(line.substr(0, colon));
      const std::string value(Unquote(Trim(line.substr(colon + 1))));
      if (key == "title") {
        document.title = value;
      } else if (key == "url") {
        document.url = value;
      } else if (key == "language" || key == "lang") {
        document.language = value;
      } else if (key == "published") {
        *published = !IsFalse(value);
      }
    }
  }
  std::string body;
  for (size_t i = first; i < lines.size(); ++i) {
    const std::string_view line = Trim(lines[i]);
    if (document.title.empty() && line.size() > 2 && line.substr(0, 2) == "# ") {
      document.title = InlineToText(Trim(line.substr(2)));
      continue;
    }
    body.append(lines[i]);
    body.push_back('\n');
  }
  if (document.title.empty()) {
    document.title = std::string(fallback_title);
  }
  document.body_text = MarkdownToText(body);
  return document;
}

Result<std::vector<KbDocument>> ReadMarkdownFolder(const std::string& folder,
                                                   const std::string& base_url,
                                                   std::vector<std::string>* warnings,
                                                   std::set<std::string>* unreadable) {
  std::error_code error;
  const fs::file_status status = fs::status(folder, error);
  if (error || !fs::exists(status)) {
    return NotFound("Markdown folder " + folder + " does not exist");
  }
  if (!fs::is_directory(status)) {
    return InvalidArgument(folder + " is not a folder (--markdown expects a folder of .md files)");
  }
  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, error);
  if (error) {
    return IoError("cannot list the Markdown folder " + folder + ": " + error.message());
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) {
      warnings->push_back("cannot list part of " + folder + ": " + error.message());
      break;
    }
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(error)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (it->is_regular_file(error) && it->path().extension() == ".md") {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  std::vector<KbDocument> documents;
  for (const fs::path& file : files) {
    const std::string relative = fs::relative(file, folder, error).generic_string();
    const std::string id = "markdown:" + relative;
    std::ifstream in(file, std::ios::binary);
    std::string content;
    if (in.is_open()) {
      content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (!in.is_open() || in.bad()) {
      warnings->push_back(relative + ": cannot be read, skipped (its indexed copy stays)");
      unreadable->insert(id);
      continue;
    }
    std::string sane = SanitizeUtf8(content);
    if (sane != content) {
      warnings->push_back(relative + ": not valid UTF-8, replaced");
    }
    bool published = true;
    KbDocument document = ParseMarkdownArticle(sane, file.stem().string(), &published);
    if (!published) {
      continue;
    }
    document.id = id;
    if (document.url.empty() && !base.empty()) {
      document.url = base + "/" + relative;
    }
    const auto modified = fs::last_write_time(file, error);
    if (!error) {
      const auto since_epoch = std::chrono::file_clock::to_sys(modified);
      document.updated_at =
          std::chrono::duration_cast<std::chrono::seconds>(since_epoch.time_since_epoch()).count();
    }
    documents.push_back(std::move(document));
  }
  return documents;
}

}  // namespace autotriage::kb_internal
