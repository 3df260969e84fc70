// The task: which modular operation, modulus, train fraction and split seed (REFERENCE.md §1).
// Not the model's shape (model/model_config.h) nor training hyperparameters (train/).
#pragma once

#include <cstdint>

#include "grokking/data/operation.h"

namespace grok {

// Largest modulus accepted: all p*p examples are held in memory and the vocabulary p + 2
// sizes the embedding and the output layer; 4096 already gives 16.8 M examples.
inline constexpr int kMaxModulus = 4096;

struct TaskConfig {
  int p = 97;
  Operation operation = Operation::kDiv;
  double train_fraction = 0.5;
  uint64_t seed = 42;  // also seeds NumPy's RandomState for the split, so at most 2^32 - 1
  // The split's own seed when it must differ from `seed` (e.g. a from-scratch control paired
  // with a given teacher's split); -1: the split uses `seed`.
  int64_t split_seed = -1;
  uint64_t effective_split_seed() const {
    return split_seed >= 0 ? static_cast<uint64_t>(split_seed) : seed;
  }

  // Throws UsageError naming the key, the value and what is allowed: 2 <= p <= kMaxModulus,
  // p prime for "/", train_fraction in (0, 1), a non-empty train and val set, seed < 2^32.
  void validate() const;

  int vocab_size() const { return p + 2; }  // numbers 0..p-1, op token p, eq token p+1
  int op_token() const { return p; }
  int eq_token() const { return p + 1; }
  // N: p*(p-1) for "/" (b = 0 excluded), p*p otherwise.
  int pair_count() const;
  // floor(train_fraction * N), as the reference computes int(fraction * N).
  int train_count() const;

  bool operator==(const TaskConfig&) const = default;
};

}  // namespace grok
