// Field factories: one call per configuration key in schema.cc, e.g.
//   IntField("port", &ServerOptions::port, 0, 65535)
// Each returns a FieldSpec that reads, validates, describes and lists its key.
//
// Internal to the config module. Validation failures are reported through the ConfigBinder and
// leave the member at its previous (default) value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/config/internal/binding.h"

namespace autotriage {

inline void ListLeafKey(const std::string& path, std::vector<std::string>* keys) {
  keys->push_back(path);
}

template <typename S>
FieldSpec<S> StringField(std::string key, std::string S::*member, StringCheck check = {}) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member, check](ConfigBinder& binder, const ConfigNode& node,
                               const std::string& path, S* target) {
    ConfigBinder::Scalar scalar;
    if (!binder.ReadScalar(node, path, "a string", false, true, &scalar)) {
      return;
    }
    if (check) {
      if (std::optional<std::string> problem = check(scalar.value)) {
        binder.Error(node.pos, "'" + path + "' " + *problem + ", got " + scalar.shown);
        return;
      }
    }
    target->*member = std::move(scalar.value);
  };
  field.describe = [member](const S& value, const std::string& path,
                            std::vector<std::string>* lines) {
    lines->push_back(path + ": " + QuoteForDescribe(value.*member));
  };
  field.list_keys = ListLeafKey;
  return field;
}

// A secret string: never echoed, redacted in DescribeConfig, and a warning when it is written
// literally in the file instead of coming from the environment.
template <typename S>
FieldSpec<S> SecretField(std::string key, std::string S::*member) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member](ConfigBinder& binder, const ConfigNode& node, const std::string& path,
                        S* target) {
    ConfigBinder::Scalar scalar;
    if (!binder.ReadScalar(node, path, "a string", true, true, &scalar)) {
      return;
    }
    if (!scalar.used_env && !scalar.value.empty()) {
      binder.Warning(node.pos, "'" + path +
                                   "' is a secret written into the file; prefer ${SOME_VARIABLE} "
                                   "so it comes from the environment");
    }
    target->*member = std::move(scalar.value);
  };
  field.describe = [member](const S& value, const std::string& path,
                            std::vector<std::string>* lines) {
    lines->push_back(path + ": " + ((value.*member).empty() ? "(unset)" : "***"));
  };
  field.list_keys = ListLeafKey;
  return field;
}

template <typename S, typename T>
FieldSpec<S> IntField(std::string key, T S::*member, std::int64_t min, std::int64_t max) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member, min, max](ConfigBinder& binder, const ConfigNode& node,
                                  const std::string& path, S* target) {
    ConfigBinder::Scalar scalar;
    if (!binder.ReadScalar(node, path, "an integer", false, false, &scalar)) {
      return;
    }
    const std::optional<std::int64_t> parsed = ParseInteger(scalar.value);
    if (!parsed.has_value()) {
      binder.Error(node.pos, "expected an integer for '" + path + "', got " + scalar.shown);
      return;
    }
    if (*parsed < min || *parsed > max) {
      binder.Error(node.pos, "'" + path + "' must be between " + std::to_string(min) + " and " +
                                 std::to_string(max) + ", got " + scalar.shown);
      return;
    }
    target->*member = static_cast<T>(*parsed);
  };
  field.describe = [member](const S& value, const std::string& path,
                            std::vector<std::string>* lines) {
    lines->push_back(path + ": " + std::to_string(value.*member));
  };
  field.list_keys = ListLeafKey;
  return field;
}

template <typename S>
FieldSpec<S> DoubleField(std::string key, double S::*member, Interval range) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member, range](ConfigBinder& binder, const ConfigNode& node,
                               const std::string& path, S* target) {
    if (std::optional<double> parsed = ReadDouble(binder, node, path, range)) {
      target->*member = *parsed;
    }
  };
  field.describe = [member](const S& value, const std::string& path,
                            std::vector<std::string>* lines) {
    lines->push_back(path + ": " + FormatDouble(value.*member));
  };
  field.list_keys = ListLeafKey;
  return field;
}

// An optional double: left out (or null) means unset.
template <typename S>
FieldSpec<S> OptionalDoubleField(std::string key, std::optional<double> S::*member,
                                 Interval range) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member, range](ConfigBinder& binder, const ConfigNode& node,
                               const std::string& path, S* target) {
    if (node.kind == ConfigNode::Kind::kNull) {
      (target->*member).reset();
      return;
    }
    if (std::optional<double> parsed = ReadDouble(binder, node, path, range)) {
      target->*member = *parsed;
    }
  };
  field.describe = [member](const S& value, const std::string& path,
                            std::vector<std::string>* lines) {
    const std::optional<double>& v = value.*member;
    lines->push_back(path + ": " + (v.has_value() ? FormatDouble(*v) : "(unset)"));
  };
  field.list_keys = ListLeafKey;
  return field;
}

template <typename S>
FieldSpec<S> BoolField(std::string key, bool S::*member) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member](ConfigBinder& binder, const ConfigNode& node, const std::string& path,
                        S* target) {
    ConfigBinder::Scalar scalar;
    if (!binder.ReadScalar(node, path, "true or false", false, false, &scalar)) {
      return;
    }
    const std::optional<bool> parsed = ParseBool(scalar.value);
    if (!parsed.has_value()) {
      binder.Error(node.pos, "expected true or false for '" + path + "', got " + scalar.shown);
      return;
    }
    target->*member = *parsed;
  };
  field.describe = [member](const S& value, const std::string& path,
                            std::vector<std::string>* lines) {
    lines->push_back(path + ": " + (value.*member ? "true" : "false"));
  };
  field.list_keys = ListLeafKey;
  return field;
}

template <typename S, typename E>
FieldSpec<S> EnumField(std::string key, E S::*member) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member](ConfigBinder& binder, const ConfigNode& node, const std::string& path,
                        S* target) {
    ConfigBinder::Scalar scalar;
    if (!binder.ReadScalar(node, path, "one of the allowed values", false, false, &scalar)) {
      return;
    }
    std::string allowed;
    for (const EnumEntry<E>& entry : EnumEntries(E{})) {
      if (entry.name == scalar.value) {
        target->*member = entry.value;
        return;
      }
      allowed += allowed.empty() ? "" : ", ";
      allowed += entry.name;
    }
    binder.Error(node.pos, "unknown value " + scalar.shown + " for '" + path +
                               "' (allowed: " + allowed + ")");
  };
  field.describe = [member](const S& value, const std::string& path,
                            std::vector<std::string>* lines) {
    for (const EnumEntry<E>& entry : EnumEntries(E{})) {
      if (entry.value == value.*member) {
        lines->push_back(path + ": " + std::string(entry.name));
        return;
      }
    }
  };
  field.list_keys = ListLeafKey;
  return field;
}

// A list of strings ("writable_fields: [group, priority]"). Writing the key replaces the default
// list; null means an empty list. `check` validates each item; a bad item is reported with its
// position ("policy.skip_tags[1]") and the list keeps its default.
template <typename S>
FieldSpec<S> StringListField(std::string key, std::vector<std::string> S::*member,
                             StringCheck check = {}) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member, check](ConfigBinder& binder, const ConfigNode& node,
                               const std::string& path, S* target) {
    const std::string outer_scope = binder.scope();
    binder.set_scope(path);
    std::vector<std::string> items;
    bool ok = true;
    if (node.kind == ConfigNode::Kind::kSequence) {
      for (size_t i = 0; i < node.items.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        binder.RecordPos(item_path, node.items[i].pos);
        ConfigBinder::Scalar scalar;
        if (!binder.ReadScalar(node.items[i], item_path, "a string", false, false, &scalar)) {
          ok = false;
          continue;
        }
        if (check) {
          if (std::optional<std::string> problem = check(scalar.value)) {
            binder.Error(node.items[i].pos,
                         "'" + item_path + "' " + *problem + ", got " + scalar.shown);
            ok = false;
            continue;
          }
        }
        items.push_back(std::move(scalar.value));
      }
    } else if (node.kind != ConfigNode::Kind::kNull) {
      binder.Error(node.pos, "expected a list for '" + path + "', got " +
                                 std::string(ConfigNodeKindName(node.kind)) +
                                 " (write [a, b] or one '- a' line per item)");
      ok = false;
    }
    if (ok) {
      target->*member = std::move(items);
    }
    binder.set_scope(outer_scope);
  };
  field.describe = [member](const S& value, const std::string& path,
                            std::vector<std::string>* lines) {
    std::string text;
    for (const std::string& item : value.*member) {
      text += (text.empty() ? "" : ", ") + item;
    }
    lines->push_back(path + ": [" + text + "]");
  };
  field.list_keys = ListLeafKey;
  return field;
}

// A nested mapping bound to a struct member. `spec` must outlive every use (a static).
template <typename S, typename T>
FieldSpec<S> SectionField(std::string key, T S::*member, const SectionSpec<T>& spec) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member, &spec](ConfigBinder& binder, const ConfigNode& node,
                               const std::string& path, S* target) {
    ReadSection(binder, spec, node, path, &(target->*member));
  };
  field.describe = [member, &spec](const S& value, const std::string& path,
                                   std::vector<std::string>* lines) {
    DescribeSection(spec, value.*member, path, lines);
  };
  field.list_keys = [&spec](const std::string& path, std::vector<std::string>* keys) {
    ListSectionKeys(spec, path, keys);
  };
  return field;
}

// A list of mappings, each bound to a T that starts from T's defaults. Writing the key replaces
// the default list; null means an empty list. `spec` must outlive every use (a static).
template <typename S, typename T>
FieldSpec<S> ListField(std::string key, std::vector<T> S::*member, const SectionSpec<T>& spec) {
  FieldSpec<S> field;
  field.key = std::move(key);
  field.read = [member, &spec](ConfigBinder& binder, const ConfigNode& node,
                               const std::string& path, S* target) {
    const std::string outer_scope = binder.scope();
    binder.set_scope(path);
    std::vector<T> items;
    if (node.kind == ConfigNode::Kind::kSequence) {
      for (size_t i = 0; i < node.items.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        binder.RecordPos(item_path, node.items[i].pos);
        if (node.items[i].kind != ConfigNode::Kind::kMap) {
          binder.Error(node.items[i].pos, "expected a mapping for '" + item_path + "', got " +
                                              std::string(ConfigNodeKindName(node.items[i].kind)));
          continue;
        }
        ReadSection(binder, spec, node.items[i], item_path, &items.emplace_back());
      }
    } else if (node.kind != ConfigNode::Kind::kNull) {
      binder.Error(node.pos, "expected a list for '" + path + "', got " +
                                 std::string(ConfigNodeKindName(node.kind)));
      binder.set_scope(outer_scope);
      return;
    }
    target->*member = std::move(items);
    binder.set_scope(outer_scope);
  };
  field.describe = [member, &spec](const S& value, const std::string& path,
                                   std::vector<std::string>* lines) {
    const std::vector<T>& items = value.*member;
    if (items.empty()) {
      lines->push_back(path + ": []");
    }
    for (size_t i = 0; i < items.size(); ++i) {
      DescribeSection(spec, items[i], path + "[" + std::to_string(i) + "]", lines);
    }
  };
  field.list_keys = [&spec](const std::string& path, std::vector<std::string>* keys) {
    keys->push_back(path);
    ListSectionKeys(spec, path + "[]", keys);
  };
  return field;
}

}  // namespace autotriage
