// Enumeration spellings: the single table per enum that both the loader and ToString use.
#include "autotriage/config/config.h"

#include <array>
#include <span>
#include <string>

#include "autotriage/config/internal/binding.h"

namespace autotriage {
namespace {

constexpr EnumEntry<HelpdeskKind> kHelpdeskKinds[] = {
    {"freshdesk", HelpdeskKind::kFreshdesk},
    {"freshservice", HelpdeskKind::kFreshservice},
    {"rt", HelpdeskKind::kRt},
    {"sandbox", HelpdeskKind::kSandbox},
};

constexpr EnumEntry<StoreBackend> kStoreBackends[] = {
    {"sqlite", StoreBackend::kSqlite},
    {"postgres", StoreBackend::kPostgres},
};

constexpr EnumEntry<AutonomyMode> kAutonomyModes[] = {
    {"off", AutonomyMode::kOff},
    {"monitor", AutonomyMode::kMonitor},
    {"suggest", AutonomyMode::kSuggest},
    {"autofill", AutonomyMode::kAutofill},
};

constexpr EnumEntry<LogLevel> kLogLevels[] = {
    {"trace", LogLevel::kTrace}, {"debug", LogLevel::kDebug}, {"info", LogLevel::kInfo},
    {"warn", LogLevel::kWarn},   {"error", LogLevel::kError},
};

constexpr EnumEntry<LogFormat> kLogFormats[] = {
    {"json", LogFormat::kJson},
    {"text", LogFormat::kText},
};

template <typename E>
std::string_view NameOf(std::span<const EnumEntry<E>> entries, E value) {
  for (const EnumEntry<E>& entry : entries) {
    if (entry.value == value) {
      return entry.name;
    }
  }
  return "unknown";
}

// Words that make a field one the engine never writes (see IsNeverWritableField).
constexpr std::array<std::string_view, 17> kNeverWritableWords = {
    "state",   "states", "deleted", "delete",  "deletion", "spam",
    "merge",   "merged", "merging", "closed",  "close",    "resolved",
    "resolve", "trash",  "trashed", "removed", "archived"};

bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool IsNeverWritableWord(const std::string& word) {
  if (word.rfind("status", 0) == 0) {
    return true;  // status, statuses, statuscode
  }
  for (std::string_view forbidden : kNeverWritableWords) {
    if (word == forbidden) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsNeverWritableField(std::string_view field) {
  // Split into words at non-alphanumerics and lower-to-upper case changes ("isDeleted").
  std::string word;
  char previous = 0;
  for (char c : field) {
    const bool alnum = IsLower(c) || IsUpper(c) || IsDigit(c);
    const bool boundary = !alnum || (IsUpper(c) && (IsLower(previous) || IsDigit(previous)));
    if (boundary && !word.empty()) {
      if (IsNeverWritableWord(word)) {
        return true;
      }
      word.clear();
    }
    if (alnum) {
      word += IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c;
    }
    previous = c;
  }
  return !word.empty() && IsNeverWritableWord(word);
}

std::span<const EnumEntry<HelpdeskKind>> EnumEntries(HelpdeskKind) {
  return kHelpdeskKinds;
}
std::span<const EnumEntry<StoreBackend>> EnumEntries(StoreBackend) {
  return kStoreBackends;
}
std::span<const EnumEntry<AutonomyMode>> EnumEntries(AutonomyMode) {
  return kAutonomyModes;
}
std::span<const EnumEntry<LogLevel>> EnumEntries(LogLevel) {
  return kLogLevels;
}
std::span<const EnumEntry<LogFormat>> EnumEntries(LogFormat) {
  return kLogFormats;
}

std::string_view ToString(HelpdeskKind kind) {
  return NameOf(EnumEntries(kind), kind);
}
std::string_view ToString(StoreBackend backend) {
  return NameOf(EnumEntries(backend), backend);
}
std::string_view ToString(AutonomyMode mode) {
  return NameOf(EnumEntries(mode), mode);
}
std::string_view ToString(LogLevel level) {
  return NameOf(EnumEntries(level), level);
}
std::string_view ToString(LogFormat format) {
  return NameOf(EnumEntries(format), format);
}

}  // namespace autotriage
