// The GEMM FLOP count against hand counts written out product by product.
#include <gtest/gtest.h>

#include "grokking/core/error.h"
#include "grokking/core/flops.h"

namespace grok {
namespace {

// Tiny config: B = 3, T = 4, D = 8, H = 2 (dh = 4), F = 32, C = 11, so R = B·T = 12 rows.
constexpr int kB = 3, kT = 4, kD = 8, kH = 2, kF = 32, kC = 11;

// One full layer, every product written as 2·M·N·K.
constexpr double kFullLayer = 2.0 * 12 * 8 * 8             // q  [12,8]·[8,8]
                              + 2.0 * 12 * 8 * 8           // k
                              + 2.0 * 12 * 8 * 8           // v
                              + 2.0 * 12 * 8 * 8           // o
                              + 3 * 2 * (2.0 * 4 * 4 * 4)  // scores: per (b, h) [4,4]·[4,4]
                              + 3 * 2 * (2.0 * 4 * 4 * 4)  // probs·v: per (b, h) [4,4]·[4,4]
                              + 2.0 * 12 * 32 * 8          // W1 [12,8]·[8,32]
                              + 2.0 * 12 * 32 * 8          // W3
                              + 2.0 * 12 * 8 * 32;         // W2 [12,32]·[32,8]

// The trimmed last layer: keys and values for all 12 rows, the rest for 3 query rows.
constexpr double kTrimmedLayer = 2.0 * 3 * 8 * 8              // q  [3,8]·[8,8]
                                 + 2.0 * 12 * 8 * 8           // k  [12,8]·[8,8]
                                 + 2.0 * 12 * 8 * 8           // v
                                 + 2.0 * 3 * 8 * 8            // o  [3,8]·[8,8]
                                 + 3 * 2 * (2.0 * 1 * 4 * 4)  // scores: per (b, h) [1,4]·[4,4]
                                 + 3 * 2 * (2.0 * 1 * 4 * 4)  // probs·v: per (b, h) [1,4]·[4,4]
                                 + 2.0 * 3 * 32 * 8           // W1 [3,8]·[8,32]
                                 + 2.0 * 3 * 32 * 8           // W3
                                 + 2.0 * 3 * 8 * 32;          // W2 [3,32]·[32,8]

constexpr double kHead = 2.0 * 3 * 11 * 8;  // [3,8]·[8,11]

TEST(Flops, HandCountOfTinyConfig) {
  // The same sums evaluated by hand, so that a mistake in the constexpr terms shows too.
  EXPECT_EQ(kFullLayer, 26112.0);
  EXPECT_EQ(kTrimmedLayer, 8832.0);
  EXPECT_EQ(kHead, 528.0);

  const FlopCount full = training_step_flops(kB, kT, 2, kD, kH, kF, kC, false);
  EXPECT_EQ(full.forward, 2 * kFullLayer + kHead);
  EXPECT_EQ(full.backward, 2 * full.forward);
  EXPECT_EQ(full.total, 3 * full.forward);

  const FlopCount trimmed = training_step_flops(kB, kT, 2, kD, kH, kF, kC, true);
  EXPECT_EQ(trimmed.forward, kFullLayer + kTrimmedLayer + kHead);
  EXPECT_EQ(trimmed.forward, 35472.0);
  EXPECT_EQ(trimmed.backward, 2 * trimmed.forward);
  EXPECT_EQ(trimmed.total, 3 * 35472.0);

  // Depth 1 trimmed: the only layer is the trimmed one.
  EXPECT_EQ(training_step_flops(kB, kT, 1, kD, kH, kF, kC, true).forward, kTrimmedLayer + kHead);
}

TEST(Flops, HeadsDoNotChangeTheCount) {
  // B·H·T·T·dh = B·T·T·D whatever the split into heads.
  EXPECT_EQ(training_step_flops(kB, kT, 2, kD, 1, kF, kC, true).forward,
            training_step_flops(kB, kT, 2, kD, 4, kF, kC, true).forward);
}

TEST(Flops, EvalIsForwardOnlyAndLinearInExamples) {
  EXPECT_EQ(eval_flops(kB, kT, 2, kD, kH, kF, kC), kFullLayer + kTrimmedLayer + kHead);
  EXPECT_EQ(eval_flops(kB, kT, 2, kD, kH, kF, kC, false), 2 * kFullLayer + kHead);
  EXPECT_EQ(eval_flops(2 * kB, kT, 2, kD, kH, kF, kC), 2 * (kFullLayer + kTrimmedLayer + kHead));
}

TEST(Flops, DefaultConfigStep) {
  // B = 512, T = 4, L = 2, D = 128, H = 1, F = 512, C = 99, trimmed (docs/PERFORMANCE.md).
  const double full_layer =
      4 * (2.0 * 2048 * 128 * 128) + 2 * (2.0 * 512 * 4 * 4 * 128) + 3 * (2.0 * 2048 * 128 * 512);
  const double trimmed_layer = 2 * (2.0 * 2048 * 128 * 128) + 2 * (2.0 * 512 * 128 * 128) +
                               2 * (2.0 * 512 * 1 * 4 * 128) + 3 * (2.0 * 512 * 128 * 512);
  const double head = 2.0 * 512 * 128 * 99;
  const FlopCount step = training_step_flops(512, 4, 2, 128, 1, 512, 99, true);
  EXPECT_EQ(step.forward, full_layer + trimmed_layer + head);
  EXPECT_EQ(step.forward, 1461059584.0);
  EXPECT_EQ(step.total, 3 * 1461059584.0);
}

TEST(Flops, RejectsBadConfig) {
  EXPECT_THROW(training_step_flops(kB, kT, 2, 10, 4, kF, kC, true), Error);  // 10 % 4 != 0
  EXPECT_THROW(training_step_flops(kB, kT, 0, kD, kH, kF, kC, true), Error);
}

}  // namespace
}  // namespace grok
