// Floating-point operation counts of the transformer's matrix products, for the FLOP-bound
// floor in docs/PERFORMANCE.md and achieved-GFLOP/s figures. Counts only GEMMs (2·M·N·K
// each); norms, RoPE, softmax, SiLU, dropout, the loss and the optimizer are left out. Not
// a profiler: nothing here is measured.
#pragma once

namespace grok {

struct FlopCount {
  double forward = 0;
  double backward = 0;
  double total = 0;  // forward + backward
};

// One training step on a batch of `batch` sequences of `seq_len` tokens (B, T) through
// `depth` layers of width D = dim, H = heads, F = ffn_dim, and a head of C = n_classes.
// With trimmed_last_layer (cls pooling) the last layer computes queries, attention output
// and FFN for the last position only. Backward = 2 × forward (see flops.cc).
FlopCount training_step_flops(int batch, int seq_len, int depth, int dim, int heads, int ffn_dim,
                              int n_classes, bool trimmed_last_layer);

// Forward only, over n_examples sequences (evaluation); trimmed unless told otherwise (mean
// pooling cannot trim).
double eval_flops(int n_examples, int seq_len, int depth, int dim, int heads, int ffn_dim,
                  int n_classes, bool trimmed_last_layer = true);

}  // namespace grok
