// The feed-forward half of a pre-norm layer (REFERENCE.md §2):
//   out = x + dropout(SiLU(xn·W1) ⊙ (xn·W3)) · W2,  xn = RMSNorm(x),  hidden F = 4D.
// Dropout sits on the gate g, before W2.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "grokking/model/dropout.h"
#include "grokking/model/rms_norm.h"
#include "grokking/model/rows.h"
#include "grokking/model/silu_gate.h"

namespace grok {

template <typename S>
struct FfnParams {
  const S* norm_scale;  // [D]
  const S* w1;          // [D,F]
  const S* w3;          // [D,F]
  const S* w2;          // [F,D]
};

template <typename S>
struct FfnGrads {
  S* norm_scale;
  S* w1;
  S* w3;
  S* w2;
};

// What forward saves for backward, in position layout. mask is unused without dropout. σ(a) is
// not kept: backward recomputes it (the same bits, silu_gate.h), which costs less than writing
// and reading back a [B*T, F] array (docs/PERFORMANCE.md).
template <typename S>
struct FfnSaved {
  S* xn;          // [B*T, D] normed input
  S* inv_rms;     // [B*T]
  S* a;           // [B*T, F] xn·W1
  S* b;           // [B*T, F] xn·W3
  S* g;           // [B*T, F] gate after dropout, the input of W2
  uint8_t* mask;  // [B*T, F]
};

// Work buffers, overwritten: two [B*T, F] and one [B*T, D].
template <typename S>
struct FfnScratch {
  S* f0;
  S* f1;
  S* d0;
};

// x [B*T, D] → out [B*T, D] (out_rows of shape only); dropout null = off.
template <typename S>
void ffn_forward(const FfnParams<S>& p, const LayerShape& shape, const DropoutSite* dropout,
                 const S* x, const FfnSaved<S>& saved, S* out) {
  const int d = shape.dim, f = 4 * shape.dim;
  const RowSet rows = shape.out_rows();
  rms_norm_forward(rows, d, x, p.norm_scale, saved.xn, saved.inv_rms);
  gemm_rows(rows, Trans::kNo, f, d, saved.xn, p.w1, S(0), saved.a);
  gemm_rows(rows, Trans::kNo, f, d, saved.xn, p.w3, S(0), saved.b);
  if (dropout) dropout_mask(*dropout, rows, f, saved.mask);
  const S keep_scale = dropout ? static_cast<S>(dropout->keep_scale()) : S(1);
#pragma omp parallel for if (static_cast <long>(rows.count) * f >= kParallelMinElements)
  for (int i = 0; i < rows.count; ++i) {
    const std::ptrdiff_t r = rows.row(i);
    silu_gate_forward(f, saved.a + r * f, saved.b + r * f, dropout ? saved.mask + r * f : nullptr,
                      keep_scale, nullptr, saved.g + r * f);
    std::memcpy(out + r * d, x + r * d, sizeof(S) * d);  // residual, W2 adds onto it
  }
  gemm_rows(rows, Trans::kNo, d, f, saved.g, p.w2, S(1), out);
}

// d_resid [B*T, D]: on entry dL/d(out) (out_rows), on exit dL/dx (out_rows). grads accumulate.
template <typename S>
void ffn_backward(const FfnParams<S>& p, const LayerShape& shape, const DropoutSite* dropout,
                  const S* x, const FfnSaved<S>& saved, const FfnScratch<S>& scratch,
                  const FfnGrads<S>& g, S* d_resid) {
  const int d = shape.dim, f = 4 * shape.dim;
  const RowSet rows = shape.out_rows();
  gemm_rows_weight_grad(rows, f, d, saved.g, d_resid, g.w2);
  S* d_a = scratch.f0;
  S* d_b = scratch.f1;
  gemm_rows(rows, Trans::kYes, f, d, d_resid, p.w2, S(0), d_a);  // dL/dg for now
  const S keep_scale = dropout ? static_cast<S>(dropout->keep_scale()) : S(1);
#pragma omp parallel for if (static_cast <long>(rows.count) * f >= kParallelMinElements)
  for (int i = 0; i < rows.count; ++i) {
    const std::ptrdiff_t r = rows.row(i);
    silu_gate_backward(f, saved.a + r * f, saved.b + r * f, nullptr,
                       dropout ? saved.mask + r * f : nullptr, keep_scale, d_a + r * f,
                       d_b + r * f);
  }
  gemm_rows_weight_grad(rows, d, f, saved.xn, d_a, g.w1);
  gemm_rows_weight_grad(rows, d, f, saved.xn, d_b, g.w3);
  S* d_xn = scratch.d0;
  gemm_rows(rows, Trans::kYes, d, f, d_a, p.w1, S(0), d_xn);
  gemm_rows(rows, Trans::kYes, d, f, d_b, p.w3, S(1), d_xn);
  rms_norm_backward(rows, d, x, p.norm_scale, saved.inv_rms, d_xn, g.norm_scale, d_resid, true);
}

}  // namespace grok
