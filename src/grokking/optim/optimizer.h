// The optimizer the trainer drives, a chain over one parameter arena: first the gradient
// transforms (gradient_transform.h), in order, then the update rule of each parameter group
// (param_group.h: its own learning-rate multiplier and weight decay). Tensors of a group with
// lr_multiplier 0 are frozen: they get no state of any kind (update rule, transforms, decay
// anchor), the transforms see only the other tensors, and their weights are not touched. All
// state (moments,
// transforms' state, the step count) is exposed for checkpoints. The update rules are Optax's
// (REFERENCE.md §3): adamw.h and muon.h. Not gradient computation or checkpoint files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grokking/core/tensor.h"
#include "grokking/optim/gradient_transform.h"
#include "grokking/optim/optimizer_config.h"
#include "grokking/optim/param_group.h"

namespace grok {

// Named state tensors in one arena, saved with the prefix (tensor names prefix + name).
struct StateBlock {
  std::string prefix;
  const TensorLayout* layout;
  float* data;
};

class Optimizer {
 public:
  virtual ~Optimizer();
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One step at t = count(): the transforms rewrite grads, then every group's tensors are
  // updated; grads has the parameters' layout. Increments count.
  void step(float* params, float* grads);
  void add_transform(std::unique_ptr<GradientTransform> transform);
  // Weight decay towards these values (the initial weights, parameter layout) instead of zero:
  // the decay term wd·θ becomes wd·(θ − θ₀). θ₀ is copied and checkpointed as state
  // ("decay_to_init.<param>").
  void set_decay_anchor(const float* initial);

  // Number of steps taken (Optax's count); the next step uses current_lr().
  int64_t count() const { return count_; }
  void set_count(int64_t count);

  // Multi-stage runs (train/stage_plan.h): the learning-rate schedule (and the transforms' step)
  // counts from schedule_origin, the first step of the current stage, and the update-rule state
  // of parameter tensor i from state_origin[i], the step its moments were last zeroed (bias
  // corrections use count − origin). Both 0 by default: one schedule, one age for all state.
  // Not checkpointed: the stage plan derives them.
  void set_origins(int64_t schedule_origin, std::vector<int64_t> state_origin);
  int64_t schedule_origin() const { return schedule_origin_; }
  int64_t state_origin(std::size_t tensor) const { return state_origin_[tensor]; }
  // η of the next step: scheduled_lr(config, count − schedule_origin).
  double current_lr() const { return scheduled_lr(config_, count_ - schedule_origin_); }

  // The update rule's state: named float tensors in one zero-initialised arena
  // ("adam.mu.<param>", "adam.nu.<param>", "muon.mu.<param>").
  const TensorLayout& state_layout() const { return state_layout_; }
  float* state_data() { return state_.data(); }
  const float* state_data() const { return state_.data(); }
  // The parameter tensor whose state is state_layout() entry i.
  std::size_t state_param(std::size_t i) const { return state_param_[i]; }
  // Every state to checkpoint: the update's (prefix "") and each transform's
  // (prefix name() + "."). Writing saved values back and calling set_count reproduces the
  // optimizer bit for bit.
  std::vector<StateBlock> state_blocks();

  const OptimizerConfig& config() const { return config_; }
  const TensorLayout& param_layout() const { return param_layout_; }
  const std::vector<ParamGroup>& groups() const { return groups_; }
  // The group of parameter tensor i.
  const ParamGroup& group_of(std::size_t tensor) const { return groups_[group_of_[tensor]]; }
  // Per tensor of the parameter layout: true if its group has lr_multiplier 0.
  const std::vector<bool>& frozen() const { return frozen_; }
  bool any_frozen() const { return any_frozen_; }
  // The tensors that are not frozen, packed (the layout transforms and the anchor use); the
  // parameter layout itself when none is frozen.
  const TensorLayout& trainable_layout() const { return trainable_layout_; }

 protected:
  Optimizer(const OptimizerConfig& config, const TensorLayout& params,
            std::vector<ParamGroup> groups);
  // The update of every group's tensors at step count_ (grads already transformed).
  virtual void update(float* params, const float* grads) = 0;
  // Subclass constructors declare their state tensors (each of parameter tensor `tensor`), then
  // allocate the arena once.
  std::size_t add_state(const std::string& name, const Shape& shape, std::size_t tensor);
  void allocate_state();
  float* state(std::size_t index) { return state_.data() + state_layout_.at(index).offset; }
  // θ₀ of parameter tensor i (not frozen) for decay towards it, or null (decay towards zero).
  const float* anchor(std::size_t tensor) const {
    return anchor_.empty() ? nullptr : anchor_.data() + trainable_offset_[tensor];
  }
  bool is_frozen(std::size_t tensor) const { return frozen_[tensor]; }
  // Steps taken by tensor i's update-rule state (Optax's count for its bias corrections).
  int64_t state_count(std::size_t tensor) const { return count_ - state_origin_[tensor]; }

  OptimizerConfig config_;
  TensorLayout param_layout_;
  std::vector<ParamGroup> groups_;
  std::vector<std::size_t> group_of_;
  std::vector<bool> frozen_;
  bool any_frozen_ = false;
  TensorLayout trainable_layout_;
  std::vector<std::size_t> trainable_offset_;   // per tensor: its offset there (frozen: unused)
  Buffer<float> packed_params_, packed_grads_;  // with frozen tensors: the transforms' view
  TensorLayout state_layout_;
  Buffer<float> state_;
  std::vector<std::size_t> state_param_;  // per state tensor: its parameter tensor
  int64_t count_ = 0;
  int64_t schedule_origin_ = 0;
  std::vector<int64_t> state_origin_;  // per parameter tensor
  std::vector<std::unique_ptr<GradientTransform>> transforms_;
  Buffer<float> anchor_;  // empty, or θ₀ in the trainable layout
};

// Validates config (UsageError) and builds the optimizer it names over these parameters, one
// group holding every tensor unless groups are given, with the gradient transforms the config
// asks for: Grokfast (grokfast.h), then ⊥Grad (orthogonal_grad.h). decay_to init is the
// caller's to set (set_decay_anchor, once the initial weights exist).
std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, const TensorLayout& params,
                                          std::vector<ParamGroup> groups = {});

}  // namespace grok
