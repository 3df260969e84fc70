// Tests and intervals for small samples of trials paired by seed (issue 16): the paired
// t-test, the Wilcoxon signed-rank test, and Student-t intervals of a mean, whose stated level
// holds for normal data at any n (a percentile bootstrap of 3 values is always [min, max] and
// covers ~76 % at a stated 95 %). Not the unpaired tests (statistics.h: Welch).
#pragma once

#include <limits>
#include <span>

#include "grokking/experiment/statistics.h"

namespace grok {

// mean(x) ± t_{(1+level)/2, n−1} · sd(x)/√n. n < 2: NaN (one value says nothing about the
// spread).
Interval t_interval(std::span<const double> x, double level = 0.95);

struct PairedTTest {
  int n = 0;  // pairs
  double t = std::numeric_limits<double>::quiet_NaN();
  double df = std::numeric_limits<double>::quiet_NaN();  // n − 1
  double p = std::numeric_limits<double>::quiet_NaN();   // two-sided
};
// d_i = a_i − b_i: t = mean(d) / (sd(d)/√n), df = n − 1 (scipy.stats.ttest_rel). n < 2: NaN.
// sd(d) = 0: t = 0, p = 1 if mean(d) = 0; t = ±inf, p = 0 otherwise. Sizes must match.
PairedTTest paired_t_test(std::span<const double> a, std::span<const double> b);

struct WilcoxonTest {
  int n = 0;        // pairs
  int nonzero = 0;  // pairs with d_i ≠ 0 (zeros are dropped: Wilcoxon's convention)
  double w_plus = std::numeric_limits<double>::quiet_NaN();     // rank sum of positive d_i
  double statistic = std::numeric_limits<double>::quiet_NaN();  // min(W+, W−)
  double p = std::numeric_limits<double>::quiet_NaN();          // two-sided
  bool exact = false;
};
// The signed-rank test of d_i = a_i − b_i (Wilcoxon 1945), as scipy.stats.wilcoxon's
// defaults (SciPy 1.17: zero_method "wilcox", method "auto"): zeros dropped; |d| ranked with
// ties given their average rank; exact when n <= 50 with no ties and no zeros, or n <= 13
// (then the distribution of W+ over the 2^m sign patterns of the actual ranks — a
// permutation test, deterministic), p = min(1, 2·min(P(W+ <= w), P(W+ >= w))); otherwise the
// normal approximation without continuity correction, z = (W+ − m(m+1)/4)/σ,
// σ² = m(m+1)(2m+1)/24 − Σ(t³ − t)/48 over tie groups (m = non-zero pairs). No non-zero
// difference: NaN.
WilcoxonTest wilcoxon_signed_rank(std::span<const double> a, std::span<const double> b);

}  // namespace grok
