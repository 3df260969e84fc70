// Philox-4x32-10 counter-based RNG (Salmon et al., "Parallel random numbers: as easy as
// 1, 2, 3", SC'11). Every random number is a pure function of (seed, purpose, step, index),
// so initialisation, epoch order and dropout are reproducible after a resume and independent
// of thread count.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace grok {

// What a random stream is for; part of the counter so that streams never overlap.
enum class RngPurpose : uint32_t {
  kInit = 1,
  kEpochOrder = 2,
  kDropout = 3,
  kProjectorInit = 4,
  kBootstrap = 5,
  kLabelNoise = 6,
  kTest = 99,
};

using PhiloxBlock = std::array<uint32_t, 4>;

// One Philox-4x32-10 block: 10 rounds over counter ctr with key key.
inline PhiloxBlock philox4x32_10(PhiloxBlock ctr, std::array<uint32_t, 2> key) {
  constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = uint64_t{kM0} * ctr[0];
    const uint64_t p1 = uint64_t{kM1} * ctr[2];
    ctr = {static_cast<uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<uint32_t>(p1),
           static_cast<uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<uint32_t>(p0)};
    key[0] += kW0;
    key[1] += kW1;
  }
  return ctr;
}

// A keyed stream: block(index) gives four 32-bit words for element group `index`.
class Philox {
 public:
  Philox(uint64_t seed, RngPurpose purpose, uint64_t step)
      : key_{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)},
        purpose_(static_cast<uint32_t>(purpose)),
        step_(step) {}

  PhiloxBlock block(uint64_t index) const {
    // counter = (index lo, index hi, step lo, purpose | step hi << 8)
    return philox4x32_10(
        {static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32),
         static_cast<uint32_t>(step_), purpose_ | (static_cast<uint32_t>(step_ >> 32) << 8)},
        key_);
  }

  // Uniform in [0, 1) with 24 random bits (exact in float).
  static float to_unit_float(uint32_t bits) { return static_cast<float>(bits >> 8) * 0x1p-24f; }
  // Uniform in (0, 1] with 53 random bits, from two words.
  static double to_unit_double_open0(uint32_t hi, uint32_t lo) {
    const uint64_t bits = (uint64_t{hi} << 21) ^ (lo >> 11);
    return (static_cast<double>(bits & ((uint64_t{1} << 53) - 1)) + 1.0) * 0x1p-53;
  }

  // Standard normal number `index` (Box–Muller on one block; uses the cos branch).
  double normal(uint64_t index) const {
    const PhiloxBlock b = block(index);
    const double u1 = to_unit_double_open0(b[0], b[1]);
    const double u2 = to_unit_double_open0(b[2], b[3]);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }

  // Uniform in [0, 1) number `index`, 53 bits.
  double uniform(uint64_t index) const {
    const PhiloxBlock b = block(index);
    return to_unit_double_open0(b[0], b[1]) - 0x1p-53;
  }

 private:
  std::array<uint32_t, 2> key_;
  uint32_t purpose_;
  uint64_t step_;
};

// A stream's 32-bit words in order: word k is word k % 4 of block k / 4 (for shuffles).
class PhiloxWords {
 public:
  explicit PhiloxWords(const Philox& rng) : rng_(rng) {}
  uint32_t operator()() {
    if (word_ % 4 == 0) block_ = rng_.block(word_ / 4);
    return block_[word_++ % 4];
  }

 private:
  Philox rng_;
  uint64_t word_ = 0;
  PhiloxBlock block_{};
};

}  // namespace grok
