// AdamW and the schedule against REFERENCE.md §3 written out independently in double.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/threads.h"
#include "grokking/optim/adamw.h"
#include "grokking/optim/optimizer.h"

namespace grok {
namespace {

// REFERENCE.md §3, per parameter, in double:
//   m ← b1·m + (1−b1)·g; v ← b2·v + (1−b2)·g²; m̂ = m/(1−b1^(t+1)); v̂ = v/(1−b2^(t+1))
//   θ ← θ − η_t·(m̂/(√v̂ + eps) + wd·θ),  η_t = lr·t/warmup for t < warmup, else lr
struct ReferenceAdamW {
  double lr, b1, b2, eps, wd;
  int64_t warmup;
  std::vector<double> m, v;
  int64_t t = 0;

  double eta(int64_t step) const { return step < warmup ? lr * step / warmup : lr; }
  void step(std::vector<double>& theta, const std::vector<double>& g) {
    m.resize(theta.size(), 0.0);
    v.resize(theta.size(), 0.0);
    for (std::size_t i = 0; i < theta.size(); ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const double m_hat = m[i] / (1 - std::pow(b1, t + 1));
      const double v_hat = v[i] / (1 - std::pow(b2, t + 1));
      theta[i] -= eta(t) * (m_hat / (std::sqrt(v_hat) + eps) + wd * theta[i]);
    }
    ++t;
  }
};

// Parameters "w" [2,3] and "b" [3]: the arena has padding between them.
TensorLayout tiny_layout() {
  TensorLayout layout;
  layout.add("w", {2, 3});
  layout.add("b", {3});
  return layout;
}

// Loss ½·Σ a_i·θ_i², so g_i = a_i·θ_i, over the parameters in layout order.
const std::vector<double> kCurvature = {1.0, 2.0, 0.5, 3.0, 0.25, 1.5, 4.0, 0.75, 2.5};
const std::vector<double> kStart = {1.0, -2.0, 0.5, 1.5, -0.75, 2.0, -1.0, 0.3, -0.6};

void quadratic_grads(const TensorLayout& layout, const float* params, float* grads) {
  std::size_t k = 0;
  for (const TensorSpec& spec : layout.tensors())
    for (std::size_t i = 0; i < spec.size(); ++i, ++k)
      grads[spec.offset + i] = static_cast<float>(kCurvature[k]) * params[spec.offset + i];
}

std::vector<float> pack(const TensorLayout& layout, const std::vector<double>& values) {
  std::vector<float> arena(layout.total_size(), 0.0f);
  std::size_t k = 0;
  for (const TensorSpec& spec : layout.tensors())
    for (std::size_t i = 0; i < spec.size(); ++i) arena[spec.offset + i] = values[k++];
  return arena;
}

std::vector<double> unpack(const TensorLayout& layout, const float* arena) {
  std::vector<double> values;
  for (const TensorSpec& spec : layout.tensors())
    for (std::size_t i = 0; i < spec.size(); ++i) values.push_back(arena[spec.offset + i]);
  return values;
}

OptimizerConfig adamw_config(double lr, double wd, int64_t warmup) {
  OptimizerConfig config;
  config.learning_rate = lr;
  config.weight_decay = wd;
  config.warmup_steps = warmup;
  return config;
}

TEST(Schedule, LinearWarmupFromZeroThenConstant) {
  const OptimizerConfig config = adamw_config(1e-3, 1.0, 10);
  EXPECT_EQ(scheduled_lr(config, 0), 0.0);
  EXPECT_DOUBLE_EQ(scheduled_lr(config, 1), 1e-4);
  EXPECT_DOUBLE_EQ(scheduled_lr(config, 5), 5e-4);
  EXPECT_DOUBLE_EQ(scheduled_lr(config, 9), 9e-4);
  EXPECT_EQ(scheduled_lr(config, 10), 1e-3);
  EXPECT_EQ(scheduled_lr(config, 100000), 1e-3);
  EXPECT_EQ(scheduled_lr(adamw_config(2e-3, 1.0, 0), 0), 2e-3);
}

TEST(OptimizerConfig, DefaultsAreTheReferenceAndValid) {
  const OptimizerConfig config;
  EXPECT_EQ(config.type, "adamw");
  EXPECT_EQ(config.learning_rate, 1e-3);
  EXPECT_EQ(config.beta1, 0.9);
  EXPECT_EQ(config.beta2, 0.98);
  EXPECT_EQ(config.eps, 1e-8);
  EXPECT_EQ(config.weight_decay, 1.0);
  EXPECT_EQ(config.warmup_steps, 10);
  EXPECT_NO_THROW(config.validate());
}

// Each invalid value throws a UsageError whose message names the key and the value.
TEST(OptimizerConfig, ValidateNamesKeyValueAndAllowed) {
  struct Case {
    void (*mutate)(OptimizerConfig&);
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {[](OptimizerConfig& c) { c.type = "sgd"; }, {"optimizer", "'sgd'", "adamw, muon"}},
      {[](OptimizerConfig& c) { c.learning_rate = 0.0; }, {"learning_rate", "0", "> 0"}},
      {[](OptimizerConfig& c) { c.learning_rate = -1e-3; }, {"learning_rate", "-0.001"}},
      {[](OptimizerConfig& c) { c.learning_rate = NAN; }, {"learning_rate", "nan"}},
      {[](OptimizerConfig& c) { c.beta1 = 1.0; }, {"beta1", "1", "[0, 1)"}},
      {[](OptimizerConfig& c) { c.beta1 = -0.1; }, {"beta1", "-0.1", "[0, 1)"}},
      {[](OptimizerConfig& c) { c.beta2 = 1.5; }, {"beta2", "1.5", "[0, 1)"}},
      {[](OptimizerConfig& c) { c.eps = 0.0; }, {"eps", "0", "> 0"}},
      {[](OptimizerConfig& c) { c.weight_decay = -0.5; }, {"weight_decay", "-0.5", ">= 0"}},
      {[](OptimizerConfig& c) { c.warmup_steps = -3; }, {"warmup_steps", "-3"}},
  };
  for (const Case& test_case : cases) {
    OptimizerConfig config;
    test_case.mutate(config);
    try {
      config.validate();
      ADD_FAILURE() << "no error for " << test_case.expected[0];
    } catch (const UsageError& e) {
      EXPECT_EQ(e.exit_code(), kExitUsage);
      for (const std::string& part : test_case.expected)
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
            << "'" << e.what() << "' lacks '" << part << "'";
    }
  }
  OptimizerConfig config;
  config.beta2 = 0.0;  // the closed end of [0, 1) is allowed
  config.weight_decay = 0.0;
  config.warmup_steps = 0;
  EXPECT_NO_THROW(config.validate());
  config.type = "Adam";
  EXPECT_THROW(make_optimizer(config, tiny_layout()), UsageError);
}

TEST(AdamW, StateLayoutNamesEveryParameter) {
  const TensorLayout layout = tiny_layout();
  const auto opt = make_optimizer(OptimizerConfig{}, layout);
  EXPECT_NE(dynamic_cast<AdamW*>(opt.get()), nullptr);
  const TensorLayout& state = opt->state_layout();
  ASSERT_EQ(state.tensors().size(), 4u);
  EXPECT_EQ(state.at(0).name, "adam.mu.w");
  EXPECT_EQ(state.at(1).name, "adam.mu.b");
  EXPECT_EQ(state.at(2).name, "adam.nu.w");
  EXPECT_EQ(state.at(3).name, "adam.nu.b");
  EXPECT_EQ(state.find("adam.nu.w").shape, (Shape{2, 3}));
  for (std::size_t i = 0; i < state.total_size(); ++i) EXPECT_EQ(opt->state_data()[i], 0.0f);
  EXPECT_EQ(opt->count(), 0);
}

// With warmup the first update has lr 0: parameters are bit-identical afterwards, but the
// moments have taken in the gradient and the count has advanced.
TEST(AdamW, FirstWarmupStepChangesNoParameter) {
  const TensorLayout layout = tiny_layout();
  const auto opt = make_optimizer(adamw_config(1e-2, 1.0, 5), layout);
  std::vector<float> params = pack(layout, kStart), grads(layout.total_size(), 0.0f);
  const std::vector<float> before = params;
  quadratic_grads(layout, params.data(), grads.data());
  opt->step(params.data(), grads.data());
  EXPECT_EQ(std::memcmp(params.data(), before.data(), params.size() * sizeof(float)), 0);
  EXPECT_EQ(opt->count(), 1);
  const std::size_t w = layout.find("w").offset;
  const float* mu = opt->state_data() + opt->state_layout().find("adam.mu.w").offset;
  const float* nu = opt->state_data() + opt->state_layout().find("adam.nu.w").offset;
  for (int i = 0; i < 6; ++i) {
    const double g = kCurvature[i] * kStart[i];
    EXPECT_NEAR(mu[i], 0.1 * g, 1e-6 * std::abs(g));
    EXPECT_NEAR(nu[i], 0.02 * g * g, 1e-6 * g * g);
    EXPECT_EQ(grads[w + i], static_cast<float>(g));
  }
}

// One step without warmup, closed form: m̂ = g and v̂ = g², so
// θ' = θ − lr·(g/(|g| + eps) + wd·θ).
TEST(AdamW, OneStepClosedForm) {
  const TensorLayout layout = tiny_layout();
  const double lr = 0.1, wd = 0.5;
  const auto opt = make_optimizer(adamw_config(lr, wd, 0), layout);
  std::vector<float> params = pack(layout, kStart), grads(layout.total_size(), 0.0f);
  quadratic_grads(layout, params.data(), grads.data());
  opt->step(params.data(), grads.data());
  const std::vector<double> got = unpack(layout, params.data());
  for (std::size_t k = 0; k < kStart.size(); ++k) {
    const double g = kCurvature[k] * kStart[k];
    const double expected = kStart[k] - lr * (g / (std::abs(g) + 1e-8) + wd * kStart[k]);
    EXPECT_NEAR(got[k], expected, 1e-6) << k;
  }
  // e.g. θ = 1, g = 1: 1 − 0.1·(1 + 0.5) = 0.85.
  EXPECT_NEAR(got[0], 0.85, 1e-6);
}

// Bias correction: with a constant gradient m̂ = g and v̂ = g² at every step (exactly, in
// real arithmetic), so each step moves θ by lr·g/(|g| + eps). Without the (t+1) correction
// the first steps would be 0.1/√0.02 ≈ 0.71 times as long.
TEST(AdamW, BiasCorrectionMakesConstantGradientStepsEqual) {
  TensorLayout layout;
  layout.add("x", {4});
  const double lr = 0.01;
  const auto opt = make_optimizer(adamw_config(lr, 0.0, 0), layout);
  std::vector<float> params = {1.0f, -1.0f, 0.5f, 2.0f}, grads = {0.3f, -2.0f, 1e-3f, 5.0f};
  params.resize(layout.total_size(), 0.0f);
  grads.resize(layout.total_size(), 0.0f);
  const std::vector<float> start = params;
  for (int k = 1; k <= 20; ++k) {
    opt->step(params.data(), grads.data());
    for (int i = 0; i < 4; ++i) {
      const double g = grads[i];
      EXPECT_NEAR(params[i], start[i] - k * lr * g / (std::abs(g) + 1e-8), 2e-6)
          << "step " << k << " element " << i;
    }
  }
}

// Several steps on the quadratic, through warmup and decay, against the double reference.
TEST(AdamW, ManyStepsMatchDoubleReference) {
  const TensorLayout layout = tiny_layout();
  OptimizerConfig config = adamw_config(0.05, 1.0, 4);
  config.beta1 = 0.8;
  config.beta2 = 0.95;
  config.eps = 1e-6;
  const auto opt = make_optimizer(config, layout);
  ReferenceAdamW ref{0.05, 0.8, 0.95, 1e-6, 1.0, 4, {}, {}};
  std::vector<float> params = pack(layout, kStart), grads(layout.total_size(), 0.0f);
  std::vector<double> theta = kStart;
  for (int t = 0; t < 30; ++t) {
    quadratic_grads(layout, params.data(), grads.data());
    opt->step(params.data(), grads.data());
    std::vector<double> g(theta.size());
    for (std::size_t k = 0; k < g.size(); ++k) g[k] = kCurvature[k] * theta[k];
    ref.step(theta, g);
    const std::vector<double> got = unpack(layout, params.data());
    for (std::size_t k = 0; k < theta.size(); ++k)
      ASSERT_NEAR(got[k], theta[k], 2e-5 * (1 + std::abs(theta[k]))) << "t " << t << " k " << k;
  }
  EXPECT_EQ(opt->count(), 30);
  // The run went somewhere: decay and the gradient pulled every parameter towards 0.
  const std::vector<double> got = unpack(layout, params.data());
  for (std::size_t k = 0; k < theta.size(); ++k) EXPECT_LT(std::abs(got[k]), std::abs(kStart[k]));
}

// Restoring the state arena and count into a fresh optimizer reproduces the next steps
// bit for bit; a fresh optimizer without the restore does not.
TEST(AdamW, StateRestoreReproducesNextStepsBitIdentically) {
  const TensorLayout layout = tiny_layout();
  const OptimizerConfig config = adamw_config(0.05, 1.0, 3);
  const auto original = make_optimizer(config, layout);
  std::vector<float> params = pack(layout, kStart), grads(layout.total_size(), 0.0f);
  for (int t = 0; t < 5; ++t) {
    quadratic_grads(layout, params.data(), grads.data());
    original->step(params.data(), grads.data());
  }
  const std::size_t n = original->state_layout().total_size();
  const std::vector<float> saved_state(original->state_data(), original->state_data() + n);
  const int64_t saved_count = original->count();
  const std::vector<float> saved_params = params;

  const auto restored = make_optimizer(config, layout);
  ASSERT_TRUE(restored->state_layout() == original->state_layout());
  std::memcpy(restored->state_data(), saved_state.data(), n * sizeof(float));
  restored->set_count(saved_count);
  const auto unrestored = make_optimizer(config, layout);

  std::vector<float> params_restored = saved_params, params_unrestored = saved_params;
  std::vector<float> grads_b(grads.size()), grads_c(grads.size());
  for (int t = 0; t < 3; ++t) {
    quadratic_grads(layout, params.data(), grads.data());
    original->step(params.data(), grads.data());
    quadratic_grads(layout, params_restored.data(), grads_b.data());
    restored->step(params_restored.data(), grads_b.data());
    quadratic_grads(layout, params_unrestored.data(), grads_c.data());
    unrestored->step(params_unrestored.data(), grads_c.data());
  }
  EXPECT_EQ(std::memcmp(params.data(), params_restored.data(), params.size() * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(original->state_data(), restored->state_data(), n * sizeof(float)), 0);
  EXPECT_EQ(restored->count(), 8);
  EXPECT_NE(std::memcmp(params.data(), params_unrestored.data(), params.size() * sizeof(float)), 0);
}

// A tensor large enough for the multi-threaded loop gives the same bits with 1 and 3
// threads, and matches the double reference.
TEST(AdamW, LargeTensorIsThreadCountIndependent) {
  TensorLayout layout;
  layout.add("big", {150, 200});
  const std::size_t n = 150 * 200;
  std::vector<float> start(n);
  for (std::size_t i = 0; i < n; ++i) start[i] = static_cast<float>(std::sin(0.37 * i));
  auto run = [&](int threads) {
    set_num_threads(threads);
    const auto opt = make_optimizer(adamw_config(0.01, 1.0, 2), layout);
    std::vector<float> params = start, grads(n);
    for (int t = 0; t < 4; ++t) {
      for (std::size_t i = 0; i < n; ++i) grads[i] = params[i] * (1.0f + float(i % 7));
      opt->step(params.data(), grads.data());
    }
    return params;
  };
  const std::vector<float> one = run(1), three = run(3);
  set_num_threads(1);
  EXPECT_EQ(std::memcmp(one.data(), three.data(), n * sizeof(float)), 0);
  ReferenceAdamW ref{0.01, 0.9, 0.98, 1e-8, 1.0, 2, {}, {}};
  std::vector<double> theta(start.begin(), start.end()), g(n);
  for (int t = 0; t < 4; ++t) {
    for (std::size_t i = 0; i < n; ++i) g[i] = theta[i] * (1.0 + double(i % 7));
    ref.step(theta, g);
  }
  for (std::size_t i = 0; i < n; ++i) ASSERT_NEAR(one[i], theta[i], 1e-5) << i;
}

}  // namespace
}  // namespace grok
