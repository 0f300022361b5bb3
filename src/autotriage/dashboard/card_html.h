// HTML of the approval card page and of the pending list's items (stable selectors the browser
// tests use: article.approval, table#diff tr[data-field], form#decide, ul#kb, ul#similar,
// ul#assignees, textarea[name=note], .summary, .escalated; see docs/dashboard.md).
// Every value is escaped here.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "autotriage/auth/auth.h"
#include "autotriage/dashboard/card.h"

namespace autotriage::dashboard {

// What the person typed, shown again when the form comes back with an error.
struct CardFormState {
  std::map<std::string, std::string> edits;  // field -> value
  bool has_note = false;
  std::string note;
  std::string reason;
  bool always = false;
  std::string error;  // shown in .error above the form
};

// The card; the decide form only when `can_decide` (an approver, and the card is pending).
std::string CardHtml(const CardView& card, const Principal& principal, bool can_decide,
                     const CardFormState& state, int64_t now_ms);

// One <article class="approval"> of the pending list.
std::string ApprovalListItemHtml(const CardView& card, int64_t now_ms);

}  // namespace autotriage::dashboard
