// Parameter groups: the tensors of one arena split into named groups, each updated with its own
// learning-rate multiplier and weight decay. Every tensor is in exactly one group; a single group
// holding every tensor with the configured weight decay is the reference's behaviour. Not how
// groups are chosen from options (the caller builds them).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "grokking/core/tensor.h"
#include "grokking/optim/optimizer_config.h"

namespace grok {

struct ParamGroup {
  std::string name;  // e.g. "all", "projectors"
  double lr_multiplier = 1.0;
  double weight_decay = 0.0;
  std::vector<std::size_t> tensors;  // indices into the parameter layout
};

// One group named `name` holding every tensor of `layout`, with config's weight decay.
std::vector<ParamGroup> single_group(const std::string& name, const TensorLayout& layout,
                                     const OptimizerConfig& config);

// The groups of one arena's tensors, named `prefix` + their layout names ("projectors." for a
// distillation objective's): one per rule that matches a tensor (named by its pattern), then
// "default" (lr × 1, the optimizer's weight decay) for the rest. matches[r] += the number of
// tensors rule r took (so that callers can warn about rules that match nothing anywhere).
std::vector<ParamGroup> groups_from_rules(const std::vector<ParamGroupRule>& rules,
                                          const TensorLayout& layout, const std::string& prefix,
                                          double default_weight_decay, std::vector<int>& matches);

// GROK_CHECK that every tensor of `layout` is in exactly one group; returns tensor → group.
std::vector<std::size_t> group_of_tensors(const std::vector<ParamGroup>& groups,
                                          const TensorLayout& layout);

}  // namespace grok
