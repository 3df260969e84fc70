#include "grokking/optim/adamw.h"

#include "grokking/optim/adam_update.h"

namespace grok {

AdamW::AdamW(const OptimizerConfig& config, const TensorLayout& params,
             std::vector<ParamGroup> groups)
    : Optimizer(config, params, std::move(groups)) {
  for (const TensorSpec& spec : params.tensors())
    mu_.push_back(add_state("adam.mu." + spec.name, spec.shape));
  for (const TensorSpec& spec : params.tensors())
    nu_.push_back(add_state("adam.nu." + spec.name, spec.shape));
  allocate_state();
}

void AdamW::update(float* params, const float* grads) {
  const double lr = scheduled_lr(config_, count_);
  const auto& specs = param_layout_.tensors();
  for (const ParamGroup& group : groups_) {
    const AdamStep s = make_adam_step(config_.beta1, config_.beta2, config_.eps, group.weight_decay,
                                      /*nesterov=*/false, lr * group.lr_multiplier, count_);
    for (const std::size_t i : group.tensors)
      adam_update(s, specs[i].size(), grads + specs[i].offset, state(mu_[i]), state(nu_[i]),
                  params + specs[i].offset, anchor(i));
  }
}

}  // namespace grok
