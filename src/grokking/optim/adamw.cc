#include "grokking/optim/adamw.h"

#include "grokking/optim/adam_update.h"

namespace grok {

AdamW::AdamW(const OptimizerConfig& config, const TensorLayout& params,
             std::vector<ParamGroup> groups)
    : Optimizer(config, params, std::move(groups)) {
  // Frozen tensors get no moments (their slot is never read).
  const auto& specs = params.tensors();
  for (std::size_t i = 0; i < specs.size(); ++i)
    mu_.push_back(is_frozen(i) ? 0 : add_state("adam.mu." + specs[i].name, specs[i].shape, i));
  for (std::size_t i = 0; i < specs.size(); ++i)
    nu_.push_back(is_frozen(i) ? 0 : add_state("adam.nu." + specs[i].name, specs[i].shape, i));
  allocate_state();
}

void AdamW::update(float* params, const float* grads) {
  const double lr = current_lr();
  const auto& specs = param_layout_.tensors();
  for (const ParamGroup& group : groups_) {
    if (group.lr_multiplier == 0.0) continue;  // frozen
    for (const std::size_t i : group.tensors) {
      // Each tensor's own count: a multi-stage run may have zeroed some moments later.
      const AdamStep s =
          make_adam_step(config_.beta1, config_.beta2, config_.eps, group.weight_decay,
                         /*nesterov=*/false, lr * group.lr_multiplier, state_count(i));
      adam_update(s, specs[i].size(), grads + specs[i].offset, state(mu_[i]), state(nu_[i]),
                  params + specs[i].offset, anchor(i));
    }
  }
}

}  // namespace grok
