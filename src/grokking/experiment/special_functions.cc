#include "grokking/experiment/special_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "grokking/core/error.h"

namespace grok {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTiny = 1e-300;  // keeps Lentz's denominators away from zero
constexpr double kEps = 1e-16;
constexpr int kMaxTerms = 100000;

// The continued fraction of I_x(a, b) (Abramowitz & Stegun 26.5.8):
//   I_x(a,b) = x^a (1−x)^b / (a B(a,b)) · 1/(1+ d1/(1+ d2/(1+ …)))
//   d_{2m+1} = −(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),  d_{2m} = m(b−m) x / ((a+2m−1)(a+2m)),
// evaluated by the modified Lentz method; converges fast for x < (a+1)/(a+b+2).
double beta_continued_fraction(double a, double b, double x) {
  const auto guard = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };
  double c = 1.0;
  double d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
  double f = d;
  for (int m = 1; m <= kMaxTerms; ++m) {
    const double two_m = 2.0 * m;
    const double even = m * (b - m) * x / ((a + two_m - 1.0) * (a + two_m));
    d = 1.0 / guard(1.0 + even * d);
    c = guard(1.0 + even / c);
    f *= d * c;
    const double odd = -(a + m) * (a + b + m) * x / ((a + two_m) * (a + two_m + 1.0));
    d = 1.0 / guard(1.0 + odd * d);
    c = guard(1.0 + odd / c);
    const double delta = d * c;
    f *= delta;
    if (std::fabs(delta - 1.0) < kEps) return f;
  }
  GROK_CHECK(false, "incomplete beta: no convergence for a = {}, b = {}, x = {}", a, b, x);
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (!(a > 0 && b > 0 && x >= 0 && x <= 1) || !std::isfinite(a) || !std::isfinite(b)) return kNaN;
  if (x == 0) return 0.0;
  if (x == 1) return 1.0;
  // log of x^a (1−x)^b / B(a, b)
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // Symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where the fraction converges slowly.
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double student_t_two_sided_p(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  if (std::isinf(t)) return 0.0;
  return regularized_incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
}

double student_t_cdf(double t, double df) {
  const double tail = 0.5 * student_t_two_sided_p(t, df);  // P(T >= |t|)
  return t > 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double q, double df) {
  if (!(q > 0 && q < 1 && df > 0)) return kNaN;
  double lo = -1, hi = 1;  // widen until the bracket holds q (heavy tails at small df)
  while (student_t_cdf(lo, df) > q) lo *= 2;
  while (student_t_cdf(hi, df) < q) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * std::max(1.0, std::abs(lo)); ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace grok
