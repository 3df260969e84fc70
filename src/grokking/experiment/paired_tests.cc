#include "grokking/experiment/paired_tests.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/experiment/special_functions.h"

namespace grok {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> differences(std::span<const double> a, std::span<const double> b) {
  GROK_CHECK(a.size() == b.size(), "paired test of {} and {} values", a.size(), b.size());
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

// P(W+ <= w) under the null, where each pair's rank counts with either sign with probability
// 1/2: the distribution of the sum of a random subset of `ranks`. Ranks are multiples of 1/2
// (averages of tied ranks), so the sums are counted on the integer grid of doubled ranks.
double exact_lower_tail(const std::vector<double>& ranks, double w) {
  int total = 0;
  for (const double r : ranks) total += static_cast<int>(std::lround(2 * r));
  std::vector<double> count(total + 1, 0.0);  // ways to reach each doubled sum (exact < 2^53)
  count[0] = 1;
  for (const double r : ranks) {
    const int step = static_cast<int>(std::lround(2 * r));
    for (int s = total; s >= step; --s) count[s] += count[s - step];
  }
  double below = 0;
  for (int s = 0; s <= total && s <= std::lround(2 * w); ++s) below += count[s];
  return below / std::ldexp(1.0, static_cast<int>(ranks.size()));
}

}  // namespace

Interval t_interval(std::span<const double> x, double level) {
  GROK_CHECK(level > 0 && level < 1, "t interval: level {}", level);
  if (x.size() < 2) return {};
  const double n = static_cast<double>(x.size());
  const double half = student_t_quantile(0.5 * (1 + level), n - 1) * sample_sd(x) / std::sqrt(n);
  const double m = mean(x);
  return {m - half, m + half};
}

PairedTTest paired_t_test(std::span<const double> a, std::span<const double> b) {
  const std::vector<double> d = differences(a, b);
  PairedTTest out;
  out.n = static_cast<int>(d.size());
  if (d.size() < 2) return out;
  const double m = mean(d), sd = sample_sd(d);
  out.df = out.n - 1;
  if (sd == 0) {
    out.t = m == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), m);
    out.p = m == 0 ? 1.0 : 0.0;
    return out;
  }
  out.t = m / (sd / std::sqrt(static_cast<double>(out.n)));
  out.p = student_t_two_sided_p(out.t, out.df);
  return out;
}

WilcoxonTest wilcoxon_signed_rank(std::span<const double> a, std::span<const double> b) {
  std::vector<double> d = differences(a, b);
  WilcoxonTest out;
  out.n = static_cast<int>(d.size());
  const bool had_zero = std::count(d.begin(), d.end(), 0.0) > 0;
  std::erase(d, 0.0);
  const int m = static_cast<int>(d.size());
  out.nonzero = m;
  if (m == 0) return out;
  std::vector<std::size_t> order(d.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t i, std::size_t j) { return std::abs(d[i]) < std::abs(d[j]); });
  double w_plus = 0, tie_term = 0;
  std::vector<double> ranks;
  for (std::size_t lo = 0; lo < order.size();) {
    std::size_t hi = lo;
    while (hi + 1 < order.size() && std::abs(d[order[hi + 1]]) == std::abs(d[order[lo]])) ++hi;
    const double rank = 0.5 * static_cast<double>(lo + hi) + 1,
                 t = static_cast<double>(hi - lo + 1);
    tie_term += t * t * t - t;
    for (std::size_t k = lo; k <= hi; ++k) {
      ranks.push_back(rank);
      if (d[order[k]] > 0) w_plus += rank;
    }
    lo = hi + 1;
  }
  const double total = m * (m + 1) / 2.0;
  out.w_plus = w_plus;
  out.statistic = std::min(w_plus, total - w_plus);
  out.exact = (!had_zero && tie_term == 0 && out.n <= 50) || out.n <= 13;
  if (out.exact) {
    // By symmetry P(W+ >= w) = P(W+ <= total − w).
    const double lower = exact_lower_tail(ranks, w_plus);
    const double upper = exact_lower_tail(ranks, total - w_plus);
    out.p = std::min(1.0, 2 * std::min(lower, upper));
  } else {
    const double md = m;
    const double sigma = std::sqrt(md * (md + 1) * (2 * md + 1) / 24 - tie_term / 48);
    const double z = (w_plus - total / 2) / sigma;
    out.p = sigma > 0 ? std::erfc(std::abs(z) / std::sqrt(2.0)) : 1.0;
  }
  return out;
}

}  // namespace grok
