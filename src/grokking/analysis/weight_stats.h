// Weight statistics of a model (REFERENCE.md §7), per tensor and over all parameters: L0 (the
// count of |w| > 1e−6), L1, L2 (Euclidean norm), sparsity = 1 − L0/n, and L1/L2 (between 1 and
// sqrt(n); small for weights concentrated on few entries). Summed in double.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grokking/core/tensor.h"

namespace grok {

inline constexpr double kL0Threshold = 1e-6;

struct WeightStats {
  int64_t n = 0;          // entries
  int64_t l0 = 0;         // entries with |w| > 1e−6
  double l1 = 0;          // Σ|w|
  double l2 = 0;          // sqrt(Σw²)
  double sparsity = 0;    // 1 − l0/n
  double l1_over_l2 = 0;  // 0 when l2 is 0
};

WeightStats weight_stats(const float* w, int64_t n);

struct NamedWeightStats {
  std::string name;
  WeightStats stats;
};

struct ModelWeightStats {
  std::vector<NamedWeightStats> tensors;  // in layout order
  WeightStats total;                      // over every parameter of every tensor
};

// params: layout.total_size() floats; padding between tensors is not counted.
ModelWeightStats model_weight_stats(const TensorLayout& layout, const float* params);

}  // namespace grok
