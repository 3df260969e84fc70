#include "grokking/optim/optimizer.h"

#include <algorithm>

#include "grokking/core/error.h"
#include "grokking/optim/adamw.h"
#include "grokking/optim/grokfast.h"
#include "grokking/optim/muon.h"
#include "grokking/optim/orthogonal_grad.h"

namespace grok {

Optimizer::Optimizer(const OptimizerConfig& config, const TensorLayout& params,
                     std::vector<ParamGroup> groups)
    : config_(config),
      param_layout_(params),
      groups_(groups.empty() ? single_group("all", params, config) : std::move(groups)),
      group_of_(group_of_tensors(groups_, params)),
      frozen_(params.tensors().size(), false),
      trainable_offset_(params.tensors().size(), 0),
      state_origin_(params.tensors().size(), 0) {
  for (std::size_t t = 0; t < frozen_.size(); ++t) {
    frozen_[t] = groups_[group_of_[t]].lr_multiplier == 0.0;
    any_frozen_ = any_frozen_ || frozen_[t];
  }
  if (!any_frozen_) {
    trainable_layout_ = params;
    for (std::size_t t = 0; t < frozen_.size(); ++t) trainable_offset_[t] = params.at(t).offset;
    return;
  }
  for (std::size_t t = 0; t < frozen_.size(); ++t)
    if (!frozen_[t])
      trainable_offset_[t] =
          trainable_layout_.at(trainable_layout_.add(params.at(t).name, params.at(t).shape)).offset;
  packed_params_.assign(trainable_layout_.total_size(), 0.0f);
  packed_grads_.assign(trainable_layout_.total_size(), 0.0f);
}

Optimizer::~Optimizer() = default;

void Optimizer::step(float* params, float* grads) {
  const int64_t step_in_stage = count_ - schedule_origin_;  // transforms restart with the schedule
  if (!any_frozen_) {
    for (auto& transform : transforms_)
      transform->apply(param_layout_, params, grads, step_in_stage);
  } else if (!transforms_.empty()) {
    // The transforms see the trainable tensors alone, packed; their gradients are copied back.
    const auto copy = [&](bool pack) {
      for (std::size_t t = 0; t < frozen_.size(); ++t) {
        if (frozen_[t]) continue;
        const TensorSpec& spec = param_layout_.at(t);
        float* packed_g = packed_grads_.data() + trainable_offset_[t];
        if (pack) {
          std::copy_n(params + spec.offset, spec.size(),
                      packed_params_.data() + trainable_offset_[t]);
          std::copy_n(grads + spec.offset, spec.size(), packed_g);
        } else {
          std::copy_n(packed_g, spec.size(), grads + spec.offset);
        }
      }
    };
    copy(true);
    for (auto& transform : transforms_)
      transform->apply(trainable_layout_, packed_params_.data(), packed_grads_.data(),
                       step_in_stage);
    copy(false);
  }
  update(params, grads);
  ++count_;
}

void Optimizer::add_transform(std::unique_ptr<GradientTransform> transform) {
  transforms_.push_back(std::move(transform));
}

void Optimizer::set_decay_anchor(const float* initial) {
  anchor_.assign(trainable_layout_.total_size(), 0.0f);
  for (std::size_t t = 0; t < frozen_.size(); ++t)
    if (!frozen_[t])
      std::copy_n(initial + param_layout_.at(t).offset, param_layout_.at(t).size(),
                  anchor_.data() + trainable_offset_[t]);
}

void Optimizer::set_count(int64_t count) {
  GROK_CHECK(count >= 0, "optimizer step count {} is negative", count);
  count_ = count;
}

void Optimizer::set_origins(int64_t schedule_origin, std::vector<int64_t> state_origin) {
  GROK_CHECK(state_origin.size() == state_origin_.size(), "{} state origins for {} tensors",
             state_origin.size(), state_origin_.size());
  schedule_origin_ = schedule_origin;
  state_origin_ = std::move(state_origin);
}

std::vector<StateBlock> Optimizer::state_blocks() {
  std::vector<StateBlock> blocks = {{"", &state_layout_, state_.data()}};
  for (auto& t : transforms_)
    if (const TensorLayout* layout = t->state_layout())
      blocks.push_back({t->name() + ".", layout, t->state_data()});
  if (!anchor_.empty()) blocks.push_back({"decay_to_init.", &trainable_layout_, anchor_.data()});
  return blocks;
}

std::size_t Optimizer::add_state(const std::string& name, const Shape& shape, std::size_t tensor) {
  GROK_CHECK(state_.empty(), "optimizer state added after allocation: {}", name);
  state_param_.push_back(tensor);
  return state_layout_.add(name, shape);
}

void Optimizer::allocate_state() { state_.assign(state_layout_.total_size(), 0.0f); }

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, const TensorLayout& params,
                                          std::vector<ParamGroup> groups) {
  config.validate();
  std::unique_ptr<Optimizer> optimizer;
  if (config.type == "muon")
    optimizer = std::make_unique<Muon>(config, params, std::move(groups));
  else
    optimizer = std::make_unique<AdamW>(config, params, std::move(groups));
  const TensorLayout& trainable = optimizer->trainable_layout();
  if (config.grokfast == Grokfast::kEma)
    optimizer->add_transform(
        std::make_unique<GrokfastEma>(trainable, config.grokfast_alpha, config.grokfast_lambda));
  if (config.grokfast == Grokfast::kMa)
    optimizer->add_transform(std::make_unique<GrokfastMa>(trainable, config.grokfast_window,
                                                          config.grokfast_lambda,
                                                          config.grokfast_filter == "sum"));
  if (config.orthogonal_grad) optimizer->add_transform(std::make_unique<OrthogonalGrad>());
  return optimizer;
}

}  // namespace grok
