// bfloat16 conversion (bf16.h): hand-computed roundings and special values, and the
// dispatched block conversion (AVX512-BF16 where the CPU has it) bit-identical to the scalar
// to_bf16 on random and special values, every tail length and a padded row stride.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "grokking/core/bf16.h"
#include "grokking/core/philox.h"

namespace grok {
namespace {

float from_bits(uint32_t u) { return std::bit_cast<float>(u); }

TEST(Bf16, RoundsToNearestEven) {
  EXPECT_EQ(to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(to_bf16(-2.0f), 0xc000);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: the tie goes to the even 1.
  EXPECT_EQ(to_bf16(from_bits(0x3f808000u)), 0x3f80);
  // 1 + 3·2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: the tie goes to the even 1 + 2^-6.
  EXPECT_EQ(to_bf16(from_bits(0x3f818000u)), 0x3f82);
  // Just above and below a tie.
  EXPECT_EQ(to_bf16(from_bits(0x3f808001u)), 0x3f81);
  EXPECT_EQ(to_bf16(from_bits(0x3f817fffu)), 0x3f81);
  // 1/3 = 0x3eaaaaab: the dropped half 0xaaab is above the tie, so it rounds up to 0x3eab.
  EXPECT_EQ(to_bf16(1.0f / 3.0f), 0x3eab);
  EXPECT_FLOAT_EQ(from_bf16(0x3eab), 0.333984375f);
}

TEST(Bf16, SpecialValues) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(to_bf16(0.0f), 0x0000);
  EXPECT_EQ(to_bf16(-0.0f), 0x8000);
  EXPECT_EQ(to_bf16(kInf), 0x7f80);
  EXPECT_EQ(to_bf16(-kInf), 0xff80);
  EXPECT_EQ(to_bf16(std::numeric_limits<float>::max()), 0x7f80);         // rounds up to infinity
  EXPECT_EQ(to_bf16(std::numeric_limits<float>::denorm_min()), 0x0000);  // denormals: zero
  EXPECT_EQ(to_bf16(-std::numeric_limits<float>::denorm_min()), 0x8000);
  // The largest denormal would round up to the smallest normal (0x0080); it is flushed too.
  EXPECT_EQ(to_bf16(from_bits(0x007fffffu)), 0x0000);
  EXPECT_EQ(to_bf16(from_bits(0x80400000u)), 0x8000);
  EXPECT_EQ(to_bf16(std::numeric_limits<float>::min()), 0x0080);  // the smallest normal stays
  // A NaN whose payload lies in the dropped bits stays a (quiet) NaN, not infinity.
  const uint16_t nan = to_bf16(from_bits(0x7f800001u));
  EXPECT_TRUE(std::isnan(from_bf16(nan)));
  EXPECT_EQ(nan & 0x0040, 0x0040);
  EXPECT_TRUE(std::isnan(from_bf16(to_bf16(from_bits(0xffc00000u)))));
}

TEST(Bf16, BlockConversionMatchesScalar) {
  const Philox rng(11, RngPurpose::kTest, 0);
  std::vector<float> values;
  for (int i = 0; i < 4000; ++i) {
    const uint32_t bits = rng.block(i)[0];
    values.push_back(i % 3 == 0 ? from_bits(bits)  // any bit pattern: NaNs, denormals, ...
                                : static_cast<float>(2 * rng.uniform(i) - 1) * 3.0f);
  }
  for (uint32_t u : {0x3f808000u, 0x3f818000u, 0x7f7fffffu, 0x00000001u, 0x80000001u, 0x007fffffu,
                     0x80400000u, 0x7f800001u, 0xff800000u, 0x00000000u, 0x80000000u})
    values.push_back(from_bits(u));
  for (int cols : {1, 7, 15, 16, 17, 31, 33, 64, 99}) {
    const int ld = cols + 5, rows = static_cast<int>(values.size()) / ld;
    std::vector<uint16_t> block(static_cast<std::size_t>(rows) * cols);
    to_bf16_block(rows, cols, values.data(), ld, block.data());
    int64_t mismatches = 0;
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < cols; ++j)
        mismatches += block[static_cast<std::size_t>(r) * cols + j] !=
                      to_bf16(values[static_cast<std::size_t>(r) * ld + j]);
    EXPECT_EQ(mismatches, 0) << "cols " << cols
                             << (bf16_conversion_vectorized() ? " (AVX512-BF16)" : " (scalar)");
  }
}

}  // namespace
}  // namespace grok
