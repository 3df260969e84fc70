// Linear CKA, the symmetric Jacobi eigen-solver and the effective rank against hand-computed
// values and constructions with known answers: CKA(X, X) = 1, invariance to a random rotation
// and an isotropic scaling, near 0 for independent data, a 3×2 example by hand; eigenvalues of
// matrices with known spectra; effective rank of U·diag(σ)·Vᵀ with random orthogonal U, V.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "grokking/analysis/cka.h"
#include "grokking/analysis/effective_rank.h"
#include "grokking/analysis/symmetric_eigen.h"

namespace grok {
namespace {

using Matrix = std::vector<double>;  // row-major

Matrix gaussian(int rows, int cols, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Matrix m(static_cast<std::size_t>(rows) * cols);
  for (double& v : m) v = normal(rng);
  return m;
}

// [rows,cols] with orthonormal columns (rows >= cols): modified Gram–Schmidt of a Gaussian.
Matrix orthonormal_columns(int rows, int cols, uint64_t seed) {
  Matrix q = gaussian(rows, cols, seed);
  for (int j = 0; j < cols; ++j) {
    for (int i = 0; i < j; ++i) {
      double dot = 0;
      for (int r = 0; r < rows; ++r) dot += q[r * cols + i] * q[r * cols + j];
      for (int r = 0; r < rows; ++r) q[r * cols + j] -= dot * q[r * cols + i];
    }
    double norm = 0;
    for (int r = 0; r < rows; ++r) norm += q[r * cols + j] * q[r * cols + j];
    for (int r = 0; r < rows; ++r) q[r * cols + j] /= std::sqrt(norm);
  }
  return q;
}

// a [m,k] · b [k,n].
Matrix multiply(const Matrix& a, const Matrix& b, int m, int k, int n) {
  Matrix c(static_cast<std::size_t>(m) * n, 0.0);
  for (int i = 0; i < m; ++i)
    for (int p = 0; p < k; ++p)
      for (int j = 0; j < n; ++j) c[i * n + j] += a[i * k + p] * b[p * n + j];
  return c;
}

Matrix transpose(const Matrix& a, int rows, int cols) {
  Matrix t(a.size());
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) t[j * rows + i] = a[i * cols + j];
  return t;
}

TEST(LinearCka, IdenticalRepresentationsGiveOne) {
  const Matrix x = gaussian(200, 6, 1);
  EXPECT_NEAR(linear_cka(x.data(), 6, x.data(), 6, 200), 1.0, 1e-12);
}

TEST(LinearCka, InvariantToRotationAndIsotropicScaling) {
  const int n = 300, d = 5;
  const Matrix x = gaussian(n, d, 2);
  Matrix y = gaussian(n, 4, 3);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += 0.5 * x[(i / 4) * d + i % 4];  // related
  const double base = linear_cka(x.data(), d, y.data(), 4, n);
  ASSERT_GT(base, 0.05);
  ASSERT_LT(base, 0.95);
  Matrix rotated = multiply(y, orthonormal_columns(4, 4, 4), n, 4, 4);
  for (double& v : rotated) v *= 37.5;  // isotropic scaling
  EXPECT_NEAR(linear_cka(x.data(), d, rotated.data(), 4, n), base, 1e-12);
  // A translation of the rows is removed by the centring.
  Matrix shifted = y;
  for (std::size_t i = 0; i < shifted.size(); ++i)
    shifted[i] += 1000.0 + static_cast<double>(i % 4);
  EXPECT_NEAR(linear_cka(x.data(), d, shifted.data(), 4, n), base, 1e-9);
  // Symmetric in its arguments.
  EXPECT_NEAR(linear_cka(y.data(), 4, x.data(), d, n), base, 1e-12);
}

TEST(LinearCka, NonIsotropicScalingChangesIt) {  // so the invariance test above can fail
  const int n = 300;
  const Matrix x = gaussian(n, 3, 5);
  Matrix y = x;
  for (int r = 0; r < n; ++r) y[r * 3] *= 10;
  EXPECT_LT(linear_cka(x.data(), 3, y.data(), 3, n), 0.9);
}

TEST(LinearCka, IndependentDataIsNearZero) {
  const int n = 4000, d = 8;
  const Matrix x = gaussian(n, d, 6), y = gaussian(n, d, 7);
  // Expected about sqrt(dx·dy)/n = 0.002.
  EXPECT_LT(linear_cka(x.data(), d, y.data(), d, n), 0.02);
}

TEST(LinearCka, HandComputedExample) {
  // X = [[1,2],[3,4],[5,0]] → centred [[-2,0],[0,2],[2,-2]], XᵀX = [[8,-4],[-4,8]], ‖·‖² = 160.
  // Y = [1,0,2]ᵀ → centred [0,-1,1], YᵀY = 2, YᵀX = [2,-4], ‖·‖² = 20.
  // CKA = 20 / (sqrt(160)·2) = sqrt(10)/4.
  const Matrix x = {1, 2, 3, 4, 5, 0}, y = {1, 0, 2};
  EXPECT_NEAR(linear_cka(x.data(), 2, y.data(), 1, 3), std::sqrt(10.0) / 4, 1e-14);
}

TEST(LinearCka, ChunkedEqualsOneShotAndFloatInput) {
  const int n = 103, dx = 4, dy = 3;
  const Matrix x = gaussian(n, dx, 8), y = gaussian(n, dy, 9);
  const double whole = linear_cka(x.data(), dx, y.data(), dy, n);
  LinearCka chunked(dx, dy);
  for (int begin = 0; begin < n; begin += 10) {
    const int rows = std::min(10, n - begin);
    chunked.add(x.data() + begin * dx, y.data() + begin * dy, rows);
  }
  EXPECT_EQ(chunked.rows(), n);
  EXPECT_NEAR(chunked.value(), whole, 1e-12);
  const std::vector<float> xf(x.begin(), x.end()), yf(y.begin(), y.end());
  LinearCka from_float(dx, dy);
  from_float.add(xf.data(), yf.data(), n);
  EXPECT_NEAR(from_float.value(), whole, 1e-5);
}

TEST(LinearCka, ConstantRepresentationIsNaN) {
  const Matrix x = gaussian(10, 2, 10), y(10, 3.0);
  EXPECT_TRUE(std::isnan(linear_cka(x.data(), 2, y.data(), 1, 10)));
}

TEST(SymmetricEigen, KnownMatrices) {
  auto two = symmetric_eigenvalues({2, 1, 1, 2}, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NEAR(two[0], 3, 1e-14);
  EXPECT_NEAR(two[1], 1, 1e-14);
  // Tridiagonal (4 on the diagonal, 1 beside it): 4 + 2·cos(kπ/4), k = 1..3.
  auto three = symmetric_eigenvalues({4, 1, 0, 1, 4, 1, 0, 1, 4}, 3);
  EXPECT_NEAR(three[0], 4 + std::sqrt(2.0), 1e-13);
  EXPECT_NEAR(three[1], 4, 1e-13);
  EXPECT_NEAR(three[2], 4 - std::sqrt(2.0), 1e-13);
  auto diagonal = symmetric_eigenvalues({-1, 0, 0, 5}, 2);
  EXPECT_EQ(diagonal, (std::vector<double>{5, -1}));
}

TEST(SymmetricEigen, RandomOrthogonalConjugate) {
  const int n = 12;
  const std::vector<double> want = {9, 7.5, 3, 2, 1, 0.5, 0.25, 1e-3, 0, -0.5, -2, -6};
  const Matrix q = orthonormal_columns(n, n, 11);
  Matrix diag(n * n, 0.0);
  for (int i = 0; i < n; ++i) diag[i * n + i] = want[i];
  const Matrix a = multiply(multiply(q, diag, n, n, n), transpose(q, n, n), n, n, n);
  const auto got = symmetric_eigenvalues(a, n);
  ASSERT_EQ(got.size(), want.size());
  for (int i = 0; i < n; ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
}

TEST(EffectiveRank, FromSingularValues) {
  // Kept: σ > 0.01·5 = 0.05, so 0.001 is dropped. (5+3+2+1+0.5)² / (25+9+4+1+0.25).
  const auto r = effective_rank_from_singular_values({1, 5, 0.001, 3, 0.5, 2});
  EXPECT_EQ(r.kept, 5);
  EXPECT_NEAR(r.effective_rank, 132.25 / 39.25, 1e-14);
  EXPECT_EQ(r.singular_values.front(), 5);
  EXPECT_EQ(effective_rank_from_singular_values({4, 4, 4}).effective_rank, 3);
  EXPECT_EQ(effective_rank_from_singular_values({0, 0}).effective_rank, 0);
}

TEST(EffectiveRank, MatrixWithKnownSingularValues) {
  const int rows = 40, d = 6;
  const std::vector<double> sigma = {5, 3, 2, 1, 0.5, 0.001};
  const Matrix u = orthonormal_columns(rows, d, 12), v = orthonormal_columns(d, d, 13);
  Matrix us = u;
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < d; ++j) us[r * d + j] *= sigma[j];
  const Matrix x = multiply(us, transpose(v, d, d), rows, d, d);  // U·diag(σ)·Vᵀ
  EffectiveRank rank(d);
  rank.add(x.data(), 17);  // in two chunks
  rank.add(x.data() + 17 * d, rows - 17);
  const auto r = rank.result();
  ASSERT_EQ(r.singular_values.size(), 6u);
  for (int j = 0; j < d; ++j) EXPECT_NEAR(r.singular_values[j], sigma[j], 1e-9) << j;
  EXPECT_EQ(r.kept, 5);
  EXPECT_NEAR(r.effective_rank, 132.25 / 39.25, 1e-12);
  // The uncentred matrix: adding a constant row offset changes the spectrum (unlike CKA).
  Matrix offset = x;
  for (double& value : offset) value += 3;
  EXPECT_GT(std::abs(effective_rank(offset.data(), d, rows).effective_rank - r.effective_rank),
            0.1);
}

}  // namespace
}  // namespace grok
