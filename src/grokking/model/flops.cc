// The count, with R = B·(T − first_position) computed rows (first_position is usually 0),
// dh = D/H (so H·dh = D), Q the query rows (R for a full layer, B for the trimmed last layer,
// one per sequence, R again when it keeps every attention map) and O the output rows (R, or
// B for the trimmed last layer):
//
//   q, k, v        3 · 2·P·D·D     P = V in layer 0 when V < R (the token table: the norm and
//                                  the projections per vocabulary entry, then gathered;
//                                  the choice compares V with B·T);
//                                  otherwise P = Q for q, R for k and v (every position is a key)
//   o              2·O·D·D
//   scores q·kᵀ    2·B·H·(Q/B)·T·dh   (the whole query × key block, masked or not)
//   probs·v        2·B·H·(Q/B)·T·dh
//   FFN W1, W3, W2 3 · 2·O·D·F
//   head           2·B·D·C         (pooled rows: one per sequence for cls and for mean)
//
//   forward  = the layers + head
//   backward = 2 · forward: each product Y = X·W has dX = dY·Wᵀ and dW = Xᵀ·dY of the same
//              size (for scores and probs·v both operands are activations, again two
//              products; for the token table both run on the V-row tables after a
//              scatter-add); the embedding is a lookup, no GEMM, and its input needs no gradient.
#include "grokking/model/flops.h"

#include "grokking/core/error.h"

namespace grok {
namespace {

// 2·m·n·k in double (no int overflow at any batch size).
double gemm_flops(double m, double n, double k) { return 2.0 * m * n * k; }

void check(const FlopModel& m, int batch) {
  GROK_CHECK(batch >= 0 && m.seq_len > 0 && m.depth > 0 && m.dim > 0 && m.heads > 0 &&
                 m.ffn_dim > 0 && m.n_classes > 0 && m.vocab_size > 0 && m.dim % m.heads == 0 &&
                 m.first_position >= 0 && m.first_position < m.seq_len,
             "bad FLOP-count model: batch={} seq_len={} depth={} dim={} heads={} ffn_dim={} "
             "n_classes={} vocab_size={} first_position={}",
             batch, m.seq_len, m.depth, m.dim, m.heads, m.ffn_dim, m.n_classes, m.vocab_size,
             m.first_position);
}

LayerFlops layer_flops(const FlopModel& m, double batch, int layer) {
  const double dim = m.dim, head_dim = static_cast<double>(m.dim) / m.heads;
  const double positions = m.seq_len - m.first_position;  // computed, per sequence
  const double tokens = batch * positions;
  const bool trimmed = m.trimmed_last_layer && layer == m.depth - 1;
  const double query_rows = trimmed && !m.all_last_queries ? 1 : positions;  // per sequence
  const double queries = batch * query_rows, outputs = batch * (trimmed ? 1 : positions);
  const bool table = layer == 0 && m.vocab_size < batch * m.seq_len;  // model/token_table.h
  LayerFlops f;
  f.attention = (table ? 3 * gemm_flops(m.vocab_size, dim, dim)   // q, k, v on the table
                       : gemm_flops(queries, dim, dim)            // q
                             + 2 * gemm_flops(tokens, dim, dim))  // k, v
                + gemm_flops(outputs, dim, dim)                   // o
                + 2 * batch * m.heads * gemm_flops(query_rows, m.seq_len, head_dim);
  f.ffn = 3 * gemm_flops(outputs, m.ffn_dim, dim);  // W1, W3, W2
  return f;
}

double forward_flops(const FlopModel& m, int batch) {
  check(m, batch);
  double total = gemm_flops(batch, m.n_classes, m.dim);  // head
  for (int l = 0; l < m.depth; ++l) {
    const LayerFlops f = layer_flops(m, batch, l);
    total += f.attention + f.ffn;
  }
  return total;
}

}  // namespace

FlopCount training_step_flops(const FlopModel& model, int batch) {
  FlopCount count;
  count.forward = forward_flops(model, batch);
  count.backward = 2 * count.forward;
  count.total = count.forward + count.backward;
  return count;
}

double eval_flops(const FlopModel& model, int n_examples) {
  return forward_flops(model, n_examples);
}

FlopModel flop_model(const ModelConfig& c, LastLayer last_layer, int first_position) {
  const bool trimmed = c.pool == Pool::kCls && last_layer != LastLayer::kFull;
  return {c.seq_len,     c.depth,     c.dim,
          c.heads,       c.ffn_dim(), c.n_classes,
          c.vocab_size,  trimmed,     trimmed && last_layer == LastLayer::kAttentionMaps,
          first_position};
}

LayerFlops layer_forward_flops(const FlopModel& model, int batch, int layer) {
  check(model, batch);
  GROK_CHECK(layer >= 0 && layer < model.depth, "layer {} outside [0, {})", layer, model.depth);
  return layer_flops(model, batch, layer);
}

}  // namespace grok
