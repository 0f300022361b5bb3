// ToolRegistry: the functions an LLM agent may call, supplied by the caller.
//
// A Tool has a name, a description, a JSON Schema for its arguments and a handler. The engine
// registers get_ticket, search_kb, similar_tickets, suggest_assignee (read tools) and
// propose_fields, draft_note, draft_reply (proposal tools). A proposal tool's handler must only
// record what the model proposed (the proposal then goes through policy and approval like any
// other); nothing the agent calls may write to the helpdesk. Tools whose name starts with
// "propose_" or "draft_" are proposal tools automatically; others can be marked explicitly.
//
// Call() checks the arguments before the handler runs: they must be a JSON object, every
// property the schema lists under "required" must be present, and properties the schema
// describes must have its "type" (string, integer, number, boolean, array, object) and, when
// it has an "enum", one of its values. Handlers receive the arguments as JSON text and return
// JSON text (or a Status, which the agent reports back to the model as the tool's error).
//
// Errors: Register → kInvalidArgument (bad name, schema not a JSON object, no handler) or
// kAlreadyExists; Call → kNotFound (unknown tool), kInvalidArgument (arguments rejected, the
// message says why), or whatever the handler returned.
// Thread-safety: register everything first; afterwards the registry is read-only and Call may
// run from many threads (if the handlers allow it).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autotriage/core/status.h"
#include "autotriage/llm/chat_client.h"

namespace autotriage {

// Receives the arguments (a JSON object as text); returns a JSON result as text.
using ToolHandler = std::function<Result<std::string>(const std::string& arguments)>;

struct Tool {
  std::string name;  // [A-Za-z0-9_-]{1,64}
  std::string description;
  std::string parameters_schema = R"({"type":"object","properties":{}})";
  ToolHandler handler;
  bool proposal = false;  // forced true for names starting with propose_ or draft_
};

// True for "propose_..." and "draft_..." names.
bool IsProposalToolName(const std::string& name);

class ToolRegistry {
 public:
  Status Register(Tool tool);

  const Tool* Find(const std::string& name) const;  // nullptr when unknown
  std::vector<ToolSpec> Specs() const;              // in registration order
  bool empty() const { return tools_.empty(); }

  // Validates `arguments` against the tool's schema, then runs the handler.
  Result<std::string> Call(const std::string& name, const std::string& arguments) const;

 private:
  std::vector<Tool> tools_;
};

// The argument check Call() applies (exposed for tests): kInvalidArgument naming the problem,
// e.g. "argument 'query' must be a string".
Status ValidateToolArguments(const std::string& parameters_schema, const std::string& arguments);

}  // namespace autotriage
