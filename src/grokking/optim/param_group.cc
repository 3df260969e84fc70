#include "grokking/optim/param_group.h"

#include <limits>

#include "grokking/core/error.h"

namespace grok {

std::vector<ParamGroup> single_group(const std::string& name, const TensorLayout& layout,
                                     const OptimizerConfig& config) {
  ParamGroup group{name, 1.0, config.weight_decay, {}};
  for (std::size_t i = 0; i < layout.tensors().size(); ++i) group.tensors.push_back(i);
  return {group};
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
