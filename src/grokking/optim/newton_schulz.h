// Newton–Schulz orthogonalisation as optax.contrib.orthogonalize_via_newton_schulz computes
// it: transpose when rows > cols, divide by (Frobenius norm + eps), then ns_steps quintic
// iterations X ← a·X + (b·A + c·A·A)·X with A = X·Xᵀ, and transpose back. For G = U·S·Vᵀ
// the result is about U·S'·Vᵀ with S' between roughly 0.5 and 1.5, not exactly U·Vᵀ.
// Not the Muon momentum or scaling (muon.h).
#pragma once

#include <cstddef>

#include "grokking/core/tensor.h"

namespace grok {

// Optax's default coefficients (Keller Jordan's quintic), rounded to float as Optax does
// (ns_coeffs.astype(x.dtype)), and its defaults for the step count and eps.
inline constexpr float kNewtonSchulzA = 3.4445f;
inline constexpr float kNewtonSchulzB = -4.7750f;
inline constexpr float kNewtonSchulzC = 2.0315f;
inline constexpr int kNewtonSchulzSteps = 5;
inline constexpr float kNewtonSchulzEps = 1e-8f;

// Owns the scratch for matrices of up to max_elements = rows·cols elements whose smaller
// side is at most max_small_side; allocated once, reused by every call.
class NewtonSchulz {
 public:
  NewtonSchulz(std::size_t max_elements, std::size_t max_small_side);

  // out[rows, cols] = NS(x[rows, cols]), both row-major; out may not alias x.
  void orthogonalize(const float* x, int rows, int cols, float* out);

 private:
  std::size_t max_elements_, max_small_side_;
  Buffer<float> x_, y_;  // [m, n] iterates, m = min(rows, cols), n = max(rows, cols)
  Buffer<float> a_, b_;  // [m, m] Gram matrix and polynomial
};

}  // namespace grok
