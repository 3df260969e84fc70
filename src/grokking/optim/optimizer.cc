#include "grokking/optim/optimizer.h"

#include "grokking/core/error.h"
#include "grokking/optim/adamw.h"
#include "grokking/optim/muon.h"

namespace grok {

Optimizer::Optimizer(const OptimizerConfig& config, const TensorLayout& params)
    : config_(config), param_layout_(params) {}

Optimizer::~Optimizer() = default;

void Optimizer::set_count(int64_t count) {
  GROK_CHECK(count >= 0, "optimizer step count {} is negative", count);
  count_ = count;
}

std::size_t Optimizer::add_state(const std::string& name, const Shape& shape) {
  GROK_CHECK(state_.empty(), "optimizer state added after allocation: {}", name);
  return state_layout_.add(name, shape);
}

void Optimizer::allocate_state() { state_.assign(state_layout_.total_size(), 0.0f); }

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config,
                                          const TensorLayout& params) {
  config.validate();
  if (config.type == "muon") return std::make_unique<Muon>(config, params);
  return std::make_unique<AdamW>(config, params);
}

}  // namespace grok
