#include "grokking/optim/optimizer.h"

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
      group_of_(group_of_tensors(groups_, params)) {}

Optimizer::~Optimizer() = default;

void Optimizer::step(float* params, float* grads) {
  for (auto& transform : transforms_) transform->apply(param_layout_, params, grads, count_);
  update(params, grads);
  ++count_;
}

void Optimizer::add_transform(std::unique_ptr<GradientTransform> transform) {
  transforms_.push_back(std::move(transform));
}

void Optimizer::set_decay_anchor(const float* initial) {
  anchor_.assign(initial, initial + param_layout_.total_size());
}

void Optimizer::set_count(int64_t count) {
  GROK_CHECK(count >= 0, "optimizer step count {} is negative", count);
  count_ = count;
}

std::vector<StateBlock> Optimizer::state_blocks() {
  std::vector<StateBlock> blocks = {{"", &state_layout_, state_.data()}};
  for (auto& t : transforms_)
    if (const TensorLayout* layout = t->state_layout())
      blocks.push_back({t->name() + ".", layout, t->state_data()});
  if (!anchor_.empty()) blocks.push_back({"decay_to_init.", &param_layout_, anchor_.data()});
  return blocks;
}

std::size_t Optimizer::add_state(const std::string& name, const Shape& shape) {
  GROK_CHECK(state_.empty(), "optimizer state added after allocation: {}", name);
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
  if (config.grokfast == Grokfast::kEma)
    optimizer->add_transform(
        std::make_unique<GrokfastEma>(params, config.grokfast_alpha, config.grokfast_lambda));
  if (config.grokfast == Grokfast::kMa)
    optimizer->add_transform(std::make_unique<GrokfastMa>(
        params, config.grokfast_window, config.grokfast_lambda, config.grokfast_filter == "sum"));
  if (config.orthogonal_grad) optimizer->add_transform(std::make_unique<OrthogonalGrad>());
  return optimizer;
}

}  // namespace grok
