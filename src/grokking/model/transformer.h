// The decoder-only transformer of REFERENCE.md §2 with explicit forward and hand-written
// backward. All activations live in one arena sized from (config, max_batch) and allocated
// once; no allocation happens in forward or backward.
//
// Gradient convention (the whole model/ folder): parameter gradients ACCUMULATE into `grads`;
// activation gradients overwrite, except where several paths meet (residual adds and the
// distillation taps below), which accumulate.
//
// Templated on the scalar S: float for training (GEMMs through the BLAS backend), double for
// gradient checks (reference GEMM).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "grokking/model/model_config.h"

namespace grok {

// How much of the last layer a cls-pooled forward computes (mean pooling reads every position,
// so it always computes the whole layer).
enum class LastLayer {
  kTrimmed,        // position T-1 only: what the head reads
  kAttentionMaps,  // and the queries and attention maps of every position (attention-map taps)
  kFull,           // every position (hidden-state taps)
};

struct ForwardOptions {
  bool training = false;      // dropout on (inverted, Philox-driven)
  uint64_t dropout_seed = 0;  // Philox key of the dropout masks
  uint64_t step = 0;          // global step: masks are a pure function of (seed, step, site)
  int first_example = 0;      // these examples are first_example.. of a larger batch (a
                              // shard): dropout masks are the ones they have there
  LastLayer last_layer = LastLayer::kTrimmed;
};

// The first `length` tokens of a batch's examples, run once per distinct prefix (causal
// attention: positions below `length` depend on nothing after them): per layer, the keys
// (after RoPE) and values of those positions, [G·length, D] for G distinct prefixes, and
// which prefix each example has (index [B], in [0, G)). See forward_after_prefix.
template <typename S>
struct SharedPrefix {
  int length = 0;
  std::vector<const S*> keys, values;  // per layer
  const int32_t* index = nullptr;
};

template <typename S>
class Transformer {
 public:
  Transformer(const ModelConfig& config, int max_batch);
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;

  const ModelConfig& config() const;
  int max_batch() const;

  // tokens [B,T] int32 → logits [B,C] (valid until the next forward). Saves what backward
  // needs. Zeroes the tap gradients.
  const S* forward(const S* params, const int32_t* tokens, int batch, const ForwardOptions& opts);

  // Inference forward (cls pooling) of examples whose positions [0, prefix.length) were
  // already run: those positions' keys and values come from `prefix`, the rest is computed as
  // forward does. The same logits as forward (up to rounding), for a fraction of the work.
  // Taps are not valid after it, and backward refuses it.
  const S* forward_after_prefix(const S* params, const int32_t* tokens, int batch,
                                const SharedPrefix<S>& prefix);

  // d_logits [B,C] → grads += dL/dparams (grads has param_layout(config).total_size()
  // elements). Picks up whatever was added into the tap gradients since forward.
  void backward(const S* params, const S* d_logits, S* grads);
  // Tensors (param_layout order) whose gradient is not needed: backward skips the weight-
  // gradient GEMMs of those that are kernels (attention, FFN, output), leaving their gradient
  // untouched; the other tensors' gradients (norm scales, embedding: no GEMM) are computed.
  void set_frozen(const std::vector<bool>& frozen);

  // Taps, valid after forward. hidden_state(k) [B,T,D], k in [0, 2L+2): embedding output,
  // after attention of layer 1, after FFN of layer 1, ..., after FFN of the last layer, final
  // norm output. attention_probs(l) [B,H,T,T]. With cls pooling and a last_layer other than
  // kFull, the last layer's rows and the final norm hold only position T-1 (others are
  // unspecified), and so does its attention map unless last_layer is kAttentionMaps.
  const S* hidden_state(int k) const;
  const S* attention_probs(int layer) const;
  // Layer l's keys (after RoPE) and values [B,T,D], valid after forward: what a SharedPrefix
  // holds.
  const S* attention_keys(int layer) const;
  const S* attention_values(int layer) const;
  // Gradient seeds at the taps (same shapes), zeroed by forward; add into them before backward.
  S* d_hidden_state(int k);
  S* d_attention_probs(int layer);

 private:
  const S* run_forward(const S* params, const int32_t* tokens, int batch,
                       const ForwardOptions& opts);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

extern template class Transformer<float>;
extern template class Transformer<double>;

}  // namespace grok
