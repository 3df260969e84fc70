// The element-wise Adam(W) update shared by the AdamW optimizer and Muon's Adam branch, in
// Optax's float operation order (optax.scale_by_adam → add_decayed_weights →
// scale_by_learning_rate → apply_updates). Not the optimizers' state or parameter routing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace grok {

// 1 − decay^count in float, as optax.tree.bias_correction computes it (decay rounded to
// float first; the power rounded once to float).
float bias_correction(double decay, int64_t count);

// The scalars of one Adam step at 0-based step t (Optax count t before the update). Python
// scalars enter JAX as weak-typed float32, so each coefficient is computed in double and
// rounded once: (1 − b1) is float(1.0 − b1), not 1.0f − float(b1).
struct AdamStep {
  float b1 = 0, one_minus_b1 = 0, b2 = 0, one_minus_b2 = 0, eps = 0;
  float bias1 = 1;       // 1 − b1^(t+1)
  float bias1_next = 1;  // 1 − b1^(t+2), used by the Nesterov form only
  float bias2 = 1;       // 1 − b2^(t+1)
  float weight_decay = 0;
  float neg_lr = 0;  // −η_t
  bool nesterov = false;
};

AdamStep make_adam_step(double b1, double b2, double eps, double weight_decay, bool nesterov,
                        double lr, int64_t t);

// For each i < n (all float):
//   m ← (1−b1)·g + b1·m;  v ← (1−b2)·(g·g) + b2·v
//   m̂ = m / bias1, or with Nesterov b1·(m / bias1_next) + (1−b1)·(g / bias1)
//   u = m̂ / (√(v / bias2) + eps) + wd·θ;  θ ← θ + (−η)·u
// With an anchor θ₀ (decay towards the initial weights) the decay term is wd·(θ − θ₀).
void adam_update(const AdamStep& step, std::size_t n, const float* grad, float* mu, float* nu,
                 float* param, const float* anchor = nullptr);

}  // namespace grok
