// Initialisation (REFERENCE.md §2, Flax NNX defaults): kernel standard deviations, the
// truncation bound, the embedding scale, unit norm scales, and purity in (seed, tensor,
// element).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "grokking/core/tensor.h"
#include "grokking/model/model_config.h"

namespace grok {
namespace {

struct Moments {
  double mean = 0, std = 0, max_abs = 0;
};

Moments moments(const double* x, std::size_t n) {
  Moments m;
  for (std::size_t i = 0; i < n; ++i) m.mean += x[i] / n;
  for (std::size_t i = 0; i < n; ++i) {
    m.std += (x[i] - m.mean) * (x[i] - m.mean) / n;
    m.max_abs = std::max(m.max_abs, std::abs(x[i]));
  }
  m.std = std::sqrt(m.std);
  return m;
}

TEST(ModelInit, KernelStatisticsFollowFlaxDefaults) {
  const ModelConfig config;  // D = 128, L = 2, V = C = 99
  const TensorLayout layout = param_layout(config);
  std::vector<double> p(layout.total_size(), -5.0);
  init_params(config, layout, 42, p.data());
  for (const TensorSpec& t : layout.tensors()) {
    const Moments m = moments(p.data() + t.offset, t.size());
    if (t.shape.size() == 1) {
      EXPECT_EQ(m.mean, 1.0) << t.name;
      EXPECT_EQ(m.std, 0.0) << t.name;
      continue;
    }
    const double fan_in = static_cast<double>(t.shape[0]);
    if (t.name == "embedding.embedding") {  // N(0, 1/D), not truncated
      const double std = 1.0 / std::sqrt(static_cast<double>(t.shape[1]));
      EXPECT_NEAR(m.std, std, 0.03 * std) << t.name;
      EXPECT_GT(m.max_abs, 2.5 * std) << t.name;  // tails beyond 2σ exist
      continue;
    }
    // Truncated normal: variance exactly 1/fan_in, support [−2σ, 2σ], σ = sqrt(1/fan_in)/0.8796.
    const double target = std::sqrt(1.0 / fan_in);
    const double sigma = target / 0.87962566103423978;
    EXPECT_NEAR(m.std, target, 0.02 * target) << t.name;
    EXPECT_NEAR(m.mean, 0.0, 0.02 * target) << t.name;
    EXPECT_LE(m.max_abs, 2 * sigma) << t.name;
    EXPECT_GT(m.max_abs, 1.9 * sigma) << t.name;  // the truncation bound is reached
  }
  // W2 has fan_in 4D = 512.
  const TensorSpec& w2 = layout.find("layers.1.ffn.w2.kernel");
  EXPECT_NEAR(moments(p.data() + w2.offset, w2.size()).std, std::sqrt(1.0 / 512), 0.001);
  // Padding between tensors is zeroed.
  const TensorSpec& out = layout.find("output_dense.kernel");
  for (std::size_t i = out.offset + out.size(); i < layout.total_size(); ++i) EXPECT_EQ(p[i], 0.0);
}

TEST(ModelInit, PureFunctionOfSeedTensorAndElement) {
  ModelConfig small;
  small.dim = 16;
  small.depth = 1;
  ModelConfig deep = small;
  deep.depth = 3;
  const TensorLayout ls = param_layout(small), ld = param_layout(deep);
  std::vector<double> a(ls.total_size()), b(ls.total_size()), c(ls.total_size()),
      d(ld.total_size());
  init_params(small, ls, 7, a.data());
  init_params(small, ls, 7, b.data());
  init_params(small, ls, 8, c.data());
  init_params(deep, ld, 7, d.data());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // Tensor index t draws from step t: the first layer's tensors agree across depths.
  for (const char* name :
       {"embedding.embedding", "layers.0.attn.wq.kernel", "layers.0.ffn.w2.kernel"}) {
    const TensorSpec& s = ls.find(name);
    const TensorSpec& t = ld.find(name);
    for (std::size_t i = 0; i < s.size(); ++i) ASSERT_EQ(a[s.offset + i], d[t.offset + i]) << name;
  }
  // Different tensors of equal shape differ.
  const TensorSpec& wq = ls.find("layers.0.attn.wq.kernel");
  const TensorSpec& wk = ls.find("layers.0.attn.wk.kernel");
  EXPECT_NE(a[wq.offset], a[wk.offset]);
}

TEST(ModelInit, FloatIsDoubleRounded) {
  ModelConfig c;
  c.dim = 16;
  const TensorLayout layout = param_layout(c);
  std::vector<double> pd(layout.total_size());
  std::vector<float> pf(layout.total_size());
  init_params(c, layout, 3, pd.data());
  init_params(c, layout, 3, pf.data());
  for (std::size_t i = 0; i < pd.size(); ++i) ASSERT_EQ(pf[i], static_cast<float>(pd[i])) << i;
}

}  // namespace
}  // namespace grok
