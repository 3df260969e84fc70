// Statistics of experiment/statistics.h and special_functions.h against hand-computed values,
// closed forms, and values computed once offline with SciPy 1.x (scipy.stats.ttest_ind with
// equal_var=False, scipy.stats.t, scipy.special.betainc), hard-coded here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/philox.h"
#include "grokking/experiment/paired_tests.h"
#include "grokking/experiment/special_functions.h"
#include "grokking/experiment/statistics.h"

namespace grok {
namespace {

const std::vector<double> kA = {0.91, 0.95, 0.99, 1.0, 0.97};
const std::vector<double> kB = {0.80, 0.88, 0.85, 0.93};

TEST(Descriptive, MeanAndSampleSd) {
  const std::vector<double> x = {2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(mean(x), 5.0);
  // Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32; sd = sqrt(32 / 7).
  EXPECT_DOUBLE_EQ(sample_sd(x), std::sqrt(32.0 / 7.0));
  EXPECT_NEAR(sample_sd(x), 2.138089935299395, 1e-15);
  EXPECT_TRUE(std::isnan(mean(std::vector<double>{})));
  EXPECT_TRUE(std::isnan(sample_sd(std::vector<double>{3.0})));
  EXPECT_DOUBLE_EQ(sample_sd(std::vector<double>{1.0, 3.0}), std::sqrt(2.0));
}

TEST(IncompleteBeta, ClosedForms) {
  // I_x(1, 1) = x; I_x(2, 3) = Σ_{j=2..4} C(4,j) x^j (1−x)^(4−j); I_x(½, ½) = (2/π) asin √x.
  EXPECT_NEAR(regularized_incomplete_beta(1, 1, 0.37), 0.37, 1e-15);
  const double x = 0.4;
  const double binomial = 6 * x * x * (1 - x) * (1 - x) + 4 * x * x * x * (1 - x) + x * x * x * x;
  EXPECT_NEAR(regularized_incomplete_beta(2, 3, x), binomial, 1e-14);
  EXPECT_NEAR(regularized_incomplete_beta(0.5, 0.5, 0.3),
              2 / std::numbers::pi * std::asin(std::sqrt(0.3)), 1e-14);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 0), 0.0);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 1), 1.0);
  EXPECT_TRUE(std::isnan(regularized_incomplete_beta(-1, 3, 0.5)));
  EXPECT_TRUE(std::isnan(regularized_incomplete_beta(2, 3, 1.5)));
}

TEST(IncompleteBeta, MatchesScipy) {
  EXPECT_NEAR(regularized_incomplete_beta(5, 0.5, 0.9), 0.3166429150200122, 1e-13);
  EXPECT_NEAR(regularized_incomplete_beta(50, 0.5, 0.99), 0.3173043978741973, 1e-13);
  EXPECT_NEAR(regularized_incomplete_beta(10, 20, 0.5), 0.9692858271300793, 1e-13);
  EXPECT_NEAR(regularized_incomplete_beta(0.5, 5, 0.02), 0.33891381153616235, 1e-13);
}

TEST(StudentT, KnownValues) {
  // Tables: t = 2.0 with 10 df → two-sided p = 0.07339.
  EXPECT_NEAR(student_t_two_sided_p(2.0, 10), 0.07339, 5e-6);
  EXPECT_NEAR(student_t_two_sided_p(2.0, 10), 0.07338803477074037, 1e-13);
  EXPECT_NEAR(student_t_cdf(2.0, 10), 0.9633059826146299, 1e-13);
  EXPECT_NEAR(student_t_cdf(-1.3, 3.7), 0.13433336208631375, 1e-13);  // fractional df
  EXPECT_NEAR(student_t_two_sided_p(8, 30), 6.265822475700759e-09, 1e-20);
  EXPECT_NEAR(student_t_two_sided_p(2, 1000), 0.04577034649325166, 1e-12);
  // Cauchy (df = 1): cdf = ½ + atan(t)/π.
  EXPECT_NEAR(student_t_cdf(0.5, 1), 0.5 + std::atan(0.5) / std::numbers::pi, 1e-14);
  EXPECT_DOUBLE_EQ(student_t_cdf(0.0, 7), 0.5);
  EXPECT_DOUBLE_EQ(student_t_two_sided_p(0.0, 7), 1.0);
  EXPECT_EQ(student_t_two_sided_p(INFINITY, 7), 0.0);
  // Symmetry.
  EXPECT_NEAR(student_t_cdf(-2.0, 10) + student_t_cdf(2.0, 10), 1.0, 1e-15);
}

TEST(Wilson, FormulaAndPublishedValues) {
  const double z = kZ95;
  // 7/10 by hand: (0.7 + z²/20 ± z sqrt(0.021 + z²/400)) / (1 + z²/10).
  const double d = 1 + z * z / 10, c = (0.7 + z * z / 20) / d;
  const double h = z * std::sqrt(0.7 * 0.3 / 10 + z * z / 400) / d;
  const Interval w = wilson_interval(7, 10);
  EXPECT_NEAR(w.lower, c - h, 1e-15);
  EXPECT_NEAR(w.upper, c + h, 1e-15);
  EXPECT_NEAR(w.lower, 0.3968, 5e-5);  // published: 0.3968 – 0.8922
  EXPECT_NEAR(w.upper, 0.8922, 5e-5);
  // 0/n and n/n: one end exactly at the boundary, the other z²/(n+z²) away.
  const Interval none = wilson_interval(0, 5), all = wilson_interval(5, 5);
  EXPECT_EQ(none.lower, 0.0);
  EXPECT_NEAR(none.upper, z * z / (5 + z * z), 1e-15);
  EXPECT_NEAR(none.upper, 0.4345, 5e-5);
  EXPECT_NEAR(all.lower, 5 / (5 + z * z), 1e-15);
  EXPECT_NEAR(all.lower, 0.5655, 5e-5);
  EXPECT_EQ(all.upper, 1.0);
  // Newcombe (1998), Table I, method 3: 81/263, 15/148, 0/20, 1/29.
  EXPECT_NEAR(wilson_interval(81, 263).lower, 0.2553, 5e-5);
  EXPECT_NEAR(wilson_interval(81, 263).upper, 0.3662, 5e-5);
  EXPECT_NEAR(wilson_interval(15, 148).lower, 0.0624, 5e-5);
  EXPECT_NEAR(wilson_interval(15, 148).upper, 0.1605, 5e-5);
  EXPECT_NEAR(wilson_interval(0, 20).upper, 0.1611, 5e-5);
  EXPECT_NEAR(wilson_interval(1, 29).lower, 0.0061, 5e-5);
  EXPECT_NEAR(wilson_interval(1, 29).upper, 0.1718, 5e-5);
  EXPECT_TRUE(std::isnan(wilson_interval(0, 0).lower));
  EXPECT_THROW(wilson_interval(6, 5), Error);
  const Proportion p = proportion(7, 10);
  EXPECT_DOUBLE_EQ(p.fraction, 0.7);
  EXPECT_DOUBLE_EQ(p.ci.upper, w.upper);
}

TEST(Welch, MatchesScipy) {
  const WelchTest w = welch_t_test(kA, kB);
  // By hand: means 0.964 and 0.865; s_a² = 0.00512 / 4, s_b² = 0.0089 / 3.
  const double se = std::sqrt(0.00128 / 5 + (0.0089 / 3) / 4);
  EXPECT_NEAR(w.t, (0.964 - 0.865) / se, 1e-12);
  EXPECT_NEAR(w.t, 3.1343137184717413, 1e-12);
  EXPECT_NEAR(w.df, 4.983160000393102, 1e-11);
  EXPECT_NEAR(w.p, 0.02595004050575146, 1e-12);

  const std::vector<double> a = {112, 98, 130, 121, 104, 99}, b = {140, 151, 133, 128};
  const WelchTest v = welch_t_test(a, b);
  EXPECT_NEAR(v.t, -3.780367653572107, 1e-12);
  EXPECT_NEAR(v.df, 7.672467424889653, 1e-11);
  EXPECT_NEAR(v.p, 0.005815077463510025, 1e-12);
  // Swapping the groups flips t only.
  const WelchTest u = welch_t_test(b, a);
  EXPECT_NEAR(u.t, -v.t, 1e-12);
  EXPECT_NEAR(u.p, v.p, 1e-15);
}

TEST(Welch, DegenerateCases) {
  const std::vector<double> ones = {1, 1, 1}, also = {1, 1}, lower = {0.5, 0.5, 0.5};
  const WelchTest same = welch_t_test(ones, also);
  EXPECT_EQ(same.t, 0.0);
  EXPECT_EQ(same.p, 1.0);
  EXPECT_TRUE(std::isnan(same.df));
  const WelchTest apart = welch_t_test(ones, lower);
  EXPECT_EQ(apart.t, INFINITY);
  EXPECT_EQ(apart.p, 0.0);
  EXPECT_TRUE(std::isnan(welch_t_test(std::vector<double>{1.0}, ones).p));
}

TEST(HedgesG, ByHand) {
  // Pooled variance: (4 · 0.00128 + 3 · 0.0089/3) / 7 = 0.01402 / 7; J = 1 − 3/(4·9 − 9) = 8/9.
  const double expected = (8.0 / 9.0) * (0.964 - 0.865) / std::sqrt(0.01402 / 7);
  EXPECT_NEAR(hedges_g(kA, kB), expected, 1e-12);
  EXPECT_NEAR(hedges_g(kA, kB), 1.9663357958896142, 1e-12);
  EXPECT_NEAR(hedges_g(kB, kA), -expected, 1e-12);
  EXPECT_EQ(hedges_g(std::vector<double>{1, 1}, std::vector<double>{1, 1, 1}), 0.0);
  EXPECT_TRUE(std::isnan(hedges_g(std::vector<double>{1}, kB)));
}

TEST(Holm, KnownExample) {
  // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → 0.06 (monotone).
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const std::vector<double> adjusted = holm_adjust(p);
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_NEAR(adjusted[0], 0.03, 1e-15);
  EXPECT_NEAR(adjusted[1], 0.06, 1e-15);
  EXPECT_NEAR(adjusted[2], 0.06, 1e-15);
  EXPECT_NEAR(adjusted[3], 0.02, 1e-15);
  // NaN stays NaN and is not counted in m (m = 2 here): 0.2·2 = 0.4, 0.6·1 = 0.6.
  const std::vector<double> q = holm_adjust(std::vector<double>{0.6, NAN, 0.2});
  EXPECT_NEAR(q[2], 0.4, 1e-15);
  EXPECT_NEAR(q[0], 0.6, 1e-15);
  EXPECT_TRUE(std::isnan(q[1]));
  // Capped at 1: 0.6·2 = 1.2 → 1, and 0.7 raised to 1 by monotonicity.
  const std::vector<double> capped = holm_adjust(std::vector<double>{0.7, 0.6});
  EXPECT_EQ(capped[0], 1.0);
  EXPECT_EQ(capped[1], 1.0);
  EXPECT_TRUE(holm_adjust(std::vector<double>{}).empty());
}

std::vector<double> normal_sample(int n, uint64_t seed) {
  const Philox rng(seed, RngPurpose::kTest, 0);
  std::vector<double> x(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = 10.0 + 2.0 * rng.normal(i);
  return x;
}

TEST(Bootstrap, DeterministicContainsMeanAndShrinks) {
  const std::vector<double> x = normal_sample(10, 1);
  const Interval a = bootstrap_mean_ci(x, {.seed = 7});
  const Interval b = bootstrap_mean_ci(x, {.seed = 7});
  EXPECT_EQ(a.lower, b.lower);
  EXPECT_EQ(a.upper, b.upper);
  const Interval other = bootstrap_mean_ci(x, {.seed = 8});
  EXPECT_NE(a.lower, other.lower);
  EXPECT_LT(a.lower, mean(x));
  EXPECT_GT(a.upper, mean(x));
  // Within the sample's range.
  EXPECT_GE(a.lower, *std::min_element(x.begin(), x.end()));
  EXPECT_LE(a.upper, *std::max_element(x.begin(), x.end()));

  // Large n: the percentile interval approaches mean ± z·sd·sqrt((n−1)/n)/sqrt(n).
  const std::vector<double> big = normal_sample(1000, 2);
  const Interval wide = bootstrap_mean_ci(big, {.resamples = 4000, .seed = 3});
  const double half = kZ95 * sample_sd(big) * std::sqrt(999.0 / 1000.0) / std::sqrt(1000.0);
  EXPECT_NEAR(wide.upper - wide.lower, 2 * half, 0.1 * 2 * half);
  EXPECT_NEAR(0.5 * (wide.upper + wide.lower), mean(big), 0.1 * half);
  EXPECT_LT(wide.upper - wide.lower, 0.5 * (a.upper - a.lower));

  // One value: a point; none: NaN; constant data: a point.
  const Interval one = bootstrap_mean_ci(std::vector<double>{3.5});
  EXPECT_EQ(one.lower, 3.5);
  EXPECT_EQ(one.upper, 3.5);
  EXPECT_TRUE(std::isnan(bootstrap_mean_ci(std::vector<double>{}).lower));
  const Interval flat = bootstrap_mean_ci(std::vector<double>{1, 1, 1, 1});
  EXPECT_EQ(flat.lower, 1.0);
  EXPECT_EQ(flat.upper, 1.0);
}

TEST(Bootstrap, TwoPointDataMatchesBinomialQuantiles) {
  // Resampling {0, 1} four times: the resample mean is Binomial(4, ½)/4, whose 2.5 % and
  // 97.5 % quantiles are 0 and 1 (P(0) = P(4) = 1/16 > 2.5 %).
  const Interval ci = bootstrap_mean_ci(std::vector<double>{0, 1, 0, 1}, {.seed = 11});
  EXPECT_EQ(ci.lower, 0.0);
  EXPECT_EQ(ci.upper, 1.0);
  // An 80 % interval: P(≤ 0.25) = 5/16 > 10 %, P(≥ 0.75) = 5/16 → [0.25, 0.75].
  const Interval narrow =
      bootstrap_mean_ci(std::vector<double>{0, 1, 0, 1}, {.level = 0.8, .seed = 11});
  EXPECT_EQ(narrow.lower, 0.25);
  EXPECT_EQ(narrow.upper, 0.75);
}

TEST(Summaries, SummarizePairedAndCensored) {
  const Summary s = summarize(kA);
  EXPECT_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(s.mean, mean(kA));
  EXPECT_DOUBLE_EQ(s.sd, sample_sd(kA));
  EXPECT_LT(s.ci.lower, s.mean);

  const std::vector<double> a = {0.99, 1.0, 0.97}, b = {0.90, 0.98, 0.95};
  const Summary d = paired_difference(a, b);
  EXPECT_EQ(d.n, 3);
  EXPECT_NEAR(d.mean, (0.09 + 0.02 + 0.02) / 3, 1e-15);
  EXPECT_NEAR(d.sd, sample_sd(std::vector<double>{0.09, 0.02, 0.02}), 1e-15);
  // The interval of the differences is their Student-t interval (paired_tests.h).
  const Interval t = t_interval(std::vector<double>{0.09, 0.02, 0.02});
  EXPECT_NEAR(d.ci.lower, t.lower, 1e-15);
  EXPECT_NEAR(d.ci.upper, t.upper, 1e-15);
  EXPECT_THROW(paired_difference(a, kA), Error);

  // Epochs to 99 %: two of five runs never reach it.
  const std::vector<std::optional<double>> epochs = {91, std::nullopt, 123, std::nullopt, 105};
  const EventTimes e = summarize_event_times(epochs);
  EXPECT_EQ(e.runs, 5);
  EXPECT_EQ(e.censored, 2);
  EXPECT_EQ(e.reached.n, 3);
  EXPECT_DOUBLE_EQ(e.reached.mean, (91 + 123 + 105) / 3.0);
  const EventTimes never =
      summarize_event_times(std::vector<std::optional<double>>{std::nullopt, std::nullopt});
  EXPECT_EQ(never.censored, 2);
  EXPECT_EQ(never.reached.n, 0);
  EXPECT_TRUE(std::isnan(never.reached.mean));
}

TEST(Comparisons, CompareAndHolmFamily) {
  std::vector<Comparison> family;
  family.push_back(compare(kA, kB, false));
  const std::vector<double> a = {0.99, 1.0, 0.97, 0.98}, b = {0.90, 0.98, 0.95, 0.97};
  family.push_back(compare(a, b, true));
  EXPECT_FALSE(family[0].paired.has_value());
  ASSERT_TRUE(family[1].paired.has_value());
  EXPECT_EQ(family[1].paired->difference.n, 4);
  EXPECT_NEAR(family[0].welch.p, 0.02595004050575146, 1e-12);
  EXPECT_NEAR(family[0].hedges_g, 1.9663357958896142, 1e-12);
  adjust_holm(family);
  const std::vector<double> expected =
      holm_adjust(std::vector<double>{family[0].welch.p, family[1].paired->p});
  EXPECT_EQ(family[0].p_holm, expected[0]);
  EXPECT_EQ(family[1].p_holm, expected[1]);
  EXPECT_GE(family[0].p_holm, family[0].welch.p);
}

}  // namespace
}  // namespace grok
