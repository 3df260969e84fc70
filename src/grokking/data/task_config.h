// The task's options: which operation, the modulus, the train fraction, label noise and the
// split's seed (REFERENCE.md §1), declared once (core/schema.h). The examples themselves are the
// Task's (task.h). Not the model's shape (model/) nor the run's own seed (train/).
#pragma once

#include <cstdint>
#include <string>

#include "grokking/core/schema.h"
#include "grokking/data/operation.h"

namespace grok {

// Largest modulus accepted: all p*p examples are held in memory and the vocabulary p + 2
// sizes the embedding and the output layer; 4096 already gives 16.8 M examples.
inline constexpr int kMaxModulus = 4096;
// Largest example count (4096² pairs): three-operand tasks therefore take p <= 256.
inline constexpr int64_t kMaxExamples = int64_t{kMaxModulus} * kMaxModulus;
// The split reproduces NumPy's RandomState(seed), whose seed is 32-bit.
inline constexpr uint64_t kMaxSeed = UINT32_MAX;

struct TaskConfig {
  int p = 97;
  Operation operation = Operation::kDiv;
  double train_fraction = 0.5;
  uint64_t split_seed = 42;  // NumPy RandomState(split_seed).permutation splits the pairs
  double label_noise = 0;    // fraction of training labels replaced (dataset.h make_split)

  template <typename V>
  void visit(V& v) {
    v(p, {.name = "p",
          .help = "modulus (prime for /)",
          .min = 2,
          .max = kMaxModulus,
          .allowed = "an integer in [2, 4096] (all p*p examples are held in memory and the "
                     "vocabulary p+2 sizes the embedding and output layers)"});
    v(operation,
      {.name = "operation",
       .help = "mod p: + - * / x2+y2 x2+xy+y2 x2+xy+y2+x x3+xy x3+xy2+y mix (x/y if y is odd, "
               "else x-y); in S5 (--p ignored): s5 (x*y) s5conj (x*y*x^-1) s5aba (x*y*x); three "
               "operands mod p: (a+b)*c (a*b)+c"});
    v(train_fraction, {.name = "train_fraction",
                       .help = "fraction of pairs used for training",
                       .min = 0,
                       .max = 1,
                       .min_open = true,
                       .max_open = true});
    v(label_noise, {.name = "label_noise",
                    .help = "fraction of training labels replaced by uniformly drawn symbols "
                            "(the split CSV records the true ones)",
                    .min = 0,
                    .max = 1,
                    .json_unless = "0.0"});
    // Set from the run's --seed and --split_seed (train_config.h), not a flag of its own here.
    v(split_seed, {.name = "split_seed",
                   .max = kMaxSeed,
                   .allowed = "an integer in [0, 4294967295] (NumPy's RandomState seed)",
                   .option = false});
  }
  // UsageError: p prime for / and mix, at most kMaxExamples examples, a non-empty train and
  // val set.
  void check(const std::string& prefix) const;
  // Range checks and check(): UsageError naming the key, the value and what is allowed.
  void validate() const;

  bool operator==(const TaskConfig&) const = default;
};

// The task's example count N (without building it): p², p(p − 1) for /, 120² for S5, p³.
int64_t example_count_of(const TaskConfig& config);

}  // namespace grok
