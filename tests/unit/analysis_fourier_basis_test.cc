// The Fourier basis by operation (fourier_basis.h) and the grid spectrum of activations
// (grid_fourier.h): primitive roots against their definition, a discrete-log embedding built
// from known frequencies recovered exactly in the basis of its operation (+ − × ÷) and smeared
// in the other, and the 2-D spectrum on planted functions of (a, b).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <set>
#include <vector>

#include "grokking/analysis/fourier.h"
#include "grokking/analysis/fourier_basis.h"
#include "grokking/analysis/grid_fourier.h"

namespace grok {
namespace {

TEST(FourierBasis, PrimitiveRootsAreTheSmallestGenerators) {
  // Smallest primitive roots (OEIS A001918): 3 2 2 3 2 5 ... 97 → 5, 113 → 3.
  const std::vector<std::pair<int, int>> known = {{3, 2},  {5, 2},  {7, 3},  {11, 2},
                                                  {13, 2}, {17, 3}, {19, 2}, {23, 5},
                                                  {41, 6}, {97, 5}, {113, 3}};
  for (const auto& [p, g] : known) {
    EXPECT_EQ(primitive_root(p), g) << p;
    // By definition: the powers of g run over every non-zero residue, and no smaller g does.
    std::set<int> seen;
    int64_t a = 1;
    for (int i = 0; i < p - 1; ++i, a = a * g % p) seen.insert(static_cast<int>(a));
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(p - 1)) << p;
  }
}

TEST(FourierBasis, GroupByOperation) {
  EXPECT_EQ(fourier_basis_for(Operation::kAdd, 97), FourierBasis::kAdditive);
  EXPECT_EQ(fourier_basis_for(Operation::kSub, 97), FourierBasis::kAdditive);
  EXPECT_EQ(fourier_basis_for(Operation::kMul, 97), FourierBasis::kMultiplicative);
  EXPECT_EQ(fourier_basis_for(Operation::kDiv, 97), FourierBasis::kMultiplicative);
  EXPECT_EQ(fourier_basis_for(Operation::kMul, 15), FourierBasis::kAdditive);  // not cyclic
  const FourierGroup g = fourier_group(FourierBasis::kMultiplicative, 7);
  EXPECT_EQ(g.generator, 3);
  EXPECT_EQ(g.order, 6);
  EXPECT_EQ(g.element, (std::vector<int>{1, 3, 2, 6, 4, 5}));  // 3^i mod 7
  EXPECT_EQ(g.index_of, (std::vector<int>{-1, 0, 2, 1, 4, 5, 3}));
  EXPECT_EQ(g.frequency_count(), 3);
}

// E[a] = Σ_f cos(2πf·x(a)/n)·u_f + sin(…)·w_f with x(a) = a (additive, n = p) or
// x(a) = log_g a (multiplicative, n = p − 1); ‖u_f‖² + ‖w_f‖² = 1 and u_f ⊥ w_f of equal
// length, so norm_f = n/2 exactly. Token 0 (multiplicative) gets the row z.
std::vector<double> planted(int p, int dim, FourierBasis basis, const std::vector<int>& freqs) {
  const FourierGroup group = fourier_group(basis, p);
  const int n = group.order;
  std::vector<double> e(p * dim, 0.0);
  for (std::size_t q = 0; q < freqs.size(); ++q)
    for (int i = 0; i < n; ++i) {
      const double angle = 2 * std::numbers::pi * freqs[q] * i / n;
      // u_f = e_{2q}/√2, w_f = e_{2q+1}/√2.
      e[group.element[i] * dim + 2 * q] += std::cos(angle) / std::sqrt(2.0);
      e[group.element[i] * dim + 2 * q + 1] += std::sin(angle) / std::sqrt(2.0);
    }
  if (basis == FourierBasis::kMultiplicative) e[dim - 1] = 3.0;  // token 0's row: z = 3·e_{D−1}
  return e;
}

TEST(FourierBasis, PlantedFrequenciesRecoveredForEveryOperation) {
  const int p = 97, dim = 8;
  const std::vector<int> freqs = {5, 6, 31};
  for (const Operation op : {Operation::kAdd, Operation::kSub, Operation::kMul, Operation::kDiv}) {
    const FourierBasis basis = fourier_basis_for(op, p);
    const FourierGroup group = fourier_group(basis, p);
    const auto e = planted(p, dim, basis, freqs);
    const FourierSpectrum s = fourier_spectrum(e.data(), dim, group);
    const int n = group.order;
    EXPECT_EQ(s.basis, basis);
    EXPECT_EQ(s.order, n);
    ASSERT_EQ(s.norm.size(), static_cast<std::size_t>(n / 2));
    for (int k = 1; k <= n / 2; ++k) {
      const bool planted_k = k == 5 || k == 6 || k == 31;
      EXPECT_NEAR(s.norm[k - 1], planted_k ? n / 2.0 : 0.0, 1e-9) << to_string(op) << " k " << k;
    }
    EXPECT_EQ(s.key_frequencies, freqs) << to_string(op);
    // Three equal non-zero norms among K: Gini = Σ_{i=K−2..K}(2i − K − 1)/(3K) = (K − 3)/K.
    const double K = n / 2;
    EXPECT_NEAR(s.gini, (K - 3) / K, 1e-9) << to_string(op);
    if (basis == FourierBasis::kMultiplicative) {
      EXPECT_EQ(s.generator, 5);
      EXPECT_NEAR(s.zero_norm, 3.0, 1e-12);  // the group rows have mean 0
      // The same embedding read in the additive basis is smeared: no clean spike.
      const FourierSpectrum wrong =
          fourier_spectrum(e.data(), dim, fourier_group(FourierBasis::kAdditive, p));
      EXPECT_LT(wrong.gini, 0.5 * s.gini);
    } else {
      EXPECT_TRUE(std::isnan(s.zero_norm));
    }
  }
}

TEST(GridFourier, OneFrequencyFunctionsOfBothOperands) {
  const int p = 13, dim = 3;
  const FourierGroup group = fourier_group(FourierBasis::kMultiplicative, p);  // n = 12
  const int n = group.order, k = 5;
  auto angle = [&](int f, int i) { return 2 * std::numbers::pi * f * i / n; };
  std::vector<double> x(n * n * dim, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double* v = x.data() + (i * n + j) * dim;
      v[0] = std::cos(angle(k, i) + angle(k, j));  // cos(w(a+b)): F(k,k) = n²/2
      v[1] = std::cos(angle(k, i));                // F(k,0) = n²/2
      v[2] = std::cos(angle(2, i) + angle(3, j));  // a cross-frequency term: in no norm_k
    }
  const FourierSpectrum s = grid_fourier(x.data(), dim, group);
  ASSERT_EQ(s.norm.size(), 6u);
  for (int f = 1; f <= 6; ++f)
    EXPECT_NEAR(s.norm[f - 1], f == k ? std::sqrt(2.0) * n * n / 2.0 : 0.0, 1e-8) << f;
  EXPECT_EQ(s.key_frequencies, (std::vector<int>{k}));
  // Nyquist (k = n/2): (k, −k) is (k, k) and is counted once: cos(π(i + j)) gives F = n².
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double* v = x.data() + (i * n + j) * dim;
      v[0] = std::cos(angle(6, i) + angle(6, j));
      v[1] = v[2] = 0;
    }
  EXPECT_NEAR(grid_fourier(x.data(), dim, group).norm[5], double(n) * n, 1e-8);
}

}  // namespace
}  // namespace grok
