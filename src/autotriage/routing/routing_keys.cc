// Case folding and learned-cell keys shared by the recommender's source files.
#include "autotriage/routing/routing_keys.h"

#include <cctype>

namespace autotriage::routing_internal {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string GroupKey(const std::string& group) {
  return "g\x1f" + Lower(group);
}

std::string CategoryKey(const std::string& category) {
  return "c\x1f" + Lower(category);
}

std::string WithLanguage(const std::string& key, const std::string& language) {
  return key + "\x1f" + Lower(language);
}

bool NamesAgent(const Agent& agent, const std::string& lower_text) {
  return (!agent.id.empty() && Lower(agent.id) == lower_text) ||
         (!agent.email.empty() && Lower(agent.email) == lower_text) ||
         (!agent.name.empty() && Lower(agent.name) == lower_text);
}

}  // namespace autotriage::routing_internal
