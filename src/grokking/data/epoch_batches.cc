#include "grokking/data/epoch_batches.h"

#include <algorithm>
#include <numeric>

#include "grokking/core/error.h"
#include "grokking/core/philox.h"
#include "grokking/data/shuffle.h"

namespace grok {

std::vector<int32_t> epoch_order(int n, uint64_t seed, int64_t epoch) {
  GROK_CHECK(n >= 0 && epoch >= 0, "epoch_order(n {}, epoch {})", n, epoch);
  std::vector<int32_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  PhiloxWords next_u32(Philox(seed, RngPurpose::kEpochOrder, static_cast<uint64_t>(epoch)));
  fisher_yates(order, next_u32);
  return order;
}

int steps_per_epoch(int n, int batch_size) {
  GROK_CHECK(n >= 0 && batch_size >= 1, "steps_per_epoch(n {}, batch_size {})", n, batch_size);
  return static_cast<int>((static_cast<int64_t>(n) + batch_size - 1) / batch_size);
}

int BatchPlan::batch_count(int step) const {
  GROK_CHECK(step >= 0 && step < steps(), "batch {} of {}", step, steps());
  const int64_t begin = static_cast<int64_t>(step) * batch_size;
  return static_cast<int>(std::min<int64_t>(batch_size, std::ssize(order) - begin));
}

const int32_t* BatchPlan::batch_indices(int step) const {
  GROK_CHECK(step >= 0 && step < steps(), "batch {} of {}", step, steps());
  return order.data() + static_cast<std::size_t>(step) * batch_size;
}

BatchPlan plan_epoch(int n, int batch_size, uint64_t seed, int64_t epoch) {
  GROK_CHECK(batch_size >= 1, "batch_size {}", batch_size);
  return {epoch_order(n, seed, epoch), batch_size};
}

void gather_batch(const Dataset& data, const int32_t* indices, int count, int32_t* tokens_out,
                  int32_t* labels_out) {
  for (int i = 0; i < count; ++i) {
    const int32_t row = indices[i];
    GROK_CHECK(row >= 0 && row < data.size(), "index {} of {}", row, data.size());
    const auto t = static_cast<std::size_t>(data.seq_len);
    std::copy_n(data.tokens.data() + static_cast<std::size_t>(row) * t, t,
                tokens_out + static_cast<std::size_t>(i) * t);
    labels_out[i] = data.labels[static_cast<std::size_t>(row)];
  }
}

}  // namespace grok
