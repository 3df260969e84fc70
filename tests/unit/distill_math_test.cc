// The distillation loss math (distill/distill_math.h) in double: values against independent
// formulas, gradients against finite differences, τ² scaling, zero at the teacher.
#include "grokking/distill/distill_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "unit/model_test_support.h"

namespace grok {
namespace {

double work[64];  // the KL's scratch (2C values)

using testing::expect_gradient;
using testing::random_vector;
using Vec = std::vector<double>;

// KL(softmax(t/τ) ‖ softmax(s/τ)) straight from the definition (no max shift, no τ²).
double reference_kl(const Vec& s, const Vec& t, double tau) {
  double zs = 0, zt = 0;
  for (std::size_t c = 0; c < s.size(); ++c) zs += std::exp(s[c] / tau), zt += std::exp(t[c] / tau);
  double kl = 0;
  for (std::size_t c = 0; c < s.size(); ++c) {
    const double p = std::exp(t[c] / tau) / zt, q = std::exp(s[c] / tau) / zs;
    kl += p * std::log(p / q);
  }
  return kl;
}

TEST(DistillationKl, ValueIsTauSquaredTimesKl) {
  const Vec s = random_vector(11, 1, 3.0), t = random_vector(11, 2, 3.0);
  for (const double tau : {1.0, 2.0, 3.5}) {
    const double kl = reference_kl(s, t, tau);
    EXPECT_GT(kl, 1e-3);
    EXPECT_NEAR(
        distillation_kl(s.data(), t.data(), 11, tau, 0.0, static_cast<double*>(nullptr), work),
        tau * tau * kl, 1e-12 * tau * tau);
  }
  // Hand-computed: two classes, s = (0, 0), t = (2 ln 3, 0) at τ = 2: p = (3/4, 1/4),
  // q = (1/2, 1/2), KL = 3/4·ln(3/2) + 1/4·ln(1/2), times τ² = 4.
  const double s2[] = {0, 0}, t2[] = {2 * std::log(3.0), 0};
  EXPECT_NEAR(distillation_kl(s2, t2, 2, 2.0, 0.0, static_cast<double*>(nullptr), work),
              4 * (0.75 * std::log(1.5) + 0.25 * std::log(0.5)), 1e-14);
}

TEST(DistillationKl, GradientMatchesFiniteDifferences) {
  Vec s = random_vector(13, 3, 2.0);
  const Vec t = random_vector(13, 4, 2.0);
  for (const double tau : {1.0, 2.0, 4.0}) {
    const double scale = 0.37;
    Vec d(13, 0.25);  // accumulates: starts non-zero on purpose
    distillation_kl(s.data(), t.data(), 13, tau, scale, d.data(), work);
    for (double& v : d) v -= 0.25;
    expect_gradient("d_student", s.data(), d.data(), s.size(), [&] {
      return scale *
             distillation_kl(s.data(), t.data(), 13, tau, 0.0, static_cast<double*>(nullptr), work);
    });
  }
}

TEST(DistillationKl, ZeroAtTheTeacherAndShiftInvariant) {
  const Vec t = random_vector(9, 5, 4.0);
  Vec s = t;
  for (double& v : s) v += 7.0;  // softmax ignores a constant shift
  Vec d(9, 0.0);
  EXPECT_NEAR(distillation_kl(s.data(), t.data(), 9, 2.0, 1.0, d.data(), work), 0.0, 1e-14);
  for (const double v : d) EXPECT_NEAR(v, 0.0, 1e-15);
}

// Top-k KD (Tunix): KL between the two softmaxes renormalised over the teacher's k largest
// classes, straight from the definition.
double reference_top_k_kl(const Vec& s, const Vec& t, const std::vector<int>& top, double tau) {
  Vec s_k, t_k;
  for (const int c : top) s_k.push_back(s[c]), t_k.push_back(t[c]);
  return reference_kl(s_k, t_k, tau);
}

TEST(TopKDistillationKl, ClassesLargestFirstTiesToTheLowerClass) {
  const double t[] = {0.5, 2.0, -1.0, 2.0, 0.5, 3.0};
  int32_t order[6];
  top_k_order(t, 6, 4, order);
  EXPECT_EQ(std::vector<int32_t>(order, order + 4), (std::vector<int32_t>{5, 1, 3, 0}));
}

TEST(TopKDistillationKl, ValueGradientAndZeroOutsideTheTopK) {
  const int classes = 9, k = 3;
  Vec s = random_vector(classes, 5, 2.0);
  const Vec t = {0.1, 2.5, -0.3, 1.7, 0.9, -2.0, 3.1, 0.0, 1.2};  // top 3: classes 6, 1, 3
  int32_t order[classes];
  double gathered[3 * k];
  for (const double tau : {1.0, 2.0}) {
    const double value =
        top_k_distillation_kl(s.data(), t.data(), classes, k, tau, 0.0,
                              static_cast<double*>(nullptr), order, gathered, work);
    EXPECT_NEAR(value, tau * tau * reference_top_k_kl(s, t, {6, 1, 3}, tau), 1e-12);
    EXPECT_GT(value, 1e-3);
    const double scale = 0.6;
    Vec d(classes, 0.5);  // accumulates
    top_k_distillation_kl(s.data(), t.data(), classes, k, tau, scale, d.data(), order, gathered,
                          work);
    for (double& v : d) v -= 0.5;
    for (const int c : {0, 2, 4, 5, 7, 8}) EXPECT_EQ(d[c], 0.0) << c;
    expect_gradient("d_student", s.data(), d.data(), s.size(), [&] {
      return scale * top_k_distillation_kl(s.data(), t.data(), classes, k, tau, 0.0,
                                           static_cast<double*>(nullptr), order, gathered, work);
    });
  }
  // k = every class is the full KL; the student's mass outside the top k does not count.
  double all[3 * classes];
  int32_t every[classes];
  EXPECT_NEAR(
      top_k_distillation_kl(s.data(), t.data(), classes, classes, 2.0, 0.0,
                            static_cast<double*>(nullptr), every, all, work),
      distillation_kl(s.data(), t.data(), classes, 2.0, 0.0, static_cast<double*>(nullptr), work),
      1e-12);
  Vec shifted = s;
  shifted[0] += 5, shifted[8] -= 3;  // outside the top 3
  EXPECT_NEAR(top_k_distillation_kl(shifted.data(), t.data(), classes, k, 2.0, 0.0,
                                    static_cast<double*>(nullptr), order, gathered, work),
              top_k_distillation_kl(s.data(), t.data(), classes, k, 2.0, 0.0,
                                    static_cast<double*>(nullptr), order, gathered, work),
              1e-13);
}

// Teacher classes of probability 0 (logit −inf: the missing classes of a top-k file under
// --topk_reconstruction zero) add 0·log 0 = 0: the KL is the one over the other classes with
// the student's softmax over all of them, finite, and its gradient is q − p with p = 0 there.
TEST(DistillationKl, TeacherZeroProbabilityClassesAddNothing) {
  const double inf = std::numeric_limits<double>::infinity();
  const Vec s = random_vector(6, 6, 2.0);
  const Vec t = {1.5, -inf, 0.25, -inf, -inf, -0.5};
  for (const double tau : {1.0, 2.0}) {
    double zs = 0, zt = 0;
    for (int c = 0; c < 6; ++c) zs += std::exp(s[c] / tau), zt += std::exp(t[c] / tau);
    double want = 0;
    for (const int c : {0, 2, 5}) {
      const double p = std::exp(t[c] / tau) / zt;
      want += p * std::log(p / (std::exp(s[c] / tau) / zs));
    }
    Vec d(6, 0.0);
    const double kl = distillation_kl(s.data(), t.data(), 6, tau, 1.0, d.data(), work);
    ASSERT_TRUE(std::isfinite(kl)) << kl;
    EXPECT_NEAR(kl, tau * tau * want, 1e-12);
    for (const int c : {1, 3, 4}) EXPECT_NEAR(d[c], tau * std::exp(s[c] / tau) / zs, 1e-14);
  }
}

TEST(SquaredError, ValueAndGradient) {
  Vec a = random_vector(20, 6);
  const Vec b = random_vector(20, 7);
  double expected = 0;
  for (int i = 0; i < 20; ++i) expected += (a[i] - b[i]) * (a[i] - b[i]);
  Vec d(20, 0.0);
  EXPECT_NEAR(squared_error(a.data(), b.data(), 20, 0.5, d.data()), expected, 1e-13);
  expect_gradient("d_a", a.data(), d.data(), a.size(), [&] {
    return 0.5 * squared_error(a.data(), b.data(), 20, 0.0, static_cast<double*>(nullptr));
  });
}

TEST(ProjectedSquaredError, ValueAndGradientsOfStatesAndKernel) {
  const int rows = 6, in = 5, out = 3;
  Vec h = random_vector(rows * out, 8), w = random_vector(in * out, 9);
  const Vec x = random_vector(rows * in, 10);
  double expected = 0;  // Σ (h − x·W)² by hand
  for (int r = 0; r < rows; ++r)
    for (int o = 0; o < out; ++o) {
      double y = 0;
      for (int i = 0; i < in; ++i) y += x[r * in + i] * w[i * out + o];
      expected += (h[r * out + o] - y) * (h[r * out + o] - y);
    }
  const double scale = 0.7;
  Vec d_h(h.size(), 0.0), d_w(w.size(), 0.0), scratch(rows * out);
  EXPECT_NEAR(projected_squared_error(h.data(), x.data(), w.data(), rows, in, out, scale,
                                      d_h.data(), d_w.data(), scratch.data()),
              expected, 1e-12);
  auto loss = [&] {
    return scale * projected_squared_error(h.data(), x.data(), w.data(), rows, in, out, 0.0,
                                           static_cast<double*>(nullptr),
                                           static_cast<double*>(nullptr), scratch.data());
  };
  expect_gradient("d_h", h.data(), d_h.data(), h.size(), loss);
  expect_gradient("d_kernel", w.data(), d_w.data(), w.size(), loss);
}

TEST(ProjectedSquaredError, IdentityProjectionOfEqualStatesIsZero) {
  const int rows = 4, dim = 5;
  const Vec x = random_vector(rows * dim, 11);
  Vec w(dim * dim, 0.0);
  for (int i = 0; i < dim; ++i) w[i * dim + i] = 1.0;
  Vec d_h(x.size(), 0.0), d_w(w.size(), 0.0), scratch(x.size());
  EXPECT_EQ(projected_squared_error(x.data(), x.data(), w.data(), rows, dim, dim, 1.0, d_h.data(),
                                    d_w.data(), scratch.data()),
            0.0);
  for (const double v : d_h) EXPECT_EQ(v, 0.0);
  for (const double v : d_w) EXPECT_EQ(v, 0.0);
}

}  // namespace
}  // namespace grok
