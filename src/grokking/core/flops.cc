// The count, with R = B·T rows and dh = D/H (so H·dh = D):
//
//   full layer    q, k, v, o      4 · 2·R·D·D
//                 scores q·kᵀ      2·B·H·T·T·dh   (the whole T×T block, masked or not)
//                 probs·v          2·B·H·T·T·dh
//                 FFN W1, W3, W2   3 · 2·R·D·F
//   trimmed last  k, v             2 · 2·R·D·D    (every position is a key)
//                 q, o             2 · 2·B·D·D    (one query row per sequence)
//                 scores, probs·v  2 · 2·B·H·1·T·dh
//                 FFN              3 · 2·B·D·F
//   head          2·B·D·C         (pooled rows: one per sequence for cls and for mean)
//
//   forward  = (L − 1 or L) full layers + (1 or 0) trimmed layer + head
//   backward = 2 · forward: each product Y = X·W has dX = dY·Wᵀ and dW = Xᵀ·dY of the same
//              size (for scores and probs·v both operands are activations, again two
//              products); the embedding is a lookup, no GEMM, and its input needs no gradient.
#include "grokking/core/flops.h"

#include "grokking/core/error.h"

namespace grok {
namespace {

// 2·m·n·k in double (no int overflow at any batch size).
double gemm_flops(double m, double n, double k) { return 2.0 * m * n * k; }

// One layer's forward products for sequences of seq_len tokens of which the last
// query_rows are queries (seq_len for a full layer, 1 for the trimmed last layer).
double layer_flops(double batch, double seq_len, double query_rows, double dim, double heads,
                   double ffn_dim) {
  const double head_dim = dim / heads;
  const double tokens = batch * seq_len;
  const double queries = batch * query_rows;
  return 2 * gemm_flops(tokens, dim, dim)                                 // k, v
         + 2 * gemm_flops(queries, dim, dim)                              // q, o
         + 2 * batch * heads * gemm_flops(query_rows, seq_len, head_dim)  // scores, probs·v
         + 3 * gemm_flops(queries, ffn_dim, dim);                         // W1, W3, W2
}

double forward_flops(int batch, int seq_len, int depth, int dim, int heads, int ffn_dim,
                     int n_classes, bool trimmed_last_layer) {
  GROK_CHECK(batch >= 0 && seq_len > 0 && depth > 0 && dim > 0 && heads > 0 && ffn_dim > 0 &&
                 n_classes > 0 && dim % heads == 0,
             "bad FLOP-count config: batch={} seq_len={} depth={} dim={} heads={} ffn_dim={} "
             "n_classes={}",
             batch, seq_len, depth, dim, heads, ffn_dim, n_classes);
  const int full_layers = trimmed_last_layer ? depth - 1 : depth;
  double total = full_layers * layer_flops(batch, seq_len, seq_len, dim, heads, ffn_dim);
  if (trimmed_last_layer) total += layer_flops(batch, seq_len, 1, dim, heads, ffn_dim);
  return total + gemm_flops(batch, n_classes, dim);
}

}  // namespace

FlopCount training_step_flops(int batch, int seq_len, int depth, int dim, int heads, int ffn_dim,
                              int n_classes, bool trimmed_last_layer) {
  FlopCount count;
  count.forward =
      forward_flops(batch, seq_len, depth, dim, heads, ffn_dim, n_classes, trimmed_last_layer);
  count.backward = 2 * count.forward;
  count.total = count.forward + count.backward;
  return count;
}

double eval_flops(int n_examples, int seq_len, int depth, int dim, int heads, int ffn_dim,
                  int n_classes, bool trimmed_last_layer) {
  return forward_flops(n_examples, seq_len, depth, dim, heads, ffn_dim, n_classes,
                       trimmed_last_layer);
}

}  // namespace grok
