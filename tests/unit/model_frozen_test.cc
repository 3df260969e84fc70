// Frozen tensors (Transformer::set_frozen, for parameter groups with lr_multiplier 0): backward
// skips the weight-gradient GEMMs of frozen kernels, leaving their gradient untouched, and
// every other gradient is bit-identical to a backward without freezing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "grokking/model/transformer.h"
#include "unit/model_test_support.h"

namespace grok {
namespace {

TEST(ParamGroups, TheModelSkipsFrozenKernelsWeightGradients) {
  ModelConfig c;
  c.vocab_size = c.n_classes = 9;
  c.dim = 16;
  c.depth = 1;
  const TensorLayout layout = param_layout(c);
  std::vector<float> params(layout.total_size());
  init_params(c, layout, 3, params.data());
  const std::vector<int32_t> tokens = testing::random_tokens(5 * c.seq_len, c.vocab_size, 4);
  std::vector<float> d_logits(5 * c.n_classes, 0.1f);
  const auto backward = [&](const std::vector<bool>& frozen) {
    Transformer<float> model(c, 5);
    model.set_frozen(frozen);
    std::vector<float> grads(layout.total_size(), 0.0f);
    model.forward(params.data(), tokens.data(), 5, {});
    model.backward(params.data(), d_logits.data(), grads.data());
    return grads;
  };
  const std::vector<float> all = backward(std::vector<bool>(layout.tensors().size(), false));
  std::vector<bool> frozen(layout.tensors().size(), false);
  const auto index_of = [&](const std::string& name) {
    std::size_t t = 0;
    while (layout.at(t).name != name) ++t;
    return t;
  };
  const std::size_t wq = index_of("layers.0.attn.wq.kernel");
  const std::size_t out = index_of("output_dense.kernel");
  frozen[wq] = frozen[out] = true;
  const std::vector<float> some = backward(frozen);
  for (std::size_t t = 0; t < layout.tensors().size(); ++t) {
    const TensorSpec& spec = layout.at(t);
    const bool skipped = t == wq || t == out;
    double largest = 0;
    for (std::size_t i = spec.offset; i < spec.offset + spec.size(); ++i) {
      largest = std::max(largest, double{std::abs(all[i])});
      EXPECT_EQ(some[i], skipped ? 0.0f : all[i]) << spec.name;
    }
    if (skipped) {
      EXPECT_GT(largest, 0.0) << spec.name;  // there was a gradient to skip
    }
  }
}

}  // namespace
}  // namespace grok
