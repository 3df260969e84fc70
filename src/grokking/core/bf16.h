// bfloat16: the upper 16 bits of an IEEE float (8 exponent bits, 7 mantissa bits), the
// operand type of the bf16 GEMMs (gemm.h, GemmPrecision::kBf16). Conversion rounds to
// nearest, ties to even, with the semantics of AVX512-BF16's VCVTNE2PS2BF16: a denormal
// input becomes a zero of its sign, a NaN stays a quiet NaN of its sign, and finite values
// above the largest bf16 round to infinity. Not an arithmetic type: nothing computes in bf16.
#pragma once

#include <bit>
#include <cstdint>

namespace grok {

inline uint16_t to_bf16(float x) {
  const uint32_t u = std::bit_cast<uint32_t>(x);
  const uint32_t sign = u & 0x80000000u, exponent = u & 0x7f800000u, mantissa = u & 0x007fffffu;
  if (exponent == 0x7f800000u && mantissa != 0) return static_cast<uint16_t>((u >> 16) | 0x0040u);
  if (exponent == 0) return static_cast<uint16_t>(sign >> 16);  // zero or denormal
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

inline float from_bf16(uint16_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b) << 16); }

// dst [rows, cols] packed = to_bf16 of the block src [rows, cols] stored with row stride ld.
// AVX512-BF16 when the CPU has it (the same bits as to_bf16), the scalar loop otherwise.
void to_bf16_block(int rows, int cols, const float* src, int ld, uint16_t* dst);

// Whether to_bf16_block runs the AVX512-BF16 kernel on this CPU.
bool bf16_conversion_vectorized();

}  // namespace grok
