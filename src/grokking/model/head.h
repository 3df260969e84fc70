// Pooling and the output projection (REFERENCE.md §2): pooled = hf[:, T-1, :] (cls) or the
// mean over positions (mean); logits = pooled · W_out, no bias.
#pragma once

#include <cstddef>

#include "grokking/model/model_config.h"
#include "grokking/model/rows.h"

namespace grok {

// hf [B*T, D], w_out [D,C] → logits [B,C]. pooled [B,D] is written for mean pooling only
// (cls reads row T-1 of each example in place).
template <typename S>
void head_forward(Pool pool, int batch, int seq_len, int dim, int classes, const S* hf,
                  const S* w_out, S* pooled, S* logits) {
  const int ld_last = seq_len * dim;  // row T-1 of each example, read in place
  const S* last = hf + static_cast<std::ptrdiff_t>(seq_len - 1) * dim;
  if (pool == Pool::kCls) {
    gemm(Trans::kNo, Trans::kNo, batch, classes, dim, S(1), last, ld_last, w_out, classes, S(0),
         logits, classes);
    return;
  }
  const S inv_t = S(1) / static_cast<S>(seq_len);
  for (int b = 0; b < batch; ++b) {
    S* pb = pooled + static_cast<std::ptrdiff_t>(b) * dim;
    for (int j = 0; j < dim; ++j) pb[j] = 0;
    for (int t = 0; t < seq_len; ++t) {
      const S* h = hf + (static_cast<std::ptrdiff_t>(b) * seq_len + t) * dim;
#pragma omp simd
      for (int j = 0; j < dim; ++j) pb[j] += h[j];
    }
#pragma omp simd
    for (int j = 0; j < dim; ++j) pb[j] *= inv_t;
  }
  gemm(Trans::kNo, Trans::kNo, batch, classes, dim, S(1), pooled, dim, w_out, classes, S(0), logits,
       classes);
}

// d_logits [B,C] → d_w_out [D,C] += pooledᵀ·d_logits (none if d_w_out is null); d_hf [B*T, D]
// overwritten (every row; zero where the pool does not read). d_pooled [B,D] is work space (mean
// pooling).
template <typename S>
void head_backward(Pool pool, int batch, int seq_len, int dim, int classes, const S* hf,
                   const S* pooled, const S* w_out, const S* d_logits, S* d_w_out, S* d_pooled,
                   S* d_hf) {
  const int ld_last = seq_len * dim;
  const std::ptrdiff_t last = static_cast<std::ptrdiff_t>(seq_len - 1) * dim;
  if (pool == Pool::kCls) {
    if (d_w_out != nullptr)
      gemm(Trans::kYes, Trans::kNo, dim, classes, batch, S(1), hf + last, ld_last, d_logits,
           classes, S(1), d_w_out, classes);
    for (int b = 0; b < batch; ++b)
      for (int t = 0; t + 1 < seq_len; ++t) {
        S* row = d_hf + (static_cast<std::ptrdiff_t>(b) * seq_len + t) * dim;
        for (int j = 0; j < dim; ++j) row[j] = 0;
      }
    gemm(Trans::kNo, Trans::kYes, batch, dim, classes, S(1), d_logits, classes, w_out, classes,
         S(0), d_hf + last, ld_last);
    return;
  }
  if (d_w_out != nullptr)
    gemm(Trans::kYes, Trans::kNo, dim, classes, batch, S(1), pooled, dim, d_logits, classes, S(1),
         d_w_out, classes);
  gemm(Trans::kNo, Trans::kYes, batch, dim, classes, S(1), d_logits, classes, w_out, classes, S(0),
       d_pooled, dim);
  const S inv_t = S(1) / static_cast<S>(seq_len);
  for (int b = 0; b < batch; ++b) {
    const S* dp = d_pooled + static_cast<std::ptrdiff_t>(b) * dim;
    for (int t = 0; t < seq_len; ++t) {
      S* row = d_hf + (static_cast<std::ptrdiff_t>(b) * seq_len + t) * dim;
#pragma omp simd
      for (int j = 0; j < dim; ++j) row[j] = dp[j] * inv_t;
    }
  }
}

}  // namespace grok
