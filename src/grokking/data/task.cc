#include "grokking/data/task.h"

#include <cmath>

#include "grokking/core/error.h"

namespace grok {

Task::Task(const TaskConfig& config, bool validated) : config_(config) {
  if (!validated) config_.validate();
}

int Task::example_count() const {
  const int p = config_.p;
  return excludes_zero_divisor(config_.operation) ? p * (p - 1) : p * p;
}

int Task::train_count() const {
  return static_cast<int>(
      std::floor(config_.train_fraction * static_cast<double>(example_count())));
}

int32_t Task::example(int index, int32_t* tokens, int32_t* operands) const {
  const int p = config_.p;
  const bool no_zero = excludes_zero_divisor(config_.operation);
  const int width = no_zero ? p - 1 : p;
  GROK_CHECK(index >= 0 && index < example_count(), "example {} of {}", index, example_count());
  const int a = index / width, b = index % width + (no_zero ? 1 : 0);
  tokens[0] = a;
  tokens[1] = p;  // the operation token
  tokens[2] = b;
  tokens[3] = p + 1;  // "="
  operands[0] = a;
  operands[1] = b;
  return apply_operation(config_.operation, a, b, p);
}

}  // namespace grok
