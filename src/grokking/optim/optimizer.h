// The optimizer interface the trainer drives: one update of a parameter arena from a gradient
// arena per step, with all state (moments, step count) exposed for checkpoints. The update
// rules are Optax's (REFERENCE.md §3): adamw.h and muon.h. Not gradient computation, clipping
// (the reference does none) or checkpoint files (checkpoint/).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "grokking/core/tensor.h"
#include "grokking/optim/optimizer_config.h"

namespace grok {

class Optimizer {
 public:
  virtual ~Optimizer();
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update at step t = count(): params -= ...; grads has the same TensorLayout as params
  // (each tensor at spec.offset of a params.total_size() arena). Increments count.
  virtual void step(float* params, const float* grads) = 0;

  // Number of steps taken (Optax's count); the next step uses scheduled_lr(config, count).
  int64_t count() const { return count_; }
  void set_count(int64_t count);

  // State for checkpoints: named float tensors in one zero-initialised arena
  // ("adam.mu.<param>", "adam.nu.<param>", "muon.mu.<param>"), plus count. Writing a saved
  // arena back and calling set_count reproduces the optimizer bit for bit.
  const TensorLayout& state_layout() const { return state_layout_; }
  float* state_data() { return state_.data(); }
  const float* state_data() const { return state_.data(); }

  const OptimizerConfig& config() const { return config_; }
  const TensorLayout& param_layout() const { return param_layout_; }

 protected:
  Optimizer(const OptimizerConfig& config, const TensorLayout& params);
  // Subclass constructors declare their state tensors, then allocate the arena once.
  std::size_t add_state(const std::string& name, const Shape& shape);
  void allocate_state();
  float* state(std::size_t index) { return state_.data() + state_layout_.at(index).offset; }

  OptimizerConfig config_;
  TensorLayout param_layout_;
  TensorLayout state_layout_;
  Buffer<float> state_;
  int64_t count_ = 0;
};

// Validates config (UsageError) and builds the optimizer it names over these parameters.
std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config,
                                          const TensorLayout& params);

}  // namespace grok
