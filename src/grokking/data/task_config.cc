#include "grokking/data/task_config.h"

#include <cmath>
#include <cstdint>

#include "grokking/core/error.h"

namespace grok {

int TaskConfig::pair_count() const { return operation == Operation::kDiv ? p * (p - 1) : p * p; }

int TaskConfig::train_count() const {
  return static_cast<int>(std::floor(train_fraction * static_cast<double>(pair_count())));
}

void TaskConfig::validate() const {
  if (p < 2) throw UsageError(fmt::format("p: {} is too small; p must be at least 2", p));
  if (p > kMaxModulus)
    throw UsageError(fmt::format(
        "p: {} is too large; p must be at most {} (all p*p examples are held in memory and "
        "the vocabulary p+2 sizes the embedding and output layers)",
        p, kMaxModulus));
  if (operation == Operation::kDiv && !is_prime(p))
    throw UsageError(fmt::format(
        "p: {} is not prime; operation / needs a prime p (b^-1 = b^(p-2) mod p, Fermat)", p));
  if (!(train_fraction > 0.0 && train_fraction < 1.0))
    throw UsageError(
        fmt::format("train_fraction: {} is outside (0, 1); use a fraction strictly between 0 and 1",
                    train_fraction));
  const int n = pair_count(), n_train = train_count();
  if (n_train == 0 || n_train == n)
    throw UsageError(fmt::format(
        "train_fraction: {} leaves the {} set empty for p = {} and operation {} (floor({} * {}) "
        "= {} of {} pairs for training); use a fraction further from {} or a larger p",
        train_fraction, n_train == 0 ? "train" : "val", p, to_string(operation), train_fraction, n,
        n_train, n, n_train == 0 ? 0 : 1));
  if (seed > UINT32_MAX)
    throw UsageError(fmt::format(
        "seed: {} is too large; the split reproduces NumPy's RandomState(seed), whose seed "
        "must be at most {}",
        seed, UINT32_MAX));
  if (split_seed < -1 || split_seed > static_cast<int64_t>(UINT32_MAX))
    throw UsageError(fmt::format(
        "split_seed: {} is invalid; use -1 (the split follows --seed) or a seed in [0, {}]",
        split_seed, UINT32_MAX));
}

}  // namespace grok
