// A task: the examples a model learns (each a row of seq_len() tokens and a label), the
// vocabulary and classes the model must have for them, and the structure analysis reads
// (the operation and modulus). Every other module takes these from here rather than assume
// them; apply_task_shape is the one place a model's shape follows its task.
//
// Today's one kind of task is a binary operation mod p (REFERENCE.md §1): the row
// [a, op, b, eq] with op token p and eq token p + 1, label c = a op b mod p, pairs a-major,
// b-minor, b = 0 left out for division. Not the split (dataset.h) nor the options
// (task_config.h). The model's shape from a task: model/model_config.h apply_task_shape.
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

  int seq_len() const { return 4; }                 // [a, op, b, eq]
  int vocab_size() const { return config_.p + 2; }  // numbers 0..p-1, op, eq
  // The head predicts over the whole vocabulary, as the reference does (labels are < p).
  int n_classes() const { return vocab_size(); }
  int operand_count() const { return 2; }

  // N examples, in enumeration order.
  int example_count() const;
  // floor(train_fraction · N), as the reference computes int(fraction * N).
  int train_count() const;
  // Example i < N: writes its seq_len() tokens and operand_count() operands; returns its label.
  int32_t example(int index, int32_t* tokens, int32_t* operands) const;

 private:
  TaskConfig config_;
};

}  // namespace grok
