// Row sets and the shared helpers of the layer kernels. Every activation is a [B*T, W]
// row-major matrix in "position layout" (row = example * T + position); a layer works on all
// rows or only on the last position of each example (the trimmed last layer of DESIGN.md
// "Only what the loss needs is computed"). A RowSet names such a subset, so that a GEMM can
// read it in place through its leading dimension; only the weight gradient gathers strided
// rows first, where that is faster. (Evaluation after a shared prefix runs the positions after
// it as sequences of their own, T − P long: attention.h's PrefixKeysValues.)
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "grokking/core/gemm.h"

namespace grok {

// `count` rows of a [B*T, W] matrix: first, first + step, first + 2·step, ...
struct RowSet {
  int first = 0;
  int count = 0;
  int step = 1;
  int row(int i) const { return first + i * step; }
};

// All B*T rows; position T-1 of each example.
inline RowSet all_rows(int batch, int seq_len) { return {0, batch * seq_len, 1}; }
inline RowSet last_position_rows(int batch, int seq_len) { return {seq_len - 1, batch, seq_len}; }

// The shape a layer works on; last_only is the trimmed last layer.
struct LayerShape {
  int batch;
  int seq_len;
  int dim;
  int heads;
  bool last_only;            // compute outputs (and queries) for position T-1 only
  bool all_queries = false;  // with last_only: queries and attention maps still at every position
  int head_dim() const { return dim / heads; }
  // Keys and values computed; queries and attention maps; attention output, residual and FFN.
  RowSet kv_rows() const { return all_rows(batch, seq_len); }
  RowSet q_rows() const { return last_only && !all_queries ? last_rows() : kv_rows(); }
  RowSet out_rows() const { return last_only ? last_rows() : kv_rows(); }
  RowSet last_rows() const { return last_position_rows(batch, seq_len); }
};

// Elementwise loops go parallel only when there is enough work to pay for the fork.
inline constexpr long kParallelMinElements = 1L << 15;

// C[rows, n] (+)= A[rows, k] · op(B): A and C are row subsets of position-layout matrices of
// widths k and n, B a [k, n] (or, transposed, [n, k]) weight.
template <typename S>
void gemm_rows(RowSet rows, Trans trans_b, int n, int k, const S* a, const S* b, S beta, S* c) {
  gemm(Trans::kNo, trans_b, rows.count, n, k, S(1), a + static_cast<std::ptrdiff_t>(rows.first) * k,
       rows.step * k, b, trans_b == Trans::kNo ? n : k, beta,
       c + static_cast<std::ptrdiff_t>(rows.first) * n, rows.step * n);
}

// W[k, n] += A[rows, k]ᵀ · G[rows, n]: the weight gradient of y = x·W over a row subset; nothing
// when d_w is null (a frozen weight, Transformer::set_frozen).
// Rows one in T (the trimmed last layer) are gathered first: oneDNN runs this product
// 1.3–1.4× faster on contiguous rows (docs/PERFORMANCE.md), far more than the copy costs.
template <typename S>
void gemm_rows_weight_grad(RowSet rows, int k, int n, const S* a, const S* g, S* d_w) {
  if (d_w == nullptr) return;
  if (rows.step > 1) {
    thread_local std::vector<S> a_rows, g_rows;  // per thread: shards run side by side
    // Grown, never shrunk: a resize back up would zero-fill what is overwritten next.
    if (a_rows.size() < static_cast<std::size_t>(rows.count) * k) a_rows.resize(rows.count * k);
    if (g_rows.size() < static_cast<std::size_t>(rows.count) * n) g_rows.resize(rows.count * n);
    for (int i = 0; i < rows.count; ++i) {
      const std::ptrdiff_t r = rows.row(i);
      std::copy_n(a + r * k, k, a_rows.begin() + static_cast<std::ptrdiff_t>(i) * k);
      std::copy_n(g + r * n, n, g_rows.begin() + static_cast<std::ptrdiff_t>(i) * n);
    }
    gemm(Trans::kYes, Trans::kNo, k, n, rows.count, S(1), a_rows.data(), k, g_rows.data(), n, S(1),
         d_w, n);
    return;
  }
  gemm(Trans::kYes, Trans::kNo, k, n, rows.count, S(1),
       a + static_cast<std::ptrdiff_t>(rows.first) * k, k,
       g + static_cast<std::ptrdiff_t>(rows.first) * n, n, S(1), d_w, n);
}

}  // namespace grok
