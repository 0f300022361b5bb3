// Bindings of the `knowledge:` and `routing:` sections (issue 5), kept apart from schema.cc so
// each file stays readable.
#include <optional>
#include <string>

#include "autotriage/config/internal/fields.h"
#include "autotriage/config/internal/schema.h"

namespace autotriage {
namespace {

std::optional<std::string> Shift(const std::string& value) {
  auto parsed = ParseWeeklyWindow(value);
  if (parsed.ok()) {
    return std::nullopt;
  }
  return "must look like 'Mon-Fri 08:00-16:00' (" + parsed.status().message() + ")";
}

std::optional<std::string> Absence(const std::string& value) {
  auto parsed = ParseDateRange(value);
  if (parsed.ok()) {
    return std::nullopt;
  }
  return "must be a date or range like 2026-12-20..2027-01-02 (" + parsed.status().message() + ")";
}

std::optional<std::string> NotBlank(const std::string& value) {
  if (value.find_first_not_of(" \t") == std::string::npos) {
    return "must not be empty";
  }
  return std::nullopt;
}

std::optional<std::string> OptionalHttpUrl(const std::string& value) {
  if (value.empty() || value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0) {
    return std::nullopt;
  }
  return "must be an http:// or https:// URL";
}

constexpr Interval kWeight{0, 100, false, false};  // [0, 100]

const SectionSpec<AssignmentAgentOptions>& AssignmentAgentSpec() {
  using S = AssignmentAgentOptions;
  static const SectionSpec<S> spec{
      {
          StringField("agent", &S::agent, NotBlank),
          StringListField("skills", &S::skills, NotBlank),
          StringListField("shifts", &S::shifts, Shift),
          IntField("utc_offset_minutes", &S::utc_offset_minutes, -14 * 60, 14 * 60),
          StringListField("away", &S::away, Absence),
      },
      nullptr};
  return spec;
}

}  // namespace

const SectionSpec<KnowledgeOptions>& KnowledgeSpec() {
  using S = KnowledgeOptions;
  static const SectionSpec<S> spec{
      {
          BoolField("enabled", &S::enabled),
          StringField("index_path", &S::index_path, NotBlank),
          StringField("markdown_dir", &S::markdown_dir),
          StringField("markdown_base_url", &S::markdown_base_url, OptionalHttpUrl),
          IntField("sync_interval_minutes", &S::sync_interval_minutes, 0, 7 * 24 * 60),
          IntField("kb_results", &S::kb_results, 0, 10),
          IntField("similar_results", &S::similar_results, 0, 10),
          IntField("history_days", &S::history_days, 1, 3650),
          IntField("history_max_tickets", &S::history_max_tickets, 0, 1'000'000),
      },
      nullptr};
  return spec;
}

const SectionSpec<AssignmentOptions>& AssignmentSpec() {
  using S = AssignmentOptions;
  static const SectionSpec<S> spec{{
                                       BoolField("enabled", &S::enabled),
                                       DoubleField("skill_weight", &S::skill_weight, kWeight),
                                       DoubleField("history_weight", &S::history_weight, kWeight),
                                       DoubleField("workload_weight", &S::workload_weight, kWeight),
                                       ListField("agents", &S::agents, AssignmentAgentSpec()),
                                   },
                                   nullptr};
  return spec;
}

}  // namespace autotriage
