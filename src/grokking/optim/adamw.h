// AdamW with optax.adamw semantics (REFERENCE.md §3): Adam moments with bias correction
// (t+1), eps outside the square root, weight decay added to the Adam direction and then
// multiplied by the scheduled lr (times the group's multiplier; each group its own decay),
// no clipping.
// Not Muon (muon.h), whose 1-D parameters use the same kernel (adam_update.h).
#pragma once

#include <vector>

#include "grokking/optim/optimizer.h"

namespace grok {

class AdamW final : public Optimizer {
 public:
  // State: "adam.mu.<param>" for every parameter, then "adam.nu.<param>".
  AdamW(const OptimizerConfig& config, const TensorLayout& params, std::vector<ParamGroup> groups);

 protected:
  void update(float* params, const float* grads) override;

 private:
  std::vector<std::size_t> mu_, nu_;  // state tensor index per parameter
};

}  // namespace grok
