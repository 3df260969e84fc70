#include "grokking/experiment/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "grokking/core/error.h"
#include "grokking/core/philox.h"
#include "grokking/experiment/paired_tests.h"
#include "grokking/experiment/special_functions.h"

namespace grok {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double sample_variance(std::span<const double> x) {
  if (x.size() < 2) return kNaN;
  const double m = mean(x);
  double ss = 0;
  for (const double v : x) ss += (v - m) * (v - m);
  return ss / static_cast<double>(x.size() - 1);
}

// Linear interpolation between order statistics at q in [0, 1] (NumPy "linear", type 7).
double sorted_quantile(const std::vector<double>& sorted, double q) {
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

double mean(std::span<const double> x) {
  if (x.empty()) return kNaN;
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double sample_sd(std::span<const double> x) { return std::sqrt(sample_variance(x)); }

Interval bootstrap_mean_ci(std::span<const double> x, const BootstrapOptions& options) {
  GROK_CHECK(options.resamples >= 1, "bootstrap: {} resamples", options.resamples);
  GROK_CHECK(options.level > 0 && options.level < 1, "bootstrap: level {}", options.level);
  if (x.empty()) return {};
  const uint64_t n = x.size();
  std::vector<double> means(static_cast<std::size_t>(options.resamples));
  for (int b = 0; b < options.resamples; ++b) {
    // Resample b is stream step b; its draw i is word i % 4 of block i / 4.
    const Philox rng(options.seed, RngPurpose::kBootstrap, static_cast<uint64_t>(b));
    double sum = 0;
    PhiloxBlock block{};
    for (uint64_t i = 0; i < n; ++i) {
      if (i % 4 == 0) block = rng.block(i / 4);
      const uint64_t index = (uint64_t{block[i % 4]} * n) >> 32;
      sum += x[index];
    }
    means[static_cast<std::size_t>(b)] = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  const double tail = 0.5 * (1.0 - options.level);
  return {sorted_quantile(means, tail), sorted_quantile(means, 1.0 - tail)};
}

const char* to_string(IntervalMethod method) {
  return method == IntervalMethod::kStudentT ? "t" : "percentile_bootstrap";
}

Summary summarize(std::span<const double> x, const BootstrapOptions& options) {
  const Interval ci = options.method == IntervalMethod::kStudentT ? t_interval(x, options.level)
                                                                  : bootstrap_mean_ci(x, options);
  return {static_cast<int>(x.size()), mean(x), sample_sd(x), ci, options.method};
}

Interval wilson_interval(int successes, int n, double z) {
  GROK_CHECK(n >= 0 && successes >= 0 && successes <= n, "wilson: {} successes of {}", successes,
             n);
  if (n == 0) return {};
  const double nd = n, p = successes / nd, z2 = z * z;
  const double denominator = 1.0 + z2 / nd;
  const double centre = (p + z2 / (2.0 * nd)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / nd + z2 / (4.0 * nd * nd)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Proportion proportion(int successes, int n) {
  return {successes, n, n > 0 ? static_cast<double>(successes) / n : kNaN,
          wilson_interval(successes, n)};
}

EventTimes summarize_event_times(std::span<const std::optional<double>> times,
                                 const BootstrapOptions& options) {
  std::vector<double> reached;
  for (const auto& t : times)
    if (t) reached.push_back(*t);
  EventTimes out;
  out.runs = static_cast<int>(times.size());
  out.censored = out.runs - static_cast<int>(reached.size());
  out.reached = summarize(reached, options);
  return out;
}

Summary paired_difference(std::span<const double> a, std::span<const double> b,
                          const BootstrapOptions& options) {
  GROK_CHECK(a.size() == b.size(), "paired difference of {} and {} values", a.size(), b.size());
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return summarize(d, options);
}

WelchTest welch_t_test(std::span<const double> a, std::span<const double> b) {
  if (a.size() < 2 || b.size() < 2) return {};
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  const double va = sample_variance(a) / na, vb = sample_variance(b) / nb;  // s²/n
  const double diff = mean(a) - mean(b), se2 = va + vb;
  WelchTest out;
  if (se2 == 0) {
    out.t = diff == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), diff);
    out.p = diff == 0 ? 1.0 : 0.0;
    return out;
  }
  out.t = diff / std::sqrt(se2);
  out.df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1));
  out.p = student_t_two_sided_p(out.t, out.df);
  return out;
}

double hedges_g(std::span<const double> a, std::span<const double> b) {
  if (a.size() < 2 || b.size() < 2) return kNaN;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  const double pooled =
      std::sqrt(((na - 1) * sample_variance(a) + (nb - 1) * sample_variance(b)) / (na + nb - 2));
  const double diff = mean(a) - mean(b);
  if (pooled == 0)
    return diff == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), diff);
  const double j = 1.0 - 3.0 / (4.0 * (na + nb) - 9.0);
  return j * diff / pooled;
}

std::vector<double> holm_adjust(std::span<const double> p_values) {
  std::vector<double> adjusted(p_values.size(), kNaN);
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p_values.size(); ++i)
    if (!std::isnan(p_values[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return p_values[i] < p_values[j]; });
  const double m = static_cast<double>(order.size());
  double running = 0;  // step-down: adjusted values never decrease along the sorted order
  for (std::size_t k = 0; k < order.size(); ++k) {
    running = std::max(running, std::min(1.0, (m - static_cast<double>(k)) * p_values[order[k]]));
    adjusted[order[k]] = running;
  }
  return adjusted;
}

Comparison compare(std::span<const double> a, std::span<const double> b, bool paired,
                   const BootstrapOptions& options) {
  Comparison out;
  if (paired) {
    PairedTests t;
    t.difference = paired_difference(a, b, options);
    const PairedTTest pt = paired_t_test(a, b);
    t.t = pt.t;
    t.df = pt.df;
    t.p = pt.p;
    const WilcoxonTest w = wilcoxon_signed_rank(a, b);
    t.wilcoxon_nonzero = w.nonzero;
    t.wilcoxon_statistic = w.statistic;
    t.wilcoxon_p = w.p;
    t.wilcoxon_exact = w.exact;
    out.paired = t;
  }
  out.welch = welch_t_test(a, b);
  out.hedges_g = hedges_g(a, b);
  return out;
}

void adjust_holm(std::vector<Comparison>& comparisons) {
  std::vector<double> p;
  for (const Comparison& c : comparisons) p.push_back(c.p());
  const std::vector<double> adjusted = holm_adjust(p);
  for (std::size_t i = 0; i < comparisons.size(); ++i) comparisons[i].p_holm = adjusted[i];
}

}  // namespace grok
