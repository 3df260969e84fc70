#include "grokking/optim/adamw.h"

#include "grokking/optim/adam_update.h"

namespace grok {

AdamW::AdamW(const OptimizerConfig& config, const TensorLayout& params)
    : Optimizer(config, params) {
  for (const TensorSpec& spec : params.tensors())
    mu_.push_back(add_state("adam.mu." + spec.name, spec.shape));
  for (const TensorSpec& spec : params.tensors())
    nu_.push_back(add_state("adam.nu." + spec.name, spec.shape));
  allocate_state();
}

void AdamW::step(float* params, const float* grads) {
  const AdamStep s = make_adam_step(config_.beta1, config_.beta2, config_.eps, config_.weight_decay,
                                    /*nesterov=*/false, scheduled_lr(config_, count_), count_);
  const auto& specs = param_layout_.tensors();
  for (std::size_t i = 0; i < specs.size(); ++i)
    adam_update(s, specs[i].size(), grads + specs[i].offset, state(mu_[i]), state(nu_[i]),
                params + specs[i].offset);
  ++count_;
}

}  // namespace grok
