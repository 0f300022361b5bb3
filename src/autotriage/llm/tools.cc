// The tool registry and its argument check (a small subset of JSON Schema: the top-level
// "required", "properties.*.type" and "properties.*.enum").
#include "autotriage/llm/tools.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

namespace autotriage {
namespace {

using nlohmann::json;

constexpr size_t kMaxToolNameLength = 64;

bool ValidToolName(const std::string& name) {
  return !name.empty() && name.size() <= kMaxToolNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
         });
}

bool HasJsonType(const json& value, const std::string& type) {
  if (type == "string") {
    return value.is_string();
  }
  if (type == "integer") {
    return value.is_number_integer();
  }
  if (type == "number") {
    return value.is_number();
  }
  if (type == "boolean") {
    return value.is_boolean();
  }
  if (type == "array") {
    return value.is_array();
  }
  if (type == "object") {
    return value.is_object();
  }
  if (type == "null") {
    return value.is_null();
  }
  return true;  // a type this check does not know: accept
}

// "type" may be one name or a list of names.
bool MatchesType(const json& value, const json& type) {
  if (type.is_string()) {
    return HasJsonType(value, type.get<std::string>());
  }
  if (type.is_array()) {
    return std::any_of(type.begin(), type.end(), [&](const json& one) {
      return one.is_string() && HasJsonType(value, one.get<std::string>());
    });
  }
  return true;
}

}  // namespace

bool IsProposalToolName(const std::string& name) {
  return name.rfind("propose_", 0) == 0 || name.rfind("draft_", 0) == 0;
}

Status ValidateToolArguments(const std::string& parameters_schema, const std::string& arguments) {
  const json args = json::parse(arguments, nullptr, false);
  if (args.is_discarded()) {
    return InvalidArgument("the arguments are not JSON");
  }
  if (!args.is_object()) {
    return InvalidArgument("the arguments must be a JSON object");
  }
  const json schema = json::parse(parameters_schema, nullptr, false);
  if (schema.is_discarded() || !schema.is_object()) {
    return Status::Ok();  // Register refuses such schemas; nothing more to check
  }
  if (schema.contains("required") && schema["required"].is_array()) {
    for (const json& key : schema["required"]) {
      if (key.is_string() && !args.contains(key.get<std::string>())) {
        return InvalidArgument("the required argument '" + key.get<std::string>() + "' is missing");
      }
    }
  }
  if (!schema.contains("properties") || !schema["properties"].is_object()) {
    return Status::Ok();
  }
  for (const auto& [key, property] : schema["properties"].items()) {
    if (!args.contains(key) || !property.is_object()) {
      continue;
    }
    const json& value = args[key];
    if (property.contains("type") && !MatchesType(value, property["type"])) {
      return InvalidArgument("argument '" + key + "' must be of type " + property["type"].dump());
    }
    if (property.contains("enum") && property["enum"].is_array()) {
      const json& allowed = property["enum"];
      if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        return InvalidArgument("argument '" + key + "' must be one of " + allowed.dump());
      }
    }
  }
  return Status::Ok();
}

Status ToolRegistry::Register(Tool tool) {
  if (!ValidToolName(tool.name)) {
    return InvalidArgument("tool name '" + tool.name +
                           "' must be 1-64 characters of letters, digits, '_' and '-'");
  }
  if (Find(tool.name) != nullptr) {
    return AlreadyExists("tool '" + tool.name + "' is registered twice");
  }
  const json schema = json::parse(tool.parameters_schema, nullptr, false);
  if (schema.is_discarded() || !schema.is_object()) {
    return InvalidArgument("the parameters schema of tool '" + tool.name +
                           "' is not a JSON object");
  }
  if (!tool.handler) {
    return InvalidArgument("tool '" + tool.name + "' has no handler");
  }
  tool.proposal = tool.proposal || IsProposalToolName(tool.name);
  tools_.push_back(std::move(tool));
  return Status::Ok();
}

const Tool* ToolRegistry::Find(const std::string& name) const {
  for (const Tool& tool : tools_) {
    if (tool.name == name) {
      return &tool;
    }
  }
  return nullptr;
}

std::vector<ToolSpec> ToolRegistry::Specs() const {
  std::vector<ToolSpec> specs;
  for (const Tool& tool : tools_) {
    specs.push_back({tool.name, tool.description, tool.parameters_schema});
  }
  return specs;
}

Result<std::string> ToolRegistry::Call(const std::string& name,
                                       const std::string& arguments) const {
  const Tool* tool = Find(name);
  if (tool == nullptr) {
    return NotFound("there is no tool named '" + name + "'");
  }
  AUTOTRIAGE_RETURN_IF_ERROR(ValidateToolArguments(tool->parameters_schema, arguments));
  return tool->handler(arguments);
}

}  // namespace autotriage
