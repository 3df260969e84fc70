#include "grokking/core/bf16.h"

#include <cstddef>

#if defined(__x86_64__)
#include <cpuid.h>
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
#if defined(__clang__) && __clang_major__ < 16
  // clang before 16 (the fuzz preset's) lacks the "avx512bf16" name: CPUID leaf 7.1, EAX bit 5.
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  static const bool has = __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && ((eax >> 5) & 1) &&
                          __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#else
  static const bool has = __builtin_cpu_supports("avx512bf16") &&
                          __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#endif
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
