// A task: the examples a model learns (each a row of seq_len() tokens and a label), the
// vocabulary and classes the model must have for them, and the structure analysis reads
// (the operation and modulus). Every other module takes these from here rather than assume
// them; apply_task_shape is the one place a model's shape follows its task.
//
// Three kinds of task (operation.h, REFERENCE.md §1):
//   a binary operation mod p: the row [a, op, b, eq] with op token p and eq token p + 1,
//     label c = a op b mod p, pairs a-major, b-minor, b = 0 left out for division;
//   S5 (s5, s5conj, s5aba; --p ignored): operands and labels are permutation numbers 0..119
//     (permutations.h), op token 120, eq token 121;
//   three operands mod p ((a+b)*c, (a*b)+c): the row [a, op1, b, op2, c, eq] (T = 6) with
//     tokens p, p + 1, p + 2, triples a-major then b then c.
// Not the split (dataset.h) nor the options (task_config.h). The model's shape from a task:
// model/model_config.h apply_task_shape.
#pragma once

#include <cstdint>
#include <vector>

#include "grokking/data/task_config.h"

namespace grok {

class Task {
 public:
  // Validates the config (UsageError) unless the caller already has.
  explicit Task(const TaskConfig& config, bool validated = false);

  const TaskConfig& config() const { return config_; }
  Operation operation() const { return config_.operation; }
  int modulus() const { return config_.p; }

  int seq_len() const { return 2 * operand_count(); }  // [a, op, b, eq] or 6 tokens
  // The operands' and results' values: p numbers, or S5's 120 permutations.
  int symbol_count() const;
  // Symbols, then op (op1, op2) and eq.
  int vocab_size() const { return symbol_count() + operand_count(); }
  // The head predicts over the whole vocabulary, as the reference does (labels are symbols).
  int n_classes() const { return vocab_size(); }
  int operand_count() const { return grok::operand_count(config_.operation); }

  // N examples, in enumeration order.
  int example_count() const;
  // floor(train_fraction · N), as the reference computes int(fraction * N).
  int train_count() const;
  // Example i < N: writes its seq_len() tokens and operand_count() operands; returns its
  // label (before label noise, which the split adds: dataset.h).
  int32_t example(int index, int32_t* tokens, int32_t* operands) const;

 private:
  TaskConfig config_;
};

}  // namespace grok
