// dropout_mask: the scalar reference (one Philox block per 4 elements), an AVX2 version that
// runs 8 Philox blocks side by side (32 mask bytes per iteration) and an AVX-512 one that runs
// 16 (64 bytes), picked at run time since the default build targets baseline x86-64. All give
// the same bits (model_kernels_test).
#include "grokking/model/dropout.h"

#include <cmath>
#include <cstddef>

#include "grokking/core/error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GROK_DROPOUT_X86 1
#endif

namespace grok {
namespace {

void check_size(const DropoutSite& site, RowSet rows, int width) {
  GROK_CHECK(width < (1 << kDropoutColBits), "dropout width {} too large", width);
  GROK_CHECK(rows.count == 0 || site.first_row + rows.row(rows.count - 1) < (1 << kDropoutRowBits),
             "dropout rows {} too many", site.first_row + rows.row(rows.count - 1));
}

uint32_t keep_threshold(const DropoutSite& site) {
  return static_cast<uint32_t>(std::llround(site.rate * 0x1p24));
}

uint64_t row_base(const DropoutSite& site, int row) {
  const uint64_t site_base = static_cast<uint64_t>(site.site) << (kDropoutRowBits + 20);
  return site_base | (static_cast<uint64_t>(site.first_row + row) << 20);
}

// Columns [from, width) of one row, one Philox block per 4 columns (from % 4 == 0).
void mask_row_scalar(const Philox& rng, uint64_t base, uint32_t threshold, int from, int width,
                     uint8_t* m) {
  for (int c = from; c < width; c += 4) {
    const PhiloxBlock block = rng.block(base | static_cast<uint64_t>(c >> 2));
    for (int w = 0; w < 4 && c + w < width; ++w) m[c + w] = (block[w] >> 8) >= threshold;
  }
}

#if GROK_DROPOUT_X86

#define GROK_AVX2 __attribute__((target("avx2")))

// hi and lo 32 bits of the 64-bit products a·m, lane by lane.
GROK_AVX2 inline void mul_hi_lo(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);                        // lanes 0, 2, 4, 6
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);  // lanes 1, 3, 5, 7
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

// Columns [from, from + 32·⌊(width − from)/32⌋) of one row (from % 32 == 0): blocks j..j+7 at a
// time; returns the first column not done. The counter is Philox::block's
// (index lo, index hi, step lo, purpose | step hi << 8) with index = base | j, keyed by the
// seed, and the rounds are philox4x32_10's (core/philox.h).
GROK_AVX2 int mask_row_avx2(const DropoutSite& site, uint64_t base, uint32_t threshold, int from,
                            int width, uint8_t* m) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  const __m256i ctr1 = _mm256_set1_epi32(static_cast<int>(base >> 32));
  const __m256i ctr2 = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(site.step)));
  const __m256i ctr3 = _mm256_set1_epi32(static_cast<int>(
      static_cast<uint32_t>(RngPurpose::kDropout) | (static_cast<uint32_t>(site.step >> 32) << 8)));
  const __m256i below = _mm256_set1_epi32(static_cast<int>(threshold) - 1);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i one = _mm256_set1_epi8(1);
  const uint32_t base_lo = static_cast<uint32_t>(base);
  int c = from;
  for (; c + 32 <= width; c += 32) {
    __m256i x0 = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(base_lo | (c >> 2))), lane);
    __m256i x1 = ctr1, x2 = ctr2, x3 = ctr3;
    uint32_t k0 = static_cast<uint32_t>(site.seed), k1 = static_cast<uint32_t>(site.seed >> 32);
    for (int round = 0; round < 10; ++round) {
      __m256i hi0, lo0, hi1, lo1;
      mul_hi_lo(x0, m0, hi0, lo0);
      mul_hi_lo(x2, m1, hi1, lo1);
      x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32(static_cast<int>(k0)));
      x1 = lo1;
      x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32(static_cast<int>(k1)));
      x3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    // keep = (word >> 8) >= threshold, as 0/−1 per word; then words of block j to bytes 4j..4j+3.
    const __m256i w0 = _mm256_cmpgt_epi32(_mm256_srli_epi32(x0, 8), below);
    const __m256i w1 = _mm256_cmpgt_epi32(_mm256_srli_epi32(x1, 8), below);
    const __m256i w2 = _mm256_cmpgt_epi32(_mm256_srli_epi32(x2, 8), below);
    const __m256i w3 = _mm256_cmpgt_epi32(_mm256_srli_epi32(x3, 8), below);
    const __m256i t0 = _mm256_unpacklo_epi32(w0, w1), t1 = _mm256_unpacklo_epi32(w2, w3);
    const __m256i t2 = _mm256_unpackhi_epi32(w0, w1), t3 = _mm256_unpackhi_epi32(w2, w3);
    // Per 128-bit half: blocks (0, 1, 2, 3) and (4, 5, 6, 7), each as words 0..3.
    const __m256i b0 = _mm256_unpacklo_epi64(t0, t1), b1 = _mm256_unpackhi_epi64(t0, t1);
    const __m256i b2 = _mm256_unpacklo_epi64(t2, t3), b3 = _mm256_unpackhi_epi64(t2, t3);
    const __m256i bytes =
        _mm256_packs_epi16(_mm256_packs_epi32(b0, b1), _mm256_packs_epi32(b2, b3));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(m + c), _mm256_and_si256(bytes, one));
  }
  return c;
}

// GCC 12 warns that the AVX-512 intrinsics' own _mm512_undefined_*() pass-through operand "may
// be used uninitialized" (GCC bug 105593, fixed in GCC 13): a false positive, silenced here only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define GROK_AVX512 __attribute__((target("avx512f")))

GROK_AVX512 inline void mul_hi_lo(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(a, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}

// `bit` in the lanes whose word keeps ((word >> 8) >= threshold), 0 elsewhere.
GROK_AVX512 inline __m512i keep_bits(__m512i word, __m512i below, int bit) {
  const __mmask16 kept = _mm512_cmpgt_epi32_mask(_mm512_srli_epi32(word, 8), below);
  return _mm512_maskz_mov_epi32(kept, _mm512_set1_epi32(bit));
}

// Columns [0, 64·⌊width/64⌋): blocks j..j+15 at a time, as mask_row_avx2; returns 64·⌊width/64⌋.
// Lane j's four keep bits become the four bytes of its 32-bit word, which is where the row wants
// them (bytes 4j..4j+3, little-endian).
GROK_AVX512 int mask_row_avx512(const DropoutSite& site, uint64_t base, uint32_t threshold,
                                int width, uint8_t* m) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(0xCD9E8D57u));
  const __m512i ctr1 = _mm512_set1_epi32(static_cast<int>(base >> 32));
  const __m512i ctr2 = _mm512_set1_epi32(static_cast<int>(static_cast<uint32_t>(site.step)));
  const __m512i ctr3 = _mm512_set1_epi32(static_cast<int>(
      static_cast<uint32_t>(RngPurpose::kDropout) | (static_cast<uint32_t>(site.step >> 32) << 8)));
  const __m512i below = _mm512_set1_epi32(static_cast<int>(threshold) - 1);
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const int one = 1;
  const uint32_t base_lo = static_cast<uint32_t>(base);
  const int end = width / 64 * 64;
  for (int c = 0; c < end; c += 64) {
    __m512i x0 = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(base_lo | (c >> 2))), lane);
    __m512i x1 = ctr1, x2 = ctr2, x3 = ctr3;
    uint32_t k0 = static_cast<uint32_t>(site.seed), k1 = static_cast<uint32_t>(site.seed >> 32);
    for (int round = 0; round < 10; ++round) {
      __m512i hi0, lo0, hi1, lo1;
      mul_hi_lo(x0, m0, hi0, lo0);
      mul_hi_lo(x2, m1, hi1, lo1);
      x0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1), _mm512_set1_epi32(static_cast<int>(k0)));
      x1 = lo1;
      x2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3), _mm512_set1_epi32(static_cast<int>(k1)));
      x3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const __m512i bytes = _mm512_or_si512(
        _mm512_or_si512(keep_bits(x0, below, one), keep_bits(x1, below, one << 8)),
        _mm512_or_si512(keep_bits(x2, below, one << 16), keep_bits(x3, below, one << 24)));
    _mm512_storeu_si512(m + c, bytes);
  }
  return end;
}

#pragma GCC diagnostic pop

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

const bool kAvx2 = cpu_has_avx2();
const bool kAvx512 = __builtin_cpu_supports("avx512f");

#endif

enum class Lanes { k1, k8, k16 };  // scalar, AVX2, AVX-512

template <Lanes kLanes>
void dropout_mask_impl(const DropoutSite& site, RowSet rows, int width, uint8_t* mask) {
  check_size(site, rows, width);
  const Philox rng(site.seed, RngPurpose::kDropout, site.step);
  const uint32_t threshold = keep_threshold(site);
#pragma omp parallel for if (static_cast <long>(rows.count) * width >= kParallelMinElements / 4)
  for (int i = 0; i < rows.count; ++i) {
    const int r = rows.row(i);
    uint8_t* m = mask + static_cast<std::ptrdiff_t>(r) * width;
    const uint64_t base = row_base(site, r);
    int done = 0;
#if GROK_DROPOUT_X86
    if constexpr (kLanes == Lanes::k16) done = mask_row_avx512(site, base, threshold, width, m);
    if constexpr (kLanes != Lanes::k1) done = mask_row_avx2(site, base, threshold, done, width, m);
#endif
    mask_row_scalar(rng, base, threshold, done, width, m);
  }
}

}  // namespace

void dropout_mask_reference(const DropoutSite& site, RowSet rows, int width, uint8_t* mask) {
  dropout_mask_impl<Lanes::k1>(site, rows, width, mask);
}

void dropout_mask(const DropoutSite& site, RowSet rows, int width, uint8_t* mask) {
#if GROK_DROPOUT_X86
  if (kAvx512) return dropout_mask_impl<Lanes::k16>(site, rows, width, mask);
  if (kAvx2) return dropout_mask_impl<Lanes::k8>(site, rows, width, mask);
#endif
  dropout_mask_impl<Lanes::k1>(site, rows, width, mask);
}

bool dropout_mask_uses_avx2() {
#if GROK_DROPOUT_X86
  return kAvx2;
#else
  return false;
#endif
}

bool dropout_mask_uses_avx512() {
#if GROK_DROPOUT_X86
  return kAvx512;
#else
  return false;
#endif
}

}  // namespace grok
