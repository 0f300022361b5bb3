// JobProcessor::RunLlm: the LLM step of a triage (llm_assist.h), between Triage::Run and the
// commit, with its metrics and a log line when the breaker skipped it.
#include "autotriage/engine/engine_internal.h"

namespace autotriage {

void JobProcessor::RunLlm(const TriageInput& input, const Ticket& ticket, const LiveSchema& schema,
                          const Policy& policy, TriageCommit* commit) {
  LlmAssistInput llm_input;
  llm_input.ticket = &ticket;
  llm_input.policy = &policy;
  llm_input.schema = &schema;
  llm_input.overrides = input.overrides;
  llm_input.trace_id = input.trace_id;
  llm_input.now_ms = input.now_ms;
  llm_input.advisor = context_->advisor.get();
  llm_input.html_notes = context_->helpdesk->capabilities().html_notes;
  llm_input.dashboard_url = context_->config.server.public_url;
  const LlmAssistReport report = context_->llm->Apply(llm_input, commit);
  for (const std::string& outcome : report.outcomes) {
    context_->registry
        .LabeledCounter(
            "autotriage_llm_requests_total",
            "Exchanges with the LLM server (classifications and agent runs), by outcome",
            {"outcome"}, {outcome})
        ->Increment();
  }
  if (report.skipped) {
    context_->registry
        .LabeledCounter(
            "autotriage_llm_requests_total",
            "Exchanges with the LLM server (classifications and agent runs), by outcome",
            {"outcome"}, {"breaker_open"})
        ->Increment();
  }
}

}  // namespace autotriage
