// Built-in PII detectors of the redactor: e-mail addresses, IPv4/IPv6 addresses, payment-card
// numbers (Luhn-checked), IBAN-like account numbers, phone numbers and given names.
//
// Internal to the llm module. Each scanner appends the spans it finds to `out`; overlaps between
// scanners are resolved by the redactor (longest span first, then `priority`). The scanners work
// on bytes of UTF-8 text; any non-ASCII byte counts as part of a word. Pure, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace autotriage::llm_internal {

struct PiiSpan {
  size_t begin = 0;
  size_t end = 0;    // one past the last byte
  std::string type;  // "EMAIL", "PHONE", "IP", "IBAN", "CARD", "NAME" or a configured type
  std::string key;   // the normalised value: equal keys get the same placeholder
  int priority = 0;  // lower wins when two spans cover exactly the same bytes
};

void ScanEmails(std::string_view text, std::vector<PiiSpan>* out);
void ScanIpAddresses(std::string_view text, std::vector<PiiSpan>* out);
// Cards (13-19 digits, Luhn-valid) and phone numbers share one digit-run scanner.
void ScanCardsAndPhones(std::string_view text, std::vector<PiiSpan>* out);
void ScanIbans(std::string_view text, std::vector<PiiSpan>* out);

// Whole-word, case-insensitive (ASCII and Latin-1 letters) search for each person's full name
// and for its parts of at least 3 characters. The key is "person:<index>", so every form of one
// person's name gets the same placeholder.
void ScanNames(std::string_view text, const std::vector<std::string>& names,
               std::vector<PiiSpan>* out);

// True when `digits` (only '0'-'9') passes the Luhn check.
bool LuhnValid(std::string_view digits);
// ASCII and Latin-1 (U+00C0..U+00DE) upper-case letters lowered; byte length unchanged.
std::string LowerForMatch(std::string_view text);

}  // namespace autotriage::llm_internal
