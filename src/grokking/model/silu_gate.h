// The FFN's SiLU gate (REFERENCE.md §2), elementwise over one row of F values:
//   g = a·σ(a)·b, times the dropout mask · 1/(1 − rate) in training,
// and its backward. The templates are the reference (double for gradient checks; float on
// CPUs without AVX2); float calls go through silu_gate.cc, which runs an AVX2+FMA version
// (same formulas, FMA rounding) when the CPU has it, picked at run time since the default
// build targets baseline x86-64. Not the GEMMs around the gate (ffn.h).
#pragma once

#include <cstdint>

#include "grokking/model/activation.h"

namespace grok {

// a, b [n] → g [n]; sig [n] = σ(a) when not null (training saves it for backward). mask [n]
// (nullable = no dropout) scales by keep_scale where 1, zeroes where 0.
template <typename S>
void silu_gate_forward_reference(int n, const S* a, const S* b, const uint8_t* mask, S keep_scale,
                                 S* sig, S* g) {
  for (int j = 0; j < n; ++j) {
    const S s = sigmoid(a[j]);
    if (sig) sig[j] = s;
    g[j] = mask ? a[j] * s * b[j] * (S(mask[j]) * keep_scale) : a[j] * s * b[j];
  }
}

// d_a [n]: on entry dL/dg, on exit dL/da; d_b [n] = dL/db (overwritten). sig = σ(a) as saved
// by forward, or null to recompute it. g = a·σ(a)·b: ∂g/∂a = b·σ·(1 + a·(1 − σ)), ∂g/∂b = a·σ.
template <typename S>
void silu_gate_backward_reference(int n, const S* a, const S* b, const S* sig, const uint8_t* mask,
                                  S keep_scale, S* d_a, S* d_b) {
  for (int j = 0; j < n; ++j) {
    const S dg = mask ? d_a[j] * (S(mask[j]) * keep_scale) : d_a[j];
    const S s = sig ? sig[j] : sigmoid(a[j]);
    d_b[j] = dg * a[j] * s;
    d_a[j] = dg * b[j] * s * (S(1) + a[j] * (S(1) - s));
  }
}

// The entry points the FFN calls: float dispatches (silu_gate.cc), double is the reference.
void silu_gate_forward(int n, const float* a, const float* b, const uint8_t* mask, float keep_scale,
                       float* sig, float* g);
void silu_gate_backward(int n, const float* a, const float* b, const float* sig,
                        const uint8_t* mask, float keep_scale, float* d_a, float* d_b);
inline void silu_gate_forward(int n, const double* a, const double* b, const uint8_t* mask,
                              double keep_scale, double* sig, double* g) {
  silu_gate_forward_reference(n, a, b, mask, keep_scale, sig, g);
}
inline void silu_gate_backward(int n, const double* a, const double* b, const double* sig,
                               const uint8_t* mask, double keep_scale, double* d_a, double* d_b) {
  silu_gate_backward_reference(n, a, b, sig, mask, keep_scale, d_a, d_b);
}

// Whether the float entry points run the AVX2+FMA version on this CPU, and whether they run
// its AVX-512F twin (16 lanes, the same operations, so the same bits).
bool silu_gate_uses_avx2();
bool silu_gate_uses_avx512();

}  // namespace grok
