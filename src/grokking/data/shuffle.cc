#include "grokking/data/shuffle.h"

#include <numeric>
#include <random>

#include "grokking/core/error.h"

namespace grok {

std::vector<int64_t> numpy_permutation(int64_t n, uint32_t seed) {
  GROK_CHECK(n >= 0 && n <= (int64_t{1} << 32), "numpy_permutation: n = {}", n);
  std::vector<int64_t> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), int64_t{0});
  std::mt19937 engine(seed);
  auto next_u32 = [&engine] { return static_cast<uint32_t>(engine()); };
  fisher_yates(perm, next_u32);
  return perm;
}

}  // namespace grok
