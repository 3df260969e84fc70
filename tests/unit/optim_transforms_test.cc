// Gradient transforms (optim/grokfast.h, orthogonal_grad.h) against hand-computed steps, and
// decay towards the initial weights; their state restores exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "grokking/optim/grokfast.h"
#include "grokking/optim/optimizer.h"
#include "grokking/optim/orthogonal_grad.h"

namespace grok {
namespace {

TensorLayout two_values() {
  TensorLayout layout;
  layout.add("w", {2});
  return layout;
}

std::vector<float> apply(GradientTransform& t, const TensorLayout& layout, std::vector<float> g,
                         int64_t step, const std::vector<float>& params = {0, 0}) {
  g.resize(layout.total_size(), 0.0f);
  t.apply(layout, params.data(), g.data(), step);
  g.resize(2);
  return g;
}

TEST(Grokfast, EmaStartsFromTheFirstGradient) {
  const TensorLayout layout = two_values();
  GrokfastEma ema(layout, /*alpha=*/0.5, /*lambda=*/2.0);
  // Step 0: mu = g1 = (1, -2); g = g1 + 2 mu = (3, -6).
  EXPECT_EQ(apply(ema, layout, {1, -2}, 0), (std::vector<float>{3, -6}));
  // Step 1: mu = 0.5 (1, -2) + 0.5 (3, 0.5) = (2, -0.75); g = (3, 0.5) + 2 mu = (7, -1).
  EXPECT_EQ(apply(ema, layout, {3, 0.5f}, 1), (std::vector<float>{7, -1}));
  EXPECT_EQ(ema.state_data()[0], 2.0f);
  EXPECT_EQ(ema.state_data()[1], -0.75f);
}

TEST(Grokfast, MaWaitsForAFullWindowThenAddsItsMeanOrSum) {
  const TensorLayout layout = two_values();
  GrokfastMa mean(layout, /*window=*/2, /*lambda=*/5.0, /*sum=*/false);
  EXPECT_EQ(apply(mean, layout, {1, -2}, 0), (std::vector<float>{1, -2}));  // warm-up
  // Window (1, -2), (3, 0.5): mean (2, -0.75); g = (3, 0.5) + 5 (2, -0.75) = (13, -3.25).
  EXPECT_EQ(apply(mean, layout, {3, 0.5f}, 1), (std::vector<float>{13, -3.25f}));
  // The oldest drops out: window (3, 0.5), (-1, 1), mean (1, 0.75); g = (4, 4.75).
  EXPECT_EQ(apply(mean, layout, {-1, 1}, 2), (std::vector<float>{4, 4.75f}));
  GrokfastMa sum(layout, 2, 5.0, /*sum=*/true);
  apply(sum, layout, {1, -2}, 0);
  // Sum (4, -1.5): g = (3, 0.5) + 5 (4, -1.5) = (23, -7).
  EXPECT_EQ(apply(sum, layout, {3, 0.5f}, 1), (std::vector<float>{23, -7}));
}

TEST(OrthogonalGrad, RemovesTheComponentAlongTheWeightsAndKeepsTheNorm) {
  const TensorLayout layout = two_values();
  OrthogonalGrad ortho;
  // θ = (1, 0), g = (1, 1): g⊥ = (0, 1), rescaled to |g| = √2.
  const std::vector<float> g = apply(ortho, layout, {1, 1}, 0, {1, 0});
  EXPECT_EQ(g[0], 0.0f);
  EXPECT_FLOAT_EQ(g[1], std::sqrt(2.0f));
  // θ = 0: unchanged.
  EXPECT_EQ(apply(ortho, layout, {1, 1}, 0, {0, 0}), (std::vector<float>{1, 1}));

  // Several tensors, each projected on its own: θ·g' = 0 and |g'| = |g| per tensor.
  TensorLayout layout3;
  layout3.add("a", {3, 4});
  layout3.add("b", {5});
  std::vector<float> theta(layout3.total_size()), grad(layout3.total_size());
  for (std::size_t i = 0; i < theta.size(); ++i) {
    theta[i] = static_cast<float>(std::sin(1.0 + i));
    grad[i] = static_cast<float>(std::cos(0.3 * i) + 0.5 * std::sin(1.0 + i));
  }
  std::vector<float> out = grad;
  ortho.apply(layout3, theta.data(), out.data(), 0);
  for (const TensorSpec& t : layout3.tensors()) {
    double dot = 0, before = 0, after = 0, theta_norm = 0;
    for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) {
      dot += double{theta[i]} * out[i];
      before += double{grad[i]} * grad[i];
      after += double{out[i]} * out[i];
      theta_norm += double{theta[i]} * theta[i];
    }
    EXPECT_NEAR(dot / std::sqrt(theta_norm * after), 0.0, 1e-6) << t.name;
    EXPECT_NEAR(std::sqrt(after), std::sqrt(before), 1e-5 * std::sqrt(before)) << t.name;
  }
}

TEST(DecayToInit, PullsTowardsTheInitialWeights) {
  const TensorLayout layout = two_values();
  OptimizerConfig config;
  config.learning_rate = 0.1;
  config.weight_decay = 0.5;
  config.warmup_steps = 0;
  config.decay_to = DecayTo::kInit;
  // With zero gradients Adam's part is 0 (m = v = 0), so θ ← θ − η·wd·(θ − θ₀).
  auto opt = make_optimizer(config, layout);
  std::vector<float> theta0 = {1, -2, 0, 0}, theta = {3, -2, 0, 0}, grads(4, 0.0f);
  theta0.resize(layout.total_size());
  theta.resize(layout.total_size());
  grads.resize(layout.total_size());
  opt->set_decay_anchor(theta0.data());
  opt->step(theta.data(), grads.data());
  EXPECT_FLOAT_EQ(theta[0], 3.0f - 0.1f * 0.5f * 2.0f);  // 2.9
  EXPECT_EQ(theta[1], -2.0f);                            // at θ₀: no pull
  // The anchor is state: "decay_to_init." in the checkpoint.
  const auto blocks = opt->state_blocks();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[1].prefix, "decay_to_init.");
  EXPECT_EQ(blocks[1].data[0], 1.0f);
}

TEST(Transforms, MakeOptimizerChainsThemAndTheirStateRestores) {
  TensorLayout layout;
  layout.add("w", {3, 3});
  OptimizerConfig config;
  config.grokfast = Grokfast::kMa;
  config.grokfast_window = 3;
  config.orthogonal_grad = true;
  config.warmup_steps = 0;
  auto gradient = [](int step, std::size_t i) {
    return static_cast<float>(std::sin(0.7 * step + 0.1 * static_cast<double>(i)));
  };
  auto run = [&](Optimizer& opt, std::vector<float>& theta, int from, int to) {
    for (int step = from; step < to; ++step) {
      std::vector<float> g(layout.total_size());
      for (std::size_t i = 0; i < g.size(); ++i) g[i] = gradient(step, i);
      opt.step(theta.data(), g.data());
    }
  };
  std::vector<float> theta(layout.total_size(), 0.5f);
  auto straight = make_optimizer(config, layout);
  run(*straight, theta, 0, 7);
  // Stop after 4 steps, copy every state block into a fresh optimizer, go on.
  std::vector<float> resumed(layout.total_size(), 0.5f);
  auto first = make_optimizer(config, layout);
  run(*first, resumed, 0, 4);
  auto second = make_optimizer(config, layout);
  auto from = first->state_blocks(), to = second->state_blocks();
  ASSERT_EQ(from.size(), 2u);  // the update's and Grokfast MA's window
  EXPECT_EQ(from[1].prefix, "grokfast_ma.");
  for (std::size_t b = 0; b < from.size(); ++b)
    std::copy_n(from[b].data, from[b].layout->total_size(), to[b].data);
  second->set_count(first->count());
  run(*second, resumed, 4, 7);
  EXPECT_EQ(resumed, theta);
}

}  // namespace
}  // namespace grok
