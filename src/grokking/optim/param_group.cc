#include "grokking/optim/param_group.h"

#include <limits>
#include <regex>

#include "grokking/core/error.h"

namespace grok {

std::vector<ParamGroup> single_group(const std::string& name, const TensorLayout& layout,
                                     const OptimizerConfig& config) {
  ParamGroup group{name, 1.0, config.weight_decay, {}};
  for (std::size_t i = 0; i < layout.tensors().size(); ++i) group.tensors.push_back(i);
  return {group};
}

std::vector<ParamGroup> groups_from_rules(const std::vector<ParamGroupRule>& rules,
                                          const TensorLayout& layout, const std::string& prefix,
                                          double default_weight_decay, std::vector<int>& matches) {
  matches.resize(rules.size(), 0);
  std::vector<std::regex> compiled;
  for (const ParamGroupRule& rule : rules)
    compiled.emplace_back(rule.pattern, std::regex::ECMAScript);
  std::vector<ParamGroup> by_rule(rules.size());
  ParamGroup rest{"default", 1.0, default_weight_decay, {}};
  for (std::size_t t = 0; t < layout.tensors().size(); ++t) {
    const std::string name = prefix + layout.at(t).name;
    std::size_t r = 0;
    while (r < rules.size() && !std::regex_search(name, compiled[r])) ++r;
    if (r == rules.size()) {
      rest.tensors.push_back(t);
      continue;
    }
    by_rule[r].tensors.push_back(t);
    ++matches[r];
  }
  std::vector<ParamGroup> groups;
  for (std::size_t r = 0; r < rules.size(); ++r) {
    if (by_rule[r].tensors.empty()) continue;
    by_rule[r].name = rules[r].pattern;
    by_rule[r].lr_multiplier = rules[r].lr_multiplier;
    by_rule[r].weight_decay = rules[r].weight_decay.value_or(default_weight_decay);
    groups.push_back(std::move(by_rule[r]));
  }
  if (!rest.tensors.empty()) groups.push_back(std::move(rest));
  return groups;
}

std::vector<std::size_t> group_of_tensors(const std::vector<ParamGroup>& groups,
                                          const TensorLayout& layout) {
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> group_of(layout.tensors().size(), kNone);
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (const std::size_t t : groups[g].tensors) {
      GROK_CHECK(t < group_of.size(), "group {} names tensor {} of {}", groups[g].name, t,
                 group_of.size());
      GROK_CHECK(group_of[t] == kNone, "tensor {} is in groups {} and {}", layout.at(t).name,
                 groups[group_of[t]].name, groups[g].name);
      group_of[t] = g;
    }
  for (std::size_t t = 0; t < group_of.size(); ++t)
    GROK_CHECK(group_of[t] != kNone, "tensor {} is in no parameter group", layout.at(t).name);
  return group_of;
}

}  // namespace grok
