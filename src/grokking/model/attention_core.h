// Causal multi-head attention on already projected, rotated q, k, v: scores = q·kᵀ/√dh,
// −∞ above the diagonal, softmax over keys, ctx = probs·v. T is tiny (4), so each
// (example, head) is a small loop rather than a batched GEMM.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "grokking/core/error.h"
#include "grokking/model/model_config.h"
#include "grokking/model/rows.h"

namespace grok {

// The keys (after RoPE) and values of the first `length` positions of sequences that share
// them, computed once per distinct prefix (evaluation: Transformer::forward_after_prefix):
// rows [g·length, (g + 1)·length) of keys and values [G·length, H·dh] belong to the examples b
// with index[b] == g. The sequences themselves then hold only the positions after the prefix.
template <typename S>
struct PrefixKeysValues {
  int length = 0;
  const S* keys = nullptr;
  const S* values = nullptr;
  const int32_t* index = nullptr;  // [B]
};

// q, k, v [B*T, H·dh] → probs [B,H,T,P+T] (zeros above the diagonal), ctx [B*T, H·dh], where
// P is the length of an optional shared prefix (null: 0) whose keys and values come first.
// Only query positions q_first..T-1 are computed (q and ctx rows, probs rows); keys and
// values are read for every position.
template <typename S>
void attention_core_forward(int batch, int seq_len, int heads, int head_dim, int q_first,
                            const S* q, const S* k, const S* v, S* probs, S* ctx,
                            const PrefixKeysValues<S>* prefix = nullptr) {
  GROK_CHECK(seq_len + (prefix ? prefix->length : 0) <= kMaxSeqLen);
  const int width = heads * head_dim, past = prefix ? prefix->length : 0, keys = past + seq_len;
  const S inv_sqrt = S(1) / std::sqrt(static_cast<S>(head_dim));
#pragma omp parallel for if (static_cast <long>(batch) * seq_len * width >= kParallelMinElements)
  for (int b = 0; b < batch; ++b) {
    // Key and value rows of example b: the prefix's, then its own.
    const S* key_rows[kMaxSeqLen];
    const S* value_rows[kMaxSeqLen];
    for (int s = 0; s < keys; ++s) {
      const std::ptrdiff_t row = s < past ? std::ptrdiff_t{prefix->index[b]} * past + s
                                          : std::ptrdiff_t{b} * seq_len + s - past;
      key_rows[s] = (s < past ? prefix->keys : k) + row * width;
      value_rows[s] = (s < past ? prefix->values : v) + row * width;
    }
    for (int h = 0; h < heads; ++h)
      for (int t = q_first; t < seq_len; ++t) {
        const std::ptrdiff_t qrow = static_cast<std::ptrdiff_t>(b) * seq_len + t;
        const S* qt = q + qrow * width + h * head_dim;
        S* p = probs + ((static_cast<std::ptrdiff_t>(b) * heads + h) * seq_len + t) * keys;
        const int last = past + t;  // the query's own position
        S max_score = -INFINITY;
        for (int s = 0; s <= last; ++s) {
          const S* ks = key_rows[s] + h * head_dim;
          S dot = 0;
#pragma omp simd reduction(+ : dot)
          for (int j = 0; j < head_dim; ++j) dot += qt[j] * ks[j];
          p[s] = dot * inv_sqrt;
          max_score = std::max(max_score, p[s]);
        }
        S sum = 0;
        for (int s = 0; s <= last; ++s) {
          p[s] = std::exp(p[s] - max_score);
          sum += p[s];
        }
        for (int s = 0; s <= last; ++s) p[s] /= sum;
        for (int s = last + 1; s < keys; ++s) p[s] = 0;
        S* ct = ctx + qrow * width + h * head_dim;
        for (int j = 0; j < head_dim; ++j) ct[j] = 0;
        for (int s = 0; s <= last; ++s) {
          const S* vs = value_rows[s] + h * head_dim;
          const S ps = p[s];
#pragma omp simd
          for (int j = 0; j < head_dim; ++j) ct[j] += ps * vs[j];
        }
      }
  }
}

// d_ctx [B*T, H·dh] (rows q_first..T-1) and an optional seed d_probs_tap [B,H,T,T] →
// d_q (rows q_first..T-1, overwritten), d_k, d_v [B*T, H·dh] (every row, overwritten).
template <typename S>
void attention_core_backward(int batch, int seq_len, int heads, int head_dim, int q_first,
                             const S* q, const S* k, const S* v, const S* probs, const S* d_ctx,
                             const S* d_probs_tap, S* d_q, S* d_k, S* d_v) {
  GROK_CHECK(seq_len <= kMaxSeqLen);
  const int width = heads * head_dim;
  const S inv_sqrt = S(1) / std::sqrt(static_cast<S>(head_dim));
#pragma omp parallel for if (static_cast <long>(batch) * seq_len * width >= kParallelMinElements)
  for (int b = 0; b < batch; ++b) {
    const std::ptrdiff_t base = static_cast<std::ptrdiff_t>(b) * seq_len * width;
    for (int j = 0; j < seq_len * width; ++j) d_k[base + j] = d_v[base + j] = 0;
    for (int h = 0; h < heads; ++h)
      for (int t = q_first; t < seq_len; ++t) {
        const std::ptrdiff_t qoff = base + static_cast<std::ptrdiff_t>(t) * width + h * head_dim;
        const std::ptrdiff_t poff =
            ((static_cast<std::ptrdiff_t>(b) * heads + h) * seq_len + t) * seq_len;
        const S* p = probs + poff;
        const S* dct = d_ctx + qoff;
        S d_p[kMaxSeqLen];
        S weighted = 0;  // Σ_s p·d_p, the softmax Jacobian's rank-one term
        for (int s = 0; s <= t; ++s) {
          const std::ptrdiff_t koff = base + static_cast<std::ptrdiff_t>(s) * width + h * head_dim;
          S dot = d_probs_tap ? d_probs_tap[poff + s] : S(0);
#pragma omp simd reduction(+ : dot)
          for (int j = 0; j < head_dim; ++j) dot += dct[j] * v[koff + j];
          d_p[s] = dot;
          weighted += p[s] * dot;
          S* dvs = d_v + koff;
          const S ps = p[s];
#pragma omp simd
          for (int j = 0; j < head_dim; ++j) dvs[j] += ps * dct[j];
        }
        S* dqt = d_q + qoff;
        const S* qt = q + qoff;
        for (int j = 0; j < head_dim; ++j) dqt[j] = 0;
        for (int s = 0; s <= t; ++s) {
          const std::ptrdiff_t koff = base + static_cast<std::ptrdiff_t>(s) * width + h * head_dim;
          const S d_score = p[s] * (d_p[s] - weighted) * inv_sqrt;
          const S* ks = k + koff;
          S* dks = d_k + koff;
#pragma omp simd
          for (int j = 0; j < head_dim; ++j) {
            dqt[j] += d_score * ks[j];
            dks[j] += d_score * qt[j];
          }
        }
      }
  }
}

}  // namespace grok
