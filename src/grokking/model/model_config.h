// The transformer's shape (REFERENCE.md §2) and its parameter layout. Not the training
// hyperparameters (train/) nor the task (data/).
#pragma once

#include <cstdint>
#include <string>

#include "grokking/core/tensor.h"

namespace grok {

enum class Pool { kCls, kMean };
Pool parse_pool(const std::string& text);  // "cls" | "mean"; throws UsageError otherwise
std::string to_string(Pool pool);

struct ModelConfig {
  int vocab_size = 99;  // p + 2 tokens: numbers, op, eq
  int n_classes = 99;   // the head predicts over the whole vocabulary, as the reference does
  int seq_len = 4;      // [a, op, b, eq]
  int depth = 2;
  int dim = 128;
  int heads = 1;
  double dropout = 0.2;
  Pool pool = Pool::kCls;
  double rope_base = 1e6;

  int head_dim() const { return dim / heads; }
  int ffn_dim() const { return 4 * dim; }
  int hidden_state_count() const { return 2 * depth + 2; }
  // Throws UsageError naming the key, the value and what is allowed (dim % heads == 0, even
  // head width, positive sizes, dropout in [0, 1)).
  void validate() const;
  bool operator==(const ModelConfig&) const = default;
};

// Names and shapes of every parameter, in the reference's order, kernels [in, out]:
//   embedding.embedding [V,D]
//   layers.{l}.attn.norm.scale [D], layers.{l}.attn.w{q,k,v,o}.kernel [D,D]
//   layers.{l}.ffn.norm.scale [D], layers.{l}.ffn.w1.kernel [D,F], w3 [D,F], w2 [F,D]
//   final_norm.scale [D], output_dense.kernel [D,C]
TensorLayout param_layout(const ModelConfig& config);

// Flax NNX default initialisation (REFERENCE.md §2), drawn from Philox(seed, kInit).
// Distribution parity with Flax, not bit parity. params has layout.total_size() elements.
template <typename S>
void init_params(const ModelConfig& config, const TensorLayout& layout, uint64_t seed, S* params);

}  // namespace grok
