#include "grokking/data/task_config.h"

#include "grokking/core/error.h"
#include "grokking/data/task.h"

namespace grok {

void TaskConfig::check(const std::string& prefix) const {
  if (operation == Operation::kDiv && !is_prime(p))
    throw UsageError(fmt::format(
        "{}p: {} is not prime; operation / needs a prime p (b^-1 = b^(p-2) mod p, Fermat)", prefix,
        p));
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
