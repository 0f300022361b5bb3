// Helpers shared by the recommender's source files: case folding and the keys of learned cells.
// Internal to the routing module. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "autotriage/connectors/helpdesk.h"

namespace autotriage::routing_internal {

inline constexpr char kAllKey[] = "*";  // the cell of all resolutions

std::string Lower(std::string_view text);

// Keys of the learned cells; "\x1f" does not occur in group, category or language names.
std::string GroupKey(const std::string& group);
std::string CategoryKey(const std::string& category);
std::string WithLanguage(const std::string& key, const std::string& language);

// Whether `lower_text` names this agent by id, e-mail or name (case-insensitive).
bool NamesAgent(const Agent& agent, const std::string& lower_text);

}  // namespace autotriage::routing_internal
