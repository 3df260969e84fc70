// The first stage of an optimizer chain: transforms that change the gradients before the update
// (clipping, Grokfast's filters, projections). Each may keep state (an EMA of past gradients),
// which is checkpointed with the optimizer's under the prefix name() + ".". Not the update rules
// (adamw.h, muon.h).
#pragma once

#include <cstdint>
#include <string>

#include "grokking/core/tensor.h"

namespace grok {

class GradientTransform {
 public:
  virtual ~GradientTransform() = default;
  // Prefix of its state tensors in optimizer.safetensors, e.g. "grokfast".
  virtual std::string name() const = 0;
  // Rewrites grads in place (the parameter arena's layout) at 0-based step `step`.
  virtual void apply(const TensorLayout& layout, const float* params, float* grads,
                     int64_t step) = 0;
  // Its state for checkpoints (null: none). Restoring the saved values reproduces it exactly.
  virtual const TensorLayout* state_layout() const { return nullptr; }
  virtual float* state_data() { return nullptr; }
};

}  // namespace grok
