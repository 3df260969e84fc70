// Parameter groups chosen by name (YAML `param_groups:`, flag --param_groups): a list of rules
// {pattern, lr_multiplier, weight_decay}; each tensor takes the first rule whose ECMAScript
// regex is found in its name (std::regex_search: "embedding" matches "embedding.embedding"; anchor
// with ^…$ for a whole name), and tensors no rule matches keep the optimizer's defaults. An
// lr_multiplier of 0 freezes: no optimizer state, weights unchanged, no weight-gradient GEMM.
// Here: the rule as a configuration value (Codec); the groups it makes are param_group.h's.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "grokking/core/field_codec.h"

namespace grok {

struct ParamGroupRule {
  std::string pattern;
  double lr_multiplier = 1.0;
  std::optional<double> weight_decay;  // unset: the optimizer's weight_decay
  bool operator==(const ParamGroupRule&) const = default;
};

// A rule from a flow mapping ("{pattern: 'layers\.0', lr_multiplier: 0}") or JSON: UsageError
// naming `key`, the text and what is allowed (unknown fields, a missing pattern, an invalid
// regex, a negative or non-finite number).
ParamGroupRule parse_param_group_rule(const std::string& text, const std::string& key);
ParamGroupRule param_group_rule_from_json(const nlohmann::json& j);
std::string param_group_rule_yaml(const ParamGroupRule& rule);
nlohmann::json param_group_rule_json(const ParamGroupRule& rule);

template <>
struct Codec<ParamGroupRule>
    : MappingCodec<ParamGroupRule, parse_param_group_rule, param_group_rule_yaml,
                   param_group_rule_json, param_group_rule_from_json> {};

}  // namespace grok
