#include "grokking/model/model_config.h"

#include <cmath>

#include "grokking/core/error.h"

namespace grok {

Pool parse_pool(const std::string& text) {
  if (text == "cls") return Pool::kCls;
  if (text == "mean") return Pool::kMean;
  throw UsageError(fmt::format("pool = '{}' is not a pooling mode; allowed: cls, mean", text));
}

std::string to_string(Pool pool) { return pool == Pool::kCls ? "cls" : "mean"; }

void ModelConfig::check(const std::string& prefix) const {
  if (dim % heads != 0)
    throw UsageError(fmt::format(
        "{}heads: {} does not divide dim = {}; allowed: heads such that dim % heads == 0", prefix,
        heads, dim));
  if (head_dim() % 2 != 0)
    throw UsageError(fmt::format(
        "{}heads: {} gives an odd head width dim / heads = {} (dim = {}); allowed: heads such "
        "that dim / heads is even (RoPE rotates pairs)",
        prefix, heads, head_dim(), dim));
}

void ModelConfig::validate() const { validate_fields(*this); }

void apply_task_shape(const Task& task, ModelConfig& model) {
  model.vocab_size = task.vocab_size();
  model.n_classes = task.n_classes();
  model.seq_len = task.seq_len();
}

TensorLayout param_layout(const ModelConfig& config) {
  const int64_t v = config.vocab_size, d = config.dim, f = config.ffn_dim(), c = config.n_classes;
  TensorLayout layout;
  layout.add("embedding.embedding", {v, d});
  for (int l = 0; l < config.depth; ++l) {
    const std::string p = fmt::format("layers.{}.", l);
    layout.add(p + "attn.norm.scale", {d});
    for (const char* w : {"wq", "wk", "wv", "wo"}) layout.add(p + "attn." + w + ".kernel", {d, d});
    layout.add(p + "ffn.norm.scale", {d});
    layout.add(p + "ffn.w1.kernel", {d, f});
    layout.add(p + "ffn.w3.kernel", {d, f});
    layout.add(p + "ffn.w2.kernel", {f, d});
  }
  layout.add("final_norm.scale", {d});
  layout.add("output_dense.kernel", {d, c});
  return layout;
}

}  // namespace grok
