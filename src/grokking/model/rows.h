// Row sets and the shared helpers of the layer kernels. Every activation is a [B*T, W]
// row-major matrix in "position layout" (row = example * T + position); a layer may work on
// all rows or only on the last position of each example (the trimmed last layer of DESIGN.md
// "Only what the loss needs is computed"), or only on positions p..T-1 (evaluation after a
// shared prefix). A RowSet names such a subset, so that a GEMM can read it in place through
// its leading dimension (one GEMM per position of a run); only the weight gradient gathers
// strided rows first, where that is faster.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "grokking/core/gemm.h"

namespace grok {

// `count` rows of a [B*T, W] matrix in runs of `run` consecutive rows, the runs starting at
// first, first + step, first + 2·step, ... (run 1: rows first, first + step, ...).
struct RowSet {
  int first = 0;
  int count = 0;
  int step = 1;
  int run = 1;
  int row(int i) const { return run == 1 ? first + i * step : first + i / run * step + i % run; }
};

// All B*T rows; position T-1 of each example; positions p..T-1 of each example.
inline RowSet all_rows(int batch, int seq_len) { return {0, batch * seq_len, 1}; }
inline RowSet last_position_rows(int batch, int seq_len) { return {seq_len - 1, batch, seq_len}; }
inline RowSet positions_from(int batch, int seq_len, int p) {
  if (p == 0) return all_rows(batch, seq_len);
  return {p, batch * (seq_len - p), seq_len, seq_len - p};
}

// The shape a layer works on; last_only is the trimmed last layer.
struct LayerShape {
  int batch;
  int seq_len;
  int dim;
  int heads;
  bool last_only;            // compute outputs (and queries) for position T-1 only
  bool all_queries = false;  // with last_only: queries and attention maps still at every position
  // Positions [0, first_position) come from a shared prefix (inference only): their keys and
  // values are filled in, nothing else of them is computed.
  int first_position = 0;
  int head_dim() const { return dim / heads; }
  // Keys and values computed; queries and attention maps; attention output, residual and FFN.
  RowSet kv_rows() const { return positions_from(batch, seq_len, first_position); }
  RowSet q_rows() const { return last_only && !all_queries ? last_rows() : kv_rows(); }
  RowSet out_rows() const { return last_only ? last_rows() : kv_rows(); }
  RowSet last_rows() const { return last_position_rows(batch, seq_len); }
};

// Elementwise loops go parallel only when there is enough work to pay for the fork.
inline constexpr long kParallelMinElements = 1L << 15;

// A run set as `run` strided sets (one per offset in the run), each one GEMM's rows.
template <typename Fn>
void for_each_strided(RowSet rows, const Fn& fn) {
  if (rows.run == 1) return fn(rows);
  for (int j = 0; j < rows.run; ++j) fn(RowSet{rows.first + j, rows.count / rows.run, rows.step});
}

// C[rows, n] (+)= A[rows, k] · op(B): A and C are row subsets of position-layout matrices of
// widths k and n, B a [k, n] (or, transposed, [n, k]) weight.
template <typename S>
void gemm_rows(RowSet rows, Trans trans_b, int n, int k, const S* a, const S* b, S beta, S* c) {
  for_each_strided(rows, [&](RowSet r) {
    gemm(Trans::kNo, trans_b, r.count, n, k, S(1), a + static_cast<std::ptrdiff_t>(r.first) * k,
         r.step * k, b, trans_b == Trans::kNo ? n : k, beta,
         c + static_cast<std::ptrdiff_t>(r.first) * n, r.step * n);
  });
}

// W[k, n] += A[rows, k]ᵀ · G[rows, n]: the weight gradient of y = x·W over a row subset.
// Rows one in T (the trimmed last layer) are gathered first: oneDNN runs this product
// 1.3–1.4× faster on contiguous rows (docs/PERFORMANCE.md), far more than the copy costs.
template <typename S>
void gemm_rows_weight_grad(RowSet rows, int k, int n, const S* a, const S* g, S* d_w) {
  if (rows.step > 1 && rows.run == 1) {
    thread_local std::vector<S> a_rows, g_rows;  // per thread: shards run side by side
    a_rows.resize(static_cast<std::size_t>(rows.count) * k);
    g_rows.resize(static_cast<std::size_t>(rows.count) * n);
    for (int i = 0; i < rows.count; ++i) {
      const std::ptrdiff_t r = rows.row(i);
      std::copy_n(a + r * k, k, a_rows.begin() + static_cast<std::ptrdiff_t>(i) * k);
      std::copy_n(g + r * n, n, g_rows.begin() + static_cast<std::ptrdiff_t>(i) * n);
    }
    gemm(Trans::kYes, Trans::kNo, k, n, rows.count, S(1), a_rows.data(), k, g_rows.data(), n, S(1),
         d_w, n);
    return;
  }
  for_each_strided(rows, [&](RowSet r) {
    gemm(Trans::kYes, Trans::kNo, k, n, r.count, S(1), a + static_cast<std::ptrdiff_t>(r.first) * k,
         r.step * k, g + static_cast<std::ptrdiff_t>(r.first) * n, r.step * n, S(1), d_w, n);
  });
}

}  // namespace grok
