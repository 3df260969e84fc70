// The transformer's shape (REFERENCE.md §2) and its parameter layout. Not the training
// hyperparameters (train/) nor the task (data/).
#pragma once

#include <cstdint>
#include <string>

#include "grokking/core/schema.h"
#include "grokking/core/tensor.h"
#include "grokking/data/task.h"

namespace grok {

enum class Pool { kCls, kMean };
Pool parse_pool(const std::string& text);  // "cls" | "mean"; throws UsageError otherwise
inline void from_string(const std::string& text, Pool& out) { out = parse_pool(text); }
std::string to_string(Pool pool);

// Largest shapes accepted: far beyond what trains on a CPU, and small enough that every size
// derived from them (4·dim, dim², the arenas) stays within 64-bit and int arithmetic.
inline constexpr int kMaxDepth = 256;
inline constexpr int kMaxDim = 16384;
inline constexpr int kMaxVocab = 1 << 20;
inline constexpr int kMaxSeqLen = 64;  // attention_core.h keeps per-row scratch of this size

struct ModelConfig {
  int depth = 2;
  int dim = 128;
  int heads = 1;
  double dropout = 0.2;
  Pool pool = Pool::kCls;
  // From the task (apply_task_shape) and fixed: not flags.
  int vocab_size = 99;  // p + 2 tokens: numbers, op, eq
  int n_classes = 99;   // the head predicts over the whole vocabulary, as the reference does
  int seq_len = 4;      // [a, op, b, eq]
  double rope_base = 1e6;

  template <typename V>
  void visit(V& v) {
    v(depth, {.name = "depth", .help = "transformer layers", .min = 1, .max = kMaxDepth});
    v(dim, {.name = "dim", .help = "model width D", .min = 1, .max = kMaxDim});
    v(heads, {.name = "heads",
              .help = "attention heads (dim % heads == 0, even head width)",
              .min = 1,
              .max = kMaxDim});
    v(dropout,
      {.name = "dropout", .help = "dropout rate in [0, 1)", .min = 0, .max = 1, .max_open = true});
    v(pool, {.name = "pool", .help = "pooling before the head: cls (last position) or mean"});
    v(vocab_size,
      {.name = "vocab_size", .min = 1, .max = kMaxVocab, .json_name = "n_tokens", .option = false});
    v(n_classes,
      {.name = "n_classes", .min = 1, .max = kMaxVocab, .option = false, .json_optional = true});
    v(seq_len,
      {.name = "seq_len", .min = 1, .max = kMaxSeqLen, .option = false, .json_optional = true});
    v(rope_base,
      {.name = "rope_base", .min = 0, .min_open = true, .option = false, .json_optional = true});
  }

  int head_dim() const { return dim / heads; }
  int ffn_dim() const { return 4 * dim; }
  int hidden_state_count() const { return 2 * depth + 2; }
  // UsageError unless heads divide dim into even head widths (RoPE rotates pairs).
  void check(const std::string& prefix) const;
  // Range checks and check(): UsageError naming the key, the value and what is allowed.
  void validate() const;
  bool operator==(const ModelConfig&) const = default;
};

// The model's vocabulary, classes and sequence length for a task: the one place a model's
// shape follows its task.
void apply_task_shape(const Task& task, ModelConfig& model);

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
