// Debiased linear CKA (debiased_cka.h) against the n×n Gram-matrix form of the unbiased HSIC
// (Song et al. 2012, eq. 5) computed directly here, streaming and shift invariance, and its
// chance level: ≈ 0 for independent representations, where the biased CKA is far from 0.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "grokking/analysis/cka.h"
#include "grokking/analysis/debiased_cka.h"

namespace grok {
namespace {

std::vector<double> gaussian(int64_t n, int d, uint64_t seed, double offset = 0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> x(n * d);
  for (double& v : x) v = normal(rng) + offset;
  return x;
}

// Song et al. 2012 eq. 5 on explicit Gram matrices with zeroed diagonals.
double hsic_gram(const std::vector<double>& x, int dx, const std::vector<double>& y, int dy,
                 int n) {
  std::vector<double> k(n * n), l(n * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double kv = 0, lv = 0;
      for (int d = 0; d < dx; ++d) kv += x[i * dx + d] * x[j * dx + d];
      for (int d = 0; d < dy; ++d) lv += y[i * dy + d] * y[j * dy + d];
      k[i * n + j] = i == j ? 0 : kv;
      l[i * n + j] = i == j ? 0 : lv;
    }
  double trace = 0, sum_k = 0, sum_l = 0, kl1 = 0;
  for (int i = 0; i < n; ++i) {
    double row_k = 0, row_l = 0;
    for (int j = 0; j < n; ++j) {
      trace += k[i * n + j] * l[j * n + i];
      row_k += k[i * n + j];
      row_l += l[i * n + j];
    }
    sum_k += row_k;
    sum_l += row_l;
    kl1 += row_k * row_l;  // 1ᵀK̃L̃1 = Σ_i (K̃1)_i (L̃1)_i (symmetric matrices)
  }
  const double nd = n;
  return (trace + sum_k * sum_l / ((nd - 1) * (nd - 2)) - 2 / (nd - 2) * kl1) / (nd * (nd - 3));
}

double cka_gram(const std::vector<double>& x, int dx, const std::vector<double>& y, int dy, int n) {
  return hsic_gram(x, dx, y, dy, n) /
         std::sqrt(hsic_gram(x, dx, x, dx, n) * hsic_gram(y, dy, y, dy, n));
}

TEST(DebiasedCka, EqualsTheGramMatrixForm) {
  const int n = 37, dx = 5, dy = 3;
  const auto x = gaussian(n, dx, 1, 2.0);
  auto y = gaussian(n, dy, 2);
  for (int i = 0; i < n; ++i) y[i * dy] += 0.8 * x[i * dx] + 0.3 * x[i * dx + 1];  // related
  const double expected = cka_gram(x, dx, y, dy, n);
  EXPECT_NEAR(debiased_linear_cka(x.data(), dx, y.data(), dy, n), expected, 1e-12);
  // In chunks of 10 rows (the first chunk's shift differs from the global mean).
  DebiasedCka streamed(dx, dy);
  for (int begin = 0; begin < n; begin += 10) {
    const int rows = std::min(10, n - begin);
    streamed.add(x.data() + begin * dx, y.data() + begin * dy, rows);
  }
  EXPECT_NEAR(streamed.value(), expected, 1e-12);
  // Identical representations: 1; a shift of one side changes nothing.
  EXPECT_NEAR(debiased_linear_cka(x.data(), dx, x.data(), dx, n), 1.0, 1e-12);
  std::vector<double> shifted = y;
  for (double& v : shifted) v += 100;
  EXPECT_NEAR(debiased_linear_cka(x.data(), dx, shifted.data(), dy, n), expected, 1e-9);
  EXPECT_TRUE(std::isnan(debiased_linear_cka(x.data(), dx, y.data(), dy, 3)));
}

TEST(DebiasedCka, ChanceLevelNearZeroWhereBiasedIsNot) {
  // Independent wide representations on few rows: the biased estimator's floor is large.
  const int n = 60, d = 40;
  const auto x = gaussian(n, d, 3), y = gaussian(n, d, 4);
  const double biased = linear_cka(x.data(), d, y.data(), d, n);
  const double debiased = debiased_linear_cka(x.data(), d, y.data(), d, n);
  EXPECT_GT(biased, 0.3);
  EXPECT_LT(std::abs(debiased), 0.05);
}

}  // namespace
}  // namespace grok
