// The redactor: runs the scanners, resolves overlaps, hands out and restores placeholders.
#include "autotriage/llm/redactor.h"

#include <algorithm>
#include <set>
#include <utility>

#include "autotriage/llm/pii_scanners.h"

namespace autotriage {
namespace {

using llm_internal::PiiSpan;

constexpr int kPatternPriority = 2;

bool IsTypeName(const std::string& type) {
  if (type.empty() || type.size() > 32 || !(type[0] >= 'A' && type[0] <= 'Z')) {
    return false;
  }
  return std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Keeps the longest finding at each place. Findings are sorted by start (longer first, then by
// priority); one that overlaps the finding kept before it is merged into that one, so no byte of
// either is left unredacted, and the merged span takes the type of the longer finding.
std::vector<PiiSpan> ResolveOverlaps(std::vector<PiiSpan> spans) {
  std::sort(spans.begin(), spans.end(), [](const PiiSpan& a, const PiiSpan& b) {
    if (a.begin != b.begin) {
      return a.begin < b.begin;
    }
    if (a.end != b.end) {
      return a.end > b.end;
    }
    return a.priority < b.priority;
  });
  std::vector<PiiSpan> kept;
  for (PiiSpan& span : spans) {
    if (kept.empty() || span.begin >= kept.back().end) {
      kept.push_back(std::move(span));
      continue;
    }
    PiiSpan& last = kept.back();
    if (span.end > last.end) {
      const bool longer = span.end - span.begin > last.end - last.begin;
      last.end = span.end;
      if (longer) {
        last.type = std::move(span.type);
        last.key = std::move(span.key);
      }
    }
  }
  return kept;
}

}  // namespace

const std::vector<std::string>& BuiltinRedactionTypes() {
  static const std::vector<std::string> kTypes = {"EMAIL", "PHONE", "IP", "IBAN", "CARD", "NAME"};
  return kTypes;
}

Status ValidateRedactPattern(const RedactPattern& pattern) {
  if (!IsTypeName(pattern.type)) {
    return InvalidArgument("redaction type '" + pattern.type +
                           "' must be upper-case letters, digits and '_', starting with a letter "
                           "(at most 32 characters), e.g. CUSTOMER_ID");
  }
  const auto& builtin = BuiltinRedactionTypes();
  if (std::find(builtin.begin(), builtin.end(), pattern.type) != builtin.end()) {
    return InvalidArgument("redaction type '" + pattern.type +
                           "' is built in; give the pattern its own type name");
  }
  try {
    const std::regex regex(pattern.regex, std::regex::ECMAScript);
    if (std::regex_match(std::string(), regex)) {
      return InvalidArgument("the regex of redaction type '" + pattern.type +
                             "' matches the empty string");
    }
  } catch (const std::regex_error& error) {
    return InvalidArgument("the regex of redaction type '" + pattern.type +
                           "' is invalid: " + error.what());
  }
  return Status::Ok();
}

Result<Redactor> Redactor::Create(RedactorOptions options) {
  Redactor redactor;
  redactor.types_ = BuiltinRedactionTypes();
  std::set<std::string> seen;
  for (const RedactPattern& pattern : options.patterns) {
    AUTOTRIAGE_RETURN_IF_ERROR(ValidateRedactPattern(pattern));
    redactor.patterns_.push_back({pattern.type, std::regex(pattern.regex, std::regex::ECMAScript)});
    if (seen.insert(pattern.type).second) {
      redactor.types_.push_back(pattern.type);
    }
  }
  for (std::string& name : options.names) {
    redactor.names_.push_back(std::move(name));
  }
  return redactor;
}

std::string Redactor::PlaceholderFor(const std::string& type, const std::string& key,
                                     std::string_view original) {
  const std::string map_key = type + '\0' + key;
  auto it = by_key_.find(map_key);
  if (it != by_key_.end()) {
    return it->second;
  }
  const std::string placeholder = "<" + type + "_" + std::to_string(++next_number_[type]) + ">";
  by_key_.emplace(map_key, placeholder);
  originals_.emplace(placeholder, std::string(original));
  return placeholder;
}

Result<std::string> Redactor::Redact(std::string_view text) {
  std::vector<PiiSpan> spans;
  llm_internal::ScanEmails(text, &spans);
  llm_internal::ScanIpAddresses(text, &spans);
  llm_internal::ScanIbans(text, &spans);
  llm_internal::ScanCardsAndPhones(text, &spans);
  llm_internal::ScanNames(text, names_, &spans);
  for (const CompiledPattern& pattern : patterns_) {
    try {
      const std::string subject(text);
      for (std::sregex_iterator it(subject.begin(), subject.end(), pattern.regex), end; it != end;
           ++it) {
        if (it->length(0) == 0) {
          continue;
        }
        const size_t begin = static_cast<size_t>(it->position(0));
        spans.push_back({begin, begin + static_cast<size_t>(it->length(0)), pattern.type,
                         it->str(0), kPatternPriority});
      }
    } catch (const std::regex_error&) {
      return ResourceExhausted("redaction pattern '" + pattern.type +
                               "' could not be evaluated on a text of " +
                               std::to_string(text.size()) + " bytes; nothing was sent");
    }
  }
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (const PiiSpan& span : ResolveOverlaps(std::move(spans))) {
    out.append(text.substr(copied, span.begin - copied));
    std::string_view original = text.substr(span.begin, span.end - span.begin);
    std::string person_name;
    if (span.type == "NAME") {
      // Every form of a person's name restores to the full name as the ticket gives it.
      const size_t person = std::stoul(span.key.substr(span.key.find(':') + 1));
      person_name = person < names_.size() ? names_[person] : std::string(original);
      original = person_name;
    }
    out += PlaceholderFor(span.type, span.key, original);
    ++occurrences_[span.type];
    copied = span.end;
  }
  out.append(text.substr(copied));
  return out;
}

RestoreResult Redactor::Restore(std::string_view text) const {
  RestoreResult result;
  result.text.reserve(text.size());
  std::set<std::string> reported;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '<') {
      result.text.push_back(text[i++]);
      continue;
    }
    const size_t close = text.find('>', i + 1);
    const size_t underscore = close == std::string_view::npos ? close : text.rfind('_', close);
    bool is_placeholder = close != std::string_view::npos && underscore != std::string_view::npos &&
                          underscore > i + 1 && close > underscore + 1;
    std::string type;
    if (is_placeholder) {
      type = std::string(text.substr(i + 1, underscore - i - 1));
      const std::string_view number = text.substr(underscore + 1, close - underscore - 1);
      is_placeholder =
          std::find(types_.begin(), types_.end(), type) != types_.end() &&
          std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
    if (!is_placeholder) {
      result.text.push_back(text[i++]);
      continue;
    }
    const std::string placeholder(text.substr(i, close - i + 1));
    auto it = originals_.find(placeholder);
    if (it != originals_.end()) {
      result.text += it->second;
      ++result.restored;
    } else {
      result.text += placeholder;
      if (reported.insert(placeholder).second) {
        result.unknown_placeholders.push_back(placeholder);
      }
    }
    i = close + 1;
  }
  return result;
}

std::vector<RedactionCount> Redactor::Report() const {
  std::vector<RedactionCount> report;
  for (const auto& [type, count] : occurrences_) {
    auto numbers = next_number_.find(type);
    report.push_back({type, numbers == next_number_.end() ? 0 : numbers->second, count});
  }
  return report;
}

}  // namespace autotriage
