// Helpers shared by the model tests: random fills, a tiny model config and a central-difference
// gradient check.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "grokking/core/philox.h"
#include "grokking/model/model_config.h"

namespace grok::testing {

// A tiny model of 9 tokens and 9 classes (p 7 and its two special tokens), 2 heads, no dropout.
inline ModelConfig tiny_model(int dim, int depth) {
  ModelConfig c;
  c.vocab_size = c.n_classes = 9;
  c.dim = dim;
  c.heads = 2;
  c.depth = depth;
  c.dropout = 0.0;
  return c;
}

// Uniform in [-scale, scale), a pure function of (seed, index).
inline std::vector<double> random_vector(std::size_t n, uint64_t seed, double scale = 1.0) {
  const Philox rng(seed, RngPurpose::kTest, 0);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * (2.0 * rng.uniform(i) - 1.0);
  return v;
}

inline std::vector<int32_t> random_tokens(std::size_t n, int vocab, uint64_t seed) {
  const Philox rng(seed, RngPurpose::kTest, 1);
  std::vector<int32_t> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<int32_t>(rng.block(i)[0] % vocab);
  return t;
}

inline double dot(const double* a, const double* b, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

// Compares analytic[i] with a central difference of loss() (which evaluates L at the current
// contents of x) for every i < n. The five-point stencil
//   (−L(x+2h) + 8·L(x+h) − 8·L(x−h) + L(x−2h)) / 12h
// has O(h⁴) truncation error, so curvature (tiny models, dropout scaling) does not mask a
// wrong gradient. Tolerance: relative 1e-6 with an absolute floor of 1e-8.
template <typename Loss>
void expect_gradient(const std::string& what, double* x, const double* analytic, std::size_t n,
                     Loss&& loss, double h = 1e-4) {
  double worst = 0;
  std::size_t worst_at = 0;
  int failures = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double saved = x[i];
    auto at = [&](double offset) {
      x[i] = saved + offset;
      return loss();
    };
    const double numeric = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    x[i] = saved;
    const double err =
        std::abs(numeric - analytic[i]) / std::max(1e-2, std::abs(numeric) + std::abs(analytic[i]));
    if (err > worst) worst = err, worst_at = i;
    if (std::abs(numeric - analytic[i]) > 1e-8 + 1e-6 * std::abs(numeric) && ++failures <= 5)
      ADD_FAILURE() << what << "[" << i << "]: analytic " << analytic[i] << " numeric " << numeric;
  }
  double largest = 0;
  for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, std::abs(analytic[i]));
  EXPECT_GT(largest, 1e-6) << what << ": the gradient vanishes, the check proves nothing";
  EXPECT_EQ(failures, 0) << what << ": worst relative error " << worst << " at " << worst_at;
}

}  // namespace grok::testing
