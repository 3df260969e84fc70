#include "grokking/analysis/weight_stats.h"

#include <cmath>

namespace grok {
namespace {

struct Sums {
  int64_t n = 0, l0 = 0;
  double l1 = 0, squares = 0;
  void add(const float* w, int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
      const double v = std::abs(static_cast<double>(w[i]));
      l0 += v > kL0Threshold;
      l1 += v;
      squares += v * v;
    }
    n += count;
  }
  WeightStats stats() const {
    WeightStats s;
    s.n = n;
    s.l0 = l0;
    s.l1 = l1;
    s.l2 = std::sqrt(squares);
    s.sparsity = n ? 1.0 - static_cast<double>(l0) / static_cast<double>(n) : 0.0;
    s.l1_over_l2 = s.l2 > 0 ? l1 / s.l2 : 0.0;
    return s;
  }
};

}  // namespace

WeightStats weight_stats(const float* w, int64_t n) {
  Sums sums;
  sums.add(w, n);
  return sums.stats();
}

ModelWeightStats model_weight_stats(const TensorLayout& layout, const float* params) {
  ModelWeightStats result;
  Sums total;
  for (const auto& t : layout.tensors()) {
    const auto n = static_cast<int64_t>(t.size());
    result.tensors.push_back({t.name, weight_stats(params + t.offset, n)});
    total.add(params + t.offset, n);
  }
  result.total = total.stats();
  return result;
}

}  // namespace grok
