#include "grokking/core/bf16.h"

#include <cstddef>

#if defined(__x86_64__)
#include <immintrin.h>
#define GROK_BF16_X86 1
#endif

namespace grok {
namespace {

void to_bf16_scalar(int rows, int cols, const float* src, int ld, uint16_t* dst) {
  for (int r = 0; r < rows; ++r) {
    const float* s = src + static_cast<std::ptrdiff_t>(r) * ld;
    uint16_t* d = dst + static_cast<std::ptrdiff_t>(r) * cols;
    for (int j = 0; j < cols; ++j) d[j] = to_bf16(s[j]);
  }
}

#if GROK_BF16_X86
// 16 floats per instruction; the row's tail through a mask, so every element takes the
// same instruction (and the same rounding) whatever its column.
__attribute__((target("avx512f,avx512bf16,avx512vl,avx512bw"))) void to_bf16_avx512(
    int rows, int cols, const float* src, int ld, uint16_t* dst) {
  for (int r = 0; r < rows; ++r) {
    const float* s = src + static_cast<std::ptrdiff_t>(r) * ld;
    uint16_t* d = dst + static_cast<std::ptrdiff_t>(r) * cols;
    int j = 0;
    for (; j + 16 <= cols; j += 16)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + j),
                          reinterpret_cast<__m256i>(_mm512_cvtneps_pbh(_mm512_loadu_ps(s + j))));
    if (j < cols) {
      const __mmask16 tail = static_cast<__mmask16>((1u << (cols - j)) - 1u);
      const __m256bh packed = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(tail, s + j));
      _mm256_mask_storeu_epi16(d + j, tail, reinterpret_cast<__m256i>(packed));
    }
  }
}
#endif

}  // namespace

bool bf16_conversion_vectorized() {
#if GROK_BF16_X86
  static const bool has = __builtin_cpu_supports("avx512bf16") &&
                          __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  return has;
#else
  return false;
#endif
}

void to_bf16_block(int rows, int cols, const float* src, int ld, uint16_t* dst) {
#if GROK_BF16_X86
  if (bf16_conversion_vectorized()) return to_bf16_avx512(rows, cols, src, ld, dst);
#endif
  to_bf16_scalar(rows, cols, src, ld, dst);
}

}  // namespace grok
