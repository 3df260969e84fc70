// The examples of a task and its train/val split (REFERENCE.md §1). Each example is the
// 4-token row [a, op, b, eq] (op token p, eq token p+1) with label c = a op b mod p.
// Not the per-epoch batching (epoch_batches.h) nor CSV output (split_csv.h).
#pragma once

#include <cstdint>
#include <vector>

#include "grokking/data/task_config.h"

namespace grok {

inline constexpr int kSeqLen = 4;  // [a, op, b, eq]

struct Dataset {
  std::vector<int32_t> tokens;  // [N,4] row-major: a, p (op), b, p+1 (eq)
  std::vector<int32_t> labels;  // [N] c in [0, p)
  std::vector<int32_t> a, b;    // [N] the operands (for CSV and analysis)
  int size() const { return static_cast<int>(labels.size()); }
};

struct Split {
  Dataset train, val;
};

// All N pairs in enumeration order: a-major, b-minor, b = 0 excluded for "/".
// Calls config.validate() first (throws UsageError).
Dataset make_dataset(const TaskConfig& config);

// train = examples perm[:floor(fraction*N)] in that order, val = the rest in order, where
// perm = NumPy RandomState(seed).permutation(N). Calls config.validate() first.
Split make_split(const TaskConfig& config);

}  // namespace grok
