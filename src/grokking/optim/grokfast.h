// Grokfast (Lee et al. 2024, "Grokfast: Accelerated Grokking by Amplifying Slow Gradients"):
// gradient transforms that add an amplified low-pass filter of the gradient history to each
// step's gradient, g ← g + λ·ḡ, where ḡ is
//   EMA: μ ← α·μ + (1 − α)·g, μ starting from the first gradient (so ḡ = g at step 0);
//   MA:  the mean (or sum) of the last w gradients, the current one included; while fewer
//        than w have been seen the gradient passes unchanged (the paper's warm-up).
// Both keep their state in the parameters' layout and checkpoint it (gradient_transform.h).
// Not the update rule (adamw.h, muon.h) nor the options (optimizer_config.h).
#pragma once

#include <cstdint>
#include <string>

#include "grokking/core/tensor.h"
#include "grokking/optim/gradient_transform.h"

namespace grok {

class GrokfastEma : public GradientTransform {
 public:
  GrokfastEma(const TensorLayout& params, double alpha, double lambda);
  std::string name() const override { return "grokfast_ema"; }
  // At step 0 μ = g; later μ = α·μ + (1 − α)·g; then g += λ·μ (all in float, as the paper's
  // PyTorch code computes it).
  void apply(const TensorLayout& layout, const float* params, float* grads, int64_t step) override;
  const TensorLayout* state_layout() const override { return &layout_; }
  float* state_data() override { return mu_.data(); }

 private:
  TensorLayout layout_;  // "<param>": μ [shape of the parameter]
  Buffer<float> mu_;
  float alpha_, one_minus_alpha_, lambda_;
};

class GrokfastMa : public GradientTransform {
 public:
  // sum: ḡ is the sum of the window, not its mean.
  GrokfastMa(const TensorLayout& params, int window, double lambda, bool sum);
  std::string name() const override { return "grokfast_ma"; }
  // Stores g in slot step % w; from step w − 1 on, g += λ·ḡ with ḡ summed oldest first.
  void apply(const TensorLayout& layout, const float* params, float* grads, int64_t step) override;
  const TensorLayout* state_layout() const override { return &layout_; }
  float* state_data() override { return window_.data(); }

 private:
  TensorLayout layout_;  // "window": [w, P] the last w gradients, slot step % w
  Buffer<float> window_;
  int w_;
  float lambda_;
  bool sum_;
};

}  // namespace grok
