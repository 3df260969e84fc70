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

void ModelConfig::validate() const {
  const auto positive = [](const char* key, int value) {
    if (value <= 0)
      throw UsageError(fmt::format("{} = {} is invalid; allowed: a positive integer", key, value));
  };
  positive("vocab_size", vocab_size);
  positive("n_classes", n_classes);
  positive("seq_len", seq_len);
  positive("depth", depth);
  positive("dim", dim);
  positive("heads", heads);
  if (dim % heads != 0)
    throw UsageError(fmt::format(
        "heads = {} does not divide dim = {}; allowed: heads such that dim % heads == 0", heads,
        dim));
  if (head_dim() % 2 != 0)
    throw UsageError(fmt::format(
        "heads = {} gives an odd head width dim / heads = {} (dim = {}); allowed: heads such "
        "that dim / heads is even (RoPE rotates pairs)",
        heads, head_dim(), dim));
  if (!(dropout >= 0.0 && dropout < 1.0))
    throw UsageError(fmt::format("dropout = {} is invalid; allowed: 0 <= dropout < 1", dropout));
  if (!(rope_base > 0.0) || !std::isfinite(rope_base))
    throw UsageError(
        fmt::format("rope_base = {} is invalid; allowed: a finite number > 0", rope_base));
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
