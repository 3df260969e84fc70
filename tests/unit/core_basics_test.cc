#include <gtest/gtest.h>

#include <set>

#include "grokking/core/error.h"
#include "grokking/core/philox.h"
#include "grokking/core/tensor.h"

namespace grok {
namespace {

// Known-answer vectors from the Random123 distribution (kat_vectors, philox4x32_10).
TEST(Philox, MatchesRandom123KnownAnswers) {
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (PhiloxBlock{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                          {0xffffffffu, 0xffffffffu}),
            (PhiloxBlock{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                          {0xa4093822u, 0x299f31d0u}),
            (PhiloxBlock{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(Philox, StreamsDifferByPurposeStepAndSeed) {
  std::set<PhiloxBlock> blocks;
  for (uint64_t seed : {0u, 1u})
    for (auto purpose : {RngPurpose::kInit, RngPurpose::kDropout})
      for (uint64_t step : {0u, 1u}) blocks.insert(Philox(seed, purpose, step).block(0));
  EXPECT_EQ(blocks.size(), 8u);
}

TEST(Philox, NormalHasUnitMoments) {
  const Philox rng(7, RngPurpose::kTest, 0);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal(i);
    sum += x;
    sum2 += x * x;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.01);
}

TEST(TensorLayout, PacksAlignedAndFindsByName) {
  TensorLayout layout;
  layout.add("a", {3, 5});
  layout.add("b", {7});
  EXPECT_EQ(layout.find("b").offset, 16u);
  EXPECT_EQ(layout.total_size(), 32u);
  EXPECT_EQ(layout.parameter_count(), 22u);
  EXPECT_THROW(layout.find("c"), Error);
  EXPECT_THROW(layout.add("a", {1}), Error);
}

TEST(Check, ThrowsWithContext) {
  try {
    GROK_CHECK(1 + 1 == 3, "value {}", 42);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("value 42"), std::string::npos);
  }
}

}  // namespace
}  // namespace grok
