// RMSNorm (REFERENCE.md §2): y = x / sqrt(mean(x²) + 1e-6) · scale, no bias.
#pragma once

#include <cmath>
#include <cstddef>

#include "grokking/model/rows.h"

namespace grok {

inline constexpr double kRmsNormEps = 1e-6;

// x [N,D], scale [D] → y [N,D], inv_rms [N] (= 1/sqrt(mean(x²)+eps), saved for backward).
template <typename S>
void rms_norm_forward(RowSet rows, int dim, const S* x, const S* scale, S* y, S* inv_rms) {
#pragma omp parallel for if (static_cast <long>(rows.count) * dim >= kParallelMinElements)
  for (int i = 0; i < rows.count; ++i) {
    const std::ptrdiff_t r = rows.row(i);
    const S* xr = x + r * dim;
    S* yr = y + r * dim;
    S ss = 0;
#pragma omp simd reduction(+ : ss)
    for (int j = 0; j < dim; ++j) ss += xr[j] * xr[j];
    const S inv = S(1) / std::sqrt(ss / static_cast<S>(dim) + static_cast<S>(kRmsNormEps));
    inv_rms[r] = inv;
#pragma omp simd
    for (int j = 0; j < dim; ++j) yr[j] = xr[j] * inv * scale[j];
  }
}

// d_y [N,D] → d_scale [D] += Σ_rows d_y·x·inv; d_x [N,D] = (or += with accumulate)
// inv·scale·d_y − x·inv³·mean(scale·d_y·x).
template <typename S>
void rms_norm_backward(RowSet rows, int dim, const S* x, const S* scale, const S* inv_rms,
                       const S* d_y, S* d_scale, S* d_x, bool accumulate) {
  // The scale gradient is a reduction over rows: one sequential pass keeps it deterministic.
  for (int i = 0; i < rows.count; ++i) {
    const std::ptrdiff_t r = rows.row(i);
    const S* xr = x + r * dim;
    const S* dyr = d_y + r * dim;
    const S inv = inv_rms[r];
#pragma omp simd
    for (int j = 0; j < dim; ++j) d_scale[j] += dyr[j] * xr[j] * inv;
  }
#pragma omp parallel for if (static_cast <long>(rows.count) * dim >= kParallelMinElements)
  for (int i = 0; i < rows.count; ++i) {
    const std::ptrdiff_t r = rows.row(i);
    const S* xr = x + r * dim;
    const S* dyr = d_y + r * dim;
    S* dxr = d_x + r * dim;
    const S inv = inv_rms[r];
    S dot = 0;
#pragma omp simd reduction(+ : dot)
    for (int j = 0; j < dim; ++j) dot += scale[j] * dyr[j] * xr[j];
    const S c = dot * inv * inv * inv / static_cast<S>(dim);
    if (accumulate) {
#pragma omp simd
      for (int j = 0; j < dim; ++j) dxr[j] += inv * scale[j] * dyr[j] - c * xr[j];
    } else {
#pragma omp simd
      for (int j = 0; j < dim; ++j) dxr[j] = inv * scale[j] * dyr[j] - c * xr[j];
    }
  }
}

}  // namespace grok
