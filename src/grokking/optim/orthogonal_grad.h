// ⊥Grad (Prieto et al. 2025, "Grokking at the Edge of Numerical Stability", §5): each weight
// tensor's gradient loses its component along the weights, g⊥ = g − (θ·g / θ·θ)·θ, and is
// rescaled to the original norm, g ← g⊥ · ‖g‖ / ‖g⊥‖, so that steps no longer just scale the
// weights up (naïve loss minimisation). A tensor with θ = 0 or g⊥ = 0 keeps its gradient.
// Stateless. Not the update rule.
#pragma once

#include <cstdint>
#include <string>

#include "grokking/optim/gradient_transform.h"

namespace grok {

class OrthogonalGrad : public GradientTransform {
 public:
  std::string name() const override { return "orthogonal_grad"; }
  // Per tensor of `layout`, sums in double.
  void apply(const TensorLayout& layout, const float* params, float* grads, int64_t step) override;
};

}  // namespace grok
