// GemmPrecision's names and availability (core/gemm.h): bf16 where the CPU has AVX512-BF16
// or AMX-BF16, refused elsewhere with a reason that names the missing feature. The numbers
// of each precision are core_gemm_test's.
#include <gtest/gtest.h>

#include <string>

#include "grokking/core/error.h"
#include "grokking/core/gemm.h"

namespace grok {
namespace {

// bf16 runs where the CPU has AVX512-BF16 or AMX-BF16 (and oneDNN uses them); elsewhere it is
// refused with a reason that names the missing feature, and fp32 always runs.
TEST(GemmPrecision, Bf16Availability) {
  EXPECT_EQ(gemm_precision_unsupported(GemmPrecision::kFp32), "");
  const std::string why = gemm_precision_unsupported(GemmPrecision::kBf16);
  const bool cpu_has = __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
  if (why.empty()) {
    EXPECT_TRUE(cpu_has);
    EXPECT_EQ(gemm_backend_name(), "onednn");
    set_gemm_precision(GemmPrecision::kBf16);
    EXPECT_EQ(gemm_precision(), GemmPrecision::kBf16);
  } else {
    EXPECT_NE(why.find(cpu_has ? "oneDNN" : "AVX512-BF16"), std::string::npos) << why;
    EXPECT_THROW(set_gemm_precision(GemmPrecision::kBf16), Error);
    EXPECT_EQ(gemm_precision(), GemmPrecision::kFp32);
  }
  set_gemm_precision(GemmPrecision::kFp32);
  EXPECT_EQ(gemm_precision(), GemmPrecision::kFp32);
}

TEST(GemmPrecision, ParsesItsNames) {
  EXPECT_EQ(parse_gemm_precision("fp32", "precision"), GemmPrecision::kFp32);
  EXPECT_EQ(parse_gemm_precision("bf16", "precision"), GemmPrecision::kBf16);
  EXPECT_STREQ(to_string(GemmPrecision::kBf16), "bf16");
  try {
    parse_gemm_precision("fp16", "precision");
    FAIL() << "fp16 accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("precision: 'fp16' is invalid; allowed: fp32, bf16"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace grok
