#include "grokking/optim/param_group_rule.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <regex>

#include "grokking/core/error.h"

namespace grok {
namespace {

constexpr const char* kAllowed =
    "a mapping {pattern: REGEX, lr_multiplier: M >= 0, weight_decay: W >= 0} (pattern required)";

[[noreturn]] void bad_rule(const std::string& key, const std::string& text,
                           const std::string& problem) {
  throw UsageError(fmt::format("{}: {} in '{}'; allowed: {}", key, problem, text, kAllowed));
}

double non_negative(double value, const char* field, const std::string& key,
                    const std::string& text) {
  if (!std::isfinite(value) || value < 0)
    bad_rule(key, text, fmt::format("{} {} is not a finite number >= 0", field, value));
  return value;
}

void check_pattern(const std::string& pattern, const std::string& key, const std::string& text) {
  if (pattern.empty()) bad_rule(key, text, "the pattern is empty");
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    bad_rule(key, text, fmt::format("pattern '{}' is not a valid regex ({})", pattern, e.what()));
  }
}

// The rule of a JSON object (fields already typed), as either reader has it; text and key for
// the error.
ParamGroupRule rule_from_object(const nlohmann::json& j, const std::string& key,
                                const std::string& text) {
  if (!j.is_object()) bad_rule(key, text, "not a mapping");
  ParamGroupRule rule;
  bool has_pattern = false;
  for (const auto& [field, value] : j.items()) {
    if (field == "pattern") {
      rule.pattern = Codec<std::string>::from_json(value);
      has_pattern = true;
    } else if (field == "lr_multiplier") {
      rule.lr_multiplier =
          non_negative(Codec<double>::from_json(value), "lr_multiplier", key, text);
    } else if (field == "weight_decay") {
      rule.weight_decay = non_negative(Codec<double>::from_json(value), "weight_decay", key, text);
    } else {
      bad_rule(key, text, fmt::format("unknown field '{}'", field));
    }
  }
  if (!has_pattern) bad_rule(key, text, "no pattern");
  check_pattern(rule.pattern, key, text);
  return rule;
}

}  // namespace

ParamGroupRule parse_param_group_rule(const std::string& text, const std::string& key) {
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    bad_rule(key, text, fmt::format("invalid YAML ({})", e.msg));
  }
  if (!node.IsMap()) bad_rule(key, text, "not a mapping");
  // The scalars typed as JSON: the numbers parsed, the rest kept as text.
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& entry : node) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar())
      bad_rule(key, text, "fields must be plain key: value pairs");
    const std::string field = entry.first.as<std::string>();
    const std::string value = entry.second.as<std::string>();
    const bool number = field == "lr_multiplier" || field == "weight_decay";
    fields[field] = number ? nlohmann::json(Codec<double>::parse(value, key + " " + field))
                           : nlohmann::json(Codec<std::string>::parse(value, key));
  }
  return rule_from_object(fields, key, text);
}

ParamGroupRule param_group_rule_from_json(const nlohmann::json& j) {
  return rule_from_object(j, "param_groups", j.dump());
}

std::string param_group_rule_yaml(const ParamGroupRule& rule) {
  std::string text = fmt::format("{{pattern: {}, lr_multiplier: {}", yaml_flow_item(rule.pattern),
                                 format_double(rule.lr_multiplier));
  if (rule.weight_decay)
    text += fmt::format(", weight_decay: {}", format_double(*rule.weight_decay));
  return text + "}";
}

nlohmann::json param_group_rule_json(const ParamGroupRule& rule) {
  nlohmann::json j = {{"pattern", rule.pattern}, {"lr_multiplier", rule.lr_multiplier}};
  if (rule.weight_decay) j["weight_decay"] = *rule.weight_decay;
  return j;
}

}  // namespace grok
