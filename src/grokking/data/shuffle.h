// Permutations: NumPy's legacy RandomState(seed).permutation(n), reproduced bit for bit for
// the train/val split (REFERENCE.md §1), and the same Fisher–Yates over a Philox stream for
// the per-epoch order of the training examples (epoch_batches.h).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace grok {

// Uniform integer in [0, max] from a source of 32-bit words (max < 2^32): mask each word
// with the smallest all-ones mask >= max and reject values > max. This is NumPy's legacy
// random_interval (numpy/random/src/legacy/legacy-distributions.c) for max <= 0xffffffff.
template <typename NextU32>
uint32_t random_interval(NextU32& next_u32, uint32_t max) {
  if (max == 0) return 0;
  uint32_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  uint32_t value;
  while ((value = next_u32() & mask) > max) {
  }
  return value;
}

// In-place Fisher–Yates as NumPy's RandomState.shuffle (_shuffle_raw): for i = n-1 down to
// 1, j = random_interval(i), swap(values[i], values[j]). Requires n <= 2^32.
template <typename T, typename NextU32>
void fisher_yates(std::vector<T>& values, NextU32& next_u32) {
  for (int64_t i = static_cast<int64_t>(values.size()) - 1; i >= 1; --i) {
    const int64_t j = random_interval(next_u32, static_cast<uint32_t>(i));
    std::swap(values[i], values[j]);
  }
}

// NumPy's np.random.RandomState(seed).permutation(n): arange(n) shuffled with MT19937
// seeded by init_genrand(seed) (the same stream as std::mt19937(seed)).
// 0 <= n <= 2^32 (NumPy switches to 64-bit draws beyond).
std::vector<int64_t> numpy_permutation(int64_t n, uint32_t seed);

}  // namespace grok
