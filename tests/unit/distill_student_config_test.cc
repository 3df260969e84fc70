// The student's shape (REFERENCE.md §5): width max(8, round-half-even(D·scale)) rounded up
// to a multiple of heads, depth max(1, round(L·depth_scale)), the rest copied.
#include <gtest/gtest.h>

#include <string>

#include "grokking/core/error.h"
#include "grokking/distill/student_config.h"

namespace grok {
namespace {

ModelConfig teacher(int dim, int heads, int depth) {
  ModelConfig c;
  c.dim = dim, c.heads = heads, c.depth = depth;
  c.dropout = 0.1;
  c.pool = Pool::kMean;
  return c;
}

TEST(RoundHalfEven, TiesGoToEven) {
  EXPECT_EQ(round_half_even(0.5), 0);
  EXPECT_EQ(round_half_even(1.5), 2);
  EXPECT_EQ(round_half_even(2.5), 2);
  EXPECT_EQ(round_half_even(3.5), 4);
  EXPECT_EQ(round_half_even(2.4999), 2);
  EXPECT_EQ(round_half_even(2.5001), 3);
  EXPECT_EQ(round_half_even(-1.5), -2);
}

TEST(StudentConfig, ScalesWidthAndDepth) {
  const ModelConfig t = teacher(128, 1, 2);
  const ModelConfig half = student_config(t, 0.5, 1.0);
  EXPECT_EQ(half.dim, 64);
  EXPECT_EQ(half.depth, 2);
  EXPECT_EQ(student_config(t, 0.25, 1.0).dim, 32);
  EXPECT_EQ(student_config(t, 2.0, 1.0).dim, 256);
  // Copied: heads, dropout, pool, vocabulary, classes.
  EXPECT_EQ(half.heads, 1);
  EXPECT_EQ(half.dropout, 0.1);
  EXPECT_EQ(half.pool, Pool::kMean);
  EXPECT_EQ(half.vocab_size, t.vocab_size);
  EXPECT_EQ(half.n_classes, t.n_classes);
}

TEST(StudentConfig, TiesRoundHalfToEven) {
  EXPECT_EQ(student_config(teacher(36, 1, 2), 0.625, 1.0).dim, 22);  // 22.5 → 22
  EXPECT_EQ(student_config(teacher(44, 1, 2), 0.625, 1.0).dim, 28);  // 27.5 → 28
  EXPECT_EQ(student_config(teacher(128, 1, 3), 1.0, 0.5).depth, 2);  // 1.5 → 2
  EXPECT_EQ(student_config(teacher(128, 1, 5), 1.0, 0.5).depth, 2);  // 2.5 → 2
  EXPECT_EQ(student_config(teacher(128, 1, 2), 1.0, 0.5).depth, 1);
}

TEST(StudentConfig, MinimumsAndHeadMultiples) {
  EXPECT_EQ(student_config(teacher(128, 1, 2), 0.01, 1.0).dim, 8);    // 1.28 → at least 8
  EXPECT_EQ(student_config(teacher(128, 1, 2), 1.0, 0.25).depth, 1);  // 0.5 → 0 → at least 1
  EXPECT_EQ(student_config(teacher(128, 4, 2), 0.35, 1.0).dim, 48);   // 44.8 → 45 → 48
  EXPECT_EQ(student_config(teacher(128, 4, 2), 0.35, 1.0).heads, 4);
  EXPECT_EQ(student_config(teacher(128, 8, 2), 0.1, 1.0).dim, 16);  // 12.8 → 13 → 16
}

TEST(StudentConfig, RefusesInvalidScalesAndShapes) {
  const ModelConfig t = teacher(128, 1, 2);
  EXPECT_THROW(student_config(t, 0.0, 1.0), UsageError);
  EXPECT_THROW(student_config(t, -0.5, 1.0), UsageError);
  EXPECT_THROW(student_config(t, 0.5, 0.0), UsageError);
  // 128 × 0.1 = 12.8 → 13 → an odd head width, which RoPE cannot rotate.
  try {
    student_config(t, 0.1, 1.0);
    FAIL() << "accepted dim 13";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("student_scale 0.1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("dim 13"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace grok
