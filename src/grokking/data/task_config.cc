#include "grokking/data/task_config.h"

#include "grokking/core/error.h"
#include "grokking/data/permutations.h"
#include "grokking/data/task.h"

namespace grok {

int64_t example_count_of(const TaskConfig& config) {
  const int64_t n = is_s5(config.operation) ? kS5Order : config.p;
  if (operand_count(config.operation) == 3) return n * n * n;
  return excludes_zero_divisor(config.operation) ? n * (n - 1) : n * n;
}

void TaskConfig::check(const std::string& prefix) const {
  if (needs_prime_modulus(operation) && !is_prime(p))
    throw UsageError(fmt::format(
        "{}p: {} is not prime; operation {} needs a prime p (b^-1 = b^(p-2) mod p, Fermat)", prefix,
        p, to_string(operation)));
  if (example_count_of(*this) > kMaxExamples)
    throw UsageError(fmt::format(
        "{}p: {} gives {} examples for operation {}; allowed: at most {} (p <= 256 for three "
        "operands)",
        prefix, p, example_count_of(*this), to_string(operation), kMaxExamples));
  const Task task(*this, /*validated=*/true);
  const int n = task.example_count(), n_train = task.train_count();
  if (n_train == 0 || n_train == n)
    throw UsageError(fmt::format(
        "{}train_fraction: {} leaves the {} set empty for p = {} and operation {} (floor({} * {}) "
        "= {} of {} pairs for training); use a fraction further from {} or a larger p",
        prefix, train_fraction, n_train == 0 ? "train" : "val", p, to_string(operation),
        train_fraction, n, n_train, n, n_train == 0 ? 0 : 1));
}

void TaskConfig::validate() const { validate_fields(*this); }

}  // namespace grok
