// Shared by both backends: what advice the store takes (store_internal.h).
#include <string>

#include "autotriage/store/store_internal.h"

namespace autotriage {

bool IsStorableText(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    if (lead == 0) {
      return false;
    }
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The length of the sequence and the range of its second byte (RFC 3629, table 3-7 of the
    // Unicode standard): the narrowed ranges exclude overlong forms, surrogates (U+D800..DFFF)
    // and code points above U+10FFFF.
    size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      second_min = lead == 0xE0 ? 0xA0 : 0x80;
      second_max = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      second_min = lead == 0xF0 ? 0x90 : 0x80;
      second_max = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;  // a continuation byte without a lead, C0/C1 (overlong), or F5..FF
    }
    if (size - i < length || bytes[i + 1] < second_min || bytes[i + 1] > second_max) {
      return false;
    }
    for (size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

Status ValidateAdvice(const AdviceRecord& advice) {
  if (advice.ticket_id.empty()) {
    return InvalidArgument("advice without a ticket id");
  }
  if (advice.advice_json.empty()) {
    return InvalidArgument("advice of ticket " + advice.ticket_id + " has no JSON");
  }
  if (!IsStorableText(advice.advice_json)) {
    return InvalidArgument("advice JSON of ticket " + advice.ticket_id +
                           " is not well-formed UTF-8 or holds a NUL byte");
  }
  return Status::Ok();
}

}  // namespace autotriage
