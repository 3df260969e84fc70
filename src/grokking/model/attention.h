// The attention half of a pre-norm layer (REFERENCE.md §2):
//   out = x + dropout(Attn(RMSNorm(x)) · Wo),  Attn = causal softmax(q·kᵀ/√dh)·v, RoPE on q, k.
// Keys and values cover every position; queries and attention maps `q_rows`, the output and
// the residual `out_rows` (all rows, or the last position for the trimmed last layer, whose
// queries may still cover every position for attention-map taps). In layer 0 a TokenTable
// (token_table.h) replaces the norm and the q, k, v projections of every row.
#pragma once

#include <algorithm>
#include <cstdint>

#include "grokking/model/attention_core.h"
#include "grokking/model/dropout.h"
#include "grokking/model/rms_norm.h"
#include "grokking/model/rope.h"
#include "grokking/model/rows.h"
#include "grokking/model/token_table.h"

namespace grok {

template <typename S>
struct AttentionParams {
  const S* norm_scale;  // [D]
  const S* wq;          // [D,D]
  const S* wk;          // [D,D]
  const S* wv;          // [D,D]
  const S* wo;          // [D,D]
};

template <typename S>
struct AttentionGrads {
  S* norm_scale;
  S* wq;
  S* wk;
  S* wv;
  S* wo;
};

// What forward saves for backward, in position layout. mask is unused without dropout; xn and
// inv_rms are unused with a token table (the table holds them per token).
template <typename S>
struct AttentionSaved {
  S* xn;          // [B*T, D] normed input
  S* inv_rms;     // [B*T]
  S* q;           // [B*T, D] after RoPE
  S* k;           // [B*T, D] after RoPE
  S* v;           // [B*T, D]
  S* probs;       // [B, H, T, T]
  S* ctx;         // [B*T, D] probs·v, heads side by side
  uint8_t* mask;  // [B*T, D]
};

// Four [B*T, D] work buffers, overwritten.
template <typename S>
struct AttentionScratch {
  S* t0;
  S* t1;
  S* t2;
  S* t3;
};

// x [B*T, D] → out [B*T, D] (out_rows only); dropout null = off. table (layer 0 only, nullable):
// x is embedding rows of table->tokens, and the norm and projections go through the table.
// prefix (inference, nullable): the sequences continue a shared prefix whose keys and values
// come from there (attention_core.h); rope is then the table of the positions after it.
template <typename S>
void attention_forward(const AttentionParams<S>& p, const LayerShape& shape,
                       const RopeTable<S>& rope, const DropoutSite* dropout, const S* x,
                       const AttentionSaved<S>& saved, const AttentionScratch<S>& scratch, S* out,
                       const TokenTable<S>* table = nullptr,
                       const PrefixKeysValues<S>* prefix = nullptr) {
  const int d = shape.dim;
  const RowSet all = shape.kv_rows(), qr = shape.q_rows(), orows = shape.out_rows();
  if (table) {
    token_table_forward(p.norm_scale, p.wq, p.wk, p.wv, shape, *table, saved.q, saved.k, saved.v);
  } else {
    rms_norm_forward(all, d, x, p.norm_scale, saved.xn, saved.inv_rms);
    gemm_rows(qr, Trans::kNo, d, d, saved.xn, p.wq, S(0), saved.q);
    gemm_rows(all, Trans::kNo, d, d, saved.xn, p.wk, S(0), saved.k);
    gemm_rows(all, Trans::kNo, d, d, saved.xn, p.wv, S(0), saved.v);
  }
  rope_forward(qr, shape.heads, rope, saved.q);
  rope_forward(all, shape.heads, rope, saved.k);
  attention_core_forward(shape.batch, shape.seq_len, shape.heads, shape.head_dim(), qr.first,
                         saved.q, saved.k, saved.v, saved.probs, saved.ctx, prefix);
  S* proj = scratch.t0;
  gemm_rows(orows, Trans::kNo, d, d, saved.ctx, p.wo, S(0), proj);
  if (dropout) dropout_mask(*dropout, orows, d, saved.mask);
  const S keep_scale = dropout ? static_cast<S>(dropout->keep_scale()) : S(1);
#pragma omp parallel for if (static_cast <long>(orows.count) * d >= kParallelMinElements)
  for (int i = 0; i < orows.count; ++i) {
    const std::ptrdiff_t o = static_cast<std::ptrdiff_t>(orows.row(i)) * d;
    if (dropout) {
      const uint8_t* m = saved.mask + o;
#pragma omp simd
      for (int j = 0; j < d; ++j) out[o + j] = x[o + j] + proj[o + j] * (S(m[j]) * keep_scale);
    } else {
#pragma omp simd
      for (int j = 0; j < d; ++j) out[o + j] = x[o + j] + proj[o + j];
    }
  }
}

// d_resid [B*T, D]: on entry dL/d(out) (zero outside out_rows), on exit dL/dx (every row).
// d_probs_tap [B,H,T,T] (nullable) is added to dL/dprobs. grads accumulate. With the table
// forward used, the part of dL/dx through the norm goes to table->d_embedding instead, and
// d_resid keeps only the skip path.
template <typename S>
void attention_backward(const AttentionParams<S>& p, const LayerShape& shape,
                        const RopeTable<S>& rope, const DropoutSite* dropout, const S* x,
                        const AttentionSaved<S>& saved, const S* d_probs_tap,
                        const AttentionScratch<S>& scratch, const AttentionGrads<S>& g, S* d_resid,
                        const TokenTable<S>* table = nullptr) {
  const int d = shape.dim;
  const RowSet all = shape.kv_rows(), qr = shape.q_rows(), orows = shape.out_rows();
  const S* d_proj = d_resid;  // the skip passes dL/dout through unchanged
  if (dropout) {
    const S keep_scale = static_cast<S>(dropout->keep_scale());
    S* t = scratch.t0;
#pragma omp parallel for if (static_cast <long>(orows.count) * d >= kParallelMinElements)
    for (int i = 0; i < orows.count; ++i) {
      const std::ptrdiff_t o = static_cast<std::ptrdiff_t>(orows.row(i)) * d;
      const uint8_t* m = saved.mask + o;
#pragma omp simd
      for (int j = 0; j < d; ++j) t[o + j] = d_resid[o + j] * (S(m[j]) * keep_scale);
    }
    d_proj = t;
  }
  gemm_rows_weight_grad(orows, d, d, saved.ctx, d_proj, g.wo);
  S* d_ctx = scratch.t1;
  // Queries without an output (attention-map taps only) get no gradient through ctx.
  if (qr.count != orows.count) std::fill_n(d_ctx, static_cast<std::ptrdiff_t>(all.count) * d, S(0));
  gemm_rows(orows, Trans::kYes, d, d, d_proj, p.wo, S(0), d_ctx);
  S* d_q = scratch.t0;  // d_proj is dead from here on
  S* d_k = scratch.t2;
  S* d_v = scratch.t3;
  attention_core_backward(shape.batch, shape.seq_len, shape.heads, shape.head_dim(), qr.first,
                          saved.q, saved.k, saved.v, saved.probs, d_ctx, d_probs_tap, d_q, d_k,
                          d_v);
  rope_backward(qr, shape.heads, rope, d_q);
  rope_backward(all, shape.heads, rope, d_k);
  if (table) {
    token_table_backward(p.norm_scale, p.wq, p.wk, p.wv, shape, *table, d_q, d_k, d_v, g.norm_scale,
                         g.wq, g.wk, g.wv);
    return;
  }
  gemm_rows_weight_grad(qr, d, d, saved.xn, d_q, g.wq);
  gemm_rows_weight_grad(all, d, d, saved.xn, d_k, g.wk);
  gemm_rows_weight_grad(all, d, d, saved.xn, d_v, g.wv);
  S* d_xn = scratch.t1;  // d_ctx is dead
  gemm_rows(all, Trans::kYes, d, d, d_k, p.wk, S(0), d_xn);
  gemm_rows(all, Trans::kYes, d, d, d_v, p.wv, S(1), d_xn);
  gemm_rows(qr, Trans::kYes, d, d, d_q, p.wq, S(1), d_xn);
  rms_norm_backward(all, d, x, p.norm_scale, saved.inv_rms, d_xn, g.norm_scale, d_resid, true);
}

}  // namespace grok
