// The order in which an epoch visits the training examples, and its batches (REFERENCE.md
// §1): a fresh permutation each epoch, cut into contiguous slices of batch_size, the last
// one partial. **fix** over the reference's unseeded global RNG: the permutation is a pure
// function of (seed, epoch), drawn from Philox(seed, kEpochOrder, epoch), so a resumed run
// sees the same batches. Not the split itself (dataset.h).
#pragma once

#include <cstdint>
#include <vector>

#include "grokking/data/dataset.h"

namespace grok {

// A permutation of 0..n-1: Fisher–Yates over the Philox(seed, kEpochOrder, epoch) word
// stream with unbiased (masked rejection) integers.
std::vector<int32_t> epoch_order(int n, uint64_t seed, int64_t epoch);

// ceil(n / batch_size): p = 97 "/" train 4656 at 512 gives 9 full batches + 48 = 10 steps.
int steps_per_epoch(int n, int batch_size);

// One epoch's batches: batch k is order[k*batch_size, min((k+1)*batch_size, n)).
struct BatchPlan {
  std::vector<int32_t> order;  // [n] epoch_order(n, seed, epoch)
  int batch_size = 0;

  int steps() const { return steps_per_epoch(static_cast<int>(order.size()), batch_size); }
  int batch_count(int step) const;               // examples in batch `step` (<= batch_size)
  const int32_t* batch_indices(int step) const;  // [batch_count(step)] indices into the set
};

BatchPlan plan_epoch(int n, int batch_size, uint64_t seed, int64_t epoch);

// tokens_out[i] = data row indices[i] ([count,4]), labels_out[i] = its label ([count]).
void gather_batch(const Dataset& data, const int32_t* indices, int count, int32_t* tokens_out,
                  int32_t* labels_out);

}  // namespace grok
