// Newton–Schulz and Muon against independent double-precision implementations of
// optax.contrib.muon's semantics (REFERENCE.md §3).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "grokking/optim/muon.h"
#include "grokking/optim/newton_schulz.h"
#include "grokking/optim/optimizer.h"

namespace grok {
namespace {

using Matrix = std::vector<double>;  // row-major

// Straight from optax's orthogonalize_via_newton_schulz: transpose if rows > cols;
// X /= ‖X‖_F + 1e-8; 5 × { A = X Xᵀ; B = b A + c A A; X = a X + B X }; transpose back.
Matrix newton_schulz_double(const Matrix& g, int rows, int cols) {
  const bool transposed = rows > cols;
  const int m = transposed ? cols : rows, n = transposed ? rows : cols;
  Matrix x(m * n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) x[i * n + j] = transposed ? g[j * cols + i] : g[i * cols + j];
  double norm = 0;
  for (double v : x) norm += v * v;
  norm = std::sqrt(norm);
  for (double& v : x) v /= norm + 1e-8;
  const double a = 3.4445, b = -4.7750, c = 2.0315;
  for (int step = 0; step < 5; ++step) {
    Matrix gram(m * m, 0.0), poly(m * m, 0.0), next(m * n, 0.0);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        for (int k = 0; k < n; ++k) gram[i * m + j] += x[i * n + k] * x[j * n + k];
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) {
        double aa = 0;
        for (int k = 0; k < m; ++k) aa += gram[i * m + k] * gram[k * m + j];
        poly[i * m + j] = b * gram[i * m + j] + c * aa;
      }
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double bx = 0;
        for (int k = 0; k < m; ++k) bx += poly[i * m + k] * x[k * n + j];
        next[i * n + j] = a * x[i * n + j] + bx;
      }
    x = next;
  }
  Matrix out(rows * cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) out[i * cols + j] = transposed ? x[j * n + i] : x[i * cols + j];
  return out;
}

// Eigenvalues of a symmetric matrix by cyclic Jacobi rotations.
std::vector<double> symmetric_eigenvalues(Matrix s, int n) {
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) off += s[p * n + q] * s[p * n + q];
    if (off < 1e-26) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        if (std::abs(s[p * n + q]) < 1e-300) continue;
        const double theta = (s[q * n + q] - s[p * n + p]) / (2 * s[p * n + q]);
        const double t = (theta >= 0 ? 1 : -1) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), sn = t * c;
        for (int k = 0; k < n; ++k) {  // columns p, q
          const double kp = s[k * n + p], kq = s[k * n + q];
          s[k * n + p] = c * kp - sn * kq;
          s[k * n + q] = sn * kp + c * kq;
        }
        for (int k = 0; k < n; ++k) {  // rows p, q
          const double pk = s[p * n + k], qk = s[q * n + k];
          s[p * n + k] = c * pk - sn * qk;
          s[q * n + k] = sn * pk + c * qk;
        }
      }
  }
  std::vector<double> eig(n);
  for (int i = 0; i < n; ++i) eig[i] = s[i * n + i];
  std::sort(eig.begin(), eig.end());
  return eig;
}

// Singular values of a [rows, cols] matrix: square roots of the eigenvalues of the smaller
// Gram matrix.
std::vector<double> singular_values(const std::vector<float>& x, int rows, int cols) {
  const bool wide = rows <= cols;
  const int m = wide ? rows : cols, k = wide ? cols : rows;
  Matrix gram(m * m, 0.0);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j)
      for (int l = 0; l < k; ++l)
        gram[i * m + j] += wide ? double(x[i * cols + l]) * x[j * cols + l]
                                : double(x[l * cols + i]) * x[l * cols + j];
  std::vector<double> sv = symmetric_eigenvalues(gram, m);
  for (double& v : sv) v = std::sqrt(std::max(v, 0.0));
  return sv;
}

std::vector<float> random_matrix(int rows, int cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(rows * cols);
  for (float& v : x) v = normal(rng);
  return x;
}

// A fixed small matrix with well-separated singular values, and its transpose's shape.
const std::vector<float> kSmall = {0.9f, -0.3f, 0.2f,  0.5f, -1.1f, 0.4f,  0.7f, -0.6f,
                                   0.1f, 0.3f,  -0.2f, 0.8f, 1.2f,  -0.4f, 0.6f};

TEST(NewtonSchulz, MatchesDoubleImplementation) {
  for (auto [rows, cols] : {std::pair{3, 5}, std::pair{5, 3}}) {
    NewtonSchulz ns(15, 3);
    std::vector<float> out(15);
    ns.orthogonalize(kSmall.data(), rows, cols, out.data());
    const Matrix expected = newton_schulz_double(Matrix(kSmall.begin(), kSmall.end()), rows, cols);
    for (int i = 0; i < 15; ++i) EXPECT_NEAR(out[i], expected[i], 1e-5) << rows << "x" << cols;
  }
  // A larger random case (uses the BLAS paths with bigger blocks).
  const int rows = 24, cols = 40;
  const std::vector<float> x = random_matrix(rows, cols, 3);
  NewtonSchulz ns(rows * cols, rows);
  std::vector<float> out(rows * cols);
  ns.orthogonalize(x.data(), rows, cols, out.data());
  const Matrix expected = newton_schulz_double(Matrix(x.begin(), x.end()), rows, cols);
  for (int i = 0; i < rows * cols; ++i) ASSERT_NEAR(out[i], expected[i], 5e-5) << i;
}

// NS(Xᵀ) = NS(X)ᵀ: the transposition for tall matrices is undone exactly.
TEST(NewtonSchulz, TransposeEquivariant) {
  std::vector<float> tall(15);  // kSmall as [3,5] transposed to [5,3]
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) tall[j * 3 + i] = kSmall[i * 5 + j];
  NewtonSchulz ns(15, 3);
  std::vector<float> wide_out(15), tall_out(15);
  ns.orthogonalize(kSmall.data(), 3, 5, wide_out.data());
  ns.orthogonalize(tall.data(), 5, 3, tall_out.data());
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(tall_out[j * 3 + i], wide_out[i * 5 + j]);
}

// Five quintic steps drive every singular value of a random Gaussian matrix, whose
// singular values spread over a factor of ~6, into a band around 1 (Optax: roughly
// U S' Vᵀ with S' in about (0.5, 1.5)).
TEST(NewtonSchulz, SingularValuesNearOne) {
  for (auto [rows, cols] : {std::pair{32, 64}, std::pair{64, 32}, std::pair{16, 48}}) {
    std::vector<float> x = random_matrix(rows, cols, 11 + rows);
    for (int i = 0; i < rows; ++i)  // rows scaled from 1 down to 0.1 widen the spread
      for (int j = 0; j < cols; ++j) x[i * cols + j] *= std::pow(0.1f, float(i) / (rows - 1));
    const std::vector<double> before = singular_values(x, rows, cols);
    EXPECT_GT(before.back() / before.front(), 10.0);  // the input is far from orthogonal
    NewtonSchulz ns(rows * cols, std::min(rows, cols));
    std::vector<float> out(rows * cols);
    ns.orthogonalize(x.data(), rows, cols, out.data());
    const std::vector<double> after = singular_values(out, rows, cols);
    EXPECT_GT(after.front(), 0.5) << rows << "x" << cols;
    EXPECT_LT(after.back(), 1.5) << rows << "x" << cols;
  }
}

// The Muon reference, in double, per optax.contrib.muon (defaults, weight_decay = wd):
//  2-D θ [in, out]: m ← β m + (1−β) g;  m̂ = β m/(1−β^(t+2)) + (1−β) g/(1−β^(t+1));
//                   θ ← θ − η_t (√max(1, out/in) · NS(m̂) + wd θ),  β = 0.95
//  1-D θ: Nesterov Adam, b1 0.9, b2 0.999, eps 1e-8, no decay:
//                   m̂ = b1 m/(1−b1^(t+2)) + (1−b1) g/(1−b1^(t+1)), v̂ = v/(1−b2^(t+1));
//                   θ ← θ − η_t m̂/(√v̂ + eps)
struct ReferenceMuon {
  double lr, wd;
  int64_t warmup;
  double eta(int64_t t) const { return t < warmup ? lr * t / warmup : lr; }

  void matrix_step(Matrix& theta, Matrix& m, const Matrix& g, int in, int out, int64_t t) const {
    const double beta = 0.95;
    Matrix m_hat(theta.size());
    for (std::size_t i = 0; i < theta.size(); ++i) {
      m[i] = beta * m[i] + (1 - beta) * g[i];
      m_hat[i] = beta * m[i] / (1 - std::pow(beta, t + 2)) +
                 (1 - beta) * g[i] / (1 - std::pow(beta, t + 1));
    }
    const Matrix o = newton_schulz_double(m_hat, in, out);
    const double scale = std::sqrt(std::max(1.0, double(out) / in));
    for (std::size_t i = 0; i < theta.size(); ++i)
      theta[i] -= eta(t) * (scale * o[i] + wd * theta[i]);
  }

  void vector_step(Matrix& theta, Matrix& m, Matrix& v, const Matrix& g, int64_t t) const {
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    for (std::size_t i = 0; i < theta.size(); ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const double m_hat =
          b1 * m[i] / (1 - std::pow(b1, t + 2)) + (1 - b1) * g[i] / (1 - std::pow(b1, t + 1));
      const double v_hat = v[i] / (1 - std::pow(b2, t + 1));
      theta[i] -= eta(t) * m_hat / (std::sqrt(v_hat) + eps);
    }
  }
};

// Parameters: "wide" [3,5] (in 3, out 5: scale √(5/3)), "tall" [5,3] (scale 1), "bias" [4].
TensorLayout muon_layout() {
  TensorLayout layout;
  layout.add("wide", {3, 5});
  layout.add("tall", {5, 3});
  layout.add("bias", {4});
  return layout;
}

OptimizerConfig muon_config(double lr, double wd, int64_t warmup) {
  OptimizerConfig config;
  config.type = "muon";
  config.learning_rate = lr;
  config.weight_decay = wd;
  config.warmup_steps = warmup;
  // Muon ignores these (Optax's muon defaults apply); odd values prove it.
  config.beta1 = 0.5;
  config.beta2 = 0.6;
  config.eps = 1e-3;
  return config;
}

// A deterministic gradient for element i of tensor k at step t.
double test_grad(int k, int i, int t) { return std::sin(1.3 * i + 2.1 * k + 0.7 * t) + 0.1 * k; }

TEST(Muon, RoutesTwoDimensionalParametersToMuonAndTheRestToAdam) {
  const auto opt = make_optimizer(muon_config(0.02, 0.1, 0), muon_layout());
  EXPECT_NE(dynamic_cast<Muon*>(opt.get()), nullptr);
  const TensorLayout& state = opt->state_layout();
  ASSERT_EQ(state.tensors().size(), 4u);
  EXPECT_EQ(state.at(0).name, "muon.mu.wide");
  EXPECT_EQ(state.at(1).name, "muon.mu.tall");
  EXPECT_EQ(state.at(2).name, "adam.mu.bias");
  EXPECT_EQ(state.at(3).name, "adam.nu.bias");
  EXPECT_EQ(state.at(1).shape, (Shape{5, 3}));
}

// Steps through warmup (η = 0, 0.01, 0.02, 0.02) against the double reference: Muon on
// [3,5] and [5,3] with their shape scales and decoupled decay, Nesterov Adam on the 1-D one.
TEST(Muon, StepsMatchHandComputation) {
  const TensorLayout layout = muon_layout();
  const double lr = 0.02, wd = 0.1;
  const auto opt = make_optimizer(muon_config(lr, wd, 2), layout);
  const ReferenceMuon ref{lr, wd, 2};

  std::vector<float> params(layout.total_size(), 0.0f), grads(layout.total_size(), 0.0f);
  std::vector<Matrix> theta, mu, nu;
  for (std::size_t k = 0; k < layout.tensors().size(); ++k) {
    const TensorSpec& spec = layout.at(k);
    Matrix values(spec.size());
    for (std::size_t i = 0; i < spec.size(); ++i) {
      values[i] = std::cos(0.9 * i + k) * 0.5;
      params[spec.offset + i] = static_cast<float>(values[i]);
      values[i] = params[spec.offset + i];  // start from exactly the same numbers
    }
    theta.push_back(values);
    mu.emplace_back(spec.size(), 0.0);
    nu.emplace_back(spec.size(), 0.0);
  }
  for (int t = 0; t < 4; ++t) {
    std::vector<Matrix> g(3);
    for (int k = 0; k < 3; ++k) {
      const TensorSpec& spec = layout.at(k);
      for (std::size_t i = 0; i < spec.size(); ++i) {
        grads[spec.offset + i] = static_cast<float>(test_grad(k, int(i), t));
        g[k].push_back(grads[spec.offset + i]);
      }
    }
    const std::vector<float> before = params;
    opt->step(params.data(), grads.data());
    ref.matrix_step(theta[0], mu[0], g[0], 3, 5, t);
    ref.matrix_step(theta[1], mu[1], g[1], 5, 3, t);
    ref.vector_step(theta[2], mu[2], nu[2], g[2], t);
    if (t == 0) {  // η_0 = 0: nothing moves
      EXPECT_EQ(std::memcmp(params.data(), before.data(), params.size() * sizeof(float)), 0);
    }
    for (int k = 0; k < 3; ++k) {
      const TensorSpec& spec = layout.at(k);
      for (std::size_t i = 0; i < spec.size(); ++i)
        EXPECT_NEAR(params[spec.offset + i], theta[k][i], 2e-6)
            << spec.name << "[" << i << "] at t " << t;
    }
  }
  EXPECT_EQ(opt->count(), 4);
  // The comparison is not vacuous: the parameters moved well beyond the tolerance.
  EXPECT_GT(std::abs(params[0] - 0.5f), 1e-3f);
}

TEST(Muon, StateRestoreReproducesNextStepsBitIdentically) {
  const TensorLayout layout = muon_layout();
  const OptimizerConfig config = muon_config(0.02, 0.1, 2);
  const auto original = make_optimizer(config, layout);
  std::vector<float> params(layout.total_size(), 0.5f), grads(layout.total_size(), 0.0f);
  auto fill_grads = [&](int t) {
    for (int k = 0; k < 3; ++k) {
      const TensorSpec& spec = layout.at(k);
      for (std::size_t i = 0; i < spec.size(); ++i)
        grads[spec.offset + i] = static_cast<float>(test_grad(k, int(i), t));
    }
  };
  for (int t = 0; t < 3; ++t) {
    fill_grads(t);
    original->step(params.data(), grads.data());
  }
  const std::size_t n = original->state_layout().total_size();
  const auto restored = make_optimizer(config, layout);
  std::memcpy(restored->state_data(), original->state_data(), n * sizeof(float));
  restored->set_count(original->count());
  const auto unrestored = make_optimizer(config, layout);
  std::vector<float> params_restored = params, params_unrestored = params;
  for (int t = 3; t < 5; ++t) {
    fill_grads(t);
    original->step(params.data(), grads.data());
    restored->step(params_restored.data(), grads.data());
    unrestored->step(params_unrestored.data(), grads.data());
  }
  EXPECT_EQ(std::memcmp(params.data(), params_restored.data(), params.size() * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(original->state_data(), restored->state_data(), n * sizeof(float)), 0);
  EXPECT_NE(std::memcmp(params.data(), params_unrestored.data(), params.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace grok
