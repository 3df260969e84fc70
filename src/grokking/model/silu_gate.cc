// The float SiLU gate: AVX-512F, 16 lanes, or AVX2+FMA, 8 lanes, when the CPU has them (the
// same bits either way); the reference loop otherwise.
// The reference's exp (activation.h) does not vectorise in the default build: its clamps are
// float compares, which GCC will not if-convert while FP exceptions are observable
// (-ftrapping-math, the default, kept), so the loop stayed scalar, ~7 ns per element.
#include "grokking/model/silu_gate.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GROK_SILU_GATE_X86 1
#endif

namespace grok {
namespace {

#if GROK_SILU_GATE_X86

#define GROK_AVX2 __attribute__((target("avx2,fma")))

// exp_vectorizable (activation.h) on 8 lanes: the same clamp, range reduction and polynomial,
// with FMAs. max/min take x as their second operand, which they return when x is NaN, so NaN
// propagates as in the scalar version.
GROK_AVX2 inline __m256 exp8(__m256 x) {
  x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
  x = _mm256_min_ps(_mm256_set1_ps(88.0f), x);
  const __m256 round = _mm256_set1_ps(12582912.0f);  // 1.5·2^23
  const __m256 shifted = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), round);
  const __m256 n = _mm256_sub_ps(shifted, round);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);  // n·C1 is exact
  r = _mm256_fmadd_ps(n, _mm256_set1_ps(2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  const __m256 e = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
  const __m256i ni = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_castps_si256(round));
  const __m256i pow2 = _mm256_slli_epi32(_mm256_add_epi32(ni, _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(e, _mm256_castsi256_ps(pow2));
}

GROK_AVX2 inline __m256 sigmoid8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 minus_x = _mm256_xor_ps(x, _mm256_set1_ps(-0.0f));
  return _mm256_div_ps(one, _mm256_add_ps(one, exp8(minus_x)));
}

// mask[j..j+8) · keep_scale as floats (0 or keep_scale).
GROK_AVX2 inline __m256 mask8(const uint8_t* mask, __m256 keep_scale) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(mask));
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)), keep_scale);
}

GROK_AVX2 void forward_avx2(int n, const float* a, const float* b, const uint8_t* mask,
                            float keep_scale, float* sig, float* g) {
  const __m256 keep = _mm256_set1_ps(keep_scale);
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 av = _mm256_loadu_ps(a + j);
    const __m256 s = sigmoid8(av);
    if (sig) _mm256_storeu_ps(sig + j, s);
    __m256 gv = _mm256_mul_ps(_mm256_mul_ps(av, s), _mm256_loadu_ps(b + j));
    if (mask) gv = _mm256_mul_ps(gv, mask8(mask + j, keep));
    _mm256_storeu_ps(g + j, gv);
  }
  if (j < n)
    silu_gate_forward_reference(n - j, a + j, b + j, mask ? mask + j : nullptr, keep_scale,
                                sig ? sig + j : nullptr, g + j);
}

GROK_AVX2 void backward_avx2(int n, const float* a, const float* b, const float* sig,
                             const uint8_t* mask, float keep_scale, float* d_a, float* d_b) {
  const __m256 keep = _mm256_set1_ps(keep_scale), one = _mm256_set1_ps(1.0f);
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256 dg = _mm256_loadu_ps(d_a + j);
    if (mask) dg = _mm256_mul_ps(dg, mask8(mask + j, keep));
    const __m256 av = _mm256_loadu_ps(a + j), bv = _mm256_loadu_ps(b + j);
    const __m256 s = sig ? _mm256_loadu_ps(sig + j) : sigmoid8(av);
    _mm256_storeu_ps(d_b + j, _mm256_mul_ps(_mm256_mul_ps(dg, av), s));
    // dg·b·σ·(1 + a·(1 − σ))
    const __m256 slope = _mm256_fmadd_ps(av, _mm256_sub_ps(one, s), one);
    _mm256_storeu_ps(d_a + j, _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(dg, bv), s), slope));
  }
  if (j < n)
    silu_gate_backward_reference(n - j, a + j, b + j, sig ? sig + j : nullptr,
                                 mask ? mask + j : nullptr, keep_scale, d_a + j, d_b + j);
}

// The AVX2 code on 16 lanes, operation for operation (the same FMAs, max/min operand order and
// division), so each element gets the same bits as there; the last n % 16 go to forward_avx2.
// GCC 12 warns that the AVX-512 intrinsics' own _mm512_undefined_*() pass-through operand "may
// be used uninitialized" (GCC bug 105593, fixed in GCC 13): a false positive, silenced here only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define GROK_AVX512 __attribute__((target("avx512f")))

GROK_AVX512 inline __m512 exp16(__m512 x) {
  x = _mm512_max_ps(_mm512_set1_ps(-87.0f), x);
  x = _mm512_min_ps(_mm512_set1_ps(88.0f), x);
  const __m512 round = _mm512_set1_ps(12582912.0f);
  const __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), round);
  const __m512 n = _mm512_sub_ps(shifted, round);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  const __m512 e = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
  const __m512i ni = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(round));
  const __m512i pow2 = _mm512_slli_epi32(_mm512_add_epi32(ni, _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(e, _mm512_castsi512_ps(pow2));
}

GROK_AVX512 inline __m512 sigmoid16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 minus_x = _mm512_castsi512_ps(
      _mm512_xor_si512(_mm512_castps_si512(x), _mm512_castps_si512(_mm512_set1_ps(-0.0f))));
  return _mm512_div_ps(one, _mm512_add_ps(one, exp16(minus_x)));
}

GROK_AVX512 inline __m512 mask16(const uint8_t* mask, __m512 keep_scale) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(mask));
  return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(bytes)), keep_scale);
}

GROK_AVX512 void forward_avx512(int n, const float* a, const float* b, const uint8_t* mask,
                                float keep_scale, float* sig, float* g) {
  const __m512 keep = _mm512_set1_ps(keep_scale);
  int j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m512 av = _mm512_loadu_ps(a + j);
    const __m512 s = sigmoid16(av);
    if (sig) _mm512_storeu_ps(sig + j, s);
    __m512 gv = _mm512_mul_ps(_mm512_mul_ps(av, s), _mm512_loadu_ps(b + j));
    if (mask) gv = _mm512_mul_ps(gv, mask16(mask + j, keep));
    _mm512_storeu_ps(g + j, gv);
  }
  if (j < n)
    forward_avx2(n - j, a + j, b + j, mask ? mask + j : nullptr, keep_scale,
                 sig ? sig + j : nullptr, g + j);
}

GROK_AVX512 void backward_avx512(int n, const float* a, const float* b, const float* sig,
                                 const uint8_t* mask, float keep_scale, float* d_a, float* d_b) {
  const __m512 keep = _mm512_set1_ps(keep_scale), one = _mm512_set1_ps(1.0f);
  int j = 0;
  for (; j + 16 <= n; j += 16) {
    __m512 dg = _mm512_loadu_ps(d_a + j);
    if (mask) dg = _mm512_mul_ps(dg, mask16(mask + j, keep));
    const __m512 av = _mm512_loadu_ps(a + j), bv = _mm512_loadu_ps(b + j);
    const __m512 s = sig ? _mm512_loadu_ps(sig + j) : sigmoid16(av);
    _mm512_storeu_ps(d_b + j, _mm512_mul_ps(_mm512_mul_ps(dg, av), s));
    const __m512 slope = _mm512_fmadd_ps(av, _mm512_sub_ps(one, s), one);
    _mm512_storeu_ps(d_a + j, _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(dg, bv), s), slope));
  }
  if (j < n)
    backward_avx2(n - j, a + j, b + j, sig ? sig + j : nullptr, mask ? mask + j : nullptr,
                  keep_scale, d_a + j, d_b + j);
}

#pragma GCC diagnostic pop

bool cpu_has_avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

const bool kAvx2 = cpu_has_avx2_fma();
const bool kAvx512 = kAvx2 && __builtin_cpu_supports("avx512f");

#else
const bool kAvx2 = false;
const bool kAvx512 = false;
#endif

}  // namespace

bool silu_gate_uses_avx2() { return kAvx2; }
bool silu_gate_uses_avx512() { return kAvx512; }

void silu_gate_forward(int n, const float* a, const float* b, const uint8_t* mask, float keep_scale,
                       float* sig, float* g) {
#if GROK_SILU_GATE_X86
  if (kAvx512) return forward_avx512(n, a, b, mask, keep_scale, sig, g);
  if (kAvx2) return forward_avx2(n, a, b, mask, keep_scale, sig, g);
#endif
  silu_gate_forward_reference(n, a, b, mask, keep_scale, sig, g);
}

void silu_gate_backward(int n, const float* a, const float* b, const float* sig,
                        const uint8_t* mask, float keep_scale, float* d_a, float* d_b) {
#if GROK_SILU_GATE_X86
  if (kAvx512) return backward_avx512(n, a, b, sig, mask, keep_scale, d_a, d_b);
  if (kAvx2) return backward_avx2(n, a, b, sig, mask, keep_scale, d_a, d_b);
#endif
  silu_gate_backward_reference(n, a, b, sig, mask, keep_scale, d_a, d_b);
}

}  // namespace grok
