// The band around a configuration's mean curve: hand-computed means, normal 95 % intervals
// (three or more runs) and min–max envelopes (fewer), runs of different lengths, skipped
// non-finite values and clipping.
#include <gtest/gtest.h>

#include <cmath>

#include "grokking/report/band.h"
#include "test_support.h"

namespace grok {
namespace {

TEST(ReportBand, NormalIntervalWithThreeRuns) {
  // At x = 1: values 1, 2, 3 → mean 2, sd 1, half width 1.959964/√3 = 1.131586.
  // At x = 2: values 10, 10, 16 → mean 12, sd √12 = 3.464102, half 3.919928.
  const std::vector<Series> runs = {{{1, 2}, {1, 10}}, {{1, 2}, {2, 10}}, {{1, 2}, {3, 16}}};
  const Band band = mean_band(runs);
  EXPECT_EQ(band.kind, BandKind::kNormal95);
  EXPECT_EQ(band.runs, 3);
  ASSERT_EQ(band.points.size(), 2u);
  EXPECT_EQ(band.points[0].x, 1);
  EXPECT_EQ(band.points[0].n, 3);
  EXPECT_DOUBLE_EQ(band.points[0].mean, 2);
  EXPECT_NEAR(band.points[0].lower, 2 - 1.131586, 1e-6);
  EXPECT_NEAR(band.points[0].upper, 2 + 1.131586, 1e-6);
  EXPECT_DOUBLE_EQ(band.points[1].mean, 12);
  EXPECT_NEAR(band.points[1].upper - band.points[1].mean, 3.919928, 1e-6);
  EXPECT_EQ(describe(band.kind), "mean ± 1.96·sd/√n across runs");
}

TEST(ReportBand, MinMaxWithFewerRuns) {
  const std::vector<Series> runs = {{{1, 2, 3}, {0.2, 0.5, 0.9}}, {{1, 2, 3}, {0.4, 0.3, 1.0}}};
  const Band band = mean_band(runs);
  EXPECT_EQ(band.kind, BandKind::kMinMax);
  ASSERT_EQ(band.points.size(), 3u);
  EXPECT_DOUBLE_EQ(band.points[0].mean, 0.3);
  EXPECT_DOUBLE_EQ(band.points[0].lower, 0.2);
  EXPECT_DOUBLE_EQ(band.points[0].upper, 0.4);
  EXPECT_DOUBLE_EQ(band.points[1].lower, 0.3);
  EXPECT_DOUBLE_EQ(band.points[1].upper, 0.5);
  EXPECT_DOUBLE_EQ(band.points[2].mean, 0.95);
  // One run: the band collapses onto the curve.
  const Band one = mean_band({{{5}, {0.7}}});
  EXPECT_EQ(one.kind, BandKind::kMinMax);
  EXPECT_DOUBLE_EQ(one.points[0].lower, 0.7);
  EXPECT_DOUBLE_EQ(one.points[0].upper, 0.7);
}

TEST(ReportBand, RunsOfDifferentLengthsAndMissingValues) {
  // The third run stops after epoch 2 and has an undefined value at epoch 1: epoch 1 has two
  // values (within a three-run band: its interval uses n = 2), epoch 3 has two.
  const std::vector<Series> runs = {
      {{1, 2, 3}, {1, 2, 3}}, {{1, 2, 3}, {3, 4, 5}}, {{1, 2}, {NAN, 6}}};
  const Band band = mean_band(runs);
  EXPECT_EQ(band.kind, BandKind::kNormal95);
  ASSERT_EQ(band.points.size(), 3u);
  EXPECT_EQ(band.points[0].n, 2);
  EXPECT_DOUBLE_EQ(band.points[0].mean, 2);
  // sd of {1, 3} = √2; half = 1.959964·√2/√2 = 1.959964.
  EXPECT_NEAR(band.points[0].upper, 2 + 1.959964, 1e-6);
  EXPECT_EQ(band.points[1].n, 3);
  EXPECT_DOUBLE_EQ(band.points[1].mean, 4);
  EXPECT_EQ(band.points[2].n, 2);
  EXPECT_DOUBLE_EQ(band.points[2].mean, 4);
}

TEST(ReportBand, ClipsToTheGivenRange) {
  const std::vector<Series> runs = {{{1}, {99}}, {{1}, {100}}, {{1}, {100}}};
  const Band band = mean_band(runs, 0, 100);
  EXPECT_NEAR(band.points[0].mean, 99.666667, 1e-6);
  EXPECT_DOUBLE_EQ(band.points[0].upper, 100);
  EXPECT_LT(band.points[0].lower, band.points[0].mean);
}

TEST(ReportBand, RejectsMismatchedSeries) {
  EXPECT_CONTAINS(testing_support::error_of([] { mean_band({{{1, 2}, {0.5}}}); }), "2 x and 1 y");
}

}  // namespace
}  // namespace grok
