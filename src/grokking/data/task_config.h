// The task's options: which modular operation, the modulus, the train fraction and the split's
// seed (REFERENCE.md §1), declared once (core/schema.h). The examples themselves are the
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
// The split reproduces NumPy's RandomState(seed), whose seed is 32-bit.
inline constexpr uint64_t kMaxSeed = UINT32_MAX;

struct TaskConfig {
  int p = 97;
  Operation operation = Operation::kDiv;
  double train_fraction = 0.5;
  uint64_t split_seed = 42;  // NumPy RandomState(split_seed).permutation splits the pairs

  template <typename V>
  void visit(V& v) {
    v(p, {.name = "p",
          .help = "modulus (prime for /)",
          .min = 2,
          .max = kMaxModulus,
          .allowed = "an integer in [2, 4096] (all p*p examples are held in memory and the "
                     "vocabulary p+2 sizes the embedding and output layers)"});
    v(operation, {.name = "operation", .help = "operation mod p: + - * /"});
    v(train_fraction, {.name = "train_fraction",
                       .help = "fraction of pairs used for training",
                       .min = 0,
                       .max = 1,
                       .min_open = true,
                       .max_open = true});
    // Set from the run's --seed and --split_seed (train_config.h), not a flag of its own here.
    v(split_seed, {.name = "split_seed",
                   .max = kMaxSeed,
                   .allowed = "an integer in [0, 4294967295] (NumPy's RandomState seed)",
                   .option = false});
  }
  // UsageError: p prime for "/", a non-empty train and val set.
  void check(const std::string& prefix) const;
  // Range checks and check(): UsageError naming the key, the value and what is allowed.
  void validate() const;

  bool operator==(const TaskConfig&) const = default;
};

}  // namespace grok
