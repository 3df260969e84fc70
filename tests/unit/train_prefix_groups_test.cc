// Grouping evaluation examples by shared leading tokens (train/prefix_groups.h): the longest
// prefix that enough examples share, groups in order of first appearance, none when nothing
// is shared enough.
#include <gtest/gtest.h>

#include <vector>

#include "grokking/core/error.h"
#include "grokking/train/prefix_groups.h"

namespace grok {
namespace {

// n examples [a, 7, b, 8] with a = i % distinct_a and b = i (all distinct).
std::vector<int32_t> task_rows(int n, int distinct_a) {
  std::vector<int32_t> tokens;
  for (int i = 0; i < n; ++i) tokens.insert(tokens.end(), {i % distinct_a, 7, 100 + i, 8});
  return tokens;
}

TEST(PrefixGroups, TheTasksOperandAndOperatorAreShared) {
  const PrefixGroups g = group_by_prefix(task_rows(40, 3), 4);
  EXPECT_EQ(g.length, 2);  // [a, op]; [a, op, b] is unique per example
  EXPECT_EQ(g.first_example, (std::vector<int32_t>{0, 1, 2}));
  ASSERT_EQ(g.index.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(g.index[i], i % 3) << i;
}

TEST(PrefixGroups, GroupsAreNumberedByFirstAppearance) {
  // a = 5, 2, 5, 9, ... : groups 0 (a=5), 1 (a=2), 2 (a=9).
  std::vector<int32_t> tokens;
  const int as[] = {5, 2, 5, 9};
  for (int i = 0; i < 32; ++i) tokens.insert(tokens.end(), {as[i % 4], 7, 100 + i, 8});
  const PrefixGroups g = group_by_prefix(tokens, 4);
  EXPECT_EQ(g.length, 2);
  EXPECT_EQ(g.first_example, (std::vector<int32_t>{0, 1, 3}));
  EXPECT_EQ(g.index[2], 0);
  EXPECT_EQ(g.index[7], 2);
}

TEST(PrefixGroups, LongerSharedPrefixesWin) {
  // The third token is shared too (b = i % 2): P = 3 with 2·3 = 6 groups ≤ 64 / 8.
  std::vector<int32_t> tokens;
  for (int i = 0; i < 64; ++i) tokens.insert(tokens.end(), {i % 3, 7, i % 2, 8});
  const PrefixGroups g = group_by_prefix(tokens, 4);
  EXPECT_EQ(g.length, 3);
  EXPECT_EQ(g.first_example.size(), 6u);
}

TEST(PrefixGroups, NothingSharedEnoughGivesNoGroups) {
  // 40 examples, 6 distinct a: more than 40 / 8 = 5 groups at every length.
  const PrefixGroups g = group_by_prefix(task_rows(40, 6), 4);
  EXPECT_EQ(g.length, 0);
  EXPECT_TRUE(g.first_example.empty());
  EXPECT_TRUE(g.index.empty());
  EXPECT_EQ(group_by_prefix(task_rows(40, 5), 4).length, 2);  // 5 groups: just enough
  EXPECT_THROW(group_by_prefix(std::vector<int32_t>(7, 0), 4), Error);
}

}  // namespace
}  // namespace grok
