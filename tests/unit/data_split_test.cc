// The split reproduces NumPy's RandomState(seed).permutation and the reference's examples
// (REFERENCE.md §1 golden vectors; the extra vectors were computed once with NumPy 2.4.6,
// np.random.RandomState(seed).permutation(n), and hard-coded here).
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/data/dataset.h"
#include "grokking/data/shuffle.h"
#include "grokking/data/split_csv.h"

namespace grok {
namespace {

using Example = std::tuple<int, int, int>;  // (a, b, c)

Example example(const Dataset& data, int i) { return {data.a[i], data.b[i], data.labels[i]}; }

std::vector<Example> first(const Dataset& data, int count) {
  std::vector<Example> out;
  for (int i = 0; i < count; ++i) out.push_back(example(data, i));
  return out;
}

// The first 8 entries, the middle one (n/2) and the last of a permutation.
struct PermutationSample {
  int64_t n;
  uint32_t seed;
  std::vector<int64_t> head;
  int64_t middle, last;
};

TEST(NumpyPermutation, ReferenceGoldenVector) {
  EXPECT_EQ(numpy_permutation(10, 42), (std::vector<int64_t>{8, 1, 5, 0, 7, 2, 9, 4, 3, 6}));
}

TEST(NumpyPermutation, MatchesNumpyOnSmallCases) {
  EXPECT_EQ(numpy_permutation(0, 42), std::vector<int64_t>{});
  EXPECT_EQ(numpy_permutation(1, 0), std::vector<int64_t>{0});
  EXPECT_EQ(numpy_permutation(2, 0), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(numpy_permutation(2, 1), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(numpy_permutation(3, 7), (std::vector<int64_t>{2, 1, 0}));
  EXPECT_EQ(numpy_permutation(20, 0), (std::vector<int64_t>{18, 1,  19, 8, 10, 17, 6, 13, 4,  2,
                                                            5,  14, 9,  7, 16, 11, 3, 0,  15, 12}));
  EXPECT_EQ(numpy_permutation(20, 123), (std::vector<int64_t>{14, 5, 4,  17, 8, 7, 19, 12, 0, 15,
                                                              16, 9, 11, 10, 3, 1, 6,  18, 2, 13}));
  EXPECT_EQ(numpy_permutation(100, 4294967295u),
            (std::vector<int64_t>{
                92, 36, 80, 77, 31, 6,  69, 20, 21, 81, 29, 48, 59, 5,  76, 83, 22, 95, 78, 82,
                28, 62, 33, 57, 93, 88, 58, 19, 90, 53, 46, 70, 10, 94, 8,  63, 2,  39, 50, 42,
                85, 51, 49, 0,  98, 79, 16, 66, 4,  99, 91, 68, 7,  15, 40, 84, 60, 72, 30, 67,
                41, 87, 38, 56, 75, 96, 65, 18, 45, 47, 1,  61, 23, 25, 3,  43, 26, 97, 17, 24,
                44, 9,  73, 37, 14, 55, 54, 13, 27, 74, 11, 32, 89, 86, 64, 52, 71, 12, 34, 35}));
}

TEST(NumpyPermutation, MatchesNumpyOnLargerCases) {
  const PermutationSample samples[] = {
      {1000, 1234, {681, 990, 155, 768, 438, 363, 688, 555}, 797, 815},
      // n - 1 > 2^16 exercises a 17-bit mask.
      {65537, 9, {64881, 3418, 8088, 1918, 19031, 2560, 38305, 61064}, 29647, 55934},
      {9409, 42, {1400, 2029, 8739, 4477, 8547, 9075, 5849, 2836}, 7205, 7270},
      {9312, 0, {7534, 2902, 578, 6513, 5592, 9176, 4758, 8732}, 6778, 2732},
  };
  for (const auto& s : samples) {
    const auto perm = numpy_permutation(s.n, s.seed);
    ASSERT_EQ(std::ssize(perm), s.n);
    EXPECT_EQ(std::vector<int64_t>(perm.begin(), perm.begin() + 8), s.head) << s.n;
    EXPECT_EQ(perm[s.n / 2], s.middle) << s.n;
    EXPECT_EQ(perm.back(), s.last) << s.n;
    EXPECT_EQ(std::set<int64_t>(perm.begin(), perm.end()).size(), static_cast<size_t>(s.n));
  }
}

TEST(NumpyPermutation, ReferenceDivisionPermutation) {
  const auto perm = numpy_permutation(9312, 42);
  EXPECT_EQ(std::vector<int64_t>(perm.begin(), perm.begin() + 10),
            (std::vector<int64_t>{8638, 131, 3509, 4401, 3095, 6317, 4618, 4151, 1339, 2485}));
  EXPECT_EQ(perm[4655], 5733);
  EXPECT_EQ(perm[9311], 7270);
}

TEST(Dataset, EnumerationOrderAndTokenLayout) {
  const Dataset all = make_dataset(Task({7, Operation::kDiv, 0.5, 42}));
  ASSERT_EQ(all.size(), 42);
  ASSERT_EQ(all.tokens.size(), 42u * 4);
  int i = 0;
  for (int a = 0; a < 7; ++a) {
    for (int b = 1; b < 7; ++b, ++i) {  // a-major, b-minor, b = 0 excluded for /
      EXPECT_EQ(all.a[i], a);
      EXPECT_EQ(all.b[i], b);
      const std::vector<int32_t> row(all.tokens.begin() + 4 * i, all.tokens.begin() + 4 * i + 4);
      EXPECT_EQ(row, (std::vector<int32_t>{a, 7, b, 8}));
    }
  }
  EXPECT_EQ(make_dataset(Task({7, Operation::kSub, 0.5, 42})).size(), 49);
  EXPECT_THROW(make_dataset(Task({91, Operation::kDiv, 0.5, 42})), UsageError);
}

TEST(Split, ReferenceDivisionGoldenExamples) {
  const Split split = make_split(TaskConfig{});
  EXPECT_EQ(split.train.size(), 4656);
  EXPECT_EQ(split.val.size(), 4656);
  EXPECT_EQ(first(split.train, 3), (std::vector<Example>{{89, 95, 4}, {1, 36, 62}, {36, 54, 33}}));
  EXPECT_EQ(first(split.val, 2), (std::vector<Example>{{91, 81, 61}, {88, 65, 70}}));
  // perm[0] = 8638 = 89 * 96 + 94 -> (a 89, b 95); perm[4656 - 1] = 5733 is the last train
  // example and perm[9311] = 7270 the last val one (b = 1 + index % 96).
  EXPECT_EQ(split.train.a.back(), 5733 / 96);
  EXPECT_EQ(split.train.b.back(), 1 + 5733 % 96);
  EXPECT_EQ(split.val.a.back(), 7270 / 96);
  EXPECT_EQ(split.val.b.back(), 1 + 7270 % 96);
}

TEST(Split, ReferenceOtherOperationsGoldenExamples) {
  // "+" is the reference's golden vector; "-", "*" and the val rows were computed with NumPy.
  const Split add = make_split({97, Operation::kAdd, 0.5, 42});
  EXPECT_EQ(add.train.size(), 4704);
  EXPECT_EQ(add.val.size(), 4705);
  EXPECT_EQ(first(add.train, 3), (std::vector<Example>{{14, 42, 56}, {20, 89, 12}, {90, 9, 2}}));
  EXPECT_EQ(first(add.val, 2), (std::vector<Example>{{74, 27, 4}, {67, 46, 16}}));
  const Split sub = make_split({97, Operation::kSub, 0.5, 42});
  EXPECT_EQ(first(sub.train, 3), (std::vector<Example>{{14, 42, 69}, {20, 89, 28}, {90, 9, 81}}));
  EXPECT_EQ(first(sub.val, 2), (std::vector<Example>{{74, 27, 47}, {67, 46, 21}}));
  const Split mul = make_split({97, Operation::kMul, 0.5, 42});
  EXPECT_EQ(first(mul.train, 3), (std::vector<Example>{{14, 42, 6}, {20, 89, 34}, {90, 9, 34}}));
  EXPECT_EQ(first(mul.val, 2), (std::vector<Example>{{74, 27, 58}, {67, 46, 75}}));
}

TEST(Split, SmallDivisionMatchesNumpyWhole) {
  // p = 5, "/", fraction 0.3, seed 7: floor(0.3 * 20) = 6 train, 14 val.
  const Split split = make_split({5, Operation::kDiv, 0.3, 7});
  EXPECT_EQ(
      first(split.train, 6),
      (std::vector<Example>{{0, 2, 0}, {4, 2, 2}, {0, 3, 0}, {1, 2, 3}, {2, 4, 3}, {0, 1, 0}}));
  EXPECT_EQ(first(split.val, 14), (std::vector<Example>{{4, 3, 3},
                                                        {1, 3, 2},
                                                        {3, 2, 4},
                                                        {4, 4, 1},
                                                        {2, 3, 4},
                                                        {3, 3, 1},
                                                        {2, 1, 2},
                                                        {4, 1, 4},
                                                        {2, 2, 1},
                                                        {3, 1, 3},
                                                        {1, 4, 4},
                                                        {0, 4, 0},
                                                        {1, 1, 1},
                                                        {3, 4, 2}}));
}

TEST(Split, EveryPairOnceWithCorrectLabelAndTokens) {
  for (auto op : {Operation::kAdd, Operation::kSub, Operation::kMul, Operation::kDiv}) {
    const TaskConfig config{97, op, 0.3, 1234};
    const Split split = make_split(config);
    EXPECT_EQ(split.train.size(), Task(config).train_count());
    EXPECT_EQ(split.train.size() + split.val.size(), Task(config).example_count());
    std::set<std::pair<int, int>> seen;
    for (const Dataset* data : {&split.train, &split.val}) {
      ASSERT_EQ(data->tokens.size(), 4u * data->size());
      ASSERT_EQ(data->a.size(), data->labels.size());
      ASSERT_EQ(data->b.size(), data->labels.size());
      for (int i = 0; i < data->size(); ++i) {
        const int a = data->a[i], b = data->b[i], c = data->labels[i];
        ASSERT_TRUE(seen.insert({a, b}).second) << "duplicate " << a << "," << b;
        ASSERT_TRUE(a >= 0 && a < 97 && b >= 0 && b < 97 && c >= 0 && c < 97);
        ASSERT_EQ(data->tokens[4 * i + 0], a);
        ASSERT_EQ(data->tokens[4 * i + 1], 97);
        ASSERT_EQ(data->tokens[4 * i + 2], b);
        ASSERT_EQ(data->tokens[4 * i + 3], 98);
        // Independent checks of each label.
        switch (op) {
          case Operation::kAdd:
            ASSERT_EQ(c, (a + b) % 97);
            break;
          case Operation::kSub:
            ASSERT_EQ((c + b) % 97, a);
            break;
          case Operation::kMul:
            ASSERT_EQ(c, a * b % 97);
            break;
          case Operation::kDiv:
            ASSERT_NE(b, 0);
            ASSERT_EQ(c * b % 97, a);
            break;
          default:
            FAIL() << "not a case of this test";
        }
      }
    }
    EXPECT_EQ(std::ssize(seen), Task(config).example_count());
  }
}

TEST(Split, DependsOnSeed) {
  const Split s0 = make_split({97, Operation::kAdd, 0.5, 0});
  const Split s1 = make_split({97, Operation::kAdd, 0.5, 1});
  EXPECT_NE(s0.train.labels, s1.train.labels);
  EXPECT_EQ(make_split({97, Operation::kAdd, 0.5, 0}).train.tokens, s0.train.tokens);
}

TEST(SplitCsv, HeaderThenTrainThenVal) {
  const Split split = make_split(TaskConfig{});
  std::ostringstream out;
  write_split_csv(split, out);
  const std::string text = out.str();
  const std::string head = "a,b,c,split\n89,95,4,train\n1,36,62,train\n36,54,33,train\n";
  EXPECT_EQ(text.substr(0, head.size()), head);
  std::istringstream lines(text);
  std::string line;
  int rows = 0, train_rows = 0;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  ASSERT_EQ(all.size(), 1u + 9312);
  for (std::size_t i = 1; i < all.size(); ++i) {
    ++rows;
    const bool is_train = all[i].ends_with(",train");
    ASSERT_TRUE(is_train || all[i].ends_with(",val")) << all[i];
    if (is_train) {
      ++train_rows;
      ASSERT_EQ(rows, train_rows) << "train rows must come first";
    }
  }
  EXPECT_EQ(train_rows, 4656);
  EXPECT_EQ(all[4657], "91,81,61,val");
  EXPECT_EQ(all[4658], "88,65,70,val");
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace grok
