// Operations, modular arithmetic and TaskConfig validation (REFERENCE.md §1).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "grokking/core/error.h"
#include "grokking/data/operation.h"
#include "grokking/data/task.h"
#include "grokking/data/task_config.h"

namespace grok {
namespace {

// The UsageError message thrown by f, or "" when nothing is thrown.
template <typename F>
std::string usage_error(F&& f) {
  try {
    f();
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code(), kExitUsage);
    return e.what();
  }
  return "";
}

TEST(Operation, ParsesSymbolsAndNames) {
  EXPECT_EQ(parse_operation("+"), Operation::kAdd);
  EXPECT_EQ(parse_operation("-"), Operation::kSub);
  EXPECT_EQ(parse_operation("*"), Operation::kMul);
  EXPECT_EQ(parse_operation("/"), Operation::kDiv);
  EXPECT_EQ(parse_operation("add"), Operation::kAdd);
  EXPECT_EQ(parse_operation("sub"), Operation::kSub);
  EXPECT_EQ(parse_operation("mul"), Operation::kMul);
  EXPECT_EQ(parse_operation("div"), Operation::kDiv);
  for (auto op : {Operation::kAdd, Operation::kSub, Operation::kMul, Operation::kDiv})
    EXPECT_EQ(parse_operation(to_string(op)), op);
  EXPECT_EQ(to_string(Operation::kDiv), "/");
}

TEST(Operation, RejectsUnknownWithMessage) {
  EXPECT_EQ(usage_error([] { parse_operation("%"); }),
            std::string("operation: '%' is not one of ") + operation_names());
  EXPECT_EQ(usage_error([] { parse_operation(""); }),
            std::string("operation: '' is not one of ") + operation_names());
  EXPECT_EQ(usage_error([] { parse_operation("Add"); }),
            std::string("operation: 'Add' is not one of ") + operation_names());
}

TEST(Arithmetic, IsPrime) {
  const int primes[] = {2, 3, 5, 7, 11, 13, 97, 101, 4093};
  for (int n : primes) EXPECT_TRUE(is_prime(n)) << n;
  const int composites[] = {-7, 0, 1, 4, 9, 91, 95, 4096, 4087 /* 61*67 */};
  for (int n : composites) EXPECT_FALSE(is_prime(n)) << n;
}

TEST(Arithmetic, ModPow) {
  EXPECT_EQ(mod_pow(2, 10, 1000), 24);
  EXPECT_EQ(mod_pow(3, 0, 7), 1);
  EXPECT_EQ(mod_pow(5, 3, 1), 0);
  EXPECT_EQ(mod_pow(-2, 3, 7), 6);  // -8 mod 7
  EXPECT_EQ(mod_pow(4095, 4094, 4096), 1);
  // Fermat: b^(p-1) = 1 mod p for every b != 0.
  for (int b = 1; b < 97; ++b) EXPECT_EQ(mod_pow(b, 96, 97), 1) << b;
}

TEST(Arithmetic, HandComputedExamples) {
  EXPECT_EQ(apply_operation(Operation::kAdd, 90, 9, 97), 2);
  EXPECT_EQ(apply_operation(Operation::kSub, 3, 5, 97), 95);
  EXPECT_EQ(apply_operation(Operation::kMul, 14, 42, 97), 6);  // 588 = 6*97 + 6
  EXPECT_EQ(apply_operation(Operation::kDiv, 1, 2, 97), 49);   // 2*49 = 98 = 1 mod 97
  EXPECT_EQ(apply_operation(Operation::kDiv, 0, 5, 97), 0);
}

TEST(Arithmetic, DivisionInvertsMultiplication) {
  for (int p : {2, 3, 7, 97}) {
    for (int a = 0; a < p; ++a) {
      for (int b = 1; b < p; ++b) {
        const int c = apply_operation(Operation::kDiv, a, b, p);
        ASSERT_GE(c, 0);
        ASSERT_LT(c, p);
        ASSERT_EQ(c * b % p, a) << a << " / " << b << " mod " << p;
        ASSERT_EQ(apply_operation(Operation::kSub, apply_operation(Operation::kAdd, a, b, p), b, p),
                  a);
      }
    }
  }
}

TEST(TaskConfig, DefaultsAndDerivedSizes) {
  const TaskConfig config;
  EXPECT_EQ(config.p, 97);
  EXPECT_EQ(config.operation, Operation::kDiv);
  EXPECT_EQ(config.train_fraction, 0.5);
  EXPECT_EQ(config.split_seed, 42u);
  EXPECT_NO_THROW(config.validate());
  const Task task(config);
  EXPECT_EQ(task.vocab_size(), 99);
  EXPECT_EQ(task.n_classes(), 99);
  EXPECT_EQ(task.seq_len(), 4);
  EXPECT_EQ(task.example_count(), 9312);
  EXPECT_EQ(task.train_count(), 4656);
  TaskConfig add = config;
  add.operation = Operation::kAdd;
  EXPECT_EQ(Task(add).example_count(), 9409);
  EXPECT_EQ(Task(add).train_count(), 4704);  // floor(4704.5)
  EXPECT_FALSE(add == config);
  // floor as Python's int(): 0.3 * 20 = 6.000000000000001 -> 6.
  EXPECT_EQ(Task({5, Operation::kDiv, 0.3, 7}).train_count(), 6);
}

TEST(TaskConfig, ValidateNamesKeyValueAndRule) {
  auto message = [](TaskConfig config) { return usage_error([&] { config.validate(); }); };
  const std::string p_range =
      "allowed: an integer in [2, 4096] (all p*p examples are held in memory and the "
      "vocabulary p+2 sizes the embedding and output layers)";
  EXPECT_EQ(message({1, Operation::kAdd, 0.5, 42}), "p: 1 is invalid; " + p_range);
  EXPECT_EQ(message({-3, Operation::kDiv, 0.5, 42}), "p: -3 is invalid; " + p_range);
  EXPECT_EQ(message({91, Operation::kDiv, 0.5, 42}),
            "p: 91 is not prime; operation / needs a prime p (b^-1 = b^(p-2) mod p, Fermat)");
  EXPECT_EQ(message({91, Operation::kMul, 0.5, 42}), "");  // composite is fine without /
  EXPECT_EQ(message({5000, Operation::kAdd, 0.5, 42}), "p: 5000 is invalid; " + p_range);
  EXPECT_EQ(message({4096, Operation::kAdd, 0.5, 42}), "");
  const std::string fraction = " is invalid; allowed: a number in (0, 1)";
  EXPECT_EQ(message({97, Operation::kDiv, 0.0, 42}), "train_fraction: 0" + fraction);
  EXPECT_EQ(message({97, Operation::kDiv, 1.5, 42}), "train_fraction: 1.5" + fraction);
  EXPECT_EQ(message({97, Operation::kDiv, 1.0, 42}), "train_fraction: 1" + fraction);
  EXPECT_NE(message({97, Operation::kDiv, std::nan(""), 42}).find("allowed: a number in (0, 1)"),
            std::string::npos);
  EXPECT_EQ(message({2, Operation::kAdd, 0.1, 42}),
            "train_fraction: 0.1 leaves the train set empty for p = 2 and operation + "
            "(floor(0.1 * 4) = 0 of 4 pairs for training); use a fraction further from 0 or a "
            "larger p");
  // An empty val set would need floor(f * N) = N with f < 1, which double rounding never
  // gives; validate() still checks it. The smallest task (p = 2, "/", N = 2) is valid.
  EXPECT_EQ(message({2, Operation::kDiv, 0.5, 42}), "");
  EXPECT_EQ(message({97, Operation::kDiv, 0.5, 4294967295u}), "");
  EXPECT_EQ(message({97, Operation::kDiv, 0.5, 4294967296u}),
            "split_seed: 4294967296 is invalid; allowed: an integer in [0, 4294967295] (NumPy's "
            "RandomState seed)");
}

// The task's examples (task.h): the [a, op, b, eq] rows, labels and operands, independently of
// make_dataset.
TEST(Task, ExamplesRowByRow) {
  const Task task({7, Operation::kDiv, 0.5, 1});
  ASSERT_EQ(task.example_count(), 42);
  int32_t tokens[4], operands[2];
  for (int i = 0; i < 42; ++i) {
    const int a = i / 6, b = i % 6 + 1;
    const int32_t label = task.example(i, tokens, operands);
    EXPECT_EQ(tokens[0], a);
    EXPECT_EQ(tokens[1], 7);
    EXPECT_EQ(tokens[2], b);
    EXPECT_EQ(tokens[3], 8);
    EXPECT_EQ(operands[0], a);
    EXPECT_EQ(operands[1], b);
    EXPECT_EQ((label * b) % 7, a) << a << " / " << b;  // c·b = a mod 7
  }
  EXPECT_THROW(task.example(42, tokens, operands), Error);
}

}  // namespace
}  // namespace grok
