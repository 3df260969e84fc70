// Muon with optax.contrib.muon semantics (REFERENCE.md §3): optax.contrib.muon(
// learning_rate=schedule, weight_decay=wd) with Optax's defaults for everything else.
//  - every 2-D parameter (kernels [in, out] and the embedding [V, D]):
//      m ← (1−β)·g + β·m,  β = 0.95
//      m̂ = β·m/(1−β^(t+2)) + (1−β)·g/(1−β^(t+1))              (Optax's Nesterov form)
//      O = NS(m̂)                                              (newton_schulz.h)
//      θ ← θ + (−η_t)·(s·O + wd·θ),  s = √max(1, shape[1]/shape[0])
//    On our Flax [in, out] storage s = √max(1, out/in), exactly what Optax computes on a
//    Flax kernel (x.shape[-1]/x.shape[-2], i.e. fan_out/fan_in) and Keller Jordan's
//    √max(1, rows/cols) on a PyTorch [out, in] weight.
//  - every other parameter: Optax adamw(b1 0.9, b2 0.999, eps 1e-8, weight decay 0,
//    nesterov=True), the Adam branch of optax.contrib.muon.
// config.beta1, beta2 and eps do not apply (the reference leaves Muon at Optax's defaults);
// learning_rate, warmup_steps and weight_decay do. Not AdamW (adamw.h).
#pragma once

#include <vector>

#include "grokking/optim/newton_schulz.h"
#include "grokking/optim/optimizer.h"

namespace grok {

inline constexpr double kMuonBeta = 0.95;
inline constexpr double kMuonAdamBeta1 = 0.9;
inline constexpr double kMuonAdamBeta2 = 0.999;
inline constexpr double kMuonEps = 1e-8;  // Newton–Schulz normalisation and Adam's eps

class Muon final : public Optimizer {
 public:
  // State: "muon.mu.<param>" for each 2-D parameter, then "adam.mu.<param>" and
  // "adam.nu.<param>" for each other parameter.
  Muon(const OptimizerConfig& config, const TensorLayout& params, std::vector<ParamGroup> groups);

 protected:
  // Each group's lr multiplier scales both branches; its weight decay is Muon's (the Adam
  // branch has none).
  void update(float* params, const float* grads) override;

 private:
  struct Slot {
    std::size_t param;   // index in the parameter layout
    std::size_t mu, nu;  // state tensor indices (nu: Adam branch only)
  };
  std::vector<Slot> muon_, adam_;
  Buffer<float> mu_hat_, update_;  // [rows, cols] of the largest 2-D parameter
  NewtonSchulz newton_schulz_;
};

}  // namespace grok
