// Redactor: replaces personal data by typed placeholders before text is sent to an LLM, and puts
// the originals back into the answer.
//
// What is redacted (built in): e-mail addresses (<EMAIL_n>), phone numbers (<PHONE_n>), IPv4 and
// IPv6 addresses (<IP_n>), IBAN-like account numbers (<IBAN_n>), payment-card numbers that pass
// the Luhn check (<CARD_n>), and the names the caller gives (requester and agents from the
// ticket's own fields): the full name and each part of at least 3 characters, whole words,
// case-insensitive (<NAME_n>; every form of one person's name gets that person's placeholder).
// Configured patterns (ECMAScript regular expressions with an upper-case type name such as
// "CUSTOMER_ID") add <CUSTOMER_ID_n>. When two findings overlap, the longer one wins.
//
// One Redactor is one ticket's session: the same value gets the same placeholder in every text
// redacted through it, numbered by first appearance. Restore() replaces the placeholders it
// handed out by their originals; a placeholder of a known type that it never handed out (the
// model invented <EMAIL_9>) is left as it is and reported, never restored to something else.
// Report() lists what was redacted as types and counts, never the values, for the audit trail.
//
// Errors: Create() fails with kInvalidArgument naming the pattern when a type name or regular
// expression is invalid. Redact() fails closed (kResourceExhausted) when a configured pattern
// cannot be evaluated on the text (std::regex running out of stack on a huge input), so
// unredacted text is never returned.
// Thread-safety: not thread-safe; use one Redactor per ticket session and thread.
#pragma once

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

struct RedactPattern {
  std::string type;   // [A-Z][A-Z0-9_]*, not one of the built-in types
  std::string regex;  // ECMAScript syntax; must not match the empty string
};

struct RedactorOptions {
  // Full names of people on the ticket, e.g. "Anna Müller", "Jon Smith".
  std::vector<std::string> names;
  std::vector<RedactPattern> patterns;
};

// What was redacted, for the audit trail: a type and how often, never a value.
struct RedactionCount {
  std::string type;
  int values = 0;       // distinct values (placeholders handed out)
  int occurrences = 0;  // places in the text that were replaced
};

struct RestoreResult {
  std::string text;
  int restored = 0;  // placeholders replaced by their originals
  // Placeholders of a known type that this session never handed out, e.g. "<EMAIL_9>", in
  // order of appearance, each once. They are left in `text` as they are.
  std::vector<std::string> unknown_placeholders;
};

// The built-in placeholder types: EMAIL, PHONE, IP, IBAN, CARD, NAME.
const std::vector<std::string>& BuiltinRedactionTypes();

// kInvalidArgument naming what is wrong with one configured pattern (shared with the config
// check): a bad type name, a built-in type, an invalid regex, or one matching "".
Status ValidateRedactPattern(const RedactPattern& pattern);

class Redactor {
 public:
  static Result<Redactor> Create(RedactorOptions options);

  // `text` with every finding replaced by its placeholder.
  Result<std::string> Redact(std::string_view text);
  RestoreResult Restore(std::string_view text) const;
  // One entry per type that was redacted, sorted by type.
  std::vector<RedactionCount> Report() const;

 private:
  struct CompiledPattern {
    std::string type;
    std::regex regex;
  };
  Redactor() = default;
  std::string PlaceholderFor(const std::string& type, const std::string& key,
                             std::string_view original);

  std::vector<std::string> names_;
  std::vector<CompiledPattern> patterns_;
  std::vector<std::string> types_;                // built-in and configured
  std::map<std::string, std::string> by_key_;     // type + '\0' + key -> placeholder
  std::map<std::string, std::string> originals_;  // placeholder -> original text
  std::map<std::string, int> next_number_;        // type -> placeholders handed out
  std::map<std::string, int> occurrences_;        // type -> replaced places
  std::vector<std::string> person_originals_;     // names_ as given, for restoring
};

}  // namespace autotriage
