// Floating-point operation counts of the transformer's matrix products, for the FLOP-bound
// floor in docs/PERFORMANCE.md and achieved-GFLOP/s figures. Counts only GEMMs (2·M·N·K
// each) as the model runs them (trimmed last layer, layer 0's token table); norms, RoPE,
// softmax, SiLU, dropout, gathers and scatters, the loss and the optimizer are left out. Not
// a profiler: nothing here is measured.
#pragma once

#include "grokking/model/model_config.h"
#include "grokking/model/transformer.h"

namespace grok {

// The model's shape as the count needs it (flop_model below fills it from a ModelConfig).
// Every field must be set: zeros are rejected.
struct FlopModel {
  int seq_len = 0;    // T
  int depth = 0;      // L
  int dim = 0;        // D
  int heads = 0;      // H
  int ffn_dim = 0;    // F
  int n_classes = 0;  // C
  // V. Layer 0 computes its norm and q, k, v projections once per vocabulary entry when that
  // is fewer rows than the batch has tokens (V < B·T, model/token_table.h).
  int vocab_size = 0;
  // cls pooling without taps: the last layer computes queries, attention output and FFN for
  // the last position only (mean pooling cannot trim).
  bool trimmed_last_layer = false;
  // With trimmed_last_layer: queries and attention maps still at every position (attention-map
  // taps), output projection and FFN at the last only.
  bool all_last_queries = false;
  // Positions [0, P) of every sequence come from a shared prefix run once per distinct prefix
  // (Transformer::forward_after_prefix, inference): no layer computes anything for them.
  int first_position = 0;
};

// The FLOP-count model of `config`'s forward with `last_layer` (and positions
// [0, first_position) taken from a shared prefix).
FlopModel flop_model(const ModelConfig& config, LastLayer last_layer, int first_position = 0);

struct FlopCount {
  double forward = 0;
  double backward = 0;
  double total = 0;  // forward + backward
};

// One training step on a batch of `batch` sequences. Backward = 2 × forward (see flops.cc).
FlopCount training_step_flops(const FlopModel& model, int batch);

// One forward (evaluation) of n_examples sequences at once. The token table makes the count
// depend on the batching: a pass in chunks is the sum of eval_flops over the chunks.
double eval_flops(const FlopModel& model, int n_examples);

// One layer's forward products at batch `batch`, split into its two halves (layer 0 uses
// the token table where the model does; the last layer is trimmed if the model is).
struct LayerFlops {
  double attention = 0;  // q, k, v, o projections, scores, probs·v
  double ffn = 0;        // W1, W3, W2
};
LayerFlops layer_forward_flops(const FlopModel& model, int batch, int layer);

}  // namespace grok
