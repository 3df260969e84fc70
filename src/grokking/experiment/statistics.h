// Statistics across the repeats of an experiment (issues 6, 16): mean ± sd with a 95 %
// Student-t interval (honest at small n; the percentile bootstrap stays available by name), a
// Wilson interval for the fraction grokked, epoch statistics with censored runs counted, and
// comparisons between configurations: paired by seed, the paired t-test and Wilcoxon's
// signed-rank test (paired_tests.h) on the differences; unpaired, Welch's t-test; Hedges' g,
// Holm's correction across comparisons.
// Deterministic: bootstrap resamples come from Philox keyed by a seed. Undefined values (an
// empty group, an sd of one value) are NaN; writers turn non-finite numbers into JSON null.
// Not the manifest, nor the grouping of trials into configurations (the runner's).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace grok {

// The standard normal's 97.5 % quantile, for 95 % intervals.
inline constexpr double kZ95 = 1.959963984540054;

struct Interval {
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};

// Arithmetic mean; NaN if empty.
double mean(std::span<const double> x);
// Sample standard deviation (divisor n − 1); NaN if n < 2.
double sample_sd(std::span<const double> x);

// How summarize() builds the interval of a mean.
enum class IntervalMethod {
  kStudentT,             // mean ± t·sd/√n (paired_tests.h t_interval); the default
  kPercentileBootstrap,  // bootstrap_mean_ci: [min, max] at n = 3, under-covers at small n
};
const char* to_string(IntervalMethod method);  // "t" | "percentile_bootstrap"

struct BootstrapOptions {
  IntervalMethod method = IntervalMethod::kStudentT;
  int resamples = 10000;
  double level = 0.95;
  uint64_t seed = 0;  // the resampling stream: the same seed gives the same interval
};

// Percentile bootstrap interval of the mean: `resamples` resamples of n values drawn with
// replacement (index = ⌊u·n⌋ from a 32-bit Philox word u, bias < n/2³²), their means
// sorted, and the (1 − level)/2 and (1 + level)/2 quantiles by linear interpolation between
// order statistics (NumPy's default "linear" percentile). n = 1 gives [x, x]; empty: NaN.
Interval bootstrap_mean_ci(std::span<const double> x, const BootstrapOptions& options = {});

struct Summary {
  int n = 0;
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = std::numeric_limits<double>::quiet_NaN();
  Interval ci;  // interval of the mean, by BootstrapOptions::method
  IntervalMethod method = IntervalMethod::kStudentT;
};
Summary summarize(std::span<const double> x, const BootstrapOptions& options = {});

// Wilson score interval for successes / n (Wilson 1927; Newcombe 1998 method 3):
//   (p̂ + z²/2n ± z·sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), clamped to [0, 1].
// n = 0: NaN. Throws grok::Error (via GROK_CHECK) unless 0 <= successes <= n.
Interval wilson_interval(int successes, int n, double z = kZ95);

struct Proportion {
  int successes = 0;
  int n = 0;
  double fraction = std::numeric_limits<double>::quiet_NaN();
  Interval ci;  // Wilson, 95 %
};
Proportion proportion(int successes, int n);

// Times to an event (epochs to 99 % val accuracy) where a run that never reached it is
// censored (nullopt): censored runs are kept and counted, never dropped silently, and the
// statistics of the times are over the runs that reached it. (Treating censored runs as
// reaching it at the last epoch would bias the mean down; leaving them out biases it toward
// the fast runs — hence the count beside it, and the fraction grokked reported alongside.)
struct EventTimes {
  int runs = 0;
  int censored = 0;  // runs that never reached the event
  Summary reached;   // over the runs that reached it (n = runs − censored)
};
EventTimes summarize_event_times(std::span<const std::optional<double>> times,
                                 const BootstrapOptions& options = {});

// Differences a_i − b_i of paired observations (the same seed in two configurations): their
// mean, sd and interval (summarize). Throws grok::Error unless the sizes match.
Summary paired_difference(std::span<const double> a, std::span<const double> b,
                          const BootstrapOptions& options = {});

struct WelchTest {
  double t = std::numeric_limits<double>::quiet_NaN();
  double df = std::numeric_limits<double>::quiet_NaN();  // Welch–Satterthwaite
  double p = std::numeric_limits<double>::quiet_NaN();   // two-sided
};
// Welch's unequal-variance t-test of mean(a) − mean(b):
//   t = (ā − b̄) / sqrt(s_a²/n_a + s_b²/n_b),
//   df = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)).
// Either group below 2 values: all NaN. Both variances zero (e.g. every run at 100 %): t = 0,
// p = 1 if the means are equal, t = ±inf, p = 0 otherwise; df NaN.
WelchTest welch_t_test(std::span<const double> a, std::span<const double> b);

// Hedges' g of a vs b: J · (ā − b̄) / s_pooled, s_pooled² = ((n_a−1)s_a² + (n_b−1)s_b²) /
// (n_a + n_b − 2), J = 1 − 3 / (4(n_a + n_b) − 9) (Hedges 1981's approximation). Either group
// below 2 values: NaN. s_pooled = 0: 0 if the means are equal, ±inf otherwise.
double hedges_g(std::span<const double> a, std::span<const double> b);

// Holm–Bonferroni step-down adjustment (Holm 1979): with the m finite p-values sorted,
// p_(k) ↦ min(1, max_{j<=k} (m − j + 1) p_(j)) (1-based k), returned in the input order. NaN
// entries stay NaN and do not count in m.
std::vector<double> holm_adjust(std::span<const double> p_values);

struct PairedTests {
  Summary difference;                                                  // a_i − b_i
  double t = std::numeric_limits<double>::quiet_NaN(), df = t, p = t;  // paired t-test
  int wilcoxon_nonzero = 0;
  double wilcoxon_statistic = std::numeric_limits<double>::quiet_NaN();  // min(W+, W−)
  double wilcoxon_p = wilcoxon_statistic;
  bool wilcoxon_exact = false;
};

// One configuration against another (a strategy vs its control, or two strategies).
struct Comparison {
  std::optional<PairedTests> paired;  // when the samples are paired by seed (same size)
  WelchTest welch;                    // computed either way; the test of unpaired samples
  double hedges_g = std::numeric_limits<double>::quiet_NaN();
  // The test the family is corrected over: the paired t-test when paired, else Welch.
  double p() const { return paired ? paired->p : welch.p; }
  const char* test() const { return paired ? "paired_t" : "welch"; }
  double p_holm = std::numeric_limits<double>::quiet_NaN();  // set by adjust_holm
};
// `paired`: a[i] and b[i] share a seed (the sizes must match).
Comparison compare(std::span<const double> a, std::span<const double> b, bool paired,
                   const BootstrapOptions& options = {});
// Sets p_holm of each comparison from the p() of all of them (one family).
void adjust_holm(std::vector<Comparison>& comparisons);

}  // namespace grok
