// The examples of a task (task.h) held in memory, and its train/val split (REFERENCE.md §1):
// rows of seq_len tokens with their labels and operands. Not the per-epoch batching
// (epoch_batches.h) nor CSV output (split_csv.h).
#pragma once

#include <cstdint>
#include <vector>

#include "grokking/data/task.h"

namespace grok {

struct Dataset {
  int seq_len = 4;
  std::vector<int32_t> tokens;       // [N, seq_len] row-major
  std::vector<int32_t> labels;       // [N] what the model is trained and scored on
  std::vector<int32_t> a, b;         // [N] the operands (for CSV and analysis)
  std::vector<int32_t> c;            // [N] the third operand of three-operand tasks; else empty
  std::vector<int32_t> true_labels;  // [N] the labels before label noise; empty without noise
  int size() const { return static_cast<int>(labels.size()); }
};

struct Split {
  Dataset train, val;
};

// All N examples in the task's enumeration order.
Dataset make_dataset(const Task& task);

// train = examples perm[:floor(fraction*N)] in that order, val = the rest in order, where
// perm = NumPy RandomState(split_seed).permutation(N). Validates the config (UsageError).
// With label_noise F, k = floor(F · n_train) training labels are replaced: a Fisher–Yates
// shuffle of the training rows over the Philox(split_seed, kLabelNoise, 0) word stream picks
// the first k rows, and the same stream then draws each one's new label uniformly from the
// task's symbols (so it may equal the true one). true_labels then keeps the originals.
Split make_split(const TaskConfig& config);

}  // namespace grok
