// The logistic sigmoid used by the SiLU gate. float uses an exp evaluated with plain
// arithmetic (Cephes expf: range reduction to |r| ≤ ln2/2, degree-5 polynomial, about 1 ulp),
// so that the loop vectorises on any x86-64 without -ffast-math; double uses std::exp, the
// reference the float version is tested against.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace grok {

// e^x for x in [-87, 88] (clamped outside), within ~2 ulp of std::exp.
inline float exp_vectorizable(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // n = round(x / ln2) by the 1.5·2^23 trick: exact under IEEE round-to-nearest.
  constexpr float kRound = 12582912.0f;
  const float shifted = x * 1.44269504088896341f + kRound;
  const float n = shifted - kRound;
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;  // x − n·ln2 in two parts
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * r * r + r + 1.0f;
  // 2^n from the low mantissa bits of `shifted`, which hold n (two's complement).
  const int32_t ni = std::bit_cast<int32_t>(shifted) - std::bit_cast<int32_t>(kRound);
  return e * std::bit_cast<float>((ni + 127) << 23);
}

inline float sigmoid(float x) { return 1.0f / (1.0f + exp_vectorizable(-x)); }
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace grok
