// The schema: which YAML key binds to which Config member, with its validation.
//
// Internal to the config module. Defined once in schema.cc; read-only after first use and safe
// to use from any thread.
#pragma once

#include "autotriage/config/config.h"
#include "autotriage/config/internal/binding.h"
#include "autotriage/config/internal/tree.h"

namespace autotriage {

// The `knowledge:` and `routing:` sections (schema_knowledge.cc).
const SectionSpec<KnowledgeOptions>& KnowledgeSpec();
const SectionSpec<AssignmentOptions>& AssignmentSpec();
// The `approvals:` and `slack:` sections (schema_approvals.cc).
const SectionSpec<ApprovalOptions>& ApprovalSpec();
const SectionSpec<SlackOptions>& SlackSpec();
// The `learning:` section (schema_learning.cc).
const SectionSpec<LearningOptions>& LearningSpec();
// The `llm:` section (schema_llm.cc).
const SectionSpec<LlmOptions>& LlmSpec();
// The `insights:` section (schema_learning.cc).
const SectionSpec<InsightsOptions>& InsightsSpec();

// The spec of the whole file (top-level sections).
const SectionSpec<Config>& ConfigSpec();

// Fills *config from the document root (a kNull root leaves the defaults) and runs the
// cross-section checks.
void BindConfig(ConfigBinder& binder, const ConfigNode& root, Config* config);

}  // namespace autotriage
