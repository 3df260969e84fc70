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

// GROK_CHECK that every tensor of `layout` is in exactly one group; returns tensor → group.
std::vector<std::size_t> group_of_tensors(const std::vector<ParamGroup>& groups,
                                          const TensorLayout& layout);

}  // namespace grok
