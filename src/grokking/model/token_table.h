// Layer 0's token table: exact algebra that removes most of the first layer's projections.
//
// The first layer's attention input is exactly the embedding row of each token, so
// xn = RMSNorm(x) and q, k, v = xn·W{q,k,v} depend only on the token id, not on the example.
// They are computed once per vocabulary entry ([V, D], V = p + 2 = 99) instead of once per
// token row ([B·T, D], 2048 rows at batch 512), then gathered by token; RoPE, which depends on
// the position, is applied after the gather exactly as in later layers. Backward scatters the
// rows' d_q (after RoPE backward), d_k and d_v back onto [V, D] tables by token, then does
// the projections' and the norm's backward on V rows; the gradient reaching the layer input
// through the norm is added straight into the embedding gradient (the residual and tap path
// still goes through embedding_backward). Numerically it is the same sum in a different order.
//
// Not for later layers (their input depends on the whole sequence), and not worth it when a
// batch has fewer token rows than the vocabulary (uses_token_table).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "grokking/model/rms_norm.h"
#include "grokking/model/rows.h"

namespace grok {

// Layer 0 goes through the table when that projects fewer rows: V < B·T.
inline bool uses_token_table(int vocab, int token_rows) { return vocab < token_rows; }

// Views into one buffer of buffer_size(V, D) elements (see make_token_table).
template <typename S>
struct TokenTable {
  int vocab = 0;                    // V
  const int32_t* tokens = nullptr;  // [B*T] token of each row, already validated to be < V
  const S* embedding = nullptr;     // [V, D] the rows the layer input is made of
  S* d_embedding = nullptr;         // [V, D] accumulates dL/d(embedding); set before backward
  // Saved by forward.
  S* xn = nullptr;       // [V, D] RMSNorm of each embedding row
  S* inv_rms = nullptr;  // [V]
  S* q = nullptr;        // [V, D] xn·Wq (before RoPE)
  S* k = nullptr;        // [V, D]
  S* v = nullptr;        // [V, D]
  // Backward work, overwritten.
  S* d_q = nullptr;   // [V, D]
  S* d_k = nullptr;   // [V, D]
  S* d_v = nullptr;   // [V, D]
  S* d_xn = nullptr;  // [V, D]

  static std::size_t buffer_size(int vocab, int dim) {
    return static_cast<std::size_t>(vocab) * (8 * static_cast<std::size_t>(dim) + 1);
  }
};

template <typename S>
TokenTable<S> make_token_table(S* buffer, int vocab, int dim, const int32_t* tokens,
                               const S* embedding) {
  const std::size_t vd = static_cast<std::size_t>(vocab) * dim;
  TokenTable<S> t;
  t.vocab = vocab;
  t.tokens = tokens;
  t.embedding = embedding;
  S* views[8];
  for (int i = 0; i < 8; ++i) views[i] = buffer + i * vd;
  t.xn = views[0], t.q = views[1], t.k = views[2], t.v = views[3];
  t.d_q = views[4], t.d_k = views[5], t.d_v = views[6], t.d_xn = views[7];
  t.inv_rms = buffer + 8 * vd;
  return t;
}

// dst[rows] = table[tokens[rows]], [·, D] matrices.
template <typename S>
void gather_token_rows(RowSet rows, int dim, const int32_t* tokens, const S* table, S* dst) {
#pragma omp parallel for if (static_cast <long>(rows.count) * dim >= kParallelMinElements)
  for (int i = 0; i < rows.count; ++i) {
    const int r = rows.row(i);
    std::memcpy(dst + static_cast<std::ptrdiff_t>(r) * dim,
                table + static_cast<std::ptrdiff_t>(tokens[r]) * dim, sizeof(S) * dim);
  }
}

// norm_scale [D], wq, wk, wv [D,D] → the table's xn, inv_rms, q, k, v, and the rows' q (q_rows
// only), k, v [B*T, D] gathered by token, not yet rotated.
template <typename S>
void token_table_forward(const S* norm_scale, const S* wq, const S* wk, const S* wv,
                         const LayerShape& shape, const TokenTable<S>& t, S* q, S* k, S* v) {
  const int d = shape.dim;
  const RowSet table_rows{0, t.vocab, 1};
  rms_norm_forward(table_rows, d, t.embedding, norm_scale, t.xn, t.inv_rms);
  gemm_rows(table_rows, Trans::kNo, d, d, t.xn, wq, S(0), t.q);
  gemm_rows(table_rows, Trans::kNo, d, d, t.xn, wk, S(0), t.k);
  gemm_rows(table_rows, Trans::kNo, d, d, t.xn, wv, S(0), t.v);
  gather_token_rows(shape.q_rows(), d, t.tokens, t.q, q);
  gather_token_rows(shape.kv_rows(), d, t.tokens, t.k, k);
  gather_token_rows(shape.kv_rows(), d, t.tokens, t.v, v);
}

// The rows' d_q (q_rows), d_k, d_v [B*T, D] (after RoPE backward) → d_wq, d_wk, d_wv [D,D] and
// d_norm_scale [D] accumulate, t.d_embedding [V, D] += the gradient through the norm.
template <typename S>
void token_table_backward(const S* norm_scale, const S* wq, const S* wk, const S* wv,
                          const LayerShape& shape, const TokenTable<S>& t, const S* d_q,
                          const S* d_k, const S* d_v, S* d_norm_scale, S* d_wq, S* d_wk, S* d_wv) {
  const int d = shape.dim;
  const RowSet all = shape.kv_rows(), qr = shape.q_rows(), table_rows{0, t.vocab, 1};
  const std::size_t vd = static_cast<std::size_t>(t.vocab) * d;
  std::fill(t.d_q, t.d_q + vd, S(0));
  std::fill(t.d_k, t.d_k + vd, S(0));
  std::fill(t.d_v, t.d_v + vd, S(0));
  // Scatter-add by token. Each thread owns a band of columns and walks the rows in order, so
  // repeated tokens add up in the same order for any thread count (bit-reproducible).
  constexpr int kBand = 16;
  const int bands = (d + kBand - 1) / kBand;
#pragma omp parallel for if (static_cast <long>(all.count) * d >= kParallelMinElements)
  for (int band = 0; band < bands; ++band) {
    const int lo = band * kBand, hi = std::min(d, lo + kBand);
    for (int r = 0; r < all.count; ++r) {
      const std::ptrdiff_t src = static_cast<std::ptrdiff_t>(r) * d;
      const std::ptrdiff_t dst = static_cast<std::ptrdiff_t>(t.tokens[r]) * d;
      for (int j = lo; j < hi; ++j) {
        t.d_k[dst + j] += d_k[src + j];
        t.d_v[dst + j] += d_v[src + j];
      }
    }
    for (int i = 0; i < qr.count; ++i) {
      const int r = qr.row(i);
      const std::ptrdiff_t src = static_cast<std::ptrdiff_t>(r) * d;
      const std::ptrdiff_t dst = static_cast<std::ptrdiff_t>(t.tokens[r]) * d;
      for (int j = lo; j < hi; ++j) t.d_q[dst + j] += d_q[src + j];
    }
  }
  gemm_rows_weight_grad(table_rows, d, d, t.xn, t.d_q, d_wq);
  gemm_rows_weight_grad(table_rows, d, d, t.xn, t.d_k, d_wk);
  gemm_rows_weight_grad(table_rows, d, d, t.xn, t.d_v, d_wv);
  gemm_rows(table_rows, Trans::kYes, d, d, t.d_k, wk, S(0), t.d_xn);
  gemm_rows(table_rows, Trans::kYes, d, d, t.d_v, wv, S(1), t.d_xn);
  gemm_rows(table_rows, Trans::kYes, d, d, t.d_q, wq, S(1), t.d_xn);
  rms_norm_backward(table_rows, d, t.embedding, norm_scale, t.inv_rms, t.d_xn, d_norm_scale,
                    t.d_embedding, true);
}

}  // namespace grok
