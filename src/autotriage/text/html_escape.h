// EscapeHtml: text made safe to place in HTML, both as element text and inside a quoted
// attribute value. & < > " ' become entities; every other byte (UTF-8 included) is kept, so the
// text reads the same. Used for everything from a ticket, a user or the store that ends up in
// a page or a helpdesk note. Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace autotriage {

std::string EscapeHtml(std::string_view text);

}  // namespace autotriage
