#include "grokking/data/task.h"

#include <cmath>

#include "grokking/core/error.h"
#include "grokking/data/permutations.h"

namespace grok {

Task::Task(const TaskConfig& config, bool validated) : config_(config) {
  if (!validated) config_.validate();
}

int Task::symbol_count() const { return is_s5(config_.operation) ? kS5Order : config_.p; }

int Task::example_count() const {
  const int64_t n = example_count_of(config_);
  GROK_CHECK(n <= kMaxExamples, "{} examples", n);
  return static_cast<int>(n);
}

int Task::train_count() const {
  return static_cast<int>(
      std::floor(config_.train_fraction * static_cast<double>(example_count())));
}

int32_t Task::example(int index, int32_t* tokens, int32_t* operands) const {
  GROK_CHECK(index >= 0 && index < example_count(), "example {} of {}", index, example_count());
  const Operation op = config_.operation;
  const int n = symbol_count();
  if (operand_count() == 3) {
    const int a = index / (n * n), b = index / n % n, c = index % n;
    const int32_t row[6] = {a, n, b, n + 1, c, n + 2};
    std::copy(row, row + 6, tokens);
    operands[0] = a;
    operands[1] = b;
    operands[2] = c;
    return apply_operation(op, a, b, c, n);
  }
  const bool no_zero = excludes_zero_divisor(op);
  const int width = no_zero ? n - 1 : n;
  const int a = index / width, b = index % width + (no_zero ? 1 : 0);
  tokens[0] = a;
  tokens[1] = n;  // the operation token
  tokens[2] = b;
  tokens[3] = n + 1;  // "="
  operands[0] = a;
  operands[1] = b;
  switch (op) {
    case Operation::kS5:
      return s5_compose(a, b);
    case Operation::kS5Conjugate:
      return s5_compose(s5_compose(a, b), s5_inverse(a));
    case Operation::kS5Aba:
      return s5_compose(s5_compose(a, b), a);
    default:
      return apply_operation(op, a, b, n);
  }
}

}  // namespace grok
