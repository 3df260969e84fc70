#include "grokking/data/permutations.h"

#include "grokking/core/error.h"

namespace grok {
namespace {

constexpr int kFactorial[] = {1, 1, 2, 6, 24};

}  // namespace

// Lehmer code: digit k (weight (4−k)!) is σ(k)'s position among the values not yet used.
Permutation5 s5_permutation(int index) {
  GROK_CHECK(index >= 0 && index < kS5Order, "S5 permutation {}", index);
  std::array<bool, 5> used{};
  Permutation5 sigma{};
  for (int k = 0; k < 5; ++k) {
    int digit = index / kFactorial[4 - k];
    index %= kFactorial[4 - k];
    for (int v = 0; v < 5; ++v)
      if (!used[v] && digit-- == 0) {
        sigma[k] = v;
        used[v] = true;
        break;
      }
  }
  return sigma;
}

int s5_index(const Permutation5& sigma) {
  int index = 0;
  for (int k = 0; k < 5; ++k) {
    int smaller_later = 0;
    for (int j = k + 1; j < 5; ++j) smaller_later += sigma[j] < sigma[k];
    index += smaller_later * kFactorial[4 - k];
  }
  return index;
}

int s5_compose(int x, int y) {
  const Permutation5 sx = s5_permutation(x), sy = s5_permutation(y);
  Permutation5 out{};
  for (int i = 0; i < 5; ++i) out[i] = sx[sy[i]];
  return s5_index(out);
}

int s5_inverse(int x) {
  const Permutation5 sx = s5_permutation(x);
  Permutation5 out{};
  for (int i = 0; i < 5; ++i) out[sx[i]] = i;
  return s5_index(out);
}

}  // namespace grok
