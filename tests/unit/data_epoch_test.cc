// Per-epoch order and batches (REFERENCE.md §1): a permutation that is a pure function of
// (seed, epoch), contiguous batches with a partial last one, and gathering rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/core/philox.h"
#include "grokking/data/epoch_batches.h"
#include "grokking/data/shuffle.h"

namespace grok {
namespace {

bool is_permutation_of_iota(std::vector<int32_t> order) {
  std::sort(order.begin(), order.end());
  for (std::size_t i = 0; i < order.size(); ++i)
    if (order[i] != static_cast<int32_t>(i)) return false;
  return true;
}

TEST(EpochOrder, IsAPermutation) {
  for (int n : {0, 1, 2, 3, 17, 512, 4656}) {
    const auto order = epoch_order(n, 42, 3);
    EXPECT_EQ(std::ssize(order), n);
    EXPECT_TRUE(is_permutation_of_iota(order)) << n;
  }
}

TEST(EpochOrder, PureFunctionOfSeedAndEpoch) {
  const auto order = epoch_order(4656, 42, 7);
  EXPECT_EQ(epoch_order(4656, 42, 7), order);
  EXPECT_NE(epoch_order(4656, 42, 8), order);
  EXPECT_NE(epoch_order(4656, 43, 7), order);
  std::vector<int32_t> identity(4656);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_NE(order, identity);
  // Large epoch numbers (the high word of the step) still give distinct streams.
  EXPECT_NE(epoch_order(64, 42, int64_t{1} << 32), epoch_order(64, 42, 0));
}

TEST(EpochOrder, FisherYatesOverPhiloxWords) {
  // Independent restatement: words are block(k / 4)[k % 4] of Philox(seed, kEpochOrder,
  // epoch); j for i = n-1..1 by masked rejection. n = 5: masks 3, 3, 1, 1.
  const Philox rng(9, RngPurpose::kEpochOrder, 2);
  std::vector<uint32_t> words;
  for (uint64_t k = 0; k < 64; ++k) words.push_back(rng.block(k / 4)[k % 4]);
  std::vector<int32_t> expected = {0, 1, 2, 3, 4};
  std::size_t w = 0;
  const uint32_t masks[] = {0, 1, 3, 3, 7};  // smallest all-ones mask >= i
  for (int i = 4; i >= 1; --i) {
    uint32_t j;
    do j = words[w++] & masks[i];
    while (j > static_cast<uint32_t>(i));
    std::swap(expected[i], expected[j]);
  }
  EXPECT_EQ(epoch_order(5, 9, 2), expected);
}

TEST(EpochOrder, RoughlyUniformFirstPosition) {
  // Over 3000 epochs, each of 3 elements lands first about 1000 times (a biased draw such as
  // a plain modulo of a small mask would still pass; this catches gross errors like never
  // moving element 0).
  int counts[3] = {0, 0, 0};
  for (int epoch = 0; epoch < 3000; ++epoch) ++counts[epoch_order(3, 5, epoch)[0]];
  for (int c : counts) {
    EXPECT_GT(c, 850);
    EXPECT_LT(c, 1150);
  }
}

TEST(RandomInterval, MaskedRejectionStaysInRange) {
  uint32_t state = 1;
  auto lcg = [&state] { return state = state * 1664525u + 1013904223u; };
  for (uint32_t max : {0u, 1u, 2u, 5u, 96u, 4655u, 0xffffffffu})
    for (int k = 0; k < 200; ++k) EXPECT_LE(random_interval(lcg, max), max);
  // A source that first returns out-of-range masked values is rejected until one fits:
  // max 5 (mask 7): 7 -> reject, 6 -> reject, 13 & 7 = 5 -> accept.
  std::vector<uint32_t> script = {7, 6, 13};
  std::size_t at = 0;
  auto scripted = [&] { return script.at(at++); };
  EXPECT_EQ(random_interval(scripted, 5), 5u);
  EXPECT_EQ(at, 3u);
}

TEST(Batches, StepsPerEpoch) {
  EXPECT_EQ(steps_per_epoch(4656, 512), 10);  // 9 * 512 + 48
  EXPECT_EQ(steps_per_epoch(4704, 512), 10);
  EXPECT_EQ(steps_per_epoch(512, 512), 1);
  EXPECT_EQ(steps_per_epoch(513, 512), 2);
  EXPECT_EQ(steps_per_epoch(1, 512), 1);
  EXPECT_EQ(steps_per_epoch(0, 512), 0);
  EXPECT_EQ(steps_per_epoch(24, 1), 24);
}

TEST(Batches, ContiguousSlicesWithPartialLast) {
  const BatchPlan plan = plan_epoch(4656, 512, 42, 0);
  EXPECT_EQ(plan.order, epoch_order(4656, 42, 0));
  ASSERT_EQ(plan.steps(), 10);
  std::vector<int32_t> joined;
  for (int step = 0; step < plan.steps(); ++step) {
    EXPECT_EQ(plan.batch_count(step), step < 9 ? 512 : 48);
    EXPECT_EQ(plan.batch_indices(step), plan.order.data() + 512 * step);
    joined.insert(joined.end(), plan.batch_indices(step),
                  plan.batch_indices(step) + plan.batch_count(step));
  }
  EXPECT_EQ(joined, plan.order);
  EXPECT_THROW(plan.batch_count(10), Error);
}

TEST(Batches, GatherCopiesRowsAndLabels) {
  const Dataset all = make_dataset(Task({7, Operation::kAdd, 0.5, 42}));
  const int32_t indices[] = {48, 0, 9};  // (6,6), (0,0), (1,2)
  int32_t tokens[3 * 4], labels[3];
  gather_batch(all, indices, 3, tokens, labels);
  EXPECT_EQ(std::vector<int32_t>(tokens, tokens + 12),
            (std::vector<int32_t>{6, 7, 6, 8, 0, 7, 0, 8, 1, 7, 2, 8}));
  EXPECT_EQ(std::vector<int32_t>(labels, labels + 3), (std::vector<int32_t>{5, 0, 3}));
  const int32_t bad[] = {49};
  EXPECT_THROW(gather_batch(all, bad, 1, tokens, labels), Error);
}

}  // namespace
}  // namespace grok
