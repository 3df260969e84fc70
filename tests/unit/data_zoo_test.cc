// The task zoo (data/operation.h, permutations.h, task.h): every operation's enumeration and
// labels against numbers from an independent Python enumeration (itertools and pow(y, -1, p),
// run outside the tree: the script is quoted in the comment of kGolden), and against brute
// force written differently here; label noise.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "grokking/core/error.h"
#include "grokking/data/dataset.h"
#include "grokking/data/permutations.h"
#include "grokking/data/split_csv.h"
#include "grokking/data/task.h"

namespace grok {
namespace {

struct Golden {
  const char* operation;
  int p;
  int64_t checksum;  // Σ (i + 1) · label_i mod 1e9+7 over the enumeration order
  std::array<int, 3> first, last;
};

// From a Python 3 script: labels = [f(x, y) for x in range(p) for y in range(p)]
// (three operands: for a, b, c in range(7)); S5 over perms = list(itertools.permutations(
// range(5))) with (s t)(i) = s[t[i]] and inv(s) = sorted(range(5), key=lambda i: s[i]); mix is
// x * pow(y, -1, p) % p if y % 2 == 1 else (x - y) % p.
constexpr Golden kGolden[] = {
    {"x2+y2", 11, 41316, {0, 1, 4}, {10, 5, 2}},
    {"x2+xy+y2", 11, 41316, {0, 1, 4}, {2, 7, 3}},
    {"x2+xy+y2+x", 11, 34738, {0, 1, 4}, {1, 6, 2}},
    {"x3+xy", 11, 36487, {0, 0, 0}, {2, 1, 0}},
    {"x3+xy2+y", 11, 37070, {0, 1, 2}, {9, 4, 8}},
    {"mix", 11, 39325, {0, 0, 9}, {2, 6, 0}},
    {"s5", 11, 169388358, {0, 1, 2}, {2, 1, 0}},
    {"s5conj", 11, 172274926, {0, 1, 2}, {113, 95, 119}},
    {"s5aba", 11, 172274926, {0, 1, 2}, {113, 95, 119}},
    {"(a+b)*c", 7, 152145, {0, 0, 0}, {6, 4, 2}},
    {"(a*b)+c", 7, 177184, {0, 1, 2}, {5, 6, 0}},
};

TaskConfig config_of(const std::string& operation, int p) {
  TaskConfig config;
  config.p = p;
  config.operation = parse_operation(operation);
  return config;
}

std::vector<int32_t> all_labels(const Task& task) { return make_dataset(task).labels; }

TEST(TaskZoo, LabelsMatchAnIndependentEnumeration) {
  for (const Golden& g : kGolden) {
    SCOPED_TRACE(g.operation);
    const std::vector<int32_t> labels = all_labels(Task(config_of(g.operation, g.p)));
    int64_t sum = 0;
    for (std::size_t i = 0; i < labels.size(); ++i)
      sum = (sum + static_cast<int64_t>(i + 1) * labels[i]) % 1'000'000'007;
    EXPECT_EQ(sum, g.checksum);
    const std::size_t n = labels.size();
    EXPECT_EQ((std::array<int, 3>{labels[0], labels[1], labels[2]}), g.first);
    EXPECT_EQ((std::array<int, 3>{labels[n - 3], labels[n - 2], labels[n - 1]}), g.last);
  }
  // The S5 checksums of conj and aba agree by coincidence; single labels tell them apart
  // (Python: index 1000 is 58, 49 and 66 for s5, s5conj, s5aba).
  EXPECT_EQ(all_labels(Task(config_of("s5", 5)))[1000], 58);
  EXPECT_EQ(all_labels(Task(config_of("s5conj", 5)))[1000], 49);
  EXPECT_EQ(all_labels(Task(config_of("s5aba", 5)))[1000], 66);
}

// Brute force, written as polynomials over int64 with a single final reduction.
TEST(TaskZoo, ModularPolynomialsAgreeWithDirectFormulas) {
  const int p = 13;
  for (const std::string op : {"x2+y2", "x2+xy+y2", "x2+xy+y2+x", "x3+xy", "x3+xy2+y", "mix"}) {
    SCOPED_TRACE(op);
    const Dataset data = make_dataset(Task(config_of(op, p)));
    ASSERT_EQ(data.size(), p * p);
    for (int i = 0; i < data.size(); ++i) {
      const int64_t x = data.a[i], y = data.b[i];
      ASSERT_EQ(x, i / p);
      ASSERT_EQ(y, i % p);
      int64_t want = 0;
      if (op == "x2+y2") want = x * x + y * y;
      if (op == "x2+xy+y2") want = x * x + x * y + y * y;
      if (op == "x2+xy+y2+x") want = x * x + x * y + y * y + x;
      if (op == "x3+xy") want = x * x * x + x * y;
      if (op == "x3+xy2+y") want = x * x * x + x * y * y + y;
      if (op == "mix" && y % 2 == 0) want = x - y + p;
      if (op == "mix" && y % 2 == 1) {  // the c with c·y = x mod p, by search
        for (int c = 0; c < p; ++c)
          if (c * y % p == x) want = c;
      }
      ASSERT_EQ(data.labels[i], want % p) << x << " " << y;
    }
  }
}

TEST(TaskZoo, S5PermutationsAreLexicographicAndComposeRightToLeft) {
  std::array<int, 5> sigma = {0, 1, 2, 3, 4};
  int index = 0;
  do {  // std::next_permutation walks the lexicographic order
    ASSERT_EQ(s5_index(sigma), index);
    ASSERT_EQ(s5_permutation(index), sigma);
    ++index;
  } while (std::next_permutation(sigma.begin(), sigma.end()));
  EXPECT_EQ(index, kS5Order);
  EXPECT_EQ(s5_permutation(1), (Permutation5{0, 1, 2, 4, 3}));
  EXPECT_EQ(s5_permutation(57), (Permutation5{2, 1, 3, 4, 0}));
  // (x·y)(i) = x(y(i)): a transposition after a 3-cycle.
  const int x = s5_index({1, 0, 2, 3, 4}), y = s5_index({1, 2, 0, 3, 4});
  EXPECT_EQ(s5_permutation(s5_compose(x, y)), (Permutation5{0, 2, 1, 3, 4}));
  for (int g = 0; g < kS5Order; ++g) {
    EXPECT_EQ(s5_compose(g, s5_inverse(g)), 0);
    EXPECT_EQ(s5_compose(0, g), g);
  }
}

TEST(TaskZoo, S5TasksIgnoreTheModulus) {
  for (const std::string op : {"s5", "s5conj", "s5aba"}) {
    const Task small(config_of(op, 2)), large(config_of(op, 97));
    EXPECT_EQ(small.example_count(), 14400);
    EXPECT_EQ(small.vocab_size(), 122);
    EXPECT_EQ(small.seq_len(), 4);
    EXPECT_EQ(make_dataset(small).tokens, make_dataset(large).tokens);
    EXPECT_EQ(all_labels(small), all_labels(large));
  }
}

TEST(TaskZoo, ThreeOperandRowsHaveSixTokens) {
  const Task task(config_of("(a+b)*c", 5));
  EXPECT_EQ(task.seq_len(), 6);
  EXPECT_EQ(task.vocab_size(), 8);  // 0..4, op1, op2, eq
  EXPECT_EQ(task.example_count(), 125);
  const Dataset data = make_dataset(task);
  // Row 38 = (1, 2, 3): [1, op1, 2, op2, 3, eq], (1 + 2)·3 = 9 = 4 mod 5.
  EXPECT_EQ(std::vector<int32_t>(data.tokens.begin() + 38 * 6, data.tokens.begin() + 39 * 6),
            (std::vector<int32_t>{1, 5, 2, 6, 3, 7}));
  EXPECT_EQ(data.labels[38], 4);
  EXPECT_EQ(data.c[38], 3);
  EXPECT_EQ(make_dataset(Task(config_of("(a*b)+c", 5))).labels[38], 0);  // 1·2 + 3 = 5
}

TEST(TaskZoo, ValidationNamesTheLimit) {
  EXPECT_THROW(Task(config_of("mix", 12)), UsageError);  // mix divides: p prime
  EXPECT_NO_THROW(Task(config_of("x2+y2", 12)));
  EXPECT_NO_THROW(Task(config_of("(a+b)*c", 256)));
  try {
    Task(config_of("(a*b)+c", 257));
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("p <= 256 for three operands"), std::string::npos);
  }
}

TEST(TaskZoo, CsvHeaders) {
  std::ostringstream two, three;
  write_split_csv(make_split(config_of("s5", 5)), two);
  write_split_csv(make_split(config_of("(a+b)*c", 3)), three);
  const std::string text = three.str();
  EXPECT_EQ(two.str().substr(0, two.str().find('\n')), "a,b,c,split");
  EXPECT_EQ(text.substr(0, text.find('\n')), "a,b,c,result,split");
  // One line per example and the header.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 27 + 1);
}

TEST(LabelNoise, ReplacesAFractionOfTrainingLabelsOnly) {
  TaskConfig config = config_of("+", 31);
  const Split clean = make_split(config);
  config.label_noise = 0.3;
  const Split noisy = make_split(config);
  EXPECT_EQ(noisy.train.true_labels, clean.train.labels);
  EXPECT_EQ(noisy.val.labels, clean.val.labels);
  EXPECT_EQ(noisy.train.tokens, clean.train.tokens);
  const int n = clean.train.size(), k = static_cast<int>(0.3 * n);
  int changed = 0;
  for (int i = 0; i < n; ++i) changed += noisy.train.labels[i] != clean.train.labels[i];
  // k rows get a uniform label, the true one with chance 1/31.
  EXPECT_LE(changed, k);
  EXPECT_GE(changed, k * 9 / 10);
  for (const int label : noisy.train.labels) ASSERT_TRUE(label >= 0 && label < 31);
  EXPECT_EQ(make_split(config).train.labels, noisy.train.labels);  // deterministic
  config.split_seed = 7;
  EXPECT_NE(make_split(config).train.true_labels.size(), 0u);
  std::ostringstream csv;
  write_split_csv(noisy, csv);
  EXPECT_EQ(csv.str().substr(0, csv.str().find('\n')), "a,b,c,split,true_c");
}

TEST(LabelNoise, AllLabelsReplacedAreUniform) {
  TaskConfig config = config_of("s5", 5);
  config.label_noise = 1.0;
  const Split noisy = make_split(config);
  std::vector<int> counts(kS5Order, 0);
  for (const int label : noisy.train.labels) ++counts[label];
  // 7200 draws over 120 symbols: 60 expected each, far from 0 or 200.
  EXPECT_GT(*std::min_element(counts.begin(), counts.end()), 25);
  EXPECT_LT(*std::max_element(counts.begin(), counts.end()), 100);
}

}  // namespace
}  // namespace grok
