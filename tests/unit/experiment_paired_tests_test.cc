// paired_tests.h and the t-quantile of special_functions.h against SciPy 1.17.1, run outside
// the tree (python3 -m venv; pip install scipy), each expected value with the call that gave
// it; and the small-n coverage the t-interval promises, by simulation.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/experiment/paired_tests.h"
#include "grokking/experiment/special_functions.h"
#include "grokking/experiment/statistics.h"

namespace grok {
namespace {

TEST(StudentTQuantile, MatchesScipy) {
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.302652729749462, 1e-12);    // t.ppf(0.975, 2)
  EXPECT_NEAR(student_t_quantile(0.975, 9), 2.262157162798205, 1e-12);    // t.ppf(0.975, 9)
  EXPECT_NEAR(student_t_quantile(0.995, 4.5), 4.272823993011293, 1e-11);  // t.ppf(0.995, 4.5)
  EXPECT_NEAR(student_t_quantile(0.025, 3), -3.1824463052837086, 1e-12);  // t.ppf(0.025, 3)
  EXPECT_TRUE(std::isnan(student_t_quantile(1.0, 3)));
}

TEST(TInterval, MatchesScipy) {
  // t.interval(0.95, n − 1, loc=mean(x), scale=sem(x))
  const Interval a = t_interval(std::vector<double>{0.91, 0.95, 0.99, 1.0, 0.97});
  EXPECT_NEAR(a.lower, 0.9195768783168352, 1e-12);
  EXPECT_NEAR(a.upper, 1.0084231216831645, 1e-12);
  const Interval b = t_interval(std::vector<double>{0.95, 0.97, 1.0});
  EXPECT_NEAR(b.lower, 0.9108172385395754, 1e-12);
  EXPECT_NEAR(b.upper, 1.0358494281270911, 1e-12);
  EXPECT_TRUE(std::isnan(t_interval(std::vector<double>{0.9}).lower));
  // summarize() uses it by default and names it.
  const Summary s = summarize(std::vector<double>{0.95, 0.97, 1.0});
  EXPECT_EQ(s.method, IntervalMethod::kStudentT);
  EXPECT_STREQ(to_string(s.method), "t");
  EXPECT_DOUBLE_EQ(s.ci.lower, b.lower);
}

TEST(TInterval, HonestCoverageAtThreeSeeds) {
  // 4000 samples of n = 3 normal values: the 95 % t-interval covers the mean ~95 % of the time
  // (binomial sd 0.34 %), the percentile bootstrap ([min, max] at n = 3) ~75 %.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.9, 0.05);
  int t_hits = 0, boot_hits = 0;
  const int trials = 4000;
  BootstrapOptions boot;
  boot.method = IntervalMethod::kPercentileBootstrap;
  boot.resamples = 200;
  for (int i = 0; i < trials; ++i) {
    const std::vector<double> x = {normal(rng), normal(rng), normal(rng)};
    const Interval t = t_interval(x);
    t_hits += t.lower <= 0.9 && 0.9 <= t.upper;
    boot.seed = static_cast<uint64_t>(i);
    const Interval b = summarize(x, boot).ci;
    boot_hits += b.lower <= 0.9 && 0.9 <= b.upper;
  }
  EXPECT_NEAR(t_hits / double(trials), 0.95, 0.015);
  EXPECT_LT(boot_hits / double(trials), 0.80);
}

TEST(PairedT, MatchesScipy) {
  // ttest_rel([0.99, 1.0, 0.97, 0.98], [0.90, 0.98, 0.95, 0.97])
  const PairedTTest a = paired_t_test(std::vector<double>{0.99, 1.0, 0.97, 0.98},
                                      std::vector<double>{0.90, 0.98, 0.95, 0.97});
  EXPECT_EQ(a.n, 4);
  EXPECT_EQ(a.df, 3);
  EXPECT_NEAR(a.t, 1.8935062328016092, 1e-12);
  EXPECT_NEAR(a.p, 0.15461852312844906, 1e-12);
  // ttest_rel(x, y) for the ten pairs below
  const std::vector<double> x = {112, 98, 130, 121, 104, 99, 117, 125, 108, 111};
  const std::vector<double> y = {118, 97, 141, 128, 104, 108, 119, 131, 112, 110};
  const PairedTTest b = paired_t_test(x, y);
  EXPECT_NEAR(b.t, -3.223992659666196, 1e-12);
  EXPECT_NEAR(b.p, 0.010422483234850595, 1e-12);
  // Identical differences: no spread.
  const PairedTTest c = paired_t_test(std::vector<double>{2, 3, 4}, std::vector<double>{1, 2, 3});
  EXPECT_TRUE(std::isinf(c.t));
  EXPECT_EQ(c.p, 0);
  EXPECT_TRUE(std::isnan(paired_t_test(std::vector<double>{1}, std::vector<double>{0}).p));
  EXPECT_THROW(paired_t_test(x, std::vector<double>{1, 2}), Error);
}

TEST(Wilcoxon, ExactWithoutTiesMatchesScipy) {
  // wilcoxon(u, v): 9 distinct non-zero differences, exact
  const std::vector<double> u = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> v = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  const WilcoxonTest a = wilcoxon_signed_rank(u, v);
  EXPECT_TRUE(a.exact);
  EXPECT_EQ(a.nonzero, 9);
  EXPECT_EQ(a.statistic, 5.0);
  EXPECT_NEAR(a.p, 0.0390625, 1e-15);
  // wilcoxon([0.99, 1.0, 0.97], [0.90, 0.98, 0.95]): all three positive, p = 2/8
  const WilcoxonTest b = wilcoxon_signed_rank(std::vector<double>{0.99, 1.0, 0.97},
                                              std::vector<double>{0.90, 0.98, 0.95});
  EXPECT_EQ(b.statistic, 0.0);
  EXPECT_NEAR(b.p, 0.25, 1e-15);
  // wilcoxon(100 + d, 100) for 20 distinct d: exact (n <= 50)
  const std::vector<double> d = {3, -1, 7,  12, -5, 9,   15, -2, 11, 4,
                                 8, -6, 13, 10, 14, -16, 17, 18, 19, 20};
  std::vector<double> x, y(20, 100.0);
  for (const double e : d) x.push_back(100 + e);
  const WilcoxonTest c = wilcoxon_signed_rank(x, y);
  EXPECT_TRUE(c.exact);
  EXPECT_EQ(c.statistic, 30.0);
  EXPECT_NEAR(c.p, 0.00365447998046875, 1e-15);
}

TEST(Wilcoxon, TiesAndZerosMatchScipy) {
  // wilcoxon([3,5,2,8,6,7], [1,3,3,4,4,9]): ties, n <= 13: permutation distribution
  const WilcoxonTest a = wilcoxon_signed_rank(std::vector<double>{3, 5, 2, 8, 6, 7},
                                              std::vector<double>{1, 3, 3, 4, 4, 9});
  EXPECT_TRUE(a.exact);
  EXPECT_EQ(a.statistic, 4.5);
  EXPECT_NEAR(a.p, 0.3125, 1e-15);
  // wilcoxon(x, y) of the ten pairs of PairedT (one zero, ties): permutation, 9 non-zero
  const std::vector<double> x = {112, 98, 130, 121, 104, 99, 117, 125, 108, 111};
  const std::vector<double> y = {118, 97, 141, 128, 104, 108, 119, 131, 112, 110};
  const WilcoxonTest b = wilcoxon_signed_rank(x, y);
  EXPECT_EQ(b.n, 10);
  EXPECT_EQ(b.nonzero, 9);
  EXPECT_EQ(b.statistic, 3.0);
  EXPECT_NEAR(b.p, 0.01953125, 1e-15);
  // n = 20 with ties and two zeros: the normal approximation
  const std::vector<double> p = {93, 96, 80, 96, 89, 90, 92, 85, 99, 81,
                                 85, 87, 91, 88, 82, 80, 80, 80, 82, 99};
  const std::vector<double> q = {95, 94, 77, 97, 90, 90, 93, 80, 101, 76,
                                 81, 83, 93, 88, 80, 79, 78, 77, 80,  102};
  const WilcoxonTest c = wilcoxon_signed_rank(p, q);
  EXPECT_FALSE(c.exact);
  EXPECT_EQ(c.nonzero, 18);
  EXPECT_EQ(c.statistic, 44.5);
  EXPECT_NEAR(c.p, 0.07170256065257799, 1e-12);
  // n = 16, one zero, distinct magnitudes: the normal approximation
  const std::vector<double> r = {99, 91, 98, 85, 87, 97, 83, 81, 87, 93, 82, 97, 86, 84, 90, 97};
  const std::vector<double> s = {68,  60, 107, 114, 63, 78,  60, 111,
                                 115, 88, 89,  97,  51, 100, 84, 105};
  const WilcoxonTest e = wilcoxon_signed_rank(r, s);
  EXPECT_FALSE(e.exact);
  EXPECT_EQ(e.statistic, 51.0);
  EXPECT_NEAR(e.p, 0.6091628911933872, 1e-12);
  EXPECT_TRUE(
      std::isnan(wilcoxon_signed_rank(std::vector<double>{1, 2}, std::vector<double>{1, 2}).p));
}

TEST(Comparisons, PairedFamilyUsesThePairedTest) {
  const std::vector<double> x = {112, 98, 130, 121, 104, 99, 117, 125, 108, 111};
  const std::vector<double> y = {118, 97, 141, 128, 104, 108, 119, 131, 112, 110};
  const Comparison c = compare(x, y, true);
  ASSERT_TRUE(c.paired.has_value());
  EXPECT_STREQ(c.test(), "paired_t");
  EXPECT_NEAR(c.p(), 0.010422483234850595, 1e-12);
  EXPECT_NEAR(c.paired->wilcoxon_p, 0.01953125, 1e-15);
  EXPECT_GT(c.welch.p, 0.3);  // the unpaired test misses the seed-paired effect
  const Comparison u = compare(x, y, false);
  EXPECT_STREQ(u.test(), "welch");
  EXPECT_EQ(u.p(), u.welch.p);
}

}  // namespace
}  // namespace grok
